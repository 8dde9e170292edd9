import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vmBootSeconds, vmBuildSeconds, vmShutdownSeconds } from '../../src/powervs/index.js';
import { ManualClock, parseFaultFlags, serveSimulator, SimulatorAdmin, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index.js';
import { ensureSimBuilt, spawnSim, waitExit } from './dist.js';

let sims: SimulatorHandle[] = [];
let dirs: string[] = [];
async function start(opts: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drctl-simhttp-'));
  dirs.push(dir);
  const sim = await serveSimulator({
    dataDir: dir,
    timeScale: 0,
    token: 'tok',
    workspaces: [
      { id: 'home', location: 'dal13' },
      { id: 'dr', location: 'wdc04' },
    ],
    ...opts,
  });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  for (const s of sims) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  sims = [];
  dirs = [];
});

async function call(sim: SimulatorHandle, method: string, p: string, body?: unknown, token = 'tok') {
  const res = await fetch(sim.url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const CI = '/pcloud/v1/cloud-instances';

describe('simulator HTTP API', () => {
  it('answers errors in the PowerVS error shape', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', `${CI}/home/pvm-instances/ghost`);
    expect(r).toEqual({
      status: 404,
      body: {
        code: 404,
        error: 'not found',
        description: 'pvm-instance ghost not found in cloud instance home',
        message: 'pvm-instance ghost not found in cloud instance home',
      },
    });
  });

  it('401 without a valid bearer token, on the API and the admin endpoints', async () => {
    const sim = await start();
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances`, undefined, 'nope')).status).toBe(401);
    expect((await call(sim, 'GET', '/admin/faults', undefined, 'nope')).body).toMatchObject({ code: 401, error: 'unauthorized' });
    const bare = await fetch(`${sim.url}${CI}/home/networks`);
    expect(bare.status).toBe(401);
  });

  it('400 for a body that is not JSON, 404 for unknown paths and workspaces', async () => {
    const sim = await start();
    expect((await call(sim, 'POST', `${CI}/home/networks`, '{"name":')).body).toMatchObject({ code: 400, message: 'request body is not valid JSON' });
    expect((await call(sim, 'GET', '/pcloud/v1/nothing-here')).status).toBe(404);
    expect((await call(sim, 'GET', `${CI}/elsewhere/networks`)).body.message).toBe('cloud instance elsewhere not found');
  });

  it('409 for a name already taken', async () => {
    const sim = await start();
    expect((await call(sim, 'POST', `${CI}/home/networks`, { name: 'a', cidr: '10.0.0.0/24' })).status).toBe(201);
    expect((await call(sim, 'POST', `${CI}/home/networks`, { name: 'a', cidr: '10.0.1.0/24' })).body).toMatchObject({ code: 409, error: 'conflict' });
  });

  it('lists the replication pairs', async () => {
    const sim = await start();
    const all = (await call(sim, 'GET', '/pcloud/v1/locations/disaster-recovery')).body.disasterRecoveryLocations as {
      location: string;
      replicationSites: { location: string }[];
    }[];
    const pairOf = (l: string) => all.find((x) => x.location === l)?.replicationSites[0].location;
    expect([pairOf('dal13'), pairOf('wdc04'), pairOf('mad02'), pairOf('fra04'), pairOf('tok04')]).toEqual(['wdc04', 'dal13', 'fra04', 'mad02', 'osa21']);
    expect((await call(sim, 'GET', `${CI}/dr/locations/disaster-recovery`)).body).toEqual({
      location: 'wdc04',
      replicationSites: [{ isActive: true, location: 'dal13' }],
    });
  });

  it('models time: BUILD, then ACTIVE; actions are tasks that complete when the change settles', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    const net = (await call(sim, 'POST', `${CI}/home/networks`, { name: 'n', cidr: '10.0.0.0/24' })).body;
    const created = await call(sim, 'POST', `${CI}/home/pvm-instances`, {
      serverName: 'v',
      imageID: 'rhel-9',
      processors: 1,
      memory: 4,
      networks: [{ networkID: net.networkID }],
    });
    expect(created.status).toBe(202);
    expect(created.body[0]).toMatchObject({ serverName: 'v', status: 'BUILD' });
    clock.advanceSeconds(vmBuildSeconds({ machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 }));
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/v`)).body).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
    const act = await call(sim, 'POST', `${CI}/home/pvm-instances/v/action`, { action: 'stop' });
    expect(act.status).toBe(202);
    const task = () => call(sim, 'GET', `/pcloud/v1/tasks/${act.body.taskID}`).then((r) => r.body);
    expect(await task()).toMatchObject({ status: 'in-progress', operation: 'stop', componentName: 'v', cloudInstanceID: 'home' });
    clock.advanceSeconds(vmShutdownSeconds({ os: 'rhel' }));
    expect(await task()).toMatchObject({ status: 'completed' });
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/v`)).body.status).toBe('SHUTOFF');
  });

  it('injects the same faults for the same seed and request order', async () => {
    const run = async () => {
      const sim = await start({ seed: 7, faults: { rates: { '429': 0.2, '500': 0.1, slow: 0.05 }, slowMs: 1 } });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await call(sim, 'GET', `${CI}/home/networks`)).status);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(1);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(30);
  });

  it('slows responses by the configured delay', async () => {
    const sim = await start({ faults: { rates: { slow: 1 }, slowMs: 300 } });
    const t = Date.now();
    expect((await call(sim, 'GET', `${CI}/home/networks`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('takes faults through the admin endpoint, and rejects bad specs', async () => {
    const sim = await start();
    const admin = new SimulatorAdmin(sim.url, sim.token);
    await admin.setFaults({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    expect((await call(sim, 'GET', `${CI}/dr/networks`)).body).toMatchObject({ code: 503, message: 'data centre wdc04 is unreachable' });
    expect((await call(sim, 'GET', `${CI}/home/networks`)).status).toBe(200);
    expect(await admin.faults()).toEqual({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    const bad = await call(sim, 'PUT', '/admin/faults', { rates: { '429': 2 }, explode: true });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('unknown field "explode"');
    expect(bad.body.message).toContain('rate 429 must be a number from 0 to 1');
  });

  it('a site going down breaks replication links that touch it, and the log says so', async () => {
    const sim = await start({ clock: { now: () => Date.UTC(2030, 0, 1) } });
    const vol = (await call(sim, 'POST', `${CI}/home/volumes`, { name: 'd', size: 10, replicationEnabled: true })).body;
    const g = (await call(sim, 'POST', `${CI}/home/volume-groups`, { name: 'g', volumeIDs: [vol.volumeID] })).body;
    const admin = new SimulatorAdmin(sim.url, sim.token);
    await admin.setFaults({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    expect((await call(sim, 'GET', `${CI}/home/volume-groups/${g.id}/storage-details`)).body.state).toBe('inconsistent_disconnected');
    await admin.setFaults({});
    const types = (await admin.log()).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['replication.link-down', 'replication.link-restored']);
  });

  it('exchanges an API key for its token at the IAM stand-in', async () => {
    const sim = await start({ apiKey: 'key-1' });
    const form = (k: string) => new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: k }).toString();
    const ok = await fetch(`${sim.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form('key-1'),
    });
    expect(await ok.json()).toMatchObject({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
    const bad = await fetch(`${sim.url}/identity/token`, { method: 'POST', body: form('other') });
    expect(bad.status).toBe(400);
  });
});

describe('fault flags', () => {
  it('parses the CLI forms', () => {
    expect(
      parseFaultFlags(['site-down=dal13', 'site-down=wdc04:timeout', 'link-broken=erp_db', 'boot-fail=db01'], '429=0.1,500=0.05,reset=0.05,slow=0.02', 250),
    ).toEqual({
      sitesDown: [
        { location: 'dal13', mode: 'fail' },
        { location: 'wdc04', mode: 'timeout' },
      ],
      linksBroken: ['erp_db'],
      bootFail: ['db01'],
      rates: { '429': 0.1, '500': 0.05, reset: 0.05, slow: 0.02 },
      slowMs: 250,
    });
    expect(() => parseFaultFlags(['meteor=dal13'])).toThrow('unknown fault "meteor"');
    expect(() => parseFaultFlags([], '429=0.7,500=0.7')).toThrow('more than 1');
    expect(() => parseFaultFlags([], 'teapot=0.1')).toThrow('--fault-rate teapot=0.1');
  });
});

describe('standalone process', () => {
  beforeAll(() => ensureSimBuilt(), 120_000);

  it('serves with faults from flags and stops on SIGTERM, leaving its world on disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drctl-simproc-'));
    dirs.push(dir);
    const sim = await spawnSim([
      '--data-dir',
      dir,
      '--token',
      't',
      '--time-scale',
      '0',
      '--workspace',
      'home=dal13',
      '--fault',
      'boot-fail=db01',
      '--seed',
      '3',
    ]);
    try {
      const admin = new SimulatorAdmin(sim.url, 't');
      expect(await admin.faults()).toEqual({ bootFail: ['db01'] });
      expect((await admin.clock()).timeScale).toBe(0);
    } finally {
      sim.child.kill('SIGTERM');
      await waitExit(sim.child);
    }
    expect(sim.child.exitCode).toBe(0);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'world.json']);
  });
});

describe('task long-poll (?waitMs=)', () => {
  /** A VM "v" at home, built and ACTIVE, then stopped: a start of it is a task of known length. */
  async function stoppedVm(sim: SimulatorHandle, advance: (seconds: number) => Promise<void>) {
    const net = (await call(sim, 'POST', `${CI}/home/networks`, { name: 'n', cidr: '10.0.0.0/24' })).body;
    await call(sim, 'POST', `${CI}/home/pvm-instances`, {
      serverName: 'v',
      imageID: 'rhel-9',
      processors: 1,
      memory: 4,
      networks: [{ networkID: net.networkID }],
    });
    await advance(vmBuildSeconds(shape));
    const stop = await call(sim, 'POST', `${CI}/home/pvm-instances/v/action`, { action: 'stop' });
    expect(stop.status).toBe(202);
    await advance(vmShutdownSeconds(shape));
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/v`)).body.status).toBe('SHUTOFF');
  }
  const shape = { machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 } as const;

  it('holds a task read until the task settles on the model clock', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    await stoppedVm(sim, async (s) => clock.advanceSeconds(s));
    const task = (await call(sim, 'POST', `${CI}/home/pvm-instances/v/action`, { action: 'start' })).body.taskID as string;
    let answered = false;
    const held = call(sim, 'GET', `/pcloud/v1/tasks/${task}?waitMs=10000`).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 80));
    expect(answered).toBe(false);
    clock.advanceSeconds(vmBootSeconds(shape));
    expect((await held).body).toMatchObject({ status: 'completed', operation: 'start', componentName: 'v' });
  });

  it('answers in-progress when the wait runs out, and at once for a settled or unknown task', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    await stoppedVm(sim, async (s) => clock.advanceSeconds(s));
    const task = (await call(sim, 'POST', `${CI}/home/pvm-instances/v/action`, { action: 'start' })).body.taskID as string;
    let t = performance.now();
    expect((await call(sim, 'GET', `/pcloud/v1/tasks/${task}?waitMs=120`)).body.status).toBe('in-progress');
    expect(performance.now() - t).toBeGreaterThanOrEqual(115);
    clock.advanceSeconds(vmBootSeconds(shape));
    t = performance.now();
    expect((await call(sim, 'GET', `/pcloud/v1/tasks/${task}?waitMs=20000`)).body.status).toBe('completed');
    expect((await call(sim, 'GET', '/pcloud/v1/tasks/no-such-task?waitMs=20000')).status).toBe(404);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('answers a held read of a scaled boot as the boot ends, not before', async () => {
    const scale = 0.001;
    const sim = await start({ timeScale: scale });
    await stoppedVm(sim, (s) => new Promise((r) => setTimeout(r, s * 1000 * scale + 5)));
    const t = performance.now();
    const task = (await call(sim, 'POST', `${CI}/home/pvm-instances/v/action`, { action: 'start' })).body.taskID as string;
    const r = await call(sim, 'GET', `/pcloud/v1/tasks/${task}?waitMs=20000`);
    const took = performance.now() - t;
    expect(r.body.status).toBe('completed');
    expect(took).toBeGreaterThanOrEqual(vmBootSeconds(shape) * 1000 * scale - 1);
    expect(took).toBeLessThan(vmBootSeconds(shape) * 1000 * scale + 400); // generous: a shared machine
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/v`)).body).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });
});
