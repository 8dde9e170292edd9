// The provider's operations over HTTP against the simulator: create, read, list, update and
// delete per kind, the DR actions, and the errors, each naming the resource.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/provider/index.js';
import { DR, HOME, startRig, testOwner, type Rig } from './harness.js';

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    return e as ProviderError;
  }
  throw new Error('expected the call to fail');
}

describe('PowerVS provider against the simulator over HTTP', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.stop();
  });

  describe('networks', () => {
    it('creates, reads, finds by identity, lists, updates and deletes a network', async () => {
      const p = rig.provider;
      const owner = testOwner('network.crud');
      const net = await p.create('network', HOME, { name: 'crud-net', type: 'vlan', cidr: '10.50.0.0/24', owner });
      expect(net).toMatchObject({ name: 'crud-net', type: 'vlan', cidr: '10.50.0.0/24', gateway: '10.50.0.1', userTags: owner.tags });
      expect(await p.read('network', HOME, net.id)).toEqual(net);
      expect((await p.findOwned('network', HOME, 'crud-net', owner.idTag))?.id).toBe(net.id);
      expect(await p.findOwned('network', HOME, 'crud-net', 'drctl-id:someone-else')).toBeUndefined();
      expect((await p.list('network', HOME)).map((n) => n.name)).toContain('crud-net');
      const renamed = await p.update('network', HOME, net.id, { name: 'crud-net-2', dnsServers: ['9.9.9.9'] });
      expect(renamed).toMatchObject({ id: net.id, name: 'crud-net-2', dnsServers: ['9.9.9.9'] });
      await p.delete('network', HOME, net.id);
      expect(await p.read('network', HOME, net.id)).toBeUndefined();
    });
  });

  describe('volumes', () => {
    it('creates, reads, grows, renames and deletes a volume', async () => {
      const p = rig.provider;
      const vol = await p.create('volume', HOME, { name: 'crud-vol', sizeGb: 100, tier: 'tier1' });
      expect(vol).toMatchObject({ name: 'crud-vol', sizeGb: 100, tier: 'tier1', state: 'available', replicationEnabled: false });
      expect(await p.read('volume', HOME, vol.id)).toEqual(vol);
      const grown = await p.update('volume', HOME, vol.id, { sizeGb: 200, name: 'crud-vol-big' });
      expect(grown).toMatchObject({ sizeGb: 200, name: 'crud-vol-big' });
      // Replication is switched through the volume's action, not an update.
      expect(await p.update('volume', HOME, vol.id, { replicationEnabled: true })).toMatchObject({
        replicationEnabled: true,
        auxVolumeName: expect.stringMatching(/^aux_/),
      });
      expect(await p.update('volume', HOME, vol.id, { replicationEnabled: false })).toMatchObject({ replicationEnabled: false });
      await p.delete('volume', HOME, vol.id);
      expect(await p.read('volume', HOME, vol.id)).toBeUndefined();
    });

    it('keeps the auxiliary copy out of the partner workspace until it is onboarded there', async () => {
      const p = rig.provider;
      const vol = await p.create('volume', HOME, { name: 'rep-vol', sizeGb: 50, tier: 'tier0', replicationEnabled: true });
      expect(vol).toMatchObject({ replicationEnabled: true, auxiliary: false, auxVolumeName: expect.stringMatching(/^aux_rep-vol_/) });
      expect((await p.list('volume', DR)).some((v) => v.auxVolumeName === vol.auxVolumeName)).toBe(false);
      const owner = testOwner('volume_group.rep/aux');
      const [aux] = await p.onboardVolumes(DR, { sourceWorkspace: HOME, volumes: [{ auxVolumeName: vol.auxVolumeName!, name: 'rep-vol' }], tags: owner.tags });
      expect(aux).toMatchObject({
        name: 'rep-vol',
        auxiliary: true,
        sizeGb: 50,
        replicationEnabled: true,
        auxVolumeName: vol.auxVolumeName,
        userTags: owner.tags,
      });
      // Onboarding again takes what is there.
      const [again] = await p.onboardVolumes(DR, { sourceWorkspace: HOME, volumes: [{ auxVolumeName: vol.auxVolumeName! }] });
      expect(again.id).toBe(aux.id);
      await p.delete('volume', HOME, vol.id);
      expect(await p.read('volume', DR, aux.id)).toBeUndefined();
    });
  });

  describe('vms', () => {
    it('creates a VM from its OS stock image that becomes ACTIVE, updates it, stops, starts and deletes it', async () => {
      const p = rig.provider;
      const net = await p.create('network', HOME, { name: 'vm-net', type: 'vlan', cidr: '10.60.0.0/24' });
      const data = await p.create('volume', HOME, { name: 'vm-data', sizeGb: 20, tier: 'tier1' });
      const owner = testOwner('vm.crud');
      const vm = await p.create('vm', HOME, {
        name: 'crud-vm',
        machineType: 'e980',
        processors: 2,
        procType: 'dedicated',
        memoryGb: 64,
        os: 'aix',
        networkIds: [net.id],
        volumeIds: [data.id],
        owner,
      });
      expect(vm).toMatchObject({ name: 'crud-vm', status: 'ACTIVE', ready: true, machineType: 'e980', memoryGb: 64, os: 'aix' });
      expect(vm.networks).toEqual([{ id: net.id, ipAddress: '10.60.0.2' }]);
      expect((await p.read('vm', HOME, vm.id))?.userTags).toEqual(owner.tags);
      expect((await p.read('volume', HOME, data.id))?.attachedTo).toEqual([vm.id]);

      const bigger = await p.update('vm', HOME, vm.id, { memoryGb: 128, processors: 4 });
      expect(bigger).toMatchObject({ memoryGb: 128, processors: 4 });
      expect((await p.stopVm(HOME, vm.id)).status).toBe('SHUTOFF');
      expect((await p.startVm(HOME, vm.id)).ready).toBe(true);
      await p.delete('vm', HOME, vm.id);
      expect(await p.read('vm', HOME, vm.id)).toBeUndefined();
      expect((await p.read('volume', HOME, data.id))?.attachedTo).toEqual([]);
    });

    it('boots a VM from a volume: deployed VMNoStorage, the volume attached as boot volume, then started', async () => {
      const p = rig.provider;
      const net = await p.create('network', DR, { name: 'boot-net', type: 'vlan', cidr: '10.61.0.0/24' });
      const boot = await p.create('volume', DR, { name: 'boot-vol', sizeGb: 40, tier: 'tier1' });
      const data = await p.create('volume', DR, { name: 'boot-data', sizeGb: 40, tier: 'tier1' });
      const vm = await p.create('vm', DR, {
        name: 'boot-vm',
        machineType: 's922',
        processors: 1,
        procType: 'shared',
        memoryGb: 8,
        os: 'rhel',
        networkIds: [net.id],
        volumeIds: [boot.id, data.id],
        bootVolumeId: boot.id,
      });
      expect(vm).toMatchObject({ ready: true, volumeIds: [boot.id, data.id] });
      const events = rig.sim.world.events().filter((e) => e.resource.id === vm.id);
      expect(events.map((e) => e.type)).toEqual(['vm.created', 'vm.updated', 'vm.start']);
      expect(events[0].detail).toEqual({ deploymentType: 'VMNoStorage' });
    });
  });

  describe('volume groups and replication', () => {
    it('creates a group, onboards its copies, makes the auxiliary group by consistency group, fails over and back, deletes it', async () => {
      const p = rig.provider;
      const a = await p.create('volume', HOME, { name: 'vg-data', sizeGb: 500, tier: 'tier1', replicationEnabled: true });
      const b = await p.create('volume', HOME, { name: 'vg-log', sizeGb: 100, tier: 'tier1', replicationEnabled: true });
      const c = await p.create('volume', HOME, { name: 'vg-extra', sizeGb: 10, tier: 'tier1', replicationEnabled: true });
      const g = await p.create('volume_group', HOME, { name: 'erp_db', volumeIds: [a.id, b.id] });
      expect(g).toMatchObject({ name: 'erp_db', status: 'available', replicationStatus: 'enabled', auxiliary: false, replicationSites: ['wdc04'] });
      expect([...g.volumeIds].sort()).toEqual([a.id, b.id].sort());
      expect(g.consistencyGroupName).toMatch(/^rccg-/);

      const rs = await p.replicationStatus(HOME, g.id);
      expect(rs).toMatchObject({ state: 'consistent_copying', replicationEnabled: true, primaryRole: 'master', lagSeconds: 0 });
      expect(rs.volumes.map((v) => v.auxVolumeName).sort()).toEqual([a.auxVolumeName, b.auxVolumeName].sort());

      const grown = await p.update('volume_group', HOME, g.id, { volumeIds: [a.id, b.id, c.id] });
      expect(grown.volumeIds).toHaveLength(3);
      const shrunk = await p.update('volume_group', HOME, g.id, { volumeIds: [a.id, b.id] });
      expect([...shrunk.volumeIds].sort()).toEqual([a.id, b.id].sort());

      // The DR side: the copies onboarded there, and the group of the same consistency group.
      expect(await p.findVolumeGroup(DR, g.consistencyGroupName)).toBeUndefined();
      const aux = await p.onboardVolumes(DR, {
        sourceWorkspace: HOME,
        volumes: [a, b].map((v) => ({ auxVolumeName: v.auxVolumeName!, name: v.name })),
      });
      const auxGroup = await p.create('volume_group', DR, {
        name: g.consistencyGroupName,
        consistencyGroupName: g.consistencyGroupName,
        volumeIds: aux.map((v) => v.id),
      });
      expect(auxGroup).toMatchObject({ auxiliary: true, name: g.consistencyGroupName, consistencyGroupName: g.consistencyGroupName });
      expect((await p.findVolumeGroup(DR, g.consistencyGroupName))?.id).toBe(auxGroup.id);

      // Failover is driven from the DR side, on the auxiliary group.
      const stopped = await p.stopVolumeGroup(DR, auxGroup.id, true);
      expect(stopped).toMatchObject({ replicationEnabled: false, state: 'idling' });
      const back = await p.startVolumeGroup(DR, auxGroup.id, 'aux');
      expect(back).toMatchObject({ replicationEnabled: true, primaryRole: 'aux' });

      await p.delete('volume_group', HOME, g.id);
      expect(await p.read('volume_group', HOME, g.id)).toBeUndefined();
      expect(await p.read('volume_group', DR, auxGroup.id)).toBeUndefined();
      expect((await p.read('volume', HOME, a.id))?.groupId).toBeUndefined();
    });

    it('clones volumes for a drill, unreplicated and tagged, and tells which clone is of which volume by the clone task', async () => {
      const p = rig.provider;
      const v = await p.create('volume', DR, { name: 'clone-src', sizeGb: 30, tier: 'tier3', replicationEnabled: true }).catch(() => undefined);
      const src = v ?? (await p.create('volume', HOME, { name: 'clone-src', sizeGb: 30, tier: 'tier3', replicationEnabled: true }));
      const ws = v ? DR : HOME;
      const result = await p.cloneVolumes(ws, { name: 'drill1', volumeIds: [src.id], tags: ['drctl-drill:test'] });
      expect(result.clones).toEqual([{ sourceId: src.id, cloneId: expect.any(String) }]);
      const clone = await p.read('volume', ws, result.clones[0].cloneId);
      expect(clone).toMatchObject({
        name: expect.stringMatching(/^clone-drill1-\d{5}$/),
        sizeGb: 30,
        state: 'available',
        replicationEnabled: false,
        userTags: ['drctl-drill:test'],
      });
    });

    it('lists the replication partner of a workspace', async () => {
      expect(await rig.provider.disasterRecoverySite(HOME)).toEqual({ location: 'dal13', partners: ['wdc04'] });
    });
  });

  describe('errors name the resource', () => {
    it('a same-named resource without the identity is not adopted: the create stops, naming both and how to import', async () => {
      const p = rig.provider;
      const other = await p.create('network', HOME, { name: 'dup-net', type: 'vlan', cidr: '10.70.0.0/24' });
      const e = await providerError(p.create('network', HOME, { name: 'dup-net', type: 'vlan', cidr: '10.71.0.0/24', owner: testOwner('network.dup') }));
      expect(e).toMatchObject({ code: 'not_owned', resource: 'network "dup-net"', workspace: HOME });
      expect(e.message).toContain(`network.dup would be network "dup-net"`);
      expect(e.message).toContain(`id ${other.id}`);
      expect(e.message).toContain('Rename or remove the network in the way, or give network.dup another name.');
      // Without an identity (as a person at the console would), PowerVS takes a second of the name.
      const twin = await p.create('network', HOME, { name: 'dup-net', type: 'vlan', cidr: '10.72.0.0/24' });
      expect(twin.id).not.toBe(other.id);
    });

    it('starting a running VM is done already (the 409 is read as such); one that is gone is a 404', async () => {
      const p = rig.provider;
      const net = await p.create('network', HOME, { name: 'err-net', type: 'vlan', cidr: '10.80.0.0/24' });
      const vm = await p.create('vm', HOME, {
        name: 'err-vm',
        machineType: 's922',
        processors: 1,
        procType: 'shared',
        memoryGb: 8,
        os: 'rhel',
        networkIds: [net.id],
      });
      const before = rig.sim.stats.requests;
      expect((await p.startVm(HOME, vm.id)).ready).toBe(true);
      // The action (409), the read that shows it running, the read of the result.
      expect(rig.sim.stats.requests - before).toBe(3);
      await p.delete('vm', HOME, vm.id);
      const e = await providerError(p.startVm(HOME, vm.id));
      expect(e).toMatchObject({ code: 'not_found', status: 404, operation: 'start' });
    });

    it('409 for a volume-group action in the wrong state', async () => {
      const p = rig.provider;
      const v = await p.create('volume', HOME, { name: 'state-vol', sizeGb: 10, tier: 'tier1', replicationEnabled: true });
      const g = await p.create('volume_group', HOME, { name: 'state_vg', volumeIds: [v.id] });
      const start = await providerError(p.startVolumeGroup(HOME, g.id, 'master'));
      expect(start).toMatchObject({ code: 'conflict', resource: 'volume group "state_vg"' });
      expect(start.message).toContain('already replicating');
      const reset = await providerError(p.resetVolumeGroup(HOME, g.id));
      expect(reset.message).toContain('not in error state');
    });

    it('404 for a resource that does not exist', async () => {
      const e = await providerError(rig.provider.startVm(HOME, 'no-such-vm'));
      expect(e).toMatchObject({ code: 'not_found', status: 404, resource: 'vm no-such-vm' });
      expect(await rig.provider.read('vm', HOME, 'no-such-vm')).toBeUndefined();
      const { PowerVsProvider } = await import('../../src/provider/index.js');
      const elsewhere = new PowerVsProvider({ ...rig.config, workspaces: { ...rig.config.workspaces, gone: { id: 'no-such-workspace', zone: 'dal13' } } });
      const ws = await providerError(elsewhere.list('vm', 'gone'));
      await elsewhere.close();
      expect(ws.message).toContain('list vms in workspace gone: cloud instance no-such-workspace not found');
      expect(ws.code).toBe('not_found');
    });

    it('400 for an invalid request', async () => {
      const e = await providerError(rig.provider.create('volume', HOME, { name: 'bad-vol', sizeGb: 500, tier: 'tier5k' }));
      expect(e).toMatchObject({ code: 'bad_request', status: 400, resource: 'volume "bad-vol"' });
      expect(e.message).toContain('tier5k volumes are at most 200 GB');
    });

    it('401 without a valid bearer token', async () => {
      const { PowerVsProvider } = await import('../../src/provider/index.js');
      const bad = new PowerVsProvider({ ...rig.config, token: 'wrong' });
      const e = await providerError(bad.list('vm', HOME));
      await bad.close();
      expect(e).toMatchObject({ code: 'unauthorized', status: 401 });
      expect(e.message).toContain('bearer token');
    });
  });
});
