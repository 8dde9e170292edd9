// What a user may do: one closed set of permissions, and the built-in roles over them. A policy
// (policy.ts) can add custom roles, each a list of these permissions.

export const PERMISSIONS = [
  'plan',
  'apply',
  'verify',
  'drill',
  'failover',
  'failback',
  /** Read a workspace's state (state list/show/pull/history, and every command that reads it). */
  'state-read',
  /** Change state without the cloud: state rm/mv/push, workspace new/delete. */
  'state-write',
  'unlock',
  'console',
  /** Read and verify the audit log. */
  'audit-read',
  /** Change the access policy itself (only on "*": the policy covers every workspace). */
  'policy-write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(name: string): name is Permission {
  return (PERMISSIONS as readonly string[]).includes(name);
}

const OPERATOR: readonly Permission[] = ['plan', 'apply', 'verify', 'drill', 'failover', 'failback', 'state-read', 'state-write', 'unlock', 'console'];

/** The roles every policy has; a policy cannot redefine them. */
export const BUILTIN_ROLES: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: OPERATOR,
  monitor: ['plan', 'verify', 'state-read', 'console'],
};
