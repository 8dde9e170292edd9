// `drctl access show|grant|revoke|push|token`: the access policy the store keeps. Reading your
// own roles needs nothing; changing the policy (or reading all of it) needs policy-write on "*",
// and each change is recorded in the audit log. writePolicy (access/) refuses a change that would
// take policy-write from the one making it. Changes are read-modify-write: of two admins
// changing the policy at the same moment, the later write wins.
import { UserError } from '../diag/index.js';
import {
  ALL_WORKSPACES,
  BUILTIN_ROLES,
  isUserName,
  newToken,
  parsePolicy,
  PERMISSIONS,
  PolicyError,
  POLICY_VERSION,
  roleOf,
  serializePolicy,
  writePolicy,
  type Identity,
  type Permission,
  type Policy,
} from '../access/index.js';
import { checkWorkspaceName } from '../state/index.js';
import type { StateLocationInput } from './state-location.js';
import { withLocatedWorkspace, type OpenWorkspace, type StorageNotFound } from './workspace.js';

type Located<T> = Promise<{ readonly value: T } | StorageNotFound>;

export interface AccessView {
  readonly identity: Identity;
  readonly workspace: string;
  /** Whether a policy is stored (without one, everything is allowed). */
  readonly hasPolicy: boolean;
  /** Your roles in the current workspace (with "*"), and what they allow there. */
  readonly roles: readonly string[];
  readonly permissions: readonly Permission[];
  /** The whole policy document, when you may change it (policy-write). */
  readonly document?: string;
}

export function showAccessService(input: StateLocationInput): Located<AccessView> {
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    const { policy, identity } = ws.access;
    const grants = policy && Object.hasOwn(policy.users, identity.name) ? policy.users[identity.name].grants : {};
    const roles = [...new Set([...(grants[ALL_WORKSPACES] ?? []), ...(grants[ws.name] ?? [])])];
    return {
      identity,
      workspace: ws.name,
      hasPolicy: policy !== null,
      roles,
      permissions: PERMISSIONS.filter((p) => ws.access.check(p, ws.name).allowed),
      document: policy && ws.access.check('policy-write', ALL_WORKSPACES).allowed ? serializePolicy(policy) : undefined,
    };
  });
}

export interface GrantRequest {
  readonly user: string;
  readonly role: string;
  /** A workspace name or "*"; default: the current workspace. */
  readonly workspace?: string;
}

export function grantAccessService(input: StateLocationInput, req: GrantRequest): Located<{ readonly workspace: string; readonly changed: boolean }> {
  return changePolicy<{ readonly workspace: string; readonly changed: boolean }>(input, 'access grant', (policy, ws) => {
    const workspace = grantWorkspace(req.workspace, ws);
    checkUser(req.user);
    if (!roleOf(policy, req.role)) {
      throw new UserError(`There is no role "${req.role}".`, [`Roles: ${[...Object.keys(BUILTIN_ROLES), ...Object.keys(policy.roles)].join(', ')}.`]);
    }
    const user = policy.users[req.user] ?? { grants: {}, tokens: [] };
    const current = user.grants[workspace] ?? [];
    if (current.includes(req.role)) return { value: { workspace, changed: false } };
    const next = withUser(policy, req.user, { ...user, grants: { ...user.grants, [workspace]: [...current, req.role] } });
    return { next, value: { workspace, changed: true }, detail: `grant ${req.role} to ${req.user} in ${workspace}` };
  });
}

export function revokeAccessService(input: StateLocationInput, req: GrantRequest): Located<{ readonly workspace: string }> {
  return changePolicy(input, 'access revoke', (policy, ws) => {
    const workspace = grantWorkspace(req.workspace, ws);
    const user = Object.hasOwn(policy.users, req.user) ? policy.users[req.user] : undefined;
    const current = user?.grants[workspace] ?? [];
    if (!user || !current.includes(req.role)) {
      throw new UserError(
        `"${req.user}" has no role "${req.role}" in ${workspace === ALL_WORKSPACES ? 'every workspace ("*")' : `workspace "${workspace}"`}; nothing to revoke.`,
        ['drctl access show -json prints the policy.'],
      );
    }
    const grants: Record<string, readonly string[]> = { ...user.grants, [workspace]: current.filter((r) => r !== req.role) };
    if (grants[workspace].length === 0) delete grants[workspace];
    return { next: withUser(policy, req.user, { ...user, grants }), value: { workspace }, detail: `revoke ${req.role} from ${req.user} in ${workspace}` };
  });
}

/** Replaces the policy with a document (custom roles, require_token, tokens), checked strictly first. */
export function pushPolicyService(input: StateLocationInput, text: string, source: string): Located<{ readonly users: number }> {
  let next: Policy;
  try {
    next = parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw new UserError(`${source}: ${err.message}`, ['Fix the document; drctl access show -json prints the current one.']);
    throw err;
  }
  return changePolicy(input, 'access push', () => ({
    next,
    value: { users: Object.keys(next.users).length },
    detail: `${Object.keys(next.users).length} users`,
  }));
}

/**
 * A new token for `user`: its hash goes into the policy, the token itself only to the caller
 * (printed once, never stored). A user the policy does not list yet is added without grants.
 */
export function newTokenService(input: StateLocationInput, userName: string): Located<{ readonly token: string }> {
  return changePolicy(input, 'access token', (policy) => {
    checkUser(userName);
    const { token, hash } = newToken();
    const user = policy.users[userName] ?? { grants: {}, tokens: [] };
    return { next: withUser(policy, userName, { ...user, tokens: [...user.tokens, hash] }), value: { token }, detail: `new token for ${userName}` };
  });
}

type Change<T> = { readonly value: T; readonly next?: undefined } | { readonly value: T; readonly next: Policy; readonly detail: string };

/** Checks policy-write (recording a denial), works out the new policy, and writes it (recorded). */
function changePolicy<T>(input: StateLocationInput, action: string, change: (current: Policy, ws: OpenWorkspace) => Change<T>): Located<T> {
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['policy-write'], action, ALL_WORKSPACES);
    const current = ws.access.policy;
    const c = change(current ?? { version: POLICY_VERSION, requireToken: false, roles: {}, users: {} }, ws);
    if (c.next === undefined) return c.value;
    const next = c.next;
    // Through the document's own check, so nothing is written that could not be read back.
    parsePolicy(serializePolicy(next));
    await ws.record(
      action,
      () => writePolicy(ws.store, next, ws.identity, current),
      () => ({ outcome: 'ok', detail: c.detail }),
      ALL_WORKSPACES,
    );
    return c.value;
  });
}

function grantWorkspace(given: string | undefined, ws: OpenWorkspace): string {
  const workspace = given ?? ws.name;
  return workspace === ALL_WORKSPACES ? workspace : checkWorkspaceName(workspace);
}

function checkUser(name: string): void {
  if (!isUserName(name)) throw new UserError(`"${name}" is not a user name: letters, digits, ".", "_", "@" and "-", starting with a letter or digit.`);
}

function withUser(policy: Policy, name: string, user: Policy['users'][string]): Policy {
  return { ...policy, users: { ...policy.users, [name]: user } };
}
