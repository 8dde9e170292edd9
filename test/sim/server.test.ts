// The simulator over HTTP: one prefix per region, the CRN header, the error shape, faults, the
// IAM stand-in, the admin routes, the standalone process, and the held (settled) reads.
import http from 'node:http';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vmBootSeconds, vmBuildSeconds, vmShutdownSeconds } from '../../src/powervs/index.js';
import {
  ManualClock,
  parseFaultFlags,
  readRunningSimulator,
  serveSimulator,
  SimulatorAdmin,
  STOCK_IMAGES,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../src/sim/index.js';
import { ensureSimBuilt, simLock, spawnSim, waitExit } from './dist.js';

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

const REGION: Record<string, string> = { home: 'dal', dr: 'wdc' };
const RHEL = STOCK_IMAGES.find((i) => i.name === 'RHEL9-SP4')!.imageID;

/**
 * An API call as a PowerVS client makes it: under the workspace's region, with the bearer token
 * and the workspace's CRN (`ws` names the workspace; none for workspace-less routes).
 */
async function call(
  sim: SimulatorHandle,
  method: string,
  p: string,
  body?: unknown,
  o: { ws?: string; token?: string; crn?: string | null; region?: string } = {},
) {
  const ws = o.ws ?? /cloud-instances\/([^/]+)/.exec(p)?.[1];
  const region = o.region ?? (ws ? REGION[ws] : 'dal');
  const headers: Record<string, string> = { authorization: `Bearer ${o.token ?? 'tok'}`, 'content-type': 'application/json' };
  const crn = o.crn === undefined ? (ws && sim.world.data.workspaces[ws] ? sim.world.workspaceCrn(ws) : undefined) : o.crn;
  if (crn) headers.crn = crn;
  const res = await fetch(`${sim.url}/${region}${p}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, date: res.headers.get('date') };
}

/** A raw request with a Host header of our choosing (fetch will not send a forged one). */
function rawGet(sim: SimulatorHandle, p: string, host: string | undefined, token = 'tok'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (host !== undefined) headers.host = host;
    const req = http.request({ host: '127.0.0.1', port: sim.port, path: p, method: 'GET', headers, setHost: host === undefined ? false : true }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const CI = '/pcloud/v1/cloud-instances';

describe('simulator HTTP API', () => {
  it('answers errors in the PowerVS error shape', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', `${CI}/home/pvm-instances/ghost`);
    expect(r).toMatchObject({
      status: 404,
      body: {
        code: 404,
        error: 'not found',
        description: 'pvm-instance ghost not found in cloud instance home',
        message: 'pvm-instance ghost not found in cloud instance home',
      },
    });
  });

  it('serves each region under its prefix: a workspace is found only in its own region', async () => {
    const sim = await start();
    expect((await call(sim, 'GET', `${CI}/home/networks`)).status).toBe(200);
    expect((await call(sim, 'GET', `${CI}/home/networks`, undefined, { region: 'wdc' })).body.message).toBe('cloud instance home not found in region wdc');
    expect((await call(sim, 'GET', `${CI}/dr/networks`)).status).toBe(200);
    const bare = await fetch(`${sim.url}${CI}/home/networks`, { headers: { authorization: 'Bearer tok', crn: sim.world.workspaceCrn('home') } });
    expect(bare.status).toBe(404);
    expect(((await bare.json()) as { message: string }).message).toContain('the simulator serves each region under its prefix');
  });

  it('wants the CRN of the workspace on every workspace request: missing is a 400, another one a 403', async () => {
    const sim = await start();
    expect(sim.world.workspaceCrn('home')).toBe(`crn:v1:bluemix:public:power-iaas:dal13:a/${sim.account}:home::`);
    const missing = await call(sim, 'GET', `${CI}/home/networks`, undefined, { crn: null });
    expect(missing).toMatchObject({ status: 400, body: { message: expect.stringContaining('the CRN header is required') } });
    const other = await call(sim, 'GET', `${CI}/home/networks`, undefined, { crn: sim.world.workspaceCrn('dr') });
    expect(other.status).toBe(403);
    const account = await call(sim, 'GET', `${CI}/home/networks`, undefined, { crn: 'crn:v1:bluemix:public:power-iaas:dal13:a/someone:home::' });
    expect(account.status).toBe(403);
    // Routes of no workspace take none.
    expect((await call(sim, 'GET', '/pcloud/v1/locations/disaster-recovery')).status).toBe(200);
  });

  it("stamps answers with the cloud's time (model time) in the Date header", async () => {
    const clock = new ManualClock(Date.UTC(2031, 5, 1, 12, 0, 0));
    const sim = await start({ clock });
    expect((await call(sim, 'GET', `${CI}/home/networks`)).date).toBe('Sun, 01 Jun 2031 12:00:00 GMT');
    clock.advanceSeconds(3600);
    expect((await call(sim, 'GET', `${CI}/home/networks`)).date).toBe('Sun, 01 Jun 2031 13:00:00 GMT');
  });

  it('401 without a valid bearer token', async () => {
    const sim = await start();
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances`, undefined, { token: 'nope' })).status).toBe(401);
    const bare = await fetch(`${sim.url}/dal${CI}/home/networks`);
    expect(bare.status).toBe(401);
  });

  it('400 for a body that is not JSON or has a field its model lacks, 404 for unknown paths', async () => {
    const sim = await start();
    expect((await call(sim, 'POST', `${CI}/home/networks`, '{"name":')).body).toMatchObject({ code: 400, message: 'request body is not valid JSON' });
    expect((await call(sim, 'POST', `${CI}/home/networks`, { name: 'a', type: 'vlan', cidr: '10.0.0.0/24', colour: 'red' })).body.message).toContain(
      'unknown field "colour" in NetworkCreate',
    );
    expect((await call(sim, 'GET', '/pcloud/v1/nothing-here')).status).toBe(404);
    expect((await call(sim, 'GET', '/pcloud/v1/tasks/some-task')).status).toBe(404);
  });

  it('takes two networks of one name, as PowerVS does', async () => {
    const sim = await start();
    const a = await call(sim, 'POST', `${CI}/home/networks`, { name: 'a', type: 'vlan', cidr: '10.0.0.0/24' });
    const b = await call(sim, 'POST', `${CI}/home/networks`, { name: 'a', type: 'vlan', cidr: '10.0.1.0/24' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.networkID).not.toBe(b.body.networkID);
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

  it('models time: BUILD, then ACTIVE; an action answers 200 {} and the VM status tells when it took effect', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    const net = (await call(sim, 'POST', `${CI}/home/networks`, { name: 'n', type: 'vlan', cidr: '10.0.0.0/24' })).body;
    const created = await call(sim, 'POST', `${CI}/home/pvm-instances`, {
      serverName: 'v',
      imageID: RHEL,
      processors: 1,
      procType: 'shared',
      memory: 4,
      networks: [{ networkID: net.networkID }],
    });
    expect(created.status).toBe(202);
    expect(created.body[0]).toMatchObject({ serverName: 'v', status: 'BUILD', osType: 'rhel' });
    const id = created.body[0].pvmInstanceID as string;
    clock.advanceSeconds(vmBuildSeconds({ machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 }));
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/${id}`)).body).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
    const act = await call(sim, 'POST', `${CI}/home/pvm-instances/${id}/action`, { action: 'stop' });
    expect(act).toMatchObject({ status: 200, body: {} });
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/${id}`)).body).toMatchObject({ status: 'ACTIVE', health: { reason: 'stopping' } });
    clock.advanceSeconds(vmShutdownSeconds({ os: 'rhel' }));
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/${id}`)).body.status).toBe('SHUTOFF');
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
    const admin = new SimulatorAdmin(sim.url, sim.adminToken);
    await admin.setFaults({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    expect((await call(sim, 'GET', `${CI}/dr/networks`)).body).toMatchObject({ code: 503, message: 'data centre wdc04 is unreachable' });
    expect((await call(sim, 'GET', `${CI}/home/networks`)).status).toBe(200);
    expect(await admin.faults()).toEqual({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    const bad = await fetch(`${sim.url}/admin/faults`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rates: { '429': 2 }, explode: true }),
    });
    expect(bad.status).toBe(400);
    const msg = ((await bad.json()) as { message: string }).message;
    expect(msg).toContain('unknown field "explode"');
    expect(msg).toContain('rate 429 must be a number from 0 to 1');
  });

  it('a site going down breaks replication links that touch it, and the log says so', async () => {
    const sim = await start({ clock: { now: () => Date.UTC(2030, 0, 1) } });
    const vol = (await call(sim, 'POST', `${CI}/home/volumes`, { name: 'd', size: 10, replicationEnabled: true })).body;
    const g = (await call(sim, 'POST', `${CI}/home/volume-groups`, { name: 'g', volumeIDs: [vol.volumeID] })).body;
    const admin = new SimulatorAdmin(sim.url, sim.adminToken);
    await admin.setFaults({ sitesDown: [{ location: 'wdc04', mode: 'fail' }] });
    expect((await call(sim, 'GET', `${CI}/home/volume-groups/${g.id}/storage-details`)).body.state).toBe('inconsistent_disconnected');
    await admin.setFaults({});
    const types = (await admin.log()).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['replication.link-down', 'replication.link-restored']);
  });
});

describe("the simulator's door", () => {
  const form = (k: string) => new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: k }).toString();
  const iam = (sim: SimulatorHandle, key: string) =>
    fetch(`${sim.url}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(key) });

  it('with an API key set, IAM hands the token to that key only', async () => {
    const sim = await start({ apiKey: 'key-1' });
    const ok = await iam(sim, 'key-1');
    expect(await ok.json()).toMatchObject({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
    for (const k of ['other', 'key-10', 'KEY-1', 'key-']) expect((await iam(sim, k)).status).toBe(400);
  });

  it('the admin routes take their own token, not the API token IAM hands out', async () => {
    const sim = await start();
    expect(sim.adminToken).not.toBe(sim.token);
    const token = ((await (await iam(sim, 'anything')).json()) as { access_token: string }).access_token;
    const down = await fetch(`${sim.url}/admin/faults`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sitesDown: [{ location: 'dal13', mode: 'fail' }] }),
    });
    expect(down.status).toBe(401);
    expect(sim.world.getFaults()).toEqual({});
    expect((await fetch(`${sim.url}/admin/faults`, { headers: { authorization: `Bearer ${sim.adminToken}` } })).status).toBe(200);
    // And the admin token opens no API route.
    expect((await call(sim, 'GET', `${CI}/home/networks`, undefined, { token: sim.adminToken })).status).toBe(401);
  });

  it('answers only to loopback Host names (no DNS rebinding)', async () => {
    const sim = await start();
    const p = `/dal${CI}/home/networks`;
    for (const host of [`evil.example:${sim.port}`, 'evil.example', `127.0.0.1.nip.io:${sim.port}`]) {
      const r = await rawGet(sim, p, host);
      expect(r.status).toBe(403);
      expect(r.body).toContain('is not this simulator');
    }
    expect((await rawGet(sim, '/identity/token', 'evil.example')).status).toBe(403);
    expect((await rawGet(sim, '/admin/faults', 'evil.example', sim.adminToken)).status).toBe(403);
    // An HTTP/1.1 request without a Host header is refused before it reaches the simulator.
    expect((await rawGet(sim, '/admin/faults', undefined, sim.adminToken)).status).toBe(400);
    for (const host of [`127.0.0.1:${sim.port}`, `localhost:${sim.port}`, `LOCALHOST:${sim.port}`]) {
      expect((await rawGet(sim, '/admin/faults', host, sim.adminToken)).status).toBe(200);
    }
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

  it('serves with faults from flags, keeps its lock owner-only, and removes it when stopped', async () => {
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
      const { stat } = await import('node:fs/promises');
      expect((await stat(path.join(dir, 'sim.lock'))).mode & 0o777).toBe(0o600);
      const lock = simLock(dir);
      expect(lock).toMatchObject({ url: sim.url, token: 't', pid: sim.child.pid });
      const admin = new SimulatorAdmin(sim.url, lock.adminToken);
      expect(await admin.faults()).toEqual({ bootFail: ['db01'] });
      expect((await admin.clock()).timeScale).toBe(0);
    } finally {
      sim.child.kill('SIGTERM');
      await waitExit(sim.child);
    }
    expect(sim.child.exitCode).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'world.json']);
  });

  it('takes DRCTL_SIM_API_KEY: only that key gets a token', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drctl-simproc-'));
    dirs.push(dir);
    process.env.DRCTL_SIM_API_KEY = 'secret-key';
    const sim = await spawnSim(['--data-dir', dir, '--time-scale', '0']).finally(() => delete process.env.DRCTL_SIM_API_KEY);
    try {
      const ask = (k: string) =>
        fetch(`${sim.url}/identity/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: k }).toString(),
        }).then((r) => r.status);
      expect(await ask('secret-key')).toBe(200);
      expect(await ask('guess')).toBe(400);
    } finally {
      sim.child.kill('SIGTERM');
      await waitExit(sim.child);
    }
  });
});

describe('a simulator is bound to its directory, and its tokens do not outlive it', () => {
  beforeAll(() => ensureSimBuilt(), 120_000);

  it('a copy of the working directory does not join the original’s simulator, and drops the copied lock', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drctl-simbind-'));
    dirs.push(dir);
    const data = path.join(dir, 'work/.drctl/sim');
    const sim = await spawnSim(['--data-dir', data, '--time-scale', '0']);
    try {
      const { cp } = await import('node:fs/promises');
      await cp(path.join(dir, 'work'), path.join(dir, 'copy'), { recursive: true });
      const copied = path.join(dir, 'copy/.drctl/sim');
      // The copy holds the original's lock (its pid is alive), but the lock was written for another directory.
      expect(simLock(copied).pid).toBe(sim.child.pid);
      expect(await readRunningSimulator(copied)).toBeUndefined();
      expect(await readdir(copied)).not.toContain('sim.lock');
      // The original still finds its own.
      expect(await readRunningSimulator(data)).toMatchObject({ url: sim.url, pid: sim.child.pid });
    } finally {
      sim.child.kill('SIGTERM');
      await waitExit(sim.child);
    }
  });

  it('after a kill -9 the lock (with its tokens) is removed by the next reader, and a new simulator takes the directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drctl-simkill-'));
    dirs.push(dir);
    const sim = await spawnSim(['--data-dir', dir, '--time-scale', '0']);
    const token = simLock(dir).token;
    sim.child.kill('SIGKILL');
    await waitExit(sim.child);
    expect(simLock(dir).token).toBe(token); // kill -9 runs no exit handler
    expect(await readRunningSimulator(dir)).toBeUndefined();
    expect(await readdir(dir)).not.toContain('sim.lock');
    const again = await serveSimulator({ dataDir: dir, timeScale: 0 });
    expect(await readRunningSimulator(dir)).toMatchObject({ pid: process.pid, url: again.url });
    await again.close();
  });
});

describe('settled reads (the simulator-only long-poll)', () => {
  const shape = { machineType: 's922', os: 'rhel', memoryGb: 4, processors: 1 } as const;
  /** A VM at home, built and ACTIVE, then stopped: a start of it is a boot of known length. */
  async function stoppedVm(sim: SimulatorHandle, advance: (seconds: number) => Promise<void>): Promise<string> {
    const net = (await call(sim, 'POST', `${CI}/home/networks`, { name: 'n', type: 'vlan', cidr: '10.0.0.0/24' })).body;
    const id = (
      await call(sim, 'POST', `${CI}/home/pvm-instances`, {
        serverName: 'v',
        imageID: RHEL,
        processors: 1,
        procType: 'shared',
        memory: 4,
        networks: [{ networkID: net.networkID }],
      })
    ).body[0].pvmInstanceID as string;
    await advance(vmBuildSeconds(shape));
    expect((await call(sim, 'POST', `${CI}/home/pvm-instances/${id}/action`, { action: 'stop' })).status).toBe(200);
    await advance(vmShutdownSeconds(shape));
    expect((await call(sim, 'GET', `${CI}/home/pvm-instances/${id}`)).body.status).toBe('SHUTOFF');
    return id;
  }
  const settled = (id: string, ms: number) => `/sim/v1/cloud-instances/home/pvm-instances/${id}/settled?waitMs=${ms}`;

  it('holds a read of a booting VM until it settles on the model clock, answering the VM as GET does', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    const id = await stoppedVm(sim, async (s) => clock.advanceSeconds(s));
    await call(sim, 'POST', `${CI}/home/pvm-instances/${id}/action`, { action: 'start' });
    let answered = false;
    const held = call(sim, 'GET', settled(id, 10000), undefined, { ws: 'home' }).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 80));
    expect(answered).toBe(false);
    clock.advanceSeconds(vmBootSeconds(shape));
    expect((await held).body).toEqual((await call(sim, 'GET', `${CI}/home/pvm-instances/${id}`)).body);
    expect((await held).body).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
  });

  it('answers the unsettled VM when the wait runs out, and at once for a settled or unknown one', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    const id = await stoppedVm(sim, async (s) => clock.advanceSeconds(s));
    await call(sim, 'POST', `${CI}/home/pvm-instances/${id}/action`, { action: 'start' });
    let t = performance.now();
    expect((await call(sim, 'GET', settled(id, 120), undefined, { ws: 'home' })).body.health.status).toBe('WARNING');
    expect(performance.now() - t).toBeGreaterThanOrEqual(115);
    clock.advanceSeconds(vmBootSeconds(shape));
    t = performance.now();
    expect((await call(sim, 'GET', settled(id, 20000), undefined, { ws: 'home' })).body.health.status).toBe('OK');
    expect((await call(sim, 'GET', settled('no-such-vm', 20000), undefined, { ws: 'home' })).status).toBe(404);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('answers a held read of a scaled boot as the boot ends, not before', async () => {
    const scale = 0.001;
    const sim = await start({ timeScale: scale });
    const id = await stoppedVm(sim, (s) => new Promise((r) => setTimeout(r, s * 1000 * scale + 5)));
    const t = performance.now();
    await call(sim, 'POST', `${CI}/home/pvm-instances/${id}/action`, { action: 'start' });
    const r = await call(sim, 'GET', settled(id, 20000), undefined, { ws: 'home' });
    const took = performance.now() - t;
    expect(r.body).toMatchObject({ status: 'ACTIVE', health: { status: 'OK' } });
    expect(took).toBeGreaterThanOrEqual(vmBootSeconds(shape) * 1000 * scale - 1);
    // Answered at the boot's end, not at the hold's 20 s limit (wide: a loaded machine is slow, not wrong).
    expect(took).toBeLessThan(10_000);
  });

  it('holds a read of an updating volume group until its action completes', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    const vol = (await call(sim, 'POST', `${CI}/home/volumes`, { name: 'd', size: 10, replicationEnabled: true })).body;
    const g = (await call(sim, 'POST', `${CI}/home/volume-groups`, { name: 'g', volumeIDs: [vol.volumeID] })).body;
    clock.advanceSeconds(3600);
    expect((await call(sim, 'POST', `${CI}/home/volume-groups/${g.id}/action`, { stop: { access: false } })).status).toBe(202);
    expect((await call(sim, 'GET', `${CI}/home/volume-groups/${g.id}`)).body.status).toBe('updating');
    const held = call(sim, 'GET', `/sim/v1/cloud-instances/home/volume-groups/${g.id}/settled?waitMs=10000`, undefined, { ws: 'home' });
    await new Promise((r) => setTimeout(r, 50));
    clock.advanceSeconds(3600);
    expect((await held).body).toMatchObject({ id: g.id, status: 'available', replicationStatus: 'disabled' });
  });
});
