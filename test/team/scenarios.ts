// What the team tests run on both backends (local files and PostgreSQL), through the CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { cleanEnv, drctl, expectCode } from './cli.js';

/**
 * Two tenants in two workspaces of one store: each applies its own estate, sees only its own
 * state, and a user granted one of them can neither read nor list nor plan the other. `extra`
 * chooses the backend (e.g. DRCTL_PG_CONN_STR); `cwd` holds tenantDir()'s configuration.
 */
export async function workspaceIsolation(cwd: string, extra: Record<string, string>): Promise<void> {
  const as = (user: string, more: Record<string, string> = {}) => cleanEnv({ ...extra, DRCTL_USER: user, ...more });
  const alice = as('alice');
  const bob = as('bob');
  const run = async (args: readonly string[], env: Record<string, string>, code = 0) => expectCode(await drctl(cwd, args, env), code, args.join(' '));

  await run(['access', 'grant', 'alice', 'admin', '-workspace', '*'], alice);
  expect((await run(['workspace', 'list'], alice)).stdout).toBe('* default\n');
  expect((await run(['workspace', 'new', 'tenant-a'], alice)).stdout).toContain('Created and switched to workspace "tenant-a"!');
  expect(fs.readFileSync(path.join(cwd, '.drctl/workspace'), 'utf8')).toBe('tenant-a\n');
  expect((await run(['workspace', 'show'], alice)).stdout).toBe('tenant-a\n');
  await run(['apply', '-auto-approve', '-var', 'tenant=a', '-var', 'vms=2'], alice);
  await run(['workspace', 'new', 'tenant-b'], alice);
  // A new workspace starts empty, whatever the others hold.
  expect((await run(['plan', '-var', 'tenant=b', '-var', 'vms=1'], alice)).stdout).toContain('Plan: 4 to add, 0 to change, 0 to destroy.');
  await run(['apply', '-auto-approve', '-var', 'tenant=b', '-var', 'vms=1'], alice);
  expect((await run(['workspace', 'list'], alice)).stdout).toBe('  default\n  tenant-a\n* tenant-b\n');

  // Each workspace holds its own state: its resources and its own cloud workspace.
  expect((await run(['state', 'list'], alice)).stdout).toBe('network.app\nsite.dr\nsite.home\nvm.n[0]\n');
  const b = JSON.parse((await run(['state', 'pull'], alice)).stdout) as {
    lineage: string;
    resources: Array<{ address: string; attributes: { workspace?: string } }>;
  };
  expect(b.resources.find((r) => r.address === 'site.home')?.attributes.workspace).toBe('b-dal13');
  const aEnv = as('alice', { DRCTL_WORKSPACE: 'tenant-a' });
  expect((await run(['state', 'list'], aEnv)).stdout).toBe('network.app\nsite.dr\nsite.home\nvm.n[0]\nvm.n[1]\n');
  const a = JSON.parse((await run(['state', 'pull'], aEnv)).stdout) as { lineage: string };
  expect(a.lineage).not.toBe(b.lineage);
  await run(['workspace', 'select', 'default'], alice);
  expect((await run(['state', 'list'], alice, 1)).stderr).toContain('No state file at');

  // Tenant isolation: bob operates tenant-a and nothing else.
  await run(['access', 'grant', 'bob', 'operator', '-workspace', 'tenant-a'], alice);
  expect((await run(['workspace', 'list'], bob)).stdout).toBe('  tenant-a\n');
  for (const args of [
    ['state', 'list'],
    ['state', 'pull'],
    ['state', 'history'],
    ['plan', '-var', 'tenant=b'],
  ]) {
    const denied = await run(args, as('bob', { DRCTL_WORKSPACE: 'tenant-b' }), 1);
    expect(denied.stderr).toContain('denied: "bob" has no access to workspace "tenant-b".');
    expect(denied.stdout).not.toContain('vm.n');
  }
  expect((await run(['workspace', 'select', 'tenant-b'], bob, 1)).stderr).toContain(
    'Permission "state-read" denied: "bob" has no access to workspace "tenant-b".',
  );
  // A mistyped workspace is suggested from what bob may read only.
  const typo = await run(['state', 'list'], as('bob', { DRCTL_WORKSPACE: 'tenant-c' }), 1);
  expect(typo.stderr).toContain('The current workspace "tenant-c" (from DRCTL_WORKSPACE) does not exist');
  expect(typo.stderr).toContain('Did you mean "tenant-a"?');
  expect(typo.stderr).not.toContain('"tenant-b"');
  // In his own workspace bob applies, and his lock and audit record carry his name.
  await run(['apply', '-auto-approve', '-var', 'tenant=a', '-var', 'vms=3'], as('bob', { DRCTL_WORKSPACE: 'tenant-a' }));
  expect((await run(['state', 'list', 'vm'], aEnv)).stdout).toBe('vm.n[0]\nvm.n[1]\nvm.n[2]\n');
  expect((await run(['state', 'list', 'vm'], as('alice', { DRCTL_WORKSPACE: 'tenant-b' }))).stdout).toBe('vm.n[0]\n');

  // Deleting: refused while it holds state (its resources would run on unmanaged), done with -force.
  expect((await run(['workspace', 'delete', 'tenant-b'], alice, 1)).stderr).toContain('still holds state');
  await run(['workspace', 'delete', '-force', 'tenant-b'], alice);
  expect((await run(['workspace', 'list'], alice)).stdout).toBe('* default\n  tenant-a\n');

  // The audit log says who did what where, and how it ended.
  const records = (await run(['audit', 'list', '-json'], alice)).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { who: string; action: string; workspace: string; outcome: string });
  const summary = records.map((r) => `${r.who} ${r.action} ${r.workspace} ${r.outcome}`);
  expect(summary).toEqual(
    expect.arrayContaining([
      'alice workspace new tenant-a ok',
      'alice apply tenant-a ok',
      'alice apply tenant-b ok',
      'bob state list tenant-b denied',
      'bob workspace select tenant-b denied',
      'bob apply tenant-a ok',
      'alice workspace delete tenant-b failed',
      'alice workspace delete tenant-b ok',
    ]),
  );
  expectCode(await drctl(cwd, ['audit', 'verify'], alice), 0, 'audit verify');
  // bob may not read the audit (operator has no audit-read).
  expect((await run(['audit', 'list'], as('bob', { DRCTL_WORKSPACE: 'tenant-a' }), 1)).stderr).toContain(
    'Permission "audit-read" denied in workspace "tenant-a"',
  );
}
