// The access decision: may this identity use this permission in this workspace? Without a
// policy the answer is always yes (drctl before access control, and a single user's laptop).
// With one, a user gets what the roles granted to them for that workspace and for "*" allow,
// and nothing else; a denial names the permission that is missing.

import { UserError } from '../diag/errors.js';
import type { Identity } from './identity.js';
import type { Permission } from './permissions.js';
import { ALL_WORKSPACES, roleOf, type Policy } from './policy.js';

export type Decision =
  | {
      readonly allowed: true;
      /** Why: "no access policy", or the role that grants it. */
      readonly reason: string;
    }
  | {
      readonly allowed: false;
      readonly permission: Permission;
      readonly workspace: string;
      readonly identity: Identity;
      /** Roles the user has in that workspace (with "*"), none of which grants the permission. */
      readonly roles: readonly string[];
      readonly message: string;
      readonly nextSteps: readonly string[];
    };

/** A denial as an error the user can act on (exit 1, with what to do). */
export class AccessDeniedError extends UserError {
  constructor(readonly decision: Extract<Decision, { allowed: false }>) {
    super(decision.message, decision.nextSteps);
  }
}

export function check(policy: Policy | null, identity: Identity, permission: Permission, workspace: string): Decision {
  if (policy === null) return { allowed: true, reason: 'no access policy: everything is allowed' };
  const who = identity.name;
  const deny = (message: string, roles: readonly string[], nextSteps: readonly string[]): Decision => ({
    allowed: false,
    permission,
    workspace,
    identity,
    roles,
    message,
    nextSteps,
  });
  const scope = workspace === ALL_WORKSPACES ? 'every workspace' : `workspace "${workspace}"`;
  if (policy.requireToken && identity.source !== 'token') {
    return deny(
      `Permission "${permission}" denied in ${scope}: the access policy requires a token, and "${who}" is only named by ${identity.source === 'env' ? 'DRCTL_USER' : 'the operating-system user'}.`,
      [],
      ['Set DRCTL_TOKEN_FILE to the file holding your token (an admin lists its hash in the policy).'],
    );
  }
  const user = Object.hasOwn(policy.users, who) ? policy.users[who] : undefined;
  if (!user) {
    return deny(
      `Permission "${permission}" denied in ${scope}: "${who}" is not a user of the access policy.`,
      [],
      [`Ask an admin to grant "${who}" a role with "${permission}".`],
    );
  }
  // "*" grants count everywhere; a grant for one workspace never counts for another, nor for "*".
  const roles = [...new Set([...(user.grants[ALL_WORKSPACES] ?? []), ...(workspace === ALL_WORKSPACES ? [] : (user.grants[workspace] ?? []))])];
  for (const role of roles) {
    if (roleOf(policy, role)?.includes(permission))
      return { allowed: true, reason: `role "${role}"${user.grants[workspace]?.includes(role) ? ` in workspace "${workspace}"` : ' in every workspace'}` };
  }
  return deny(
    roles.length === 0
      ? `Permission "${permission}" denied: "${who}" has no access to ${scope}.`
      : `Permission "${permission}" denied in ${scope}: "${who}" has the role${roles.length === 1 ? '' : 's'} ${roles.map((r) => `"${r}"`).join(', ')} there, and none grants "${permission}".`,
    roles,
    [`Ask an admin to grant "${who}" a role with "${permission}" in ${scope}.`],
  );
}

/** Throws AccessDeniedError unless allowed. */
export function assertAllowed(policy: Policy | null, identity: Identity, permission: Permission, workspace: string): void {
  const decision = check(policy, identity, permission, workspace);
  if (!decision.allowed) throw new AccessDeniedError(decision);
}

/** The workspaces among `names` the identity may read (tenant isolation in listings). */
export function readableWorkspaces(policy: Policy | null, identity: Identity, names: readonly string[]): readonly string[] {
  return names.filter((ws) => check(policy, identity, 'state-read', ws).allowed);
}
