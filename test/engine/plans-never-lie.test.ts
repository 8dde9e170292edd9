// Plans never lie (issue 13.7), on the built CLI and the simulator: what PowerVS cannot change
// in place plans as a replacement with its reason and then applies (no HTTP 409 half-way), and
// production running elsewhere than the configuration says is shown in the plan with what to do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, expectExit, workdir, type Workdir } from './harness.js';

const validatePlanJson = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/plan.schema.json'), 'utf8')),
);

interface ChangeJson {
  address: string;
  actions: string[];
  action_reason?: string;
  replace_paths?: string[];
  replace_reasons?: string[];
}

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

async function applied(): Promise<Workdir> {
  const w = workdir('basic');
  dirs.push(w);
  expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'first apply');
  return w;
}

async function planJson(w: Workdir): Promise<ChangeJson[]> {
  const r = expectExit(await w.run(['plan', w.config, '-json']), 0, 'plan -json');
  const json = JSON.parse(r.stdout) as { resource_changes: ChangeJson[] };
  expect(validatePlanJson(json), JSON.stringify(validatePlanJson.errors)).toBe(true);
  return json.resource_changes.filter((c) => c.actions.join() !== 'no-op');
}

describe('attributes PowerVS cannot change in place', { timeout: 180_000 }, () => {
  it("a network's new CIDR replaces it and the VMs on it, says why, and applies", async () => {
    const w = await applied();
    w.edit('network.hcl', (t) => t.replace('home = { cidr = "10.10.0.0/24"', 'home = { cidr = "10.10.0.0/23"'));
    const changes = await planJson(w);
    const net = changes.find((c) => c.address === 'network.app')!;
    expect(net).toMatchObject({ actions: ['delete', 'create'], action_reason: 'replace_because_cannot_update', replace_paths: ['subnets'] });
    expect(net.replace_reasons).toEqual(["PowerVS cannot change a network's CIDR (home: 10.10.0.0/24 -> 10.10.0.0/23); the network is created again"]);
    // Every VM on network.app goes with it (the orchestrator's too); db01 (only on network.db) stays.
    expect(changes.find((c) => c.address === 'orchestrator.ksys')).toMatchObject({ actions: ['delete', 'create'], replace_paths: ['network'] });
    const vms = changes.filter((c) => c.address.startsWith('vm.')).map((c) => c.address);
    expect(vms.sort()).toEqual(['vm.app[0]', 'vm.app[1]', 'vm.app[2]', 'vm.jump01', 'vm.ldap01', 'vm.web[0]', 'vm.web[1]']);
    for (const vm of changes.filter((c) => c.address.startsWith('vm.')))
      expect(vm.replace_reasons).toEqual(['network.app is replaced, and drctl cannot attach a running VM to the new one']);
    const text = expectExit(await w.run(['plan', w.config]), 0).stdout;
    expect(text).toContain(
      '  # network.app must be replaced\n  # (PowerVS cannot change a network\'s CIDR (home: 10.10.0.0/24 -> 10.10.0.0/23); the network is created again)\n-/+ network "app" {',
    );
    // And apply does it: the old VMs go first, so the network is free to go, then all come back.
    const r = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply of the replacement');
    expect(r.stderr).not.toContain('HTTP 409');
    expect(r.stdout).toContain('Apply complete! 9 succeeded, 0 failed, 0 skipped.');
    expect(expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0).stdout).toContain('No changes.');
  });

  it('a volume that shrinks replaces its group and the VM using it, and says why', async () => {
    const w = await applied();
    w.edit('storage.hcl', (t) => t.replace('{ name = "log", size_gb = 50 }', '{ name = "log", size_gb = 20 }'));
    const changes = await planJson(w);
    expect(changes.map((c) => [c.address, c.actions.join('/')])).toEqual([
      ['vm.db01', 'delete/create'],
      ['volume_group.db', 'delete/create'],
    ]);
    expect(changes[1].replace_reasons).toEqual(['PowerVS cannot shrink a volume ("log": 50 GB -> 20 GB)']);
    expect(changes[0].replace_reasons).toEqual(['volume_group.db is replaced, and drctl cannot attach a running VM to the new one']);
  });

  it('a volume that grows is an update in place', async () => {
    const w = await applied();
    w.edit('storage.hcl', (t) => t.replace('{ name = "log", size_gb = 50 }', '{ name = "log", size_gb = 80 }'));
    const changes = await planJson(w);
    expect(changes.map((c) => [c.address, c.actions.join('/')])).toEqual([['volume_group.db', 'update']]);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply of the growth');
  });
});

describe('production running elsewhere than the configuration says', { timeout: 180_000 }, () => {
  it('is a warning at the role after an imperative failover, and its advice leads to a clean plan', async () => {
    const w = await applied();
    expectExit(await w.run(['failover', w.config, '-auto-approve']), 0, 'failover');
    const r = expectExit(await w.run(['plan', w.config]), 0, 'plan after the failover');
    expect(r.stderr).toContain('Warning: Production runs at site "dr", not where the configuration says');
    expect(r.stderr).toMatch(/on cfg\/main\.hcl line 16, in site "home":\n\s+16:\s+role\s+= "active"\n\s+\^+/);
    const detail = r.stderr.replace(/\s+/g, ' '); // wrapped at the terminal's width
    expect(detail).toContain('set role = "active" on site "dr" and role = "standby" on site "home", then apply');
    expect(detail).toContain('To move production back, run drctl failback.');
    expect(r.stdout).toContain('but not where production runs: see the warning above');
    // The JSON plan carries it too.
    const json = JSON.parse(expectExit(await w.run(['plan', w.config, '-json']), 0).stdout) as { diagnostics: { severity: string; summary: string }[] };
    expect(json.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', summary: 'Production runs at site "dr", not where the configuration says' }),
    );
    // Following the advice: flip the roles; apply records them and moves nothing.
    w.edit('main.hcl', (t) =>
      t.replace(/(site "home" \{[^}]*role\s*=\s*)"active"/, '$1"standby"').replace(/(site "dr" \{[^}]*role\s*=\s*)"standby"/, '$1"active"'),
    );
    const rec = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply recording the roles');
    expect(rec.stdout).toContain('drctl will record site.dr as the active site (no move)');
    const clean = expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0, 'plan after recording');
    expect(clean.stderr).not.toContain('Production runs at');
    expect(clean.stdout).toContain('No changes. Your DR configuration matches the recorded state.\n');
  });
});
