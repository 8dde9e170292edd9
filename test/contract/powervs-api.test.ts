// The contract: IBM's PowerVS API as its Go client declares it (fixtures/powervs-api). The
// simulator serves only operations of it (and the documented simulator-only routes), takes only
// fields of its models, and answers with declared statuses and models; the provider sends only
// such requests. A full DR cycle of the example estate (apply, verify, drill, failover, failback,
// verify, destroy) is traced through the simulator and every exchange checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED_FIELDS, API_ROUTES, SIM_ONLY_PATHS, SIM_ROUTES, type SimExchange } from '../../src/sim/index.js';
import { applyService, drillService, failbackService, failoverService, verifyService, type EngineContext } from '../../src/services/index.js';
import { drBed, ROOT, type DrBed } from '../lifecycle/harness.js';
import { PowerVsContract } from './spec.js';

const spec = new PowerVsContract();

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
});

interface Checked {
  readonly exchanges: number;
  readonly requests: number;
  readonly answers: number;
  readonly routes: Set<string>;
  readonly simOnly: number;
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
    else if (model !== null) {
      (into as { answers: number }).answers++;
      for (const p of spec.problems(model, x.responseBody)) into.problems.push(`${where} answer (${model}): ${p}`);
    }
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

    const checked: Checked = { exchanges: 0, requests: 0, answers: 0, routes: new Set(), simOnly: 0, problems: [] };
    for (const x of exchanges) check(x, checked);
    const perStep = steps.slice(0, -1).map((s, i) => `${s.step} ${steps[i + 1].from - s.from}`);
    const summary =
      `contract: ${checked.exchanges} exchanges (${perStep.join(', ')}); ${checked.routes.size} distinct API operations; ` +
      `${checked.requests} request bodies and ${checked.answers} answers checked against their models; ${checked.simOnly} simulator-only (settled) reads`;
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
