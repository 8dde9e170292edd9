// Access control: who runs drctl (identity.ts), what a policy grants them per workspace
// (policy.ts, permissions.ts), the decision (check.ts), and the policy kept by the state store
// (store.ts). Services check before they act; see docs/access.md.
export { PERMISSIONS, BUILTIN_ROLES, isPermission, type Permission } from './permissions.js';
export {
  parsePolicy,
  serializePolicy,
  tokenHash,
  newToken,
  roleOf,
  isUserName,
  PolicyError,
  POLICY_VERSION,
  ALL_WORKSPACES,
  TOKEN_MIN_LENGTH,
  type Policy,
  type UserGrants,
} from './policy.js';
export { resolveIdentity, type Identity, type IdentityInput, type ResolvedIdentity } from './identity.js';
export { check, assertAllowed, readableWorkspaces, AccessDeniedError, type Decision } from './check.js';
export { readPolicy, writePolicy, loadAccess, PolicyUnusableError, type Access } from './store.js';
