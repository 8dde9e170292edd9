// The access policy kept by the state store (its "policy" document), read once per run. A
// policy that cannot be read or checked denies everything: a damaged policy must never turn
// into "no policy, everything allowed".

import { UserError } from '../diag/errors.js';
import { EncryptionError, isEncrypted } from '../state/encryption.js';
import type { StateStore } from '../state/store.js';
import { assertAllowed, check, type Decision } from './check.js';
import { resolveIdentity, type Identity, type IdentityInput } from './identity.js';
import type { Permission } from './permissions.js';
import { ALL_WORKSPACES, parsePolicy, PolicyError, serializePolicy, type Policy } from './policy.js';

/** The stored policy is there but unusable; every permission is denied until it is repaired. */
export class PolicyUnusableError extends UserError {
  constructor(location: string, problem: string) {
    super(`The access policy in ${location} cannot be used: ${problem}. Until it is repaired, drctl denies everything.`, [
      'Someone with direct access to the store can restore the previous version (drctl.policy.json.backup beside local state; the "policy" row of the documents table in PostgreSQL).',
    ]);
  }
}

/** The stored policy, or null when there is none (then everything is allowed). */
export async function readPolicy(store: StateStore): Promise<Policy | null> {
  let bytes: Uint8Array | null;
  try {
    bytes = await store.readDocument('policy');
  } catch (err) {
    if (err instanceof EncryptionError) throw new PolicyUnusableError(store.location, `${err.summary}`);
    throw err;
  }
  if (bytes === null) return null;
  if (isEncrypted(bytes))
    throw new PolicyUnusableError(
      store.location,
      'it is encrypted, and no encryption key is configured (the encryption block of the drctl settings, or DRCTL_ENCRYPTION)',
    );
  try {
    return parsePolicy(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyUnusableError(store.location, err.message);
    if (err instanceof TypeError) throw new PolicyUnusableError(store.location, 'it is not UTF-8 text');
    throw err;
  }
}

/**
 * Replaces the policy. The actor needs policy-write (on "*") under the current policy (anyone
 * may write the first one), and must keep it under the new one, so no change locks every
 * admin out.
 */
export async function writePolicy(store: StateStore, next: Policy, actor: Identity, current: Policy | null): Promise<void> {
  assertAllowed(current, actor, 'policy-write', ALL_WORKSPACES);
  const after = check(next, actor, 'policy-write', ALL_WORKSPACES);
  if (!after.allowed) {
    throw new UserError(
      `The new policy would take "policy-write" away from "${actor.name}", who is writing it, so nobody might be able to change it again: ${after.message}`,
      [
        `Keep a grant of "admin" (or a role with "policy-write") on "*" for "${actor.name}"${next.requireToken && actor.source !== 'token' ? ', and write it with your token (DRCTL_TOKEN_FILE), since it requires one' : ''}.`,
      ],
    );
  }
  await store.writeDocument('policy', new TextEncoder().encode(serializePolicy(next)), actor.name);
}

/** Who runs, under which policy: what commands and the console check before they act. */
export interface Access {
  readonly identity: Identity;
  readonly policy: Policy | null;
  readonly warnings: readonly string[];
  check(permission: Permission, workspace: string): Decision;
  /** Throws AccessDeniedError, naming the missing permission. */
  assert(permission: Permission, workspace: string): void;
}

export async function loadAccess(store: StateStore, input: IdentityInput): Promise<Access> {
  const policy = await readPolicy(store);
  const { identity, warnings } = await resolveIdentity(input, policy);
  return {
    identity,
    policy,
    warnings,
    check: (permission, workspace) => check(policy, identity, permission, workspace),
    assert: (permission, workspace) => assertAllowed(policy, identity, permission, workspace),
  };
}
