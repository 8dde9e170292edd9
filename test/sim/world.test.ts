import { describe, expect, it } from 'vitest';
import { vmBootSeconds, vmBuildSeconds, vmShutdownSeconds, VM_BUILD_SECONDS, volumeGroupSwitchSeconds } from '../../src/powervs/index.js';
import { ManualClock } from '../../src/sim/clock.js';
import { SimApiError } from '../../src/sim/errors.js';
import { STOCK_IMAGES } from '../../src/sim/images.js';
import { emptyWorld } from '../../src/sim/records.js';
import { iso, World } from '../../src/sim/world.js';

const image = (name: string) => STOCK_IMAGES.find((i) => i.name === name)!.imageID;
const AIX = image('7300-03-00');
const RHEL = image('RHEL9-SP4');

type J = Record<string, any>;

function world(instant = false) {
  const clock = new ManualClock();
  const w = new World(emptyWorld(), { clock, instant });
  w.ensureWorkspace('home', 'dal13');
  w.ensureWorkspace('dr', 'wdc04');
  const net = w.createNetwork('home', { name: 'app', type: 'vlan', cidr: '10.0.0.0/24' }).body as J;
  const drNet = w.createNetwork('dr', { name: 'app', type: 'vlan', cidr: '10.1.0.0/24' }).body as J;
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
  imageID: AIX,
  processors: 4,
  procType: 'dedicated',
  memory: 64,
  sysType: 'e980',
  networks: [{ networkID: net }],
});
const vm = (w: World, ws: string, id: string) => w.getVm(ws, id).body as J;
/** Creates a VM and answers its id (VMs are found by id: names are not unique). */
const create = (w: World, ws: string, body: J): string => (w.createVm(ws, body).body as J[])[0].pvmInstanceID as string;

describe('VM lifecycle follows the timing model', () => {
  it('builds for VM_BUILD_SECONDS, boots for the modelled boot time, then is ACTIVE and healthy', () => {
    const { w, clock, net } = world();
    const id = create(w, 'home', vmBody(net));
    expect(vm(w, 'home', id)).toMatchObject({ status: 'BUILD', osType: 'aix', imageID: AIX });
    clock.advanceSeconds(VM_BUILD_SECONDS - 1);
    expect(vm(w, 'home', id).status).toBe('BUILD');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', id)).toMatchObject({ status: 'ACTIVE', health: { status: 'WARNING', reason: 'booting' } });
    clock.advanceSeconds(vmBuildSeconds(shape) - VM_BUILD_SECONDS - 1);
    expect(vm(w, 'home', id).health.status).toBe('WARNING');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', id)).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });

  it('stops over the OS shutdown time and boots again over the boot time', () => {
    const { w, clock, net } = world();
    const id = create(w, 'home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    expect(w.vmAction('home', id, { action: 'stop' })).toEqual({ status: 200, body: {} });
    clock.advanceSeconds(vmShutdownSeconds(shape) - 1);
    expect(vm(w, 'home', id).status).toBe('ACTIVE');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', id).status).toBe('SHUTOFF');
    w.vmAction('home', id, { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape) - 1);
    expect(vm(w, 'home', id).health.status).toBe('WARNING');
    clock.advanceSeconds(1);
    expect(vm(w, 'home', id).health.status).toBe('OK');
  });

  it('a bigger, slower VM takes longer to boot than a small Linux one', () => {
    const { w, clock, net } = world();
    const big = create(w, 'home', vmBody(net, 'big'));
    const small = create(w, 'home', { serverName: 'small', imageID: RHEL, processors: 1, procType: 'shared', memory: 4, networks: [{ networkID: net }] });
    clock.advanceSeconds(vmBuildSeconds({ machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 }));
    expect(vm(w, 'home', small).health.status).toBe('OK');
    expect(vm(w, 'home', big).health.status).not.toBe('OK');
  });

  it('scale 0 makes every operation settle at once', () => {
    const { w, net } = world(true);
    const created = (w.createVm('home', vmBody(net)).body as J[])[0];
    expect(created).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
    w.vmAction('home', created.pvmInstanceID, { action: 'stop' });
    expect(vm(w, 'home', created.pvmInstanceID).status).toBe('SHUTOFF');
  });

  it('rejects actions that conflict with the state', () => {
    const { w, clock, net } = world();
    const id = create(w, 'home', vmBody(net));
    expect(fails(() => w.vmAction('home', id, { action: 'start' }))).toMatchObject({ status: 409, message: 'pvm-instance "db01" is building' });
    clock.advanceSeconds(vmBuildSeconds(shape));
    expect(fails(() => w.vmAction('home', id, { action: 'start' })).message).toBe('pvm-instance "db01" is already running');
    w.vmAction('home', id, { action: 'immediate-shutdown' });
    expect(fails(() => w.vmAction('home', id, { action: 'stop' })).message).toContain('already stopping');
    clock.advanceSeconds(60);
    expect(fails(() => w.vmAction('home', id, { action: 'stop' })).message).toContain('already stopped');
    expect(fails(() => w.vmAction('home', id, { action: 'dance' }))).toMatchObject({ status: 400 });
  });

  it('lets two VMs share a name, as PowerVS does, and finds a VM by id only', () => {
    const { w, net } = world(true);
    const a = create(w, 'home', vmBody(net));
    const b = create(w, 'home', vmBody(net));
    expect(a).not.toBe(b);
    expect((w.listVms('home').body as J).pvmInstances.map((v: J) => v.serverName)).toEqual(['db01', 'db01']);
    expect(fails(() => w.getVm('home', 'db01')).status).toBe(404);
    expect(w.checkConsistency()).toEqual([]);
  });

  it('refuses a body field its model lacks, naming it and the model', () => {
    const { w, net } = world();
    expect(fails(() => w.createVm('home', { ...vmBody(net), osType: 'aix' })).message).toBe(
      'unknown field "osType" in PVMInstanceCreate (it takes serverName, processors, procType, memory, sysType, imageID, storageType, networks, volumeIDs, userTags, deploymentType)',
    );
    expect(fails(() => w.createVm('home', { ...vmBody(net), networks: [{ networkID: net, name: 'x' }] })).message).toContain(
      'unknown field "networks[0].name" in PVMInstanceAddNetwork',
    );
    expect(fails(() => w.createNetwork('home', { name: 'n', type: 'vlan', cidr: '10.9.0.0/24', vlan: 5 })).status).toBe(400);
    expect(fails(() => w.updateVolumeGroup('home', 'x', { name: 'renamed' })).message).toContain('unknown field "name" in VolumeGroupUpdate');
  });

  it('validates create requests with 400 and unknown references with 404', () => {
    const { w, net } = world();
    expect(fails(() => w.createVm('home', { ...vmBody(net), memory: 'lots' })).message).toBe('memory is required and must be a number');
    expect(fails(() => w.createVm('home', { ...vmBody(net), sysType: 'z16' })).message).toBe('sysType must be one of s922, e980, e1080');
    expect(fails(() => w.createVm('home', { ...vmBody(net), processors: 1.5 })).message).toContain('whole number');
    expect(fails(() => w.createVm('home', { ...vmBody(net), imageID: 'windows' })).status).toBe(400);
    expect(fails(() => w.createVm('home', { ...vmBody(net), procType: undefined })).message).toBe('procType must be one of dedicated, shared, capped');
    expect(fails(() => w.createVm('home', { ...vmBody(net), imageID: image('AIX-EMPTY') })).message).toContain('deploys only with deploymentType VMNoStorage');
    expect(fails(() => w.createVm('home', { ...vmBody('nope') })).status).toBe(404);
    expect(fails(() => w.createVm('nowhere', vmBody(net))).status).toBe(404);
  });

  it('a boot-fail fault sends the next boot of that VM to ERROR', () => {
    const { w, clock, net } = world();
    w.setFaults({ bootFail: ['db01'] });
    const id = create(w, 'home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    expect(vm(w, 'home', id)).toMatchObject({ status: 'ERROR', fault: { message: 'db01 failed to boot' } });
    w.setFaults({});
    w.vmAction('home', id, { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', id).status).toBe('ACTIVE');
  });

  it('a boot-fail fault is used up by that boot: the one after it succeeds', () => {
    const { w, clock, net } = world();
    const id = create(w, 'home', vmBody(net));
    clock.advanceSeconds(vmBuildSeconds(shape));
    w.vmAction('home', id, { action: 'stop' });
    clock.advanceSeconds(vmShutdownSeconds(shape));
    w.setFaults({ bootFail: ['db01', 'db02'] });
    w.vmAction('home', id, { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', id).status).toBe('ERROR');
    expect(w.getFaults()).toEqual({ bootFail: ['db02'] });
    w.vmAction('home', id, { action: 'start' });
    clock.advanceSeconds(vmBootSeconds(shape));
    expect(vm(w, 'home', id)).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });

  it('records starts and stops with their settle times in the event log', () => {
    const { w, clock, net } = world();
    const id = create(w, 'home', vmBody(net));
    clock.advanceSeconds(1000);
    w.vmAction('home', id, { action: 'stop' });
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
    w.deleteVm('home', a.pvmInstanceID);
    w.deleteVm('home', b.pvmInstanceID);
    expect(w.deleteNetwork('home', net).status).toBe(200);
  });
});

describe('volume groups', () => {
  const CRN = (w: World, ws: string) => w.workspaceCrn(ws);
  /** A replicated group at home, its copies onboarded at dr and the auxiliary group made there by consistency group. */
  function replicated(instant = false) {
    const r = world(instant);
    const data = r.w.createVolume('home', { name: 'data', size: 500, replicationEnabled: true }).body as J;
    const log = r.w.createVolume('home', { name: 'log', size: 100, replicationEnabled: true }).body as J;
    const g = r.w.createVolumeGroup('home', { name: 'erp_db', volumeIDs: [data.volumeID, log.volumeID] }).body as J;
    const cg = (r.w.getVolumeGroup('home', g.id).body as J).consistencyGroupName as string;
    return { ...r, g, cg, data, log };
  }
  function onboarded(instant = false) {
    const r = replicated(instant);
    const { id } = r.w.onboardVolumes('dr', {
      Volumes: [
        { sourceCRN: CRN(r.w, 'home'), auxiliaryVolumes: [{ auxVolumeName: r.data.auxVolumeName, name: 'data' }, { auxVolumeName: r.log.auxVolumeName }] },
      ],
    }).body as J;
    const ids = (r.w.listVolumes('dr').body as J).volumes.map((v: J) => v.volumeID);
    const aux = r.w.createVolumeGroup('dr', { consistencyGroupName: r.cg, volumeIDs: ids }).body as J;
    return { ...r, aux: r.w.getVolumeGroupDetails('dr', aux.id).body as J, onboarding: id as string };
  }
  const details = (w: World, ws: string, id: string) => w.storageDetails(ws, id).body as J;
  const freezeTimes = (w: World, ws: string, id: string) => (w.remoteCopyRelationships(ws, id).body as J).remoteCopyRelationships.map((r: J) => r.freezeTime);

  it('keeps the auxiliary copies out of the partner workspace until onboarded there', () => {
    const { w, clock, data, cg } = replicated();
    expect(data.auxVolumeName).toMatch(/^aux_data_/);
    expect((w.listVolumes('dr').body as J).volumes).toEqual([]);
    expect(w.listVolumeGroups('dr').body).toEqual({ volumeGroups: [] });
    const { id } = w.onboardVolumes('dr', {
      Volumes: [{ sourceCRN: CRN(w, 'home'), auxiliaryVolumes: [{ auxVolumeName: data.auxVolumeName, name: 'data' }, { auxVolumeName: 'aux_nope' }] }],
    }).body as J;
    expect(w.getOnboarding('dr', id).body).toMatchObject({ status: 'in-progress', inputVolumes: [data.auxVolumeName, 'aux_nope'] });
    clock.advanceSeconds(30);
    const done = w.getOnboarding('dr', id).body as J;
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    expect(done.results.onboardedVolumes).toHaveLength(1);
    expect(done.results.volumeOnboardingFailures[0].volumes).toEqual(['aux_nope']);
    const aux = (w.listVolumes('dr').body as J).volumes;
    expect(aux).toMatchObject([{ name: 'data', auxiliary: true, auxVolumeName: data.auxVolumeName, masterVolumeName: 'data' }]);
    // Not part of a group there until the group of its consistency group is made from it.
    expect(aux[0].groupID).toBeUndefined();
    const made = w.createVolumeGroup('dr', { consistencyGroupName: cg, volumeIDs: [aux[0].volumeID] }).body as J;
    expect(w.getVolumeGroupDetails('dr', made.id).body).toMatchObject({ name: cg, auxiliary: true, consistencyGroupName: cg, volumeIDs: [aux[0].volumeID] });
    expect(w.checkConsistency()).toEqual([]);
  });

  it('starts with the initial sync; lag comes from the freeze time, which storage details do not carry', () => {
    const { w, clock, g, aux } = onboarded();
    expect(details(w, 'home', g.id)).toEqual(expect.objectContaining({ state: 'inconsistent_copying' }));
    expect(details(w, 'home', g.id)).not.toHaveProperty('freezeTime');
    expect(details(w, 'home', g.id)).not.toHaveProperty('lagSeconds');
    expect(freezeTimes(w, 'home', g.id)).toEqual([undefined, undefined]);
    clock.advanceSeconds((600 * 1024) / 1000); // 600 GB over 1000 MB/s
    expect(details(w, 'home', g.id).state).toBe('consistent_copying');
    expect(details(w, 'dr', aux.id).state).toBe('consistent_copying');
    expect(freezeTimes(w, 'dr', aux.id)).toEqual([iso(clock.now()), iso(clock.now())]);
    expect(w.checkConsistency()).toEqual([]);
  });

  it('stop with access makes both sides writable (idling) after the switch time; start reverses', () => {
    const { w, clock, g, aux } = onboarded();
    clock.advanceSeconds(3600);
    expect(w.volumeGroupAction('dr', aux.id, { stop: { access: true } })).toEqual({ status: 202, body: {} });
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

  it('start on a broken link leaves the group in error until reset', () => {
    const { w, clock, g } = replicated();
    clock.advanceSeconds(3600);
    w.volumeGroupAction('home', g.id, { stop: { access: false } });
    clock.advanceSeconds(100);
    w.setFaults({ linksBroken: ['erp_db'] });
    expect(w.volumeGroupAction('home', g.id, { start: { source: 'master' } }).status).toBe(202);
    clock.advanceSeconds(100);
    expect(w.getVolumeGroup('home', g.id).body).toMatchObject({ status: 'error', statusDescription: { errors: [{ key: expect.any(String) }] } });
    expect(fails(() => w.volumeGroupAction('home', g.id, { start: { source: 'master' } })).message).toContain('reset it first');
    expect(fails(() => w.volumeGroupAction('home', g.id, { reset: {} })).message).toBe('reset.status must be "available"');
    w.volumeGroupAction('home', g.id, { reset: { status: 'available' } });
    expect((w.getVolumeGroup('home', g.id).body as J).status).toBe('available');
    expect(fails(() => w.volumeGroupAction('home', g.id, { reset: { status: 'available' } })).message).toContain('not in error state');
  });

  it('a VM cannot boot from the auxiliary copy until the group is stopped with access', () => {
    const { w, clock, aux, drNet } = onboarded();
    clock.advanceSeconds(3600);
    const body = {
      serverName: 'db01',
      imageID: AIX,
      processors: 4,
      procType: 'dedicated',
      memory: 64,
      sysType: 'e980',
      networks: [{ networkID: drNet }],
      volumeIDs: aux.volumeIDs,
    };
    expect(fails(() => w.createVm('dr', body)).message).toMatch(
      /cannot boot: volume "(data|aux_log_\w+)" is the read-only target of replication \(state consistent_copying\)/,
    );
    w.volumeGroupAction('dr', aux.id, { stop: { access: true } });
    clock.advanceSeconds(volumeGroupSwitchSeconds(600));
    expect(w.createVm('dr', body).status).toBe(202);
  });

  it('refuses invalid group requests', () => {
    const { w, g, data, cg } = replicated(true);
    const plain = w.createVolume('home', { name: 'plain', size: 10 }).body as J;
    expect(fails(() => w.createVolumeGroup('home', { name: 'x', volumeIDs: [plain.volumeID] })).status).toBe(400);
    expect(fails(() => w.createVolumeGroup('home', { name: 'y', volumeIDs: [data.volumeID] })).status).toBe(409);
    expect(fails(() => w.createVolumeGroup('home', { name: 'z', consistencyGroupName: cg, volumeIDs: [plain.volumeID] })).status).toBe(400);
    expect(fails(() => w.createVolumeGroup('dr', { consistencyGroupName: cg, volumeIDs: [plain.volumeID] })).status).toBe(404);
    expect(fails(() => w.volumeGroupAction('home', g.id, { start: { source: 'both' } })).status).toBe(400);
    expect(fails(() => w.volumeGroupAction('home', g.id, { stop: {} })).message).toBe('stop.access is required: true or false');
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
