import { describe, expect, it } from 'vitest';
import { vmBootSeconds, vmBuildSeconds, vmShutdownSeconds, VM_BUILD_SECONDS, volumeGroupSwitchSeconds } from '../../src/powervs/index.js';
import { ManualClock } from '../../src/sim/clock.js';
import { SimApiError } from '../../src/sim/errors.js';
import { emptyWorld } from '../../src/sim/records.js';
import { iso, World } from '../../src/sim/world.js';

type J = Record<string, any>;

function world(instant = false) {
  const clock = new ManualClock();
  const w = new World(emptyWorld(), { clock, instant });
  w.ensureWorkspace('home', 'dal13');
  w.ensureWorkspace('dr', 'wdc04');
  const net = w.createNetwork('home', { name: 'app', cidr: '10.0.0.0/24' }).body as J;
  const drNet = w.createNetwork('dr', { name: 'app', cidr: '10.1.0.0/24' }).body as J;
  return { w, clock, net: net.networkID as string, drNet: drNet.networkID as string };
}

function fails(fn: () => unknown): SimApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimApiError) return e;
    throw e;
  }
  throw new Error('expected a SimApiError');
}

const shape = { machineType: 'e980' as const, os: 'aix' as const, memoryGb: 64, processors: 4 };
const vmBody = (net: string, name = 'db01') => ({
  serverName: name,
  imageID: 'aix-7300',
  processors: 4,
  procType: 'dedicated',
  memory: 64,
  sysType: 'e980',
  networks: [{ networkID: net }],
});
const vm = (w: World, ws: string, id: string) => w.getVm(ws, id).body as J;

describe('VM lifecycle follows the timing model', () => {
  it('builds for VM_BUILD_SECONDS, boots for the modelled boot time, then is ACTIVE and healthy', () => {
    const { w, clock, net } = world();
    const created = (w.createVm('home', vmBody(net)).body as J[])[0];
    expect(created.status).toBe('BUILD');
    clock.advanceSeconds(VM_BUILD_SECONDS - 1);
    expect(vm(w, 'home', 'db01').status).toBe('BUILD');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', 'db01')).toMatchObject({ status: 'ACTIVE', health: { status: 'WARNING', reason: 'booting' } });
    clock.advanceSeconds(vmBuildSeconds(shape) - VM_BUILD_SECONDS - 1);
    expect(vm(w, 'home', 'db01').health.status).toBe('WARNING');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', 'db01')).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });

  it('stops over the OS shutdown time and boots again over the boot time', () => {
    const { w, clock, net } = world();
    w.createVm('home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    w.vmAction('home', 'db01', { action: 'stop' });
    clock.advanceSeconds(vmShutdownSeconds(shape) - 1);
    expect(vm(w, 'home', 'db01').status).toBe('ACTIVE');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', 'db01').status).toBe('SHUTOFF');
    w.vmAction('home', 'db01', { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape) - 1);
    expect(vm(w, 'home', 'db01').health.status).toBe('WARNING');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', 'db01').health.status).toBe('OK');
  });

  it('a bigger, slower VM takes longer to boot than a small Linux one', () => {
    const { w, clock, net } = world();
    w.createVm('home', vmBody(net, 'big'));
    w.createVm('home', { serverName: 'small', imageID: 'rhel-9', processors: 1, procType: 'shared', memory: 4, networks: [{ networkID: net }] });
    clock.advanceSeconds(vmBuildSeconds({ machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 }));
    expect(vm(w, 'home', 'small').health.status).toBe('OK');
    expect(vm(w, 'home', 'big').health.status).not.toBe('OK');
  });

  it('scale 0 makes every operation settle at once', () => {
    const { w, net } = world(true);
    const created = (w.createVm('home', vmBody(net)).body as J[])[0];
    expect(created).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
    w.vmAction('home', 'db01', { action: 'stop' });
    expect(vm(w, 'home', 'db01').status).toBe('SHUTOFF');
  });

  it('rejects actions that conflict with the state', () => {
    const { w, clock, net } = world();
    w.createVm('home', vmBody(net));
    expect(fails(() => w.vmAction('home', 'db01', { action: 'start' }))).toMatchObject({ status: 409, message: 'pvm-instance "db01" is building' });
    clock.advanceSeconds(vmBuildSeconds(shape));
    expect(fails(() => w.vmAction('home', 'db01', { action: 'start' })).message).toBe('pvm-instance "db01" is already running');
    w.vmAction('home', 'db01', { action: 'immediate-shutdown' });
    expect(fails(() => w.vmAction('home', 'db01', { action: 'stop' })).message).toContain('already stopping');
    clock.advanceSeconds(60);
    expect(fails(() => w.vmAction('home', 'db01', { action: 'stop' })).message).toContain('already stopped');
    expect(fails(() => w.vmAction('home', 'db01', { action: 'dance' }))).toMatchObject({ status: 400 });
    expect(fails(() => w.createVm('home', vmBody(net)))).toMatchObject({ status: 409 });
  });

  it('validates create requests with 400 and unknown references with 404', () => {
    const { w, net } = world();
    expect(fails(() => w.createVm('home', { ...vmBody(net), memory: 'lots' })).message).toBe('memory is required and must be a number');
    expect(fails(() => w.createVm('home', { ...vmBody(net), sysType: 'z16' })).message).toBe('sysType must be one of s922, e980, e1080');
    expect(fails(() => w.createVm('home', { ...vmBody(net), processors: 1.5 })).message).toContain('whole number');
    expect(fails(() => w.createVm('home', { ...vmBody(net), imageID: 'windows' })).status).toBe(400);
    expect(fails(() => w.createVm('home', { ...vmBody('nope') })).status).toBe(404);
    expect(fails(() => w.createVm('nowhere', vmBody(net))).status).toBe(404);
  });

  it('a boot-fail fault sends the next boot of that VM to ERROR', () => {
    const { w, clock, net } = world();
    w.setFaults({ bootFail: ['db01'] });
    w.createVm('home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    expect(vm(w, 'home', 'db01')).toMatchObject({ status: 'ERROR', fault: { message: 'db01 failed to boot' } });
    w.setFaults({});
    w.vmAction('home', 'db01', { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', 'db01').status).toBe('ACTIVE');
  });

  it('a boot-fail fault is used up by that boot: the one after it succeeds', () => {
    const { w, clock, net } = world();
    w.createVm('home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    w.vmAction('home', 'db01', { action: 'stop' });
    clock.advanceSeconds(vmShutdownSeconds(shape));
    w.setFaults({ bootFail: ['db01', 'db02'] });
    w.vmAction('home', 'db01', { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', 'db01').status).toBe('ERROR');
    expect(w.getFaults()).toEqual({ bootFail: ['db02'] });
    w.vmAction('home', 'db01', { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', 'db01')).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });

  it('records starts and stops with their settle times in the event log', () => {
    const { w, clock, net } = world();
    w.createVm('home', vmBody(net));
    clock.advanceSeconds(1000);
    w.vmAction('home', 'db01', { action: 'stop' });
    const events = w.events().filter((e) => e.resource.kind === 'pvm-instance');
    expect(events.map((e) => e.type)).toEqual(['vm.created', 'vm.stop']);
    expect(events[0].effectiveAtMs! - events[0].atMs).toBe(vmBuildSeconds(shape) * 1000);
    expect(events[1].effectiveAtMs! - events[1].atMs).toBe(vmShutdownSeconds(shape) * 1000);
    expect(events[1]).toMatchObject({ workspace: 'home', location: 'dal13' });
  });

  it('allocates distinct addresses and refuses to delete a network in use', () => {
    const { w, net } = world(true);
    const a = (w.createVm('home', vmBody(net, 'a')).body as J[])[0];
    const b = (w.createVm('home', vmBody(net, 'b')).body as J[])[0];
    expect([a.networks[0].ipAddress, b.networks[0].ipAddress]).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(fails(() => w.deleteNetwork('home', net))).toMatchObject({ status: 409 });
    w.deleteVm('home', 'a');
    w.deleteVm('home', 'b');
    expect(w.deleteNetwork('home', net).status).toBe(200);
  });
});

describe('volume groups', () => {
  function replicated(instant = false) {
    const r = world(instant);
    const data = r.w.createVolume('home', { name: 'data', size: 500, replicationEnabled: true }).body as J;
    const log = r.w.createVolume('home', { name: 'log', size: 100, replicationEnabled: true }).body as J;
    const g = r.w.createVolumeGroup('home', { name: 'erp_db', volumeIDs: [data.volumeID, log.volumeID] }).body as J;
    const aux = (r.w.listVolumeGroups('dr').body as J).volumeGroups[0] as J;
    return { ...r, g, aux, data, log };
  }
  const details = (w: World, ws: string, id: string) => w.storageDetails(ws, id).body as J;

  it('mirrors the group on the paired site and starts with the initial sync', () => {
    const { w, clock, g, aux } = replicated();
    expect(aux).toMatchObject({ auxiliary: true, name: g.consistencyGroupName, volumeIDs: expect.any(Array) });
    expect(details(w, 'home', g.id)).toMatchObject({ state: 'inconsistent_copying', freezeTime: null, lagSeconds: null });
    clock.advanceSeconds((600 * 1024) / 1000); // 600 GB over 1000 MB/s
    expect(details(w, 'home', g.id).state).toBe('consistent_copying');
    expect(details(w, 'dr', aux.id).state).toBe('consistent_copying');
    expect(w.checkConsistency()).toEqual([]);
  });

  it('stop with access makes both sides writable (idling) after the switch time; start reverses', () => {
    const { w, clock, g, aux } = replicated();
    clock.advanceSeconds(3600);
    w.volumeGroupAction('dr', aux.id, { stop: { access: true } });
    expect((w.getVolumeGroup('dr', aux.id).body as J).status).toBe('updating');
    expect(fails(() => w.volumeGroupAction('dr', aux.id, { start: { source: 'aux' } })).message).toContain('is updating');
    clock.advanceSeconds(volumeGroupSwitchSeconds(600));
    expect(w.getVolumeGroup('dr', aux.id).body).toMatchObject({ status: 'available', replicationStatus: 'disabled' });
    expect(details(w, 'dr', aux.id)).toMatchObject({ state: 'idling' });
    expect(fails(() => w.volumeGroupAction('dr', aux.id, { stop: { access: true } })).status).toBe(409);
    w.volumeGroupAction('dr', aux.id, { start: { source: 'aux' } });
    clock.advanceSeconds(3600);
    expect(details(w, 'home', g.id)).toMatchObject({ state: 'consistent_copying', primaryRole: 'aux' });
  });

  it('start on a broken link fails the task and leaves the group in error until reset', () => {
    const { w, clock, g } = replicated();
    clock.advanceSeconds(3600);
    w.volumeGroupAction('home', g.id, { stop: { access: false } });
    clock.advanceSeconds(100);
    w.setFaults({ linksBroken: ['erp_db'] });
    const { taskID } = w.volumeGroupAction('home', g.id, { start: { source: 'master' } }).body as J;
    clock.advanceSeconds(100);
    expect(w.getTask(taskID).body).toMatchObject({ status: 'failed' });
    expect((w.getVolumeGroup('home', g.id).body as J).status).toBe('error');
    expect(fails(() => w.volumeGroupAction('home', g.id, { start: { source: 'master' } })).message).toContain('reset it first');
    w.volumeGroupAction('home', g.id, { reset: { status: 'available' } });
    expect((w.getVolumeGroup('home', g.id).body as J).status).toBe('available');
    expect(fails(() => w.volumeGroupAction('home', g.id, { reset: {} })).message).toContain('not in error state');
  });

  it('a VM cannot boot from the auxiliary copy until the group is stopped with access', () => {
    const { w, clock, aux, drNet } = replicated();
    clock.advanceSeconds(3600);
    const body = {
      serverName: 'db01',
      imageID: 'aix-7300',
      processors: 4,
      procType: 'dedicated',
      memory: 64,
      sysType: 'e980',
      networks: [{ networkID: drNet }],
      volumeIDs: aux.volumeIDs,
    };
    expect(fails(() => w.createVm('dr', body)).message).toMatch(
      /cannot boot: volume "aux_(data|log)" is the read-only target of replication \(state consistent_copying\)/,
    );
    w.volumeGroupAction('dr', aux.id, { stop: { access: true } });
    clock.advanceSeconds(volumeGroupSwitchSeconds(600));
    expect(w.createVm('dr', body).status).toBe(202);
  });

  it('refuses invalid group requests', () => {
    const { w, g, data } = replicated(true);
    const plain = w.createVolume('home', { name: 'plain', size: 10 }).body as J;
    expect(fails(() => w.createVolumeGroup('home', { name: 'x', volumeIDs: [plain.volumeID] })).status).toBe(400);
    expect(fails(() => w.createVolumeGroup('home', { name: 'y', volumeIDs: [data.volumeID] })).status).toBe(409);
    expect(fails(() => w.createVolumeGroup('home', { name: 'erp_db', volumeIDs: [plain.volumeID] })).status).toBe(409);
    expect(fails(() => w.volumeGroupAction('home', g.id, { start: { source: 'both' } })).status).toBe(400);
    expect(fails(() => w.volumeGroupAction('home', g.id, {})).status).toBe(400);
    expect(fails(() => w.deleteVolumeGroup('home', g.id)).status).toBe(409);
    expect(fails(() => w.deleteVolume('home', data.volumeID)).status).toBe(409);
  });
});

describe('the simulator formats times as Date#toISOString does', () => {
  it('for seeded random instants from 1970 to 9999, month and leap-year edges, and out of range', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const samples = [
      0,
      951782400000,
      951868799999,
      4107542400000,
      253402300799999,
      253402300800000,
      -1,
      1.5,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
    ];
    for (let i = 0; i < 5000; i++) samples.push(Math.floor(rand() * 253402300800000));
    for (const ms of samples) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});
