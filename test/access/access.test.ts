// Access control: the decision for every permission and role, per workspace (tenant isolation),
// identities from DRCTL_USER and token files, and the policy kept (and protected) by the store.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError, assertAllowed, check, readableWorkspaces } from '../../src/access/check.js';
import { resolveIdentity, type Identity } from '../../src/access/identity.js';
import { BUILTIN_ROLES, PERMISSIONS, type Permission } from '../../src/access/permissions.js';
import { newToken, parsePolicy, PolicyError, serializePolicy, tokenHash, type Policy } from '../../src/access/policy.js';
import { loadAccess, PolicyUnusableError, readPolicy, writePolicy } from '../../src/access/store.js';
import { isUserError } from '../../src/diag/errors.js';
import { EncryptedStateStore } from '../../src/state/encrypted.js';
import { isEncrypted, rawKey } from '../../src/state/encryption.js';
import { LocalStateStore } from '../../src/state/local-store.js';

const alice: Identity = { name: 'alice', source: 'env' };
const bob: Identity = { name: 'bob', source: 'env' };
const policy = (doc: object): Policy => parsePolicy(JSON.stringify({ version: 1, ...doc }));

const TEAM = policy({
  roles: { 'drill-runner': ['plan', 'verify', 'drill', 'state-read', 'console'] },
  users: {
    alice: { grants: { '*': ['admin'] } },
    bob: { grants: { prod: ['operator'], staging: ['monitor'] } },
    carol: { grants: { staging: ['drill-runner'] } },
    mon: { grants: { '*': ['monitor'] } },
  },
});

describe('without a policy', () => {
  it('allows every permission in every workspace (as before access control)', () => {
    for (const p of PERMISSIONS)
      for (const ws of ['default', 'prod', '*']) expect(check(null, bob, p, ws)).toEqual({ allowed: true, reason: 'no access policy: everything is allowed' });
  });
});

describe('the decision', () => {
  it('each built-in role allows exactly its permissions, and a denial names the missing one', () => {
    const users = Object.fromEntries(Object.keys(BUILTIN_ROLES).map((role) => [`u-${role}`, { grants: { prod: [role] } }]));
    const p = policy({ users });
    for (const [role, allowed] of Object.entries(BUILTIN_ROLES)) {
      for (const permission of PERMISSIONS) {
        const d = check(p, { name: `u-${role}`, source: 'env' }, permission, 'prod');
        expect(d.allowed, `${role} / ${permission}`).toBe(allowed.includes(permission));
        if (!d.allowed) {
          expect(d.permission).toBe(permission);
          expect(d.message).toContain(`Permission "${permission}" denied in workspace "prod"`);
          expect(d.message).toContain(`"${role}"`);
          expect(d.nextSteps.join(' ')).toContain(`a role with "${permission}"`);
        }
      }
    }
    expect(BUILTIN_ROLES.monitor).toEqual(['plan', 'verify', 'state-read', 'console']);
    expect(BUILTIN_ROLES.admin).toEqual(PERMISSIONS);
  });

  it('every guarded permission can be denied: monitor is refused each mutating one', () => {
    const mutating: Permission[] = ['apply', 'drill', 'failover', 'failback', 'state-write', 'unlock', 'audit-read', 'policy-write'];
    for (const permission of mutating) {
      const err = (() => {
        try {
          assertAllowed(TEAM, { name: 'mon', source: 'env' }, permission, 'prod');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toContain(`"${permission}"`);
    }
  });

  it("grants are per workspace: a user of one workspace cannot even read another's state", () => {
    expect(check(TEAM, bob, 'apply', 'prod').allowed).toBe(true);
    expect(check(TEAM, bob, 'apply', 'staging')).toMatchObject({ allowed: false, roles: ['monitor'] });
    const other = check(TEAM, bob, 'state-read', 'tenant-b');
    expect(other).toMatchObject({ allowed: false, permission: 'state-read', workspace: 'tenant-b', roles: [] });
    expect(!other.allowed && other.message).toBe('Permission "state-read" denied: "bob" has no access to workspace "tenant-b".');
    expect(readableWorkspaces(TEAM, bob, ['default', 'prod', 'staging', 'tenant-b'])).toEqual(['prod', 'staging']);
    // A workspace grant does not count for "*" (the policy as a whole).
    expect(check(TEAM, bob, 'state-write', '*').allowed).toBe(false);
  });

  it('"*" grants count in every workspace, and custom roles work like built-in ones', () => {
    expect(check(TEAM, alice, 'failover', 'anything').allowed).toBe(true);
    expect(check(TEAM, alice, 'policy-write', '*').allowed).toBe(true);
    const carol: Identity = { name: 'carol', source: 'env' };
    expect(check(TEAM, carol, 'drill', 'staging')).toEqual({ allowed: true, reason: 'role "drill-runner" in workspace "staging"' });
    expect(check(TEAM, carol, 'failover', 'staging').allowed).toBe(false);
  });

  it('an unknown user is denied, naming the permission', () => {
    const d = check(TEAM, { name: 'mallory', source: 'os' }, 'verify', 'prod');
    expect(d).toMatchObject({ allowed: false, permission: 'verify' });
    expect(!d.allowed && d.message).toBe('Permission "verify" denied in workspace "prod": "mallory" is not a user of the access policy.');
  });

  it('require_token refuses identities that only name themselves', () => {
    const p = policy({ require_token: true, users: { alice: { grants: { '*': ['admin'] } } } });
    const d = check(p, alice, 'plan', 'prod');
    expect(!d.allowed && d.message).toMatch(/requires a token, and "alice" is only named by DRCTL_USER/);
    expect(check(p, { name: 'alice', source: 'token' }, 'plan', 'prod').allowed).toBe(true);
  });
});

describe('the policy document', () => {
  it('round-trips through its canonical JSON', () => {
    expect(parsePolicy(serializePolicy(TEAM))).toEqual(TEAM);
  });

  it('names the place and the problem of a bad document', () => {
    const bad: Array<[object, RegExp]> = [
      [{ version: 2 }, /at version: must be 1/],
      [{ version: 1, user: {} }, /at user: unknown field; did you mean "users"\?/],
      [
        { version: 1, users: { bob: { grants: { prod: ['operater'] } } } },
        /users\.bob\.grants\.prod\[0\]: there is no role "operater"; did you mean "operator"\?/,
      ],
      [{ version: 1, roles: { r: ['aply'] } }, /roles\.r\[0\]: "aply" is not a permission; did you mean "apply"\?/],
      [{ version: 1, roles: { admin: ['plan'] } }, /"admin" is a built-in role and cannot be redefined/],
      [{ version: 1, users: { bob: { grants: { 'a/b': ['admin'] } } } }, /neither a workspace name nor "\*"/],
      [
        { version: 1, users: { bob: { grants: {}, tokens: ['plain-token-value'] } } },
        /stored as "sha256:" and 64 hex digits \(its hash\), never as the token itself/,
      ],
      [{ version: 1, users: { a: { tokens: [tokenHash('x'.repeat(30))] }, b: { tokens: [tokenHash('x'.repeat(30))] } } }, /also listed for "a"/],
    ];
    for (const [doc, pattern] of bad) {
      expect(() => parsePolicy(JSON.stringify(doc))).toThrow(PolicyError);
      expect(() => parsePolicy(JSON.stringify(doc))).toThrow(pattern);
    }
    expect(() => parsePolicy('{nope')).toThrow(/not JSON/);
  });
});

describe('identity', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drctl-identity-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a token file identifies the policy user whose token hash matches; DRCTL_USER is then ignored', async () => {
    const { token, hash } = newToken();
    writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
    const p = policy({ users: { ci: { grants: { staging: ['operator'] }, tokens: [hash] } } });
    const r = await resolveIdentity({ cwd: dir, env: { DRCTL_TOKEN_FILE: 'token', DRCTL_USER: 'alice' } }, p);
    expect(r.identity).toEqual({ name: 'ci', source: 'token' });
    expect(r.warnings).toEqual(['DRCTL_USER=alice is ignored: the token identifies "ci".']);
  });

  it('a token that belongs to nobody is refused; a short one is not a token', async () => {
    writeFileSync(join(dir, 'token'), 'x'.repeat(40), { mode: 0o600 });
    await expect(resolveIdentity({ cwd: dir, env: { DRCTL_TOKEN_FILE: 'token' } }, TEAM)).rejects.toThrow(/belongs to no user of the access policy/);
    writeFileSync(join(dir, 'short'), 'abc', { mode: 0o600 });
    await expect(resolveIdentity({ cwd: dir, env: { DRCTL_TOKEN_FILE: 'short' } }, TEAM)).rejects.toThrow(/does not hold a token/);
    await expect(resolveIdentity({ cwd: dir, env: { DRCTL_TOKEN_FILE: 'missing' } }, TEAM)).rejects.toThrow(/does not exist/);
  });

  it('warns about a token file others can read', async () => {
    const { token, hash } = newToken();
    writeFileSync(join(dir, 'token'), token, { mode: 0o644 });
    const r = await resolveIdentity(
      { cwd: dir, env: { DRCTL_TOKEN_FILE: 'token' }, modeOf: async () => 0o100644 },
      policy({ users: { ci: { tokens: [hash] } } }),
    );
    expect(r.warnings).toEqual(['The token file token can be read by other users; restrict it with: chmod 600 token']);
  });

  it('DRCTL_USER names the user, else the OS user does', async () => {
    expect((await resolveIdentity({ cwd: dir, env: { DRCTL_USER: 'bob' } }, TEAM)).identity).toEqual({ name: 'bob', source: 'env' });
    expect((await resolveIdentity({ cwd: dir, env: {}, osUser: () => 'root' }, TEAM)).identity).toEqual({ name: 'root', source: 'os' });
    await expect(resolveIdentity({ cwd: dir, env: { DRCTL_USER: 'bad name' } }, TEAM)).rejects.toThrow(/not a user name/);
  });
});

describe('the policy kept by the state store', () => {
  let dir: string;
  let store: LocalStateStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drctl-policy-'));
    store = new LocalStateStore(join(dir, 'state', 'erp.drstate.json'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('no policy stored means none; the first one is written by anyone who keeps policy-write', async () => {
    expect(await readPolicy(store)).toBeNull();
    const lockout = policy({ users: { bob: { grants: { '*': ['operator'] } } } });
    const err = await writePolicy(store, lockout, bob, null).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/would take "policy-write" away from "bob"/);
    expect(await readPolicy(store)).toBeNull();
    await writePolicy(store, TEAM, alice, null);
    expect(await readPolicy(store)).toEqual(TEAM);
    expect(JSON.parse(readFileSync(join(dir, 'state', 'drctl.policy.json'), 'utf8')).users.alice.grants).toEqual({ '*': ['admin'] });
  });

  it('only a user with policy-write may change it', async () => {
    await writePolicy(store, TEAM, alice, null);
    const current = await readPolicy(store);
    const grab = policy({ users: { bob: { grants: { '*': ['admin'] } } } });
    const err = await writePolicy(store, grab, bob, current).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toContain('"policy-write"');
    expect(await readPolicy(store)).toEqual(TEAM);
  });

  it('a damaged policy denies everything instead of allowing everything', async () => {
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'state', 'drctl.policy.json'), '{"version":1,"users":{"bob":{"grants":{"*":["superuser"]}}}}');
    const err = await readPolicy(store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyUnusableError);
    expect((err as Error).message).toMatch(/cannot be used: .*no role "superuser".*drctl denies everything/);
    await expect(loadAccess(store, { cwd: dir, env: { DRCTL_USER: 'bob' } })).rejects.toBeInstanceOf(PolicyUnusableError);
  });

  it('with encryption on, the stored policy is ciphertext, and an edited one is refused', async () => {
    const encrypted = new EncryptedStateStore(store, { primary: rawKey(Buffer.alloc(32, 5), 'k'), fallbacks: [], enforced: true });
    await writePolicy(encrypted, TEAM, alice, null);
    const file = join(dir, 'state', 'drctl.policy.json');
    const bytes = readFileSync(file);
    expect(isEncrypted(bytes)).toBe(true);
    expect(bytes.includes('alice')).toBe(false);
    expect(await readPolicy(encrypted)).toEqual(TEAM);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(file, bytes);
    await expect(readPolicy(encrypted)).rejects.toThrow(/cannot be used: .*tag does not match/);
    // A plaintext policy put in its place is refused too: encryption is enforced.
    writeFileSync(file, serializePolicy(policy({ users: { bob: { grants: { '*': ['admin'] } } } })));
    await expect(readPolicy(encrypted)).rejects.toThrow(/Plaintext refused/);
  });

  it('loadAccess: the identity and the decisions under the stored policy', async () => {
    const { token, hash } = newToken();
    writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
    const p = policy({ users: { alice: { grants: { '*': ['admin'] } }, ci: { grants: { 'tenant-a': ['operator'] }, tokens: [hash] } } });
    await writePolicy(store, p, alice, null);
    const access = await loadAccess(store, { cwd: dir, env: { DRCTL_TOKEN_FILE: 'token' } });
    expect(access.identity).toEqual({ name: 'ci', source: 'token' });
    expect(access.check('apply', 'tenant-a').allowed).toBe(true);
    expect(() => access.assert('state-read', 'tenant-b')).toThrow(/Permission "state-read" denied: "ci" has no access to workspace "tenant-b"/);
  });
});
