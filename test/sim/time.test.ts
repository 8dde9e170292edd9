// The simulated world keeps time between processes (issue 13, Seen 1): model time goes on with the
// wall clock at the world's time scale while no process serves it, so a first copy started by one
// command is consistent for a later one; model time never runs backwards, even across a change of
// scale; and `drctl sim status` shows each group's sync progress with an ETA.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PowerVsProvider, providerConfigForSimulator } from '../../src/provider/index.js';
import { continuedModelMs, resumedClock } from '../../src/sim/clock.js';
import { ManualClock, serveSimulator, SimulatorAdmin } from '../../src/sim/index.js';

const WS = [
  { id: 'home', location: 'dal13' },
  { id: 'dr', location: 'wdc04' },
];
/** A provider on the simulator, with each workspace's zone (its CRN is built from the simulator's account). */
const providerOn = (sim: Parameters<typeof providerConfigForSimulator>[0]) =>
  new PowerVsProvider(providerConfigForSimulator(sim, { workspaces: { home: { id: 'home', zone: 'dal13' }, dr: { id: 'dr', zone: 'wdc04' } } }));

let dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'drctl-time-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A replicated volume group of `gb` GB at home: its first copy takes gb × 1024 / 1000 model seconds. */
async function replicatedGroup(p: PowerVsProvider, gb: number): Promise<string> {
  const v = await p.create('volume', 'home', { name: 'data', sizeGb: gb, tier: 'tier1', replicationEnabled: true });
  const g = await p.create('volume_group', 'home', { name: 'vg', volumeIds: [v.id] });
  return g.id;
}

describe('the clock of a world opened again', () => {
  it('continues from the anchor at the anchor’s scale for the real time that passed', () => {
    const anchor = { modelMs: 1_000_000, realMs: 5_000, scale: 1 / 600 };
    expect(continuedModelMs(anchor, 6_000)).toBe(1_000_000 + 600_000);
    expect(continuedModelMs({ ...anchor, scale: 0 }, 6_000)).toBe(1_001_000);
    // A wall clock stepped back does not take model time with it.
    expect(continuedModelMs(anchor, 4_000)).toBe(1_000_000);
  });

  it('keeps the anchor at the same scale, and records a new one on a change of scale or a later high-water mark', () => {
    let real = 10_000;
    const saved = { highWaterMs: 2_000_000, clock: { modelMs: 1_000_000, realMs: 5_000, scale: 1 / 600 } };
    const same = resumedClock(saved, 1 / 600, () => real);
    expect(same.anchor).toBeUndefined();
    expect(same.clock.now()).toBe(1_000_000 + 5_000 * 600);
    const other = resumedClock(saved, 0, () => real);
    expect(other.anchor).toEqual({ modelMs: 1_000_000 + 5_000 * 600, realMs: 10_000, scale: 0 });
    real += 1_000;
    expect(other.clock.now()).toBe(1_000_000 + 5_000 * 600 + 1_000);
    const ahead = resumedClock({ ...saved, highWaterMs: 9e9 }, 1 / 600, () => real);
    expect(ahead.anchor?.modelMs).toBe(9e9);
  });
});

describe('the simulated world keeps time between processes', () => {
  it('goes on at its time scale while no process serves it: a first copy started by one process is consistent for the next', async () => {
    const dir = await tempDir();
    const scale = 1 / 600;
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: scale, workspaces: WS });
    const p1 = providerOn(sim1);
    const id = await replicatedGroup(p1, 1000); // 1024 model seconds of first copy: 1.7 s real
    const first = await p1.replicationStatus('home', id);
    expect(first.state).toBe('inconsistent_copying');
    const closedModel = sim1.world.now();
    const closedReal = performance.now();
    await p1.close();
    await sim1.close();

    await sleep(2000); // 1200 model seconds at 1/600, with no process serving the world
    const sim2 = await serveSimulator({ dataDir: dir, timeScale: scale });
    const p2 = providerOn(sim2);
    const gapModelMs = (performance.now() - closedReal) / scale;
    expect(sim2.world.now() - closedModel).toBeGreaterThanOrEqual(gapModelMs * 0.95);
    expect((await p2.replicationStatus('home', id)).state).toBe('consistent_copying');
    await p2.close();
    await sim2.close();
  });

  it('never runs backwards: not past what a process read without writing, nor across a change of scale', async () => {
    const dir = await tempDir();
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: 1 / 600, workspaces: WS });
    await sleep(200); // reads only from here on: nothing is written
    const seen1 = sim1.world.now();
    await sim1.close();
    const sim2 = await serveSimulator({ dataDir: dir, timeScale: 0 });
    expect(sim2.world.now()).toBeGreaterThanOrEqual(seen1);
    await sleep(50);
    const seen2 = sim2.world.now();
    await sim2.close();
    const sim3 = await serveSimulator({ dataDir: dir, timeScale: 1 / 60 });
    expect(sim3.world.now()).toBeGreaterThanOrEqual(seen2);
    const seen3 = sim3.world.now();
    await sim3.close();
    const sim4 = await serveSimulator({ dataDir: dir, timeScale: 1 / 600 });
    expect(sim4.world.now()).toBeGreaterThanOrEqual(seen3);
    await sim4.close();
  });
});

describe('sync progress with an ETA', () => {
  it('shows a first copy with its progress and the model seconds until it is consistent, then in sync', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const sim = await serveSimulator({ dataDir: dir, clock, workspaces: WS });
    const p = providerOn(sim);
    await replicatedGroup(p, 1000); // 1024 model seconds
    clock.advanceSeconds(256);
    const admin = new SimulatorAdmin(sim.url, sim.adminToken);
    const [copying] = (await admin.sync()).groups;
    expect(copying).toMatchObject({ volumeGroup: 'vg', from: 'dal13', to: 'wdc04', state: 'inconsistent_copying', activity: 'copying', etaSeconds: 768 });
    expect(copying.progress).toBeCloseTo(25, 0);
    clock.advanceSeconds(800);
    const [done] = (await admin.sync()).groups;
    expect(done).toMatchObject({ state: 'consistent_copying', activity: 'in-sync' });
    expect(done.etaSeconds).toBeUndefined();
    await p.close();
    await sim.close();
  });
});
