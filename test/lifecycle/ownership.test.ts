// Ownership, not names: PowerVS names are not unique, so drctl takes over only what carries its
// own identity (user tags holding the state lineage and the address). A VM made by hand with a
// configuration's name is never adopted, and two configurations sharing a workspace never claim
// each other's resources, in an apply or a destroy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STOCK_IMAGES } from '../../src/sim/index.js';
import { applyService, importService, planService, type EngineContext } from '../../src/services/index.js';
import { drBed, type DrBed } from './harness.js';

const HOME = 'erp-prod-dal13';
type Vm = { pvmInstanceID: string; serverName: string; memory: number; userTags?: string[] };

let bed: DrBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const apply = (b: DrBed, dir: string, destroy = false) =>
  applyService({ dir, vars: [], refresh: true, destroy, targets: [], replace: [], lockTimeoutMs: 0 }, b.ctx() as EngineContext);

const vmsNamed = async (b: DrBed, name: string) =>
  (await b.api<{ pvmInstances: Vm[] }>('GET', HOME, 'pvm-instances')).pvmInstances.filter((v) => v.serverName === name);

describe('ownership, not names', () => {
  it('a VM made by hand with the configuration’s name is never adopted: the create stops naming both, and a destroy leaves it', async () => {
    bed = await drBed();
    const net = await bed.api<{ networkID: string }>('POST', HOME, 'networks', { name: 'made-by-hand', type: 'vlan', cidr: '192.168.50.0/24' });
    const rhel = STOCK_IMAGES.find((i) => i.os === 'rhel' && !i.empty)!;
    const [hand] = await bed.api<Vm[]>('POST', HOME, 'pvm-instances', {
      serverName: 'ldap01',
      imageID: rhel.imageID,
      processors: 1,
      procType: 'shared',
      memory: 4,
      sysType: 's922',
      networks: [{ networkID: net.networkID }],
    });

    const out = await apply(bed, 'plans');
    const ldap = out.result!.results.find((r) => r.address === 'vm.ldap01')!;
    expect(ldap.status).toBe('failed');
    expect(ldap.error).toContain('vm.ldap01 would be pvm-instance "ldap01"');
    expect(ldap.error).toContain(`(id ${hand.pvmInstanceID}) already exists there without this configuration's identity`);
    expect(ldap.error).toContain(`drctl import 'vm.ldap01' ${hand.pvmInstanceID}`);
    // The only failure is that VM's create.
    expect(out.result!.failed).toBe(1);
    expect(out.result!.succeeded).toBeGreaterThan(0);
    const state = JSON.parse(fs.readFileSync(path.join(bed.dir, 'state/erp.drstate.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    expect(state.resources.find((r) => r.address === 'vm.ldap01')).toBeUndefined();
    expect(state.resources.some((r) => r.id === hand.pvmInstanceID)).toBe(false);
    // Untouched: not resized to the configuration's 16 GB, not tagged.
    expect(await vmsNamed(bed, 'ldap01')).toEqual([expect.objectContaining({ pvmInstanceID: hand.pvmInstanceID, memory: 4 })]);
    const read = await bed.api<Vm>('GET', HOME, `pvm-instances/${hand.pvmInstanceID}`);
    expect(read.userTags ?? []).toEqual([]);

    const destroyed = await apply(bed, 'plans', true);
    expect(destroyed.result!.failed).toBe(0);
    expect((await vmsNamed(bed, 'ldap01')).map((v) => v.pvmInstanceID)).toEqual([hand.pvmInstanceID]);
  }, 120_000);

  it('two configurations sharing a workspace never claim each other’s resources', async () => {
    bed = await drBed();
    fs.cpSync(path.join(bed.dir, 'plans'), path.join(bed.dir, 'other'), { recursive: true });
    const main = path.join(bed.dir, 'other/main.hcl');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('state/erp.drstate.json', 'state/other.drstate.json'));
    // Networks of its own, so its VMs (same names as the first's) get as far as their creates.
    const nets = path.join(bed.dir, 'other/network.hcl');
    fs.writeFileSync(nets, fs.readFileSync(nets, 'utf8').replaceAll('name = "${local.prefix}-', 'name = "other-'));

    expect((await apply(bed, 'plans')).result!.failed).toBe(0);
    const first = JSON.parse(fs.readFileSync(path.join(bed.dir, 'state/erp.drstate.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    const firstIds = new Set(first.resources.map((r) => r.id));
    const vmsBefore = (await bed.api<{ pvmInstances: Vm[] }>('GET', HOME, 'pvm-instances')).pvmInstances.map((v) => v.pvmInstanceID).sort();

    // The second configuration names the same networks and VMs in the same workspace.
    const second = await apply(bed, 'other');
    expect(second.result!.failed).toBeGreaterThan(0);
    const refused = second.result!.results.filter((r) => r.status === 'failed');
    for (const r of refused) expect(r.error).toContain("without this configuration's identity");
    expect(refused.filter((r) => r.address.startsWith('vm.')).length).toBeGreaterThan(0);
    const other = JSON.parse(fs.readFileSync(path.join(bed.dir, 'state/other.drstate.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    expect(other.resources.filter((r) => firstIds.has(r.id) && r.id !== r.address)).toEqual([]);

    // Its destroy removes only its own; the first configuration still has everything, no changes.
    expect((await apply(bed, 'other', true)).result!.failed).toBe(0);
    expect((await bed.api<{ pvmInstances: Vm[] }>('GET', HOME, 'pvm-instances')).pvmInstances.map((v) => v.pvmInstanceID).sort()).toEqual(vmsBefore);
    const again = await apply(bed, 'plans');
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(again.plan!.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.address}`)).toEqual([]);
    expect(again.plan!.changes.filter((c) => c.type === 'vm')).toHaveLength(30);
  }, 180_000);

  it('an import takes a hand-made VM over explicitly: recorded as it is, then resized to the configuration in place', async () => {
    bed = await drBed();
    const net = await bed.api<{ networkID: string }>('POST', HOME, 'networks', { name: 'made-by-hand', type: 'vlan', cidr: '192.168.50.0/24' });
    const rhel = STOCK_IMAGES.find((i) => i.os === 'rhel' && !i.empty)!;
    const [hand] = await bed.api<Vm[]>('POST', HOME, 'pvm-instances', {
      serverName: 'ldap01',
      imageID: rhel.imageID,
      processors: 1,
      procType: 'shared',
      memory: 4,
      sysType: 's922',
      networks: [{ networkID: net.networkID }],
    });
    const ctx = bed.ctx() as EngineContext;
    const importOf = (address: string, id: string) => importService({ dir: 'plans', vars: [], address, id, lockTimeoutMs: 0 }, ctx);

    // Refused with a reason: an address the configuration lacks, a kind import does not take, a VM not there.
    await expect(importOf('vm.nope', hand.pvmInstanceID)).rejects.toThrow('The configuration has no resource vm.nope to import into.');
    await expect(importOf('network.app', net.networkID)).rejects.toThrow('drctl import takes VMs (vm.NAME); network.app is a network.');
    await expect(importOf('vm.ldap01', 'no-such-vm')).rejects.toThrow(`There is no VM no-such-vm in workspace ${HOME}`);

    const done = await importOf('vm.ldap01', hand.pvmInstanceID);
    expect(done.imported).toEqual({ address: 'vm.ldap01', id: hand.pvmInstanceID, workspace: HOME, name: 'ldap01' });
    await expect(importOf('vm.ldap01', hand.pvmInstanceID)).rejects.toThrow(`vm.ldap01 is already in the state (id ${hand.pvmInstanceID})`);

    // The plan takes it from what it is (4 GB) to the configuration (16 GB), in place.
    const plan = (await planService({ dir: 'plans', vars: [], refresh: true, destroy: false, targets: [], replace: [] }, ctx)).plan!;
    const ldap = plan.changes.find((c) => c.address === 'vm.ldap01')!;
    expect(ldap).toMatchObject({ action: 'update', before: expect.objectContaining({ memory_gb: 4 }), after: expect.objectContaining({ memory_gb: 16 }) });

    const out = await apply(bed, 'plans');
    expect(out.result!.failed).toBe(0);
    expect(await vmsNamed(bed, 'ldap01')).toEqual([expect.objectContaining({ pvmInstanceID: hand.pvmInstanceID, memory: 16 })]);
  }, 120_000);
});
