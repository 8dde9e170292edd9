// Access control through the real CLI: every guarded command, run as a user who has every
// permission but the one it needs, is refused before it acts, with an error naming that
// permission; nothing changes, and each denial is in the audit log. The policy is written with
// `drctl access push`, users are named by DRCTL_USER.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/access/index.js';
import { auditRecords, cleanEnv, drctl, exampleDir, expectCode, removeTempDirs, sha256 } from './cli.js';

/** Each guarded command, and the permission the user running it lacks. */
const GUARDED: ReadonlyArray<readonly [readonly string[], Permission, string]> = [
  [['plan'], 'plan', 'plan'],
  [['plan'], 'state-read', 'plan'],
  [['apply', '-auto-approve'], 'apply', 'apply'],
  [['apply', '-auto-approve'], 'state-read', 'apply'],
  [['apply', 'plan.bin'], 'apply', 'apply'],
  [['verify'], 'verify', 'verify'],
  [['drill', '-auto-approve'], 'drill', 'drill'],
  [['cleanup'], 'drill', 'cleanup'],
  [['failover', '-auto-approve'], 'failover', 'failover'],
  [['failback', '-auto-approve'], 'failback', 'failback'],
  [['state', 'list'], 'state-read', 'state list'],
  [['state', 'show', 'vm.db01'], 'state-read', 'state show'],
  [['state', 'pull'], 'state-read', 'state pull'],
  [['state', 'pull', '-serial', '1'], 'state-read', 'state pull'],
  [['state', 'history'], 'state-read', 'state history'],
  [['state', 'rm', 'vm.db01'], 'state-write', 'state rm'],
  [['state', 'mv', 'vm.db01', 'vm.db02'], 'state-write', 'state mv'],
  [['state', 'push', 'pulled.json'], 'state-write', 'state push'],
  [['force-unlock', '-force', 'some-lock-id'], 'unlock', 'force-unlock'],
  [['console'], 'console', 'console'],
  [['workspace', 'new', 'tenant-x'], 'state-write', 'workspace new'],
  [['workspace', 'delete', 'tenant-y'], 'state-write', 'workspace delete'],
  [['workspace', 'select', 'tenant-y'], 'state-read', 'workspace select'],
  [['audit', 'verify'], 'audit-read', 'audit verify'],
  [['audit', 'list'], 'audit-read', 'audit list'],
  [['access', 'grant', 'bob', 'operator'], 'policy-write', 'access grant'],
  [['access', 'revoke', 'alice', 'admin', '-workspace', '*'], 'policy-write', 'access revoke'],
  [['access', 'push', 'policy.json'], 'policy-write', 'access push'],
  [['access', 'token', 'bob'], 'policy-write', 'access token'],
];

/** A role with every permission but `p`, granted on "*" to user u-<p>; alice is admin. */
function policyDocument(): string {
  const roles: Record<string, string[]> = {};
  const users: Record<string, unknown> = { alice: { grants: { '*': ['admin'] } } };
  for (const p of PERMISSIONS) {
    roles[`no-${p}`] = PERMISSIONS.filter((q) => q !== p);
    users[`u-${p}`] = { grants: { '*': [`no-${p}`] } };
  }
  return JSON.stringify({ version: 1, roles, users }, null, 2);
}

afterAll(removeTempDirs);

describe('every guarded command, run by a user without its permission (real processes)', () => {
  let cwd: string;
  const as = (user: string) => cleanEnv({ DRCTL_USER: user });
  const state = () => path.join(cwd, 'state/erp.drstate.json');
  const audit = () => path.join(cwd, 'state/drctl.audit.jsonl');

  beforeAll(async () => {
    cwd = exampleDir();
    fs.writeFileSync(path.join(cwd, 'policy.json'), policyDocument());
    expectCode(await drctl(cwd, ['access', 'push', 'policy.json'], as('alice')), 0, 'the first policy');
    expectCode(await drctl(cwd, ['apply', '-auto-approve'], as('alice')), 0, 'apply as alice');
    expectCode(await drctl(cwd, ['plan', '-out', 'plan.bin'], as('alice')), 0, 'plan -out as alice');
    expectCode(await drctl(cwd, ['workspace', 'new', 'tenant-y'], as('alice')), 0, 'workspace new');
    expectCode(await drctl(cwd, ['workspace', 'select', 'default'], as('alice')), 0, 'workspace select');
    fs.writeFileSync(path.join(cwd, 'pulled.json'), expectCode(await drctl(cwd, ['state', 'pull'], as('alice')), 0, 'state pull').stdout);
  }, 240_000);

  it('covers every permission there is', () => {
    expect([...new Set(GUARDED.map(([, p]) => p))].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('each is refused with an error naming the missing permission; nothing changes; every denial is audited', async () => {
    const before = sha256(state());
    const policyBefore = sha256(path.join(cwd, 'state/drctl.policy.json'));
    const recordsBefore = auditRecords(audit()).length;
    // A few at a time: each is a process start on a shared machine.
    for (let i = 0; i < GUARDED.length; i += 4) {
      await Promise.all(
        GUARDED.slice(i, i + 4).map(async ([args, permission]) => {
          const r = await drctl(cwd, args, as(`u-${permission}`));
          const what = `drctl ${args.join(' ')} as u-${permission}`;
          expect(r.code, `${what}\n${r.stderr}`).toBe(1);
          const scope = ['access'].includes(args[0])
            ? 'every workspace'
            : args[0] === 'workspace' && args[1] !== 'list'
              ? `workspace "${args[2]}"`
              : 'workspace "default"';
          expect(r.stderr, what).toContain(
            `Error: Permission "${permission}" denied in ${scope}: "u-${permission}" has the role "no-${permission}" there, and none grants "${permission}".`,
          );
          expect(r.stderr, what).toContain(`Ask an admin to grant "u-${permission}" a role with "${permission}"`);
        }),
      );
    }
    expect(sha256(state())).toBe(before);
    expect(sha256(path.join(cwd, 'state/drctl.policy.json'))).toBe(policyBefore);
    expect(fs.existsSync(`${state()}.lock`)).toBe(false);
    expect(fs.readdirSync(path.join(cwd, 'state/drctl.d')).sort()).toEqual(['tenant-y']);
    // One "denied" record per refusal, naming who and what, and nothing else appended.
    const added = auditRecords(audit()).slice(recordsBefore);
    expect(added).toHaveLength(GUARDED.length);
    expect(added.every((r) => r.outcome === 'denied')).toBe(true);
    expect(added.map((r) => `${r.who} ${r.action}`).sort()).toEqual(GUARDED.map(([, p, action]) => `u-${p} ${action}`).sort());
    expectCode(await drctl(cwd, ['audit', 'verify'], as('alice')), 0, 'the chain holds the denials');
  }, 300_000);

  it('a user the policy does not list is refused everything, a token that matches nobody too', async () => {
    const r = await drctl(cwd, ['state', 'list'], as('mallory'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Permission "state-read" denied in workspace "default": "mallory" is not a user of the access policy.');
    fs.writeFileSync(path.join(cwd, 'forged.token'), 'x'.repeat(40), { mode: 0o600 });
    const forged = await drctl(cwd, ['state', 'list'], cleanEnv({ DRCTL_TOKEN_FILE: 'forged.token', DRCTL_USER: 'alice' }));
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain('The token in forged.token (DRCTL_TOKEN_FILE) belongs to no user of the access policy.');
    expect(forged.stdout).toBe('');
  }, 60_000);

  it('the same users may do what they were granted: the check is per permission, not per user', async () => {
    // u-apply lacks only "apply": reading state and planning work.
    expect(expectCode(await drctl(cwd, ['state', 'list', 'vm.db01'], as('u-apply')), 0, 'state list').stdout).toBe('vm.db01\n');
    expectCode(await drctl(cwd, ['plan'], as('u-apply')), 0, 'plan');
    expect(expectCode(await drctl(cwd, ['audit', 'list', '-json'], as('u-apply')), 0, 'audit list').stdout).toContain('"outcome":"denied"');
  }, 60_000);
});
