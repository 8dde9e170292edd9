import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/provider/index.js';
import { DR, HOME, startRig, type Rig } from './harness.js';

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
    it('creates, reads, finds, lists, updates and deletes a network', async () => {
      const p = rig.provider;
      const net = await p.create('network', HOME, { name: 'crud-net', type: 'vlan', cidr: '10.50.0.0/24' });
      expect(net).toMatchObject({ name: 'crud-net', type: 'vlan', cidr: '10.50.0.0/24', gateway: '10.50.0.1' });
      expect(await p.read('network', HOME, net.id)).toEqual(net);
      expect((await p.findByName('network', HOME, 'crud-net'))?.id).toBe(net.id);
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
      await p.delete('volume', HOME, vol.id);
      expect(await p.read('volume', HOME, vol.id)).toBeUndefined();
    });

    it('creates the auxiliary copy of a replicated volume in the paired site', async () => {
      const p = rig.provider;
      const vol = await p.create('volume', HOME, { name: 'rep-vol', sizeGb: 50, tier: 'tier0', replicationEnabled: true });
      expect(vol).toMatchObject({ replicationEnabled: true, auxiliary: false, auxVolumeName: 'aux_rep-vol' });
      const aux = await p.findByName('volume', DR, 'aux_rep-vol');
      expect(aux).toMatchObject({ auxiliary: true, sizeGb: 50, replicationEnabled: true });
      await p.delete('volume', HOME, vol.id);
      expect(await p.findByName('volume', DR, 'aux_rep-vol')).toBeUndefined();
    });
  });

  describe('vms', () => {
    it('creates a VM that becomes ACTIVE, updates it, stops, starts and deletes it', async () => {
      const p = rig.provider;
      const net = await p.create('network', HOME, { name: 'vm-net', type: 'vlan', cidr: '10.60.0.0/24' });
      const data = await p.create('volume', HOME, { name: 'vm-data', sizeGb: 20, tier: 'tier1' });
      const vm = await p.create('vm', HOME, {
        name: 'crud-vm',
        machineType: 'e980',
        processors: 2,
        procType: 'dedicated',
        memoryGb: 64,
        os: 'aix',
        networkIds: [net.id],
        volumeIds: [data.id],
      });
      expect(vm).toMatchObject({ name: 'crud-vm', status: 'ACTIVE', ready: true, machineType: 'e980', memoryGb: 64, os: 'aix' });
      expect(vm.networks).toEqual([{ id: net.id, ipAddress: '10.60.0.2' }]);
      expect((await p.read('volume', HOME, data.id))?.attachedTo).toEqual([vm.id]);

      const bigger = await p.update('vm', HOME, vm.id, { memoryGb: 128, processors: 4 });
      expect(bigger).toMatchObject({ memoryGb: 128, processors: 4 });
      expect((await p.stopVm(HOME, vm.id)).status).toBe('SHUTOFF');
      expect((await p.startVm(HOME, vm.id)).ready).toBe(true);
      await p.delete('vm', HOME, vm.id);
      expect(await p.read('vm', HOME, vm.id)).toBeUndefined();
      expect((await p.read('volume', HOME, data.id))?.attachedTo).toEqual([]);
    });
  });

  describe('volume groups and replication', () => {
    it('creates a group, reads replication, fails over, fails back and deletes it', async () => {
      const p = rig.provider;
      const a = await p.create('volume', HOME, { name: 'vg-data', sizeGb: 500, tier: 'tier1', replicationEnabled: true });
      const b = await p.create('volume', HOME, { name: 'vg-log', sizeGb: 100, tier: 'tier1', replicationEnabled: true });
      const c = await p.create('volume', HOME, { name: 'vg-extra', sizeGb: 10, tier: 'tier1', replicationEnabled: true });
      const g = await p.create('volume_group', HOME, { name: 'erp_db', volumeIds: [a.id, b.id] });
      expect(g).toMatchObject({ name: 'erp_db', status: 'available', replicationStatus: 'enabled', auxiliary: false, replicationSites: ['wdc04'] });

      const rs = await p.replicationStatus(HOME, g.id);
      expect(rs).toMatchObject({ state: 'consistent_copying', replicationEnabled: true, primaryRole: 'master', lagSeconds: 0 });
      expect(rs.volumes.map((v) => v.auxVolumeName).sort()).toEqual(['aux_vg-data', 'aux_vg-log']);

      const grown = await p.update('volume_group', HOME, g.id, { volumeIds: [a.id, b.id, c.id] });
      expect(grown.volumeIds).toHaveLength(3);
      const shrunk = await p.update('volume_group', HOME, g.id, { volumeIds: [a.id, b.id] });
      expect([...shrunk.volumeIds].sort()).toEqual([a.id, b.id].sort());

      // Failover is driven from the DR side, on the auxiliary group.
      const aux = (await p.list('volume_group', DR)).find((x) => x.consistencyGroupName === g.consistencyGroupName)!;
      expect(aux.auxiliary).toBe(true);
      const stopped = await p.stopVolumeGroup(DR, aux.id, true);
      expect(stopped).toMatchObject({ replicationEnabled: false, state: 'idling' });
      const back = await p.startVolumeGroup(DR, aux.id, 'aux');
      expect(back).toMatchObject({ replicationEnabled: true, primaryRole: 'aux' });

      await p.delete('volume_group', HOME, g.id);
      expect(await p.read('volume_group', HOME, g.id)).toBeUndefined();
      expect(await p.read('volume_group', DR, aux.id)).toBeUndefined();
      expect((await p.read('volume', HOME, a.id))?.groupId).toBeUndefined();
    });

    it('clones volumes for a drill', async () => {
      const p = rig.provider;
      const v = await p.create('volume', DR, { name: 'clone-src', sizeGb: 30, tier: 'tier3' });
      const result = await p.cloneVolumes(DR, { name: 'drill1', volumeIds: [v.id] });
      expect(result.clones).toHaveLength(1);
      expect(result.clones[0]).toMatchObject({ sourceId: v.id, name: 'drill1-clone-src' });
      const clone = await p.read('volume', DR, result.clones[0].cloneId);
      expect(clone).toMatchObject({ name: 'drill1-clone-src', sizeGb: 30, state: 'available' });
    });

    it('lists the replication partner of a workspace', async () => {
      expect(await rig.provider.disasterRecoverySite(HOME)).toEqual({ location: 'dal13', partners: ['wdc04'] });
    });
  });

  describe('errors name the resource', () => {
    it('409 when a name is taken', async () => {
      const p = rig.provider;
      await p.create('network', HOME, { name: 'dup-net', type: 'vlan', cidr: '10.70.0.0/24' });
      const e = await providerError(p.create('network', HOME, { name: 'dup-net', type: 'vlan', cidr: '10.71.0.0/24' }));
      expect(e).toMatchObject({ code: 'conflict', status: 409, resource: 'network "dup-net"', workspace: HOME });
      expect(e.message).toContain('create network "dup-net" in workspace erp-prod-dal13');
      expect(e.message).toContain('already exists');
    });

    it('409 when starting a running VM', async () => {
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
      const e = await providerError(p.startVm(HOME, vm.id));
      expect(e).toMatchObject({ code: 'conflict', status: 409, resource: 'vm "err-vm"', operation: 'start' });
      expect(e.message).toMatch(/start vm "err-vm" .*already running/);
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
      const ws = await providerError(rig.provider.list('vm', 'no-such-workspace'));
      expect(ws.message).toContain('no-such-workspace');
      expect(ws.code).toBe('not_found');
    });

    it('400 for an invalid request', async () => {
      const e = await providerError(rig.provider.create('volume', HOME, { name: 'bad-vol', sizeGb: 500, tier: 'tier5k' }));
      expect(e).toMatchObject({ code: 'bad_request', status: 400, resource: 'volume "bad-vol"' });
      expect(e.message).toContain('tier5k volumes are at most 200 GB');
    });

    it('401 without a valid bearer token', async () => {
      const { PowerVsProvider, providerConfigForSimulator } = await import('../../src/provider/index.js');
      const bad = new PowerVsProvider(providerConfigForSimulator({ ...rig.sim, token: 'wrong' }));
      const e = await providerError(bad.list('vm', HOME));
      await bad.close();
      expect(e).toMatchObject({ code: 'unauthorized', status: 401 });
      expect(e.message).toContain('bearer token');
    });
  });
});
