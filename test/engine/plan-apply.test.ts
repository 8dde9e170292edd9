// Issue 5, end to end over real processes: `drctl plan` and `drctl apply` on a copy of
// fixtures/engine/basic in a fresh temp dir, against the embedded simulator (time scale 0), with
// a standalone simulator process on the same data directory where a test must look into (or
// change) the cloud between runs.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../../src/state/sensitive.js';
import { ROOT, cloneWorkdir, expectExit, idOf, parseStateFile, startSimulator, workdir, type SimProcess, type Workdir } from './harness.js';

const STATE = 'state/basic.drstate.json';
const HOME = 'basic-dal13';
const DR = 'basic-wdc04';

interface PlanJson {
  resource_changes: Array<{
    address: string;
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    action_reason?: string;
    replace_paths?: string[];
  }>;
  resource_drift: Array<{ address: string; kind: string; recorded: Record<string, unknown>; observed: Record<string, unknown> | null }>;
  moves: Array<{ from: string; to: string }>;
  summary: { add: number; change: number; destroy: number; replace: number };
  state: { lineage: string; serial: number } | null;
}

/** What one test made (temp dirs, simulator processes), removed when it ends. */
class Scratch {
  readonly dirs: Workdir[] = [];
  readonly sims: SimProcess[] = [];
  /** Given the basic fixture, applied (a copy of the template: same lineage, same cloud). */
  applied(): Workdir {
    return this.keep(cloneWorkdir(template));
  }
  /** Given the basic fixture, never applied. */
  fresh(): Workdir {
    return this.keep(workdir('basic'));
  }
  keep(w: Workdir): Workdir {
    this.dirs.push(w);
    return w;
  }
  /** A simulator process serving the workdir's cloud, so the test can look at it over HTTP. */
  async simulatorOf(w: Workdir): Promise<SimProcess> {
    const sim = await startSimulator(w.file('.drctl/sim'));
    this.sims.push(sim);
    return sim;
  }
  async dispose(): Promise<void> {
    for (const sim of this.sims) await sim.stop();
    for (const w of this.dirs) w.remove();
  }
}

const test = it.extend<{ scratch: Scratch }>({
  scratch: async ({}, use) => {
    const scratch = new Scratch();
    await use(scratch);
    await scratch.dispose();
  },
});

/** The basic fixture, applied once; each test starts from a copy of it. */
let template: Workdir;

beforeAll(async () => {
  if (!fs.existsSync(`${ROOT}/dist/commands/index.js`)) throw new Error('build first: npx tsc -p tsconfig.build.json');
  template = workdir('basic');
  const r = expectExit(await template.run(['apply', template.config, '-auto-approve']), 0, 'first apply');
  expect(r.stdout).toContain('Apply complete! 17 succeeded, 0 failed, 0 skipped.');
});

afterAll(() => template?.remove());

async function planJson(w: Workdir, ...args: string[]): Promise<PlanJson> {
  const r = expectExit(await w.run(['plan', w.config, '-json', ...args]), 0, 'plan -json');
  return JSON.parse(r.stdout) as PlanJson;
}

const changed = (p: PlanJson) => p.resource_changes.filter((c) => c.actions.join() !== 'no-op');

async function expectConverged(w: Workdir): Promise<void> {
  expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0, 'plan -detailed-exitcode after apply');
}

// Tests run a few at a time: each is mostly waiting on its own drctl processes.
describe.concurrent('plan and apply, end to end', { timeout: 120_000 }, () => {
  test("changing one VM's memory plans exactly one update, and applying it converges", async ({ scratch, expect }) => {
    const w = scratch.applied();
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$124'));

    const plan = await planJson(w);
    const updates = plan.resource_changes.filter((c) => c.actions.join() === 'update');
    expect(updates.map((c) => c.address)).toEqual(['vm.ldap01']);
    expect(changed(plan)).toHaveLength(1);
    expect(updates[0].before?.memory_gb).toBe(16);
    expect(updates[0].after?.memory_gb).toBe(24);
    expect(plan.summary).toEqual({ add: 0, change: 1, destroy: 0, replace: 0 });

    const text = expectExit(await w.run(['plan', w.config]), 0).stdout;
    expect(text).toContain('# vm.ldap01 will be updated in-place');
    expect(text).toMatch(/~ memory_gb\s+= 16 -> 24/);
    expect(text).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const idBefore = idOf(await parseStateFile(w.file(STATE)), 'vm.ldap01');
    const r = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    expect(r.stdout).toContain('Apply complete! 1 succeeded, 0 failed, 0 skipped.');
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources.find((x) => x.address === 'vm.ldap01')?.attributes.memory_gb).toBe(24);
    expect(idOf(st, 'vm.ldap01')).toBe(idBefore); // updated in place, not replaced
    await expectConverged(w);
  });

  test('resizing the orchestrator changes its VM in the cloud, and a resize made outside is drift', async ({ scratch, expect }) => {
    const w = scratch.applied();
    w.edit('main.hcl', (s) => s.replace(/(orchestrator "ksys" \{[^}]*memory_gb\s+=\s+)16/, '$132'));
    const plan = await planJson(w);
    expect(changed(plan).map((c) => [c.address, c.actions.join(), c.before?.memory_gb, c.after?.memory_gb])).toEqual([['orchestrator.ksys', 'update', 16, 32]]);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const sim = await scratch.simulatorOf(w);
    const ksys = async () => (await sim.listVms(DR)).find((v) => v.serverName === 'ksys-ksys');
    expect((await ksys())?.memory).toBe(32);
    await expectConverged(w);
    await sim.call('PUT', `/pcloud/v1/cloud-instances/${DR}/pvm-instances/${(await ksys())!.pvmInstanceID}`, { memory: 24 });
    const drift = await planJson(w);
    expect(drift.resource_drift.map((d) => [d.address, d.observed?.memory_gb])).toEqual([['orchestrator.ksys', 24]]);
    expect(changed(drift).map((c) => [c.address, c.actions.join()])).toEqual([['orchestrator.ksys', 'update']]);
  });

  test('a rename with a moved block moves the state entry and keeps the same cloud VM', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const before = await parseStateFile(w.file(STATE));
    const vmId = idOf(before, 'vm.jump01');
    expect(vmId).toBeTruthy();
    w.edit('vms.hcl', (s) => s.replace('vm "jump01"', 'vm "bastion"') + '\nmoved {\n  from = vm.jump01\n  to   = vm.bastion\n}\n');
    w.edit('recovery.hcl', (s) => s.replace('vm.jump01', 'vm.bastion'));

    const plan = await planJson(w);
    expect(plan.moves).toEqual([{ from: 'vm.jump01', to: 'vm.bastion' }]);
    const actions = plan.resource_changes.map((c) => c.actions.join());
    expect(actions).not.toContain('create');
    expect(actions).not.toContain('delete');
    expect(actions).not.toContain('delete,create');
    expect(plan.resource_changes.find((c) => c.address === 'vm.bastion')?.actions).toEqual(['no-op']);
    expect(plan.resource_changes.some((c) => c.address === 'vm.jump01')).toBe(false);
    // The recovery plan names its VMs by address, so it is updated; nothing else changes.
    expect(changed(plan).map((c) => c.address)).toEqual(['recovery_plan.basic']);
    const text = expectExit(await w.run(['plan', w.config]), 0).stdout;
    expect(text).toContain('# vm.jump01 has moved to vm.bastion');

    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const after = await parseStateFile(w.file(STATE));
    expect(after.resources.map((r) => r.address)).toContain('vm.bastion');
    expect(after.resources.map((r) => r.address)).not.toContain('vm.jump01');
    expect(idOf(after, 'vm.bastion')).toBe(vmId);
    expect(after.resources).toHaveLength(before.resources.length);
    await expectConverged(w);

    // The cloud object keeps its name, so a new block with the old name must not take it over.
    w.edit(
      'vms.hcl',
      (s) =>
        s +
        '\nvm "jump01" {\n  site         = site.home\n  machine_type = "s922"\n  processors   = 1\n  proc_type    = "shared"\n  memory_gb    = 8\n  os           = "rhel"\n  networks     = [network.app]\n}\n',
    );
    const clash = await w.run(['apply', w.config, '-auto-approve']);
    expect(clash.code).toBe(1);
    // It still carries vm.jump01's identity tag (that is what it was made as), and state says whose it is now.
    expect(clash.stdout).toContain('vm.jump01 would adopt the vm "jump01"');
    expect(clash.stdout).toContain('in basic-dal13, but state records it as vm.bastion');
    const afterClash = await parseStateFile(w.file(STATE));
    expect(afterClash.resources.map((r) => r.address)).not.toContain('vm.jump01');
    expect(afterClash.resources.filter((r) => r.id === vmId).map((r) => r.address)).toEqual(['vm.bastion']);

    const sim = await scratch.simulatorOf(w);
    const vms = await sim.listVms(HOME);
    expect(vms.filter((v) => v.pvmInstanceID === vmId)).toHaveLength(1);
    expect(vms).toHaveLength(8);
  });

  test('removing a VM block plans one delete, and applying it removes the VM from the cloud and state', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const webId = idOf(await parseStateFile(w.file(STATE)), 'vm.web[1]')!;
    w.edit('vms.hcl', (s) => s.replace(/(vm "web" \{\s*count\s+=\s+)2/, '$11'));

    const plan = await planJson(w);
    const deletes = plan.resource_changes.filter((c) => c.actions.join() === 'delete');
    expect(deletes.map((c) => c.address)).toEqual(['vm.web[1]']);
    expect(deletes[0].action_reason).toBe('delete_because_no_resource_config');
    expect(deletes[0].after).toBeNull();
    expect(plan.summary.destroy).toBe(1);
    expect(plan.summary.add).toBe(0);

    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources.map((r) => r.address)).not.toContain('vm.web[1]');
    await expectConverged(w);

    const sim = await scratch.simulatorOf(w);
    const vms = await sim.listVms(HOME);
    expect(vms.map((v) => v.pvmInstanceID)).not.toContain(webId);
    expect(vms.map((v) => v.serverName)).not.toContain('web-1');
    expect(vms).toHaveLength(7);
  });

  test('changing machine_type replaces the VM, with the reason and the attribute that forces it', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const oldId = idOf(await parseStateFile(w.file(STATE)), 'vm.db01')!;
    w.edit('vms.hcl', (s) => s.replace('machine_type  = "e980"', 'machine_type  = "e1080"'));

    const plan = await planJson(w);
    expect(changed(plan)).toHaveLength(1);
    const c = changed(plan)[0];
    expect(c.address).toBe('vm.db01');
    expect(c.actions).toEqual(['delete', 'create']);
    expect(c.action_reason).toBe('replace_because_cannot_update');
    expect(c.replace_paths).toEqual(['machine_type']);
    expect(plan.summary).toEqual({ add: 1, change: 0, destroy: 1, replace: 1 });

    const text = expectExit(await w.run(['plan', w.config]), 0).stdout;
    expect(text).toContain('# vm.db01 must be replaced');
    expect(text).toMatch(/-\/\+ vm "db01"/);
    expect(text).toMatch(/machine_type\s+= "e980" -> "e1080" # forces replacement/);

    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const newId = idOf(await parseStateFile(w.file(STATE)), 'vm.db01')!;
    expect(newId).not.toBe(oldId);
    await expectConverged(w);
    const sim = await scratch.simulatorOf(w);
    const vms = await sim.listVms(HOME);
    const ids = vms.map((v) => v.pvmInstanceID);
    expect(ids).toContain(newId);
    expect(ids).not.toContain(oldId);
    expect(vms.find((v) => v.pvmInstanceID === newId)?.sysType).toBe('e1080');
  });

  test('a change made in the cloud is reported as drift and planned back; -refresh=false does not see it', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const id = idOf(await parseStateFile(w.file(STATE)), 'vm.app[1]')!;
    const sim = await scratch.simulatorOf(w);
    await sim.call('PUT', `/pcloud/v1/cloud-instances/${HOME}/pvm-instances/${id}`, { memory: 48 });
    expect((await sim.listVms(HOME)).find((v) => v.pvmInstanceID === id)?.memory).toBe(48);

    // drctl talks to the running simulator (it finds it through the data directory's lock).
    const plan = await planJson(w);
    expect(plan.resource_drift).toHaveLength(1);
    expect(plan.resource_drift[0]).toMatchObject({ address: 'vm.app[1]', kind: 'changed' });
    expect(plan.resource_drift[0].recorded.memory_gb).toBe(32);
    expect(plan.resource_drift[0].observed?.memory_gb).toBe(48);
    expect(changed(plan).map((c) => [c.address, c.actions.join(), c.before?.memory_gb, c.after?.memory_gb])).toEqual([['vm.app[1]', 'update', 48, 32]]);

    const text = expectExit(await w.run(['plan', w.config]), 0).stdout;
    expect(text).toContain('drctl detected the following changes made outside of drctl');
    expect(text).toContain('# vm.app[1] has changed outside drctl');
    expect(text).toMatch(/memory_gb = 32 -> 48/);

    const noRefresh = await planJson(w, '-refresh=false');
    expect(noRefresh.resource_drift).toEqual([]);
    expect(changed(noRefresh)).toEqual([]);

    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    expect((await sim.listVms(HOME)).find((v) => v.pvmInstanceID === id)?.memory).toBe(32);
    await expectConverged(w);
  });

  test('a VM deleted in the cloud is planned for replacement and recreated', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const id = idOf(await parseStateFile(w.file(STATE)), 'vm.web[0]')!;
    const sim = await scratch.simulatorOf(w);
    await sim.call('DELETE', `/pcloud/v1/cloud-instances/${HOME}/pvm-instances/${id}`);
    const plan = await planJson(w);
    expect(plan.resource_drift.map((d) => [d.address, d.kind])).toEqual([['vm.web[0]', 'deleted']]);
    expect(changed(plan).map((c) => [c.address, c.actions.join(), c.action_reason])).toEqual([
      ['vm.web[0]', 'delete,create', 'replace_because_deleted_outside'],
    ]);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const vms = await sim.listVms(HOME);
    expect(vms.filter((v) => v.serverName === 'web-0')).toHaveLength(1);
    expect(vms).toHaveLength(8);
    await expectConverged(w);
  });

  test('a VM that fails to boot fails the apply and skips its dependents; it is rebuilt, not adopted, later', async ({ scratch, expect }) => {
    const w = scratch.fresh();
    const sim = await scratch.simulatorOf(w);
    await sim.call('PUT', '/admin/faults', { bootFail: ['web-0'] });
    const failed = await w.run(['apply', w.config, '-auto-approve']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Apply finished with errors! 15 succeeded, 1 failed, 1 skipped.');
    expect(failed.stdout).toContain('vm.web[0]: create vm "web-0" in workspace basic-dal13: it went into ERROR');
    expect(failed.stderr).toContain('recovery_plan.basic: Skipped: upstream failed (vm.web[0])');
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources).toHaveLength(15);
    expect(st.resources.map((r) => r.address)).not.toContain('vm.web[0]');
    // The fault fails one boot (the next); armed again, the rebuild fails too: the broken VM is
    // rebuilt, never adopted as if it were fine.
    await sim.call('PUT', '/admin/faults', { bootFail: ['web-0'] });
    expect((await w.run(['apply', w.config, '-auto-approve'])).code).toBe(1);
    await sim.call('PUT', '/admin/faults', {});
    const fixed = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    expect(fixed.stderr).toContain('vm.web[0]: the vm "web-0" an earlier attempt made is in ERROR');
    const vms = await sim.listVms(HOME);
    expect(vms.filter((v) => v.serverName === 'web-0').map((v) => v.status)).toEqual(['ACTIVE']);
    expect(vms).toHaveLength(8);
    await expectConverged(w);
  });

  test('applying again with no changes leaves the state file byte-identical', async ({ scratch, expect }) => {
    const w = scratch.applied();
    const first = fs.readFileSync(w.file(STATE));
    const st = await parseStateFile(w.file(STATE));
    for (let i = 0; i < 2; i++) {
      const r = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
      expect(r.stdout).toContain('No changes.');
      expect(r.stderr).toContain('State unchanged.');
      expect(fs.readFileSync(w.file(STATE)).equals(first)).toBe(true);
    }
    expect((await parseStateFile(w.file(STATE))).serial).toBe(st.serial);
    expect(fs.existsSync(w.file(`${STATE}.journal`))).toBe(false);
    expect(fs.existsSync(w.file(`${STATE}.lock`))).toBe(false);
    // And `drctl state diff` of the two says so: equal, exit 0.
    fs.writeFileSync(w.file('first.drstate.json'), first);
    const diff = expectExit(await w.run(['state', 'diff', 'first.drstate.json', STATE]), 0, 'state diff');
    expect(diff.stdout).toContain('No differences: the states are equal.');
    const json = JSON.parse(expectExit(await w.run(['state', 'diff', 'first.drstate.json', STATE, '--json']), 0).stdout) as { equal: boolean };
    expect(json.equal).toBe(true);
  });

  test('-detailed-exitcode: 2 with changes, 0 without, 1 on an error', async ({ scratch, expect }) => {
    const w = scratch.fresh();
    const r2 = await w.run(['plan', w.config, '-detailed-exitcode']);
    expect(r2.code).toBe(2);
    expect(r2.stdout).toContain('Plan: 17 to add, 0 to change, 0 to destroy.');
    // Without the flag, changes are not an error.
    expect((await w.run(['plan', w.config])).code).toBe(0);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const r0 = await w.run(['plan', w.config, '-detailed-exitcode']);
    expect(r0.code).toBe(0);
    expect(r0.stdout).toContain('No changes.');
    w.edit('vms.hcl', (s) => s.replace('memory_gb     = 128', 'memory_gb     = "lots"'));
    const r1 = await w.run(['plan', w.config, '-detailed-exitcode']);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('Error:');
    expect(r1.stderr).toContain('vms.hcl');
  });

  test('plan -out then apply of that file applies exactly the saved plan', async ({ scratch, expect }) => {
    const w = scratch.applied();
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$132'));
    const p = await w.run(['plan', w.config, '-out', 'plan.bin', '-detailed-exitcode']);
    expect(p.code).toBe(2);
    expect(p.stdout).toContain('Saved the plan to plan.bin');
    // show reads the file back as the same plan.
    const shown = JSON.parse(expectExit(await w.run(['show', 'plan.bin', '-json']), 0).stdout) as PlanJson;
    expect(changed(shown).map((c) => c.address)).toEqual(['vm.ldap01']);
    // The configuration changes again after the plan: apply must still do what was reviewed.
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)32/, '$164'));
    const a = expectExit(await w.run(['apply', 'plan.bin']), 0);
    expect(a.stdout).toContain('Apply complete! 1 succeeded');
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources.find((r) => r.address === 'vm.ldap01')?.attributes.memory_gb).toBe(32);
    // A plan file is used once: the state moved on, so applying it again is refused.
    const again = await w.run(['apply', 'plan.bin']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('stale');
  });

  test('a stale saved plan (the state changed after it was made) is refused with a clear message', async ({ scratch, expect }) => {
    const w = scratch.applied();
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$120'));
    expect((await w.run(['plan', w.config, '-out', 'old.bin'])).code).toBe(0);
    const serial = (await parseStateFile(w.file(STATE))).serial;
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const stateBytes = fs.readFileSync(w.file(STATE));
    const r = await w.run(['apply', 'old.bin']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`old.bin is stale: it was made at state serial ${serial}, and the state is now at serial ${serial + 1}.`);
    expect(r.stderr).toContain('drctl plan -out');
    expect(r.stderr).not.toContain('internal error');
    expect(fs.readFileSync(w.file(STATE)).equals(stateBytes)).toBe(true);
  });

  test('a saved plan made for another state lineage is refused', async ({ scratch, expect }) => {
    const a = scratch.applied();
    const b = scratch.fresh(); // applied on its own: a state of its own lineage
    expectExit(await b.run(['apply', b.config, '-auto-approve']), 0);
    a.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$120'));
    expect((await a.run(['plan', a.config, '-out', 'a.bin'])).code).toBe(0);
    fs.copyFileSync(a.file('a.bin'), b.file('a.bin'));
    const lineageA = (await parseStateFile(a.file(STATE))).lineage;
    const lineageB = (await parseStateFile(b.file(STATE))).lineage;
    expect(lineageA).not.toBe(lineageB);
    const stateBytes = fs.readFileSync(b.file(STATE));
    const r = await b.run(['apply', 'a.bin']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`a.bin was made for a different state (lineage ${lineageA}); this state's lineage is ${lineageB}.`);
    expect(fs.readFileSync(b.file(STATE)).equals(stateBytes)).toBe(true);
  });

  test('-target limits plan and apply to the target and what it depends on', async ({ scratch, expect }) => {
    const w = scratch.applied();
    w.edit('vms.hcl', (s) => s.replace(/(vm "app" \{[^}]*memory_gb\s+=\s+)32/, '$148').replace(/(vm "web" \{[^}]*memory_gb\s+=\s+)16/, '$124'));
    const all = await planJson(w);
    expect(changed(all).map((c) => c.address)).toEqual(['vm.app[0]', 'vm.app[1]', 'vm.app[2]', 'vm.web[0]', 'vm.web[1]']);

    const one = await planJson(w, '-target', 'vm.app[1]');
    expect(changed(one).map((c) => c.address)).toEqual(['vm.app[1]']);
    // Its dependencies are in the plan (unchanged); unrelated resources are not.
    const addrs = one.resource_changes.map((c) => c.address);
    expect(addrs).toEqual(expect.arrayContaining(['network.app', 'network.db', 'site.home']));
    expect(addrs).not.toContain('vm.web[0]');
    expect(addrs).not.toContain('vm.app[0]');

    const block = await planJson(w, '-target', 'vm.app');
    expect(changed(block).map((c) => c.address)).toEqual(['vm.app[0]', 'vm.app[1]', 'vm.app[2]']);

    // -replace forces a replacement of an unchanged resource, and says why.
    const replaced = await planJson(w, '-target', 'vm.jump01', '-replace', 'vm.jump01');
    expect(changed(replaced).map((c) => [c.address, c.actions.join(), c.action_reason])).toEqual([['vm.jump01', 'delete,create', 'replace_by_request']]);

    expectExit(await w.run(['apply', w.config, '-auto-approve', '-target', 'vm.web[0]']), 0);
    const rest = await planJson(w);
    expect(changed(rest).map((c) => c.address)).toEqual(['vm.app[0]', 'vm.app[1]', 'vm.app[2]', 'vm.web[1]']);
  });

  test('-destroy plans every resource for deletion, and applying it empties the cloud and the state', async ({ scratch, expect }) => {
    const w = scratch.applied();
    // Destroying a target takes what depends on it along, never what it depends on.
    const targeted = await planJson(w, '-destroy', '-target', 'vm.ldap01');
    expect(targeted.resource_changes.map((c) => [c.address, c.actions.join()])).toEqual([
      ['recovery_plan.basic', 'delete'],
      ['vm.ldap01', 'delete'],
    ]);
    const network = await planJson(w, '-destroy', '-target', 'network.db');
    expect(network.resource_changes.map((c) => c.address)).toEqual(['network.db', 'recovery_plan.basic', 'vm.app[0]', 'vm.app[1]', 'vm.app[2]', 'vm.db01']);

    const plan = await planJson(w, '-destroy');
    expect(plan.resource_changes).toHaveLength(17);
    expect(plan.resource_changes.every((c) => c.actions.join() === 'delete' && c.action_reason === 'delete_because_destroy_mode')).toBe(true);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 17, replace: 0 });

    const r = expectExit(await w.run(['apply', w.config, '-destroy', '-auto-approve']), 0);
    expect(r.stdout).toContain('Apply complete! 17 succeeded, 0 failed, 0 skipped.');
    // VMs go before the networks and volume group they use (the cloud refuses otherwise).
    const order = r.stderr
      .split('\n')
      .filter((l) => l.includes('Destruction complete'))
      .map((l) => l.split(':')[0]);
    expect(order.indexOf('vm.db01')).toBeLessThan(order.indexOf('volume_group.db'));
    expect(order.indexOf('vm.ldap01')).toBeLessThan(order.indexOf('network.app'));
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources).toEqual([]);
    expect(st.outputs).toEqual({});
    const sim = await scratch.simulatorOf(w);
    expect(await sim.listVms(HOME)).toEqual([]);
    expect(await sim.listVms(DR)).toEqual([]);
    expect((await sim.call<{ networks: unknown[] }>('GET', `/pcloud/v1/cloud-instances/${HOME}/networks`)).networks).toEqual([]);
    await sim.stop();
    // Nothing left to destroy, and the configuration would create it all again.
    expect((await planJson(w, '-destroy')).resource_changes).toEqual([]);
    expect((await w.run(['plan', w.config, '-detailed-exitcode'])).code).toBe(2);
  });

  test('sensitive values print as (sensitive value) and never reach output or state in plain text', async ({ scratch, expect }) => {
    const secret = 's3cr3t-hook-token';
    const w = scratch.fresh();
    const text = expectExit(await w.run(['plan', w.config]), 0);
    expect(text.stdout).toMatch(/\+ webhook = \(sensitive value\)/);
    const json = await w.run(['plan', w.config, '-json']);
    const plan = JSON.parse(json.stdout) as PlanJson;
    expect(plan.resource_changes.find((c) => c.address === 'notification.ops')?.after?.webhook).toBe('(sensitive value)');
    const applyRun = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const events = expectExit(await w.run(['apply', w.config, '-auto-approve', '-json']), 0);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr, applyRun.stdout, applyRun.stderr, events.stdout, events.stderr]) {
      expect(out).not.toContain(secret);
    }
    expect(fs.readFileSync(w.file(STATE), 'utf8')).not.toContain(secret);
    // A sensitive output is stored as the keyed hash of its real value (not of a placeholder).
    const applied = await parseStateFile(w.file(STATE));
    expect(applied.outputs.hook_token).toEqual({ sensitive: true, value: redact(applied.lineage, 'output.hook_token', '', secret) });
    expect(applied.outputs.app_servers).toEqual({ sensitive: false, value: ['vm.app[0]', 'vm.app[1]', 'vm.app[2]'] });
    // The stored hash still stands for the value: no change is planned for it...
    await expectConverged(w);
    // ...and changing the secret is seen, still without showing either value.
    const changedRun = expectExit(await w.run(['plan', w.config, '-var', 'hook_token=another-secret']), 0);
    expect(changedRun.stdout).toContain('# notification.ops will be updated in-place');
    // As Terraform says it: that the secret changed, never from what to what.
    expect(changedRun.stdout).toMatch(/~ webhook = \(sensitive value\)$/m);
    expect(changedRun.stdout).not.toContain('another-secret');
    expect(changedRun.stdout).not.toContain(secret);

    // A moved resource keeps its secret's stored hash valid: the move is all the plan shows.
    w.edit(
      'main.hcl',
      (s) => s.replace('notification "ops"', 'notification "oncall"') + '\nmoved {\n  from = notification.ops\n  to   = notification.oncall\n}\n',
    );
    const moved = JSON.parse(expectExit(await w.run(['plan', w.config, '-json']), 0).stdout) as PlanJson;
    expect(moved.moves).toEqual([{ from: 'notification.ops', to: 'notification.oncall' }]);
    expect(changed(moved)).toEqual([]);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources.map((r) => r.address)).toContain('notification.oncall');
    expect(st.resources.map((r) => r.address)).not.toContain('notification.ops');
    expect(fs.readFileSync(w.file(STATE), 'utf8')).not.toContain(secret);
    await expectConverged(w);
  });
});
