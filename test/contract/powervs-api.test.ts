// The contract: IBM's PowerVS API as its Go client declares it (fixtures/powervs-api). The
// simulator serves only operations of it (and the documented simulator-only routes), takes only
// fields of its models, and answers with declared statuses and models; the provider sends only
// such requests. A full DR cycle of the example estate (apply, verify, drill, failover, failback,
// verify, destroy) is traced through the simulator and every exchange checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED_FIELDS, API_ROUTES, SIM_ONLY_PATHS, SIM_ROUTES, SimulatorAdmin, type SimExchange } from '../../src/sim/index.js';
import type { Provider } from '../../src/provider/index.js';
import { applyService, drillService, failbackService, failoverService, verifyService, type EngineContext } from '../../src/services/index.js';
import { drBed, ROOT, type DrBed } from '../lifecycle/harness.js';
import { DR, HOME, startRig, testOwner, type Rig } from '../provider/harness.js';
import { PowerVsContract } from './spec.js';

const spec = new PowerVsContract();

/**
 * Routes (method and template) of which at least one success answer was checked against its
 * model in this file, over every suite: the last suite asserts that is every route served.
 */
const answered = new Set<string>();

describe('the simulator against the spec, route by route and field by field', () => {
  it('every route the simulator serves is an operation of the spec (method and path)', () => {
    const missing = API_ROUTES.filter((r) => !spec.operation(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    expect(API_ROUTES.length).toBeGreaterThanOrEqual(35);
  });

  it('the only other routes are the simulator-only ones, listed once and documented in docs/simulator.md', () => {
    for (const r of SIM_ROUTES) {
      expect(spec.match(r.method, r.path), `${r.path} must not pass for an API route`).toBeUndefined();
      expect(SIM_ONLY_PATHS.some((p) => p.path === `/{region}${r.path}`)).toBe(true);
    }
    const doc = fs.readFileSync(path.join(ROOT, 'docs/simulator.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Simulator-only routes'));
    expect(section.length, 'docs/simulator.md has a "Simulator-only routes" section').toBeGreaterThan(100);
    for (const p of SIM_ONLY_PATHS) expect(section, `${p.path} is documented`).toContain(p.path);
  });

  it('every field the simulator takes in a body is a field of the real model of that name', () => {
    for (const [model, fields] of Object.entries(ACCEPTED_FIELDS)) {
      const real = Object.keys(spec.fields(model));
      expect(
        fields.filter((f) => !real.includes(f)),
        `${model}`,
      ).toEqual([]);
    }
  });

  it('the check bites: a body with a field its model lacks, an answer with an invented field, a missing required field', () => {
    expect(spec.problems('PVMInstanceCreate', { serverName: 'a', imageID: 'i', memory: 2, processors: 1, procType: 'shared', osType: 'aix' })).toEqual([
      '/ must NOT have additional properties "osType"',
    ]);
    expect(spec.problems('PVMInstanceCreate', { serverName: 'a', memory: 2, processors: 1, procType: 'shared' })).toEqual([
      "/ must have required property 'imageID'",
    ]);
    expect(spec.problems('VolumeGroupStorageDetails', { consistencyGroupName: 'rccg', state: 'consistent_copying', lagSeconds: 3 })).toEqual([
      '/ must NOT have additional properties "lagSeconds"',
    ]);
    expect(spec.problems('VolumeGroupUpdate', { name: 'x' })).toEqual(['/ must NOT have additional properties "name"']);
    expect(spec.problems('PVMInstanceList', [{ pvmInstanceID: 'x' }]).length).toBeGreaterThan(3);
    expect(spec.problems('CreateDataVolume', { name: 'v', size: 1, userTags: ['bad/tag'] })[0]).toContain('/userTags/0 must match pattern');
    expect(spec.match('POST', '/pcloud/v2/cloud-instances/x/volumes/clone-async')).toBeUndefined();
    expect(spec.match('GET', '/pcloud/v1/tasks/abc')?.responses).toEqual({ '200': 'Task' });
  });

  it('the exchange check bites: a made-up taskID in an action answer, an undeclared status, a route outside the spec', () => {
    const into = (): Checked => ({ exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, errors: 0, problems: [] });
    const action = '/pcloud/v1/cloud-instances/{cloud_instance_id}/pvm-instances/{pvm_instance_id}/action';
    const base = {
      method: 'POST',
      path: '/pcloud/v1/cloud-instances/w/pvm-instances/v/action',
      route: action,
      simOnly: false,
      params: {},
      requestBody: { action: 'start' },
    };
    const ok = into();
    check({ ...base, status: 200, responseBody: {} }, ok);
    expect(ok.problems).toEqual([]);
    const taskId = into();
    check({ ...base, status: 200, responseBody: { taskID: 't1' } }, taskId);
    expect(taskId.problems).toEqual([`POST ${base.path} (200): answers {"taskID":"t1"} where the spec has no payload`]);
    const accepted = into();
    check({ ...base, status: 202, responseBody: {} }, accepted);
    expect(accepted.problems[0]).toContain('status 202 is not one the operation declares (200)');
    const badError = into();
    check({ ...base, status: 409, responseBody: { code: 409, description: 'busy', error: 'conflict', message: 'busy', taskID: 't' } }, badError);
    expect(badError.problems).toEqual([`POST ${base.path} (409) error answer (Error): / must NOT have additional properties "taskID"`]);
    const invented = into();
    check({ ...base, route: '/pcloud/v2/cloud-instances/{cloud_instance_id}/volumes/clone-async', status: 202, responseBody: {} }, invented);
    expect(invented.problems[0]).toContain('is no operation of the spec');
  });
});

interface Checked {
  readonly exchanges: number;
  readonly requests: number;
  readonly answers: number;
  readonly routes: Set<string>;
  readonly simOnly: number;
  /** Failure answers checked against the Error model. */
  readonly errors: number;
  readonly problems: string[];
}

/** Checks one exchange against the spec; an API route must be an operation, its bodies of its models. */
function check(x: SimExchange, into: Checked): void {
  const where = `${x.method} ${x.path} (${x.status})`;
  (into as { exchanges: number }).exchanges++;
  if (!x.route) {
    into.problems.push(`${where}: no route of the simulator`);
    return;
  }
  if (x.simOnly) {
    (into as { simOnly: number }).simOnly++;
    if (!SIM_ONLY_PATHS.some((p) => p.path === `/{region}${x.route}`)) into.problems.push(`${where}: not an allowed simulator-only route`);
    // A settled read answers what the real read of the resource does.
    if (x.status >= 200 && x.status < 300) {
      const model = x.route.includes('pvm-instances') ? 'PVMInstance' : 'VolumeGroup';
      for (const p of spec.problems(model, x.responseBody)) into.problems.push(`${where} answer (${model}): ${p}`);
      (into as { answers: number }).answers++;
      answered.add(`${x.method} ${x.route}`);
    }
    return;
  }
  const op = spec.operation(x.method, x.route);
  if (!op) {
    into.problems.push(`${where}: ${x.route} is no operation of the spec`);
    return;
  }
  into.routes.add(`${op.method} ${op.path}`);
  if (x.requestBody !== undefined) {
    (into as { requests: number }).requests++;
    if (!op.body) into.problems.push(`${where}: the operation takes no body`);
    else for (const p of spec.problems(op.body, x.requestBody)) into.problems.push(`${where} request (${op.body}): ${p}`);
  }
  if (x.status >= 200 && x.status < 300) {
    const model = op.responses[String(x.status)];
    if (model === undefined) into.problems.push(`${where}: status ${x.status} is not one the operation declares (${Object.keys(op.responses).join(', ')})`);
    else {
      // `Object` (any) and no model are the real API's `200 {}` / `202 {}` of actions and
      // deletes: the simulator answers exactly that, so no client comes to read a made-up field.
      (into as { answers: number }).answers++;
      if (model === null || model === 'Object') {
        if (x.responseBody !== undefined && JSON.stringify(x.responseBody) !== '{}')
          into.problems.push(`${where}: answers ${JSON.stringify(x.responseBody)} where the spec has no payload`);
      } else for (const p of spec.problems(model, x.responseBody)) into.problems.push(`${where} answer (${model}): ${p}`);
      answered.add(`${x.method} ${x.route}`);
    }
  } else if (x.status >= 400 && x.responseBody !== undefined) {
    // Failures carry power-go-client's models.Error payload, and nothing else.
    (into as { errors: number }).errors++;
    for (const p of spec.problems('Error', x.responseBody)) into.problems.push(`${where} error answer (Error): ${p}`);
  }
}

describe('a full DR cycle of the example estate, traced through the simulator', () => {
  let bed: DrBed;
  const exchanges: SimExchange[] = [];
  const steps: { step: string; from: number }[] = [];
  const step = (name: string) => steps.push({ step: name, from: exchanges.length });
  beforeAll(async () => {
    // A slow enough clock that groups are seen updating, boots in flight and onboarding in progress.
    bed = await drBed({ timeScale: 0.0002, observe: (x) => exchanges.push(x) });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('apply, verify, drill, failover, failback, verify, destroy: every request and every answer conforms', { timeout: 300_000 }, async () => {
    const opts = { dir: 'plans', vars: [] };
    const apply = (destroy: boolean) =>
      applyService({ dir: 'plans', vars: [], refresh: true, destroy, targets: [], replace: [], lockTimeoutMs: 0 }, bed.ctx() as EngineContext);
    step('apply');
    expect((await apply(false)).result?.failed).toBe(0);
    step('verify');
    // Replication catches up on the model clock (seconds of real time at this scale).
    for (let i = 0; i < 60 && !(await verifyService(opts, bed.ctx())).report!.ready; i++) await new Promise((r) => setTimeout(r, 500));
    expect((await verifyService(opts, bed.ctx())).report!.ready).toBe(true);
    step('drill');
    // Every group's clones booted and all was cleaned up (whether the drill met its RTO limit at
    // this clock is not what this test is about).
    const drill = (await drillService(opts, bed.ctx())).record!;
    expect(drill.groups).toHaveLength(5);
    expect(drill.failure?.step ?? 'validate').toBe('validate');
    expect(drill.cleanup.vms).toBe(30);
    step('failover');
    expect((await failoverService(opts, bed.ctx())).move!.ok).toBe(true);
    step('failback');
    expect((await failbackService(opts, bed.ctx())).move!.ok).toBe(true);
    step('verify');
    await verifyService(opts, bed.ctx());
    step('destroy');
    expect((await apply(true)).result?.failed).toBe(0);
    step('end');

    const checked: Checked = { exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, errors: 0, problems: [] };
    for (const x of exchanges) check(x, checked);
    const perStep = steps.slice(0, -1).map((s, i) => `${s.step} ${steps[i + 1].from - s.from}`);
    const summary =
      `contract: ${checked.exchanges} exchanges (${perStep.join(', ')}); ${checked.routes.size} distinct API operations; ` +
      `${checked.requests} request bodies, ${checked.answers} answers and ${checked.errors} error answers checked against their models; ${checked.simOnly} simulator-only (settled) reads`;
    console.log(summary);
    console.log(`contract: operations exercised: ${[...checked.routes].sort().join('; ')}`);
    expect(checked.problems.slice(0, 20), summary).toEqual([]);
    // The cycle reaches the operations a DR run lives on.
    for (const r of [
      'POST /pcloud/v1/cloud-instances/{cloud_instance_id}/volumes/onboarding',
      'POST /pcloud/v1/cloud-instances/{cloud_instance_id}/volume-groups/{volume_group_id}/action',
      'GET /pcloud/v1/cloud-instances/{cloud_instance_id}/volume-groups/{volume_group_id}/remote-copy-relationships',
      'POST /pcloud/v2/cloud-instances/{cloud_instance_id}/volumes/clone',
      'GET /pcloud/v2/cloud-instances/{cloud_instance_id}/volumes/clone-tasks/{clone_task_id}',
      'POST /pcloud/v1/cloud-instances/{cloud_instance_id}/pvm-instances/{pvm_instance_id}/action',
      'GET /pcloud/v1/cloud-instances/{cloud_instance_id}/stock-images',
      'DELETE /pcloud/v1/cloud-instances/{cloud_instance_id}/volume-groups/{volume_group_id}',
    ])
      expect(checked.routes.has(r), r).toBe(true);
    // Cross-region, as the example's pair is (dal13 ↔ wdc04): each workspace went to its own region's endpoint.
    const regionOf = new Map<string, Set<string>>();
    for (const x of exchanges) {
      const ws = x.params.cloud_instance_id;
      if (!ws || !x.region) continue;
      if (!regionOf.has(ws)) regionOf.set(ws, new Set());
      regionOf.get(ws)!.add(x.region);
    }
    expect(Object.fromEntries([...regionOf].map(([ws, r]) => [ws, [...r]]))).toEqual({ 'erp-prod-dal13': ['dal'], 'erp-prod-wdc04': ['wdc'] });
  });
});

describe('the DR runs polling, as against PowerVS (no simulator-only route)', () => {
  let bed: DrBed;
  const exchanges: SimExchange[] = [];
  beforeAll(async () => {
    bed = await drBed({ timeScale: 0.0002, observe: (x) => exchanges.push(x) });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('verify, drill, failover and failback conform, and use only operations of the spec', { timeout: 300_000 }, async () => {
    const { PowerVsProvider, providerConfigForSimulator } = await import('../../src/provider/index.js');
    const workspaces = Object.fromEntries(Object.values(bed.sim.world.data.workspaces).map((w) => [w.id, { id: w.id, zone: w.location }]));
    // The provider a real endpoint gets: no held reads, so every wait polls the resource's status.
    const connect = async () => {
      const provider = new PowerVsProvider(providerConfigForSimulator(bed.sim, { workspaces, settledReads: false }));
      return { provider, description: 'polling', close: () => provider.close() };
    };
    const opts = { dir: 'plans', vars: [] };
    await bed.apply();
    const from = exchanges.length;
    let ready = false;
    for (let i = 0; i < 60 && !(ready = (await verifyService(opts, bed.ctx({ connect }))).report!.ready); i++) await new Promise((r) => setTimeout(r, 500));
    expect(ready).toBe(true);
    const drill = (await drillService(opts, bed.ctx({ connect }))).record!;
    expect(drill.failure?.step ?? 'validate').toBe('validate');
    expect((await failoverService(opts, bed.ctx({ connect }))).move!.ok).toBe(true);
    expect((await failbackService(opts, bed.ctx({ connect }))).move!.ok).toBe(true);

    const dr = exchanges.slice(from);
    const checked: Checked = { exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, errors: 0, problems: [] };
    for (const x of dr) check(x, checked);
    console.log(
      `contract (DR runs, polling): ${checked.exchanges} exchanges, ${checked.routes.size} operations, ${checked.requests} request bodies, ${checked.answers} answers, ${checked.errors} error answers`,
    );
    expect(checked.problems.slice(0, 20)).toEqual([]);
    expect(checked.simOnly).toBe(0);
    expect(checked.routes.has('POST /pcloud/v1/cloud-instances/{cloud_instance_id}/volume-groups/{volume_group_id}/action')).toBe(true);
  });
});

/** Every operation of the Provider interface: the sweep below must call each (the type makes the list complete). */
const EVERY_OPERATION: Record<Exclude<keyof Provider, 'name'>, true> = {
  create: true,
  read: true,
  findOwned: true,
  list: true,
  update: true,
  delete: true,
  startVm: true,
  stopVm: true,
  powerVm: true,
  startVolumeGroup: true,
  stopVolumeGroup: true,
  settleVolumeGroup: true,
  resetVolumeGroup: true,
  cloneVolumes: true,
  onboardVolumes: true,
  findVolumeGroup: true,
  replicationStatus: true,
  disasterRecoverySite: true,
  close: true,
};

/** The provider, noting each operation called on it. */
function recording(p: Provider, called: Set<string>): Provider {
  return new Proxy(p, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        called.add(String(key));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * Calls every provider operation, and each request shape an operation can send (a VM from an
 * image and from a boot volume, a volume's resize and its replication switch, a group's members
 * added and removed, its auxiliary side, stop, start, reset, clones, onboarding, deletes).
 */
async function everyOperation(p: Provider, admin: SimulatorAdmin, tag: string): Promise<void> {
  const owner = (address: string) => testOwner(`${address}_${tag}`);
  expect(await p.disasterRecoverySite(HOME)).toEqual({ location: 'dal13', partners: ['wdc04'] });

  const net = await p.create('network', HOME, { name: `net-${tag}`, type: 'vlan', cidr: '10.90.0.0/24', dnsServers: ['9.9.9.9'], owner: owner('network.n') });
  expect((await p.read('network', HOME, net.id))?.userTags).toEqual(owner('network.n').tags);
  expect((await p.findOwned('network', HOME, net.name, owner('network.n').idTag))?.id).toBe(net.id);
  expect((await p.list('network', HOME)).map((n) => n.id)).toContain(net.id);
  expect(await p.update('network', HOME, net.id, { name: `net2-${tag}`, dnsServers: ['1.1.1.1'] })).toMatchObject({ name: `net2-${tag}` });

  const data = await p.create('volume', HOME, { name: `data-${tag}`, sizeGb: 20, tier: 'tier1', owner: owner('volume.d') });
  expect(await p.update('volume', HOME, data.id, { sizeGb: 40, name: `data2-${tag}` })).toMatchObject({ sizeGb: 40 });
  expect(await p.update('volume', HOME, data.id, { replicationEnabled: true })).toMatchObject({ replicationEnabled: true });
  expect(await p.update('volume', HOME, data.id, { replicationEnabled: false })).toMatchObject({ replicationEnabled: false });
  expect((await p.list('volume', HOME)).map((v) => v.id)).toContain(data.id);

  const vmOwner = owner('vm.v');
  const vm = await p.create('vm', HOME, {
    name: `vm-${tag}`,
    machineType: 's922',
    processors: 1,
    procType: 'shared',
    memoryGb: 8,
    os: 'rhel',
    networkIds: [net.id],
    volumeIds: [data.id],
    owner: vmOwner,
  });
  expect(vm.ready).toBe(true);
  expect(await p.update('vm', HOME, vm.id, { memoryGb: 16, processors: 2 })).toMatchObject({ memoryGb: 16, processors: 2 });
  expect((await p.findOwned('vm', HOME, vm.name, vmOwner.idTag))?.id).toBe(vm.id);
  expect((await p.list('vm', HOME)).map((v) => v.id)).toContain(vm.id);
  expect((await p.stopVm(HOME, vm.id)).status).toBe('SHUTOFF');
  expect((await p.startVm(HOME, vm.id)).ready).toBe(true);
  await p.powerVm(HOME, vm.id, 'immediate-shutdown');
  await p.powerVm(HOME, vm.id, 'start');
  await p.powerVm(HOME, vm.id, 'stop');
  expect((await p.read('vm', HOME, vm.id))?.status).toBe('SHUTOFF');

  // A VM brought up from a volume, as a DR-site VM is from its replicated boot volume.
  const drNet = await p.create('network', DR, { name: `drnet-${tag}`, type: 'vlan', cidr: '10.91.0.0/24' });
  const bootVol = await p.create('volume', DR, { name: `boot-${tag}`, sizeGb: 40, tier: 'tier1' });
  const booted = await p.create('vm', DR, {
    name: `boot-${tag}`,
    machineType: 's922',
    processors: 1,
    procType: 'shared',
    memoryGb: 8,
    os: 'rhel',
    networkIds: [drNet.id],
    volumeIds: [bootVol.id],
    bootVolumeId: bootVol.id,
  });
  expect(booted.ready).toBe(true);

  // Global Replication: a group, its members changed, its copies onboarded at the partner, the
  // auxiliary group found by consistency group, failover (stop with access) and failback (start).
  const [a, b] = await Promise.all(
    ['a', 'b'].map((n) => p.create('volume', HOME, { name: `rep${n}-${tag}`, sizeGb: 10, tier: 'tier1', replicationEnabled: true })),
  );
  const g = await p.create('volume_group', HOME, { name: `vg_${tag}`, volumeIds: [a.id], owner: owner('volume_group.g') });
  expect((await p.update('volume_group', HOME, g.id, { volumeIds: [a.id, b.id] })).volumeIds).toHaveLength(2);
  expect((await p.list('volume_group', HOME)).map((x) => x.id)).toContain(g.id);
  expect((await p.read('volume_group', HOME, g.id))?.consistencyGroupName).toBe(g.consistencyGroupName);
  expect((await p.replicationStatus(HOME, g.id)).volumes).toHaveLength(2);
  const aux = await p.onboardVolumes(DR, {
    sourceWorkspace: HOME,
    volumes: [a, b].map((v) => ({ auxVolumeName: v.auxVolumeName!, name: v.name })),
    tags: owner('volume_group.g').tags,
  });
  const auxGroup = await p.create('volume_group', DR, {
    name: g.consistencyGroupName,
    consistencyGroupName: g.consistencyGroupName,
    volumeIds: aux.map((v) => v.id),
  });
  expect((await p.findVolumeGroup(DR, g.consistencyGroupName))?.id).toBe(auxGroup.id);
  expect(await p.stopVolumeGroup(DR, auxGroup.id, true)).toMatchObject({ replicationEnabled: false });
  expect(await p.settleVolumeGroup(DR, auxGroup.id)).toMatchObject({ status: 'available' });
  expect(await p.startVolumeGroup(DR, auxGroup.id, 'aux')).toMatchObject({ replicationEnabled: true, primaryRole: 'aux' });
  expect((await p.update('volume_group', HOME, g.id, { volumeIds: [a.id] })).volumeIds).toEqual([a.id]);

  // A start over a broken link leaves a group in error; reset clears it.
  const c = await p.create('volume', HOME, { name: `repc-${tag}`, sizeGb: 10, tier: 'tier1', replicationEnabled: true });
  const gc = await p.create('volume_group', HOME, { name: `vgc_${tag}`, volumeIds: [c.id] });
  await p.stopVolumeGroup(HOME, gc.id, false);
  await admin.setFaults({ linksBroken: [gc.name] });
  await p.startVolumeGroup(HOME, gc.id, 'master').catch(() => undefined);
  await admin.setFaults({});
  expect((await p.read('volume_group', HOME, gc.id))?.status).toBe('error');
  expect(await p.resetVolumeGroup(HOME, gc.id)).toMatchObject({ status: 'available' });

  const { clones } = await p.cloneVolumes(HOME, { name: `cl${tag}`, volumeIds: [a.id], tags: ['drctl-drill:contract'] });
  expect(clones).toHaveLength(1);

  await p.delete('vm', HOME, vm.id);
  await p.delete('vm', DR, booted.id);
  for (const [ws, id] of [
    [HOME, g.id],
    [HOME, gc.id],
  ])
    await p.delete('volume_group', ws, id);
  for (const [ws, id] of [
    [HOME, clones[0].cloneId],
    [HOME, data.id],
    [HOME, a.id],
    [HOME, b.id],
    [HOME, c.id],
    [DR, bootVol.id],
  ])
    await p.delete('volume', ws, id, { missingOk: true });
  await p.delete('network', HOME, net.id);
  await p.delete('network', DR, drNet.id);
  expect(await p.read('network', HOME, net.id)).toBeUndefined();
  await p.close();
}

describe.each([
  { mode: 'polling, as against PowerVS', settledReads: false, timeScale: 0.0002 },
  { mode: "the simulator's held reads", settledReads: true, timeScale: 0 },
])('the provider against the spec: every operation it has ($mode)', ({ mode, settledReads, timeScale }) => {
  let rig: Rig;
  const exchanges: SimExchange[] = [];
  beforeAll(async () => {
    rig = await startRig({ timeScale, observe: (x) => exchanges.push(x) }, { settledReads });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('sends only operations of the spec, each body of its model, and every answer it reads conforms', { timeout: 120_000 }, async () => {
    const called = new Set<string>();
    await everyOperation(recording(rig.provider, called), new SimulatorAdmin(rig.sim.url, rig.sim.adminToken), settledReads ? 'h' : 'p');
    expect([...called].sort()).toEqual(Object.keys(EVERY_OPERATION).sort());

    const checked: Checked = { exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, errors: 0, problems: [] };
    for (const x of exchanges) check(x, checked);
    console.log(
      `contract (provider, ${mode}): ${checked.exchanges} exchanges, ${checked.routes.size} distinct API operations, ${checked.requests} request bodies, ${checked.answers} answers and ${checked.errors} error answers checked; ${checked.simOnly} simulator-only reads`,
    );
    expect(checked.problems.slice(0, 20)).toEqual([]);
    expect(checked.requests).toBeGreaterThan(20);
    // What a real endpoint gets needs nothing of the simulator's own.
    if (settledReads) expect(checked.simOnly).toBeGreaterThan(0);
    else expect(checked.simOnly).toBe(0);
    expect(new Set(exchanges.map((x) => x.region))).toEqual(new Set(['dal', 'wdc']));
  });
});

describe('the routes no provider operation calls, asked directly', () => {
  let rig: Rig;
  const exchanges: SimExchange[] = [];
  beforeAll(async () => {
    rig = await startRig({ observe: (x) => exchanges.push(x) });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('answer with a status the spec declares and a body of its model', async () => {
    const crn = new Map((await new SimulatorAdmin(rig.sim.url, rig.sim.adminToken).workspaces()).map((w) => [w.id, w.crn]));
    const ask = async (method: string, regionPath: string, ws?: string, body?: unknown) => {
      const res = await fetch(`${rig.sim.url}${regionPath}`, {
        method,
        headers: { authorization: `Bearer ${rig.sim.token}`, ...(ws ? { crn: crn.get(ws)! } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status, `${method} ${regionPath}: ${JSON.stringify(json)}`).toBeLessThan(300);
      return json;
    };
    const CI = `/dal/pcloud/v1/cloud-instances/${HOME}`;
    await ask('GET', '/dal/pcloud/v1/locations/disaster-recovery');
    const images = (await ask('GET', `${CI}/stock-images`, HOME)).images as { imageID: string }[];
    await ask('GET', `${CI}/stock-images/${images[0].imageID}`, HOME);
    const vol = await ask('POST', `${CI}/volumes`, HOME, { name: 'direct', size: 10, diskType: 'tier1', replicationEnabled: true });
    const onboarded = await ask('POST', `/wdc/pcloud/v1/cloud-instances/${DR}/volumes/onboarding`, DR, {
      Volumes: [{ sourceCRN: crn.get(HOME), auxiliaryVolumes: [{ auxVolumeName: vol.auxVolumeName, name: 'direct' }] }],
    });
    await ask('GET', `/wdc/pcloud/v1/cloud-instances/${DR}/volumes/onboarding`, DR);
    await ask('GET', `/wdc/pcloud/v1/cloud-instances/${DR}/volumes/onboarding/${String(onboarded.id)}`, DR);
    await ask('GET', `${CI}/volume-groups`, HOME);
    await ask('GET', `${CI}/volume-groups/details`, HOME);
    await ask('GET', `${CI}/pvm-instances`, HOME);
    await ask('GET', `${CI}/networks`, HOME);

    const checked: Checked = { exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, errors: 0, problems: [] };
    for (const x of exchanges) check(x, checked);
    expect(checked.problems).toEqual([]);
  });
});

describe('coverage of the contract', () => {
  it('every route the simulator serves (API and simulator-only) gave at least one success answer checked against its model in this file', () => {
    const served = [...API_ROUTES, ...SIM_ROUTES].map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !answered.has(r))).toEqual([]);
    console.log(`contract: ${answered.size} routes answered and checked, of ${API_ROUTES.length} API and ${SIM_ROUTES.length} simulator-only routes served`);
  });
});
