// The access policy: who may do what, in which workspace. A JSON document kept by the state
// store beside the states (store.ts: a file in the state directory, a row in PostgreSQL;
// encrypted with them when encryption is on), changed only through writePolicy (store.ts here),
// which requires the policy-write permission.
//
//   {
//     "version": 1,
//     "require_token": false,
//     "roles": { "drill-runner": ["plan", "verify", "drill", "state-read", "console"] },
//     "users": {
//       "alice": { "grants": { "*": ["admin"] } },
//       "bob":   { "grants": { "prod": ["operator"], "staging": ["operator"] } },
//       "ci":    { "grants": { "staging": ["drill-runner"] }, "tokens": ["sha256:9f86d0…"] }
//     }
//   }
//
// Grants are per workspace ("*" is every workspace): a user of one workspace has nothing in
// another, not even reading its state. Tokens are stored only as SHA-256 hashes.

import { createHash, randomBytes } from 'node:crypto';
import { suggestName } from '../diag/suggest.js';
import { isWorkspaceName } from '../state/workspaces.js';
import { BUILTIN_ROLES, isPermission, PERMISSIONS, type Permission } from './permissions.js';

export const POLICY_VERSION = 1;
export const ALL_WORKSPACES = '*';
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const TOKEN_HASH = /^sha256:[0-9a-f]{64}$/;
/** A token shorter than this is too easy to guess. */
export const TOKEN_MIN_LENGTH = 20;
const MAX_USERS = 10_000;

export interface UserGrants {
  /** Role names by workspace name or "*". */
  readonly grants: Readonly<Record<string, readonly string[]>>;
  /** "sha256:<hex>" of each token that identifies this user. */
  readonly tokens: readonly string[];
}

export interface Policy {
  readonly version: number;
  /** Refuse identities that only name themselves (DRCTL_USER, the OS user): a token is needed. */
  readonly requireToken: boolean;
  /** Custom roles: permissions by role name. */
  readonly roles: Readonly<Record<string, readonly Permission[]>>;
  readonly users: Readonly<Record<string, UserGrants>>;
}

/** A policy document that cannot be used: drctl then denies everything rather than allow all. */
export class PolicyError extends Error {
  constructor(
    /** Where in the document: "users.bob.grants.prod[0]". */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`The access policy is not valid at ${path || 'the top level'}: ${problem}`);
    this.name = 'PolicyError';
  }
}

export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}

/** The permissions of a role in this policy (built-in or custom), or undefined when there is no such role. */
export function roleOf(policy: Policy, role: string): readonly Permission[] | undefined {
  return Object.hasOwn(BUILTIN_ROLES, role) ? BUILTIN_ROLES[role] : Object.hasOwn(policy.roles, role) ? policy.roles[role] : undefined;
}

/** Parses and checks a policy document. Throws PolicyError naming the place and the problem. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PolicyError('', `it is not JSON (${(err as Error).message})`);
  }
  const top = object(doc, '');
  known(top, '', ['version', 'require_token', 'roles', 'users']);
  if (top.version !== POLICY_VERSION) throw new PolicyError('version', `must be ${POLICY_VERSION}, not ${JSON.stringify(top.version)}`);
  if (top.require_token !== undefined && typeof top.require_token !== 'boolean') throw new PolicyError('require_token', 'must be true or false');
  const roles: Record<string, Permission[]> = {};
  const rawRoles = top.roles === undefined ? {} : object(top.roles, 'roles');
  for (const [name, perms] of Object.entries(rawRoles)) {
    const at = `roles.${name}`;
    if (!ROLE_NAME.test(name)) throw new PolicyError(at, 'a role name has lower-case letters, digits, "-" and "_", starting with a letter');
    if (Object.hasOwn(BUILTIN_ROLES, name)) throw new PolicyError(at, `"${name}" is a built-in role and cannot be redefined`);
    roles[name] = strings(perms, at).map((p, i) => {
      if (!isPermission(p)) throw new PolicyError(`${at}[${i}]`, `"${p}" is not a permission${hint(p, PERMISSIONS)} (permissions: ${PERMISSIONS.join(', ')})`);
      return p;
    });
  }
  const users: Record<string, UserGrants> = {};
  const rawUsers = top.users === undefined ? {} : object(top.users, 'users');
  if (Object.keys(rawUsers).length > MAX_USERS) throw new PolicyError('users', `more than ${MAX_USERS} users`);
  const policySoFar: Policy = { version: POLICY_VERSION, requireToken: false, roles, users: {} };
  for (const [name, rawUser] of Object.entries(rawUsers)) {
    const at = `users.${name}`;
    if (!USER_NAME.test(name)) throw new PolicyError(at, 'a user name has letters, digits, ".", "_", "@" and "-", starting with a letter or digit');
    const user = object(rawUser, at);
    known(user, at, ['grants', 'tokens']);
    const grants: Record<string, string[]> = {};
    for (const [ws, list] of Object.entries(object(user.grants ?? {}, `${at}.grants`))) {
      const wat = `${at}.grants.${ws}`;
      if (ws !== ALL_WORKSPACES && !isWorkspaceName(ws)) throw new PolicyError(wat, `"${ws}" is neither a workspace name nor "*"`);
      grants[ws] = strings(list, wat).map((role, i) => {
        if (!roleOf(policySoFar, role))
          throw new PolicyError(`${wat}[${i}]`, `there is no role "${role}"${hint(role, [...Object.keys(BUILTIN_ROLES), ...Object.keys(roles)])}`);
        return role;
      });
    }
    const tokens = strings(user.tokens ?? [], `${at}.tokens`).map((t, i) => {
      if (!TOKEN_HASH.test(t))
        throw new PolicyError(`${at}.tokens[${i}]`, 'a token is stored as "sha256:" and 64 hex digits (its hash), never as the token itself');
      return t;
    });
    users[name] = { grants, tokens };
  }
  const seen = new Map<string, string>();
  for (const [name, user] of Object.entries(users)) {
    for (const t of user.tokens) {
      const other = seen.get(t);
      if (other !== undefined && other !== name)
        throw new PolicyError(`users.${name}.tokens`, `a token hash is also listed for "${other}"; a token identifies one user`);
      seen.set(t, name);
    }
  }
  return { version: POLICY_VERSION, requireToken: top.require_token === true, roles, users };
}

/** The policy as its canonical JSON document. */
export function serializePolicy(policy: Policy): string {
  const users: Record<string, unknown> = {};
  for (const name of Object.keys(policy.users).sort()) {
    const u = policy.users[name];
    const grants: Record<string, readonly string[]> = {};
    for (const ws of Object.keys(u.grants).sort()) grants[ws] = u.grants[ws];
    users[name] = u.tokens.length ? { grants, tokens: u.tokens } : { grants };
  }
  const roles: Record<string, readonly string[]> = {};
  for (const name of Object.keys(policy.roles).sort()) roles[name] = policy.roles[name];
  return `${JSON.stringify({ version: policy.version, require_token: policy.requireToken, roles, users }, null, 2)}\n`;
}

/** How a token is listed in a policy. */
export function tokenHash(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** A new random token and the hash to list in the policy; the token goes to its user only. */
export function newToken(): { readonly token: string; readonly hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PolicyError(at, 'must be an object');
  return value as Record<string, unknown>;
}

function strings(value: unknown, at: string): string[] {
  if (!Array.isArray(value)) throw new PolicyError(at, 'must be a list of strings');
  return value.map((v, i) => {
    if (typeof v !== 'string') throw new PolicyError(`${at}[${i}]`, 'must be a string');
    return v;
  });
}

function known(obj: Record<string, unknown>, at: string, fields: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!fields.includes(key)) throw new PolicyError(at ? `${at}.${key}` : key, `unknown field${hint(key, fields)}`);
  }
}

function hint(name: string, candidates: readonly string[]): string {
  const s = suggestName(name, candidates);
  return s ? `; did you mean "${s}"?` : '';
}
