import { mkdtemp, readFile, rm, writeFile, appendFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PowerVsProvider, providerConfigForSimulator } from '../../src/provider/index.js';
import { DataDirInUseError, ManualClock, readRunningSimulator, serveSimulator, SimulatorAdmin } from '../../src/sim/index.js';
import { ensureSimBuilt, simLock, spawnSim, waitExit, type SimProcess } from './dist.js';

const WS = [
  { id: 'home', location: 'dal13' },
  { id: 'dr', location: 'wdc04' },
];
/** The provider's map of the workspaces: their zones pick the region and are in their CRNs. */
const REFS = { workspaces: { home: { id: 'home', zone: 'dal13' }, dr: { id: 'dr', zone: 'wdc04' } } };

let dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'drctl-persist-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

describe('the simulated world persists', () => {
  it('a VM created in one run is still there in the next', async () => {
    const dir = await tempDir();
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: 0, workspaces: WS });
    const p1 = new PowerVsProvider(providerConfigForSimulator(sim1, REFS));
    const net = await p1.create('network', 'home', { name: 'n', type: 'vlan', cidr: '10.0.0.0/24' });
    const vm = await p1.create('vm', 'home', {
      name: 'keeper',
      machineType: 's922',
      processors: 1,
      procType: 'shared',
      memoryGb: 4,
      os: 'rhel',
      networkIds: [net.id],
    });
    await p1.close();
    await sim1.close();

    const sim2 = await serveSimulator({ dataDir: dir, timeScale: 0 });
    const p2 = new PowerVsProvider(providerConfigForSimulator(sim2, REFS));
    expect(await p2.read('vm', 'home', vm.id)).toMatchObject({ name: 'keeper', status: 'ACTIVE' });
    const log = await new SimulatorAdmin(sim2.url, sim2.adminToken).log();
    expect(log.map((e) => e.type)).toEqual(['network.created', 'vm.created']);
    await p2.close();
    await sim2.close();
  });

  it('ignores a torn last journal line and keeps every complete one', async () => {
    const dir = await tempDir();
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: 0, workspaces: WS });
    const p1 = new PowerVsProvider(providerConfigForSimulator(sim1, REFS));
    await p1.create('network', 'home', { name: 'n1', type: 'vlan', cidr: '10.0.0.0/24' });
    await p1.close();
    // Simulate a crash: copy the journal as it was, before close() compacts it.
    const journal = await readFile(path.join(dir, 'journal.jsonl'), 'utf8');
    await sim1.close();
    await rm(path.join(dir, 'world.json'));
    await writeFile(path.join(dir, 'journal.jsonl'), journal);
    await appendFile(path.join(dir, 'journal.jsonl'), '{"seq":99,"ops":[{"t":"put","c":"networks","v":{"id":"x","workspace":"home","na');

    const sim2 = await serveSimulator({ dataDir: dir, timeScale: 0 });
    const names = Object.values(sim2.world.data.networks).map((n) => n.name);
    expect(names).toEqual(['n1']);
    expect((await stat(path.join(dir, 'journal.jsonl'))).size).toBe(Buffer.byteLength(journal));
    await sim2.close();
  });

  it('compacts the journal into a snapshot and recovers from both', async () => {
    const dir = await tempDir();
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: 0, workspaces: WS, compactBytes: 4096 });
    const p1 = new PowerVsProvider(providerConfigForSimulator(sim1, REFS));
    for (let i = 0; i < 30; i++) await p1.create('volume', 'home', { name: `v${i}`, sizeGb: 10, tier: 'tier3' });
    expect((await stat(path.join(dir, 'world.json'))).size).toBeGreaterThan(0);
    expect((await stat(path.join(dir, 'journal.jsonl'))).size).toBeLessThan(4096 + 2048);
    const snapshot = JSON.stringify(sim1.world.data.volumes);
    await p1.close();
    await sim1.close();
    const sim2 = await serveSimulator({ dataDir: dir, timeScale: 0 });
    expect(JSON.stringify(sim2.world.data.volumes)).toBe(snapshot);
    await sim2.close();
  });

  it('refuses a data directory another live simulator holds, and tells others where it serves', async () => {
    const dir = await tempDir();
    const sim1 = await serveSimulator({ dataDir: dir, timeScale: 0.5 });
    await expect(serveSimulator({ dataDir: dir, timeScale: 0 })).rejects.toBeInstanceOf(DataDirInUseError);
    expect(await readRunningSimulator(dir)).toMatchObject({ pid: process.pid, url: sim1.url, token: sim1.token, timeScale: 0.5 });
    await sim1.close();
    expect(await readRunningSimulator(dir)).toBeUndefined();
  });

  it('model time never runs backwards across a restart', async () => {
    const dir = await tempDir();
    const clock = new ManualClock(Date.now() + 10 * 86_400_000);
    const sim1 = await serveSimulator({ dataDir: dir, clock, workspaces: WS });
    const p1 = new PowerVsProvider(providerConfigForSimulator(sim1, REFS));
    await p1.create('network', 'home', { name: 'n', type: 'vlan', cidr: '10.0.0.0/24' });
    await p1.close();
    await sim1.close();
    const sim2 = await serveSimulator({ dataDir: dir, timeScale: 1 / 600 });
    expect(sim2.world.now()).toBeGreaterThanOrEqual(clock.now());
    await sim2.close();
  });
});

describe('kill -9 in the middle of operations', () => {
  beforeAll(() => ensureSimBuilt(), 120_000);

  it('restarts with the world intact: every acknowledged change present, references consistent', async () => {
    const dir = await tempDir();
    const token = 'kill-test';
    const args = ['--data-dir', dir, '--time-scale', '0', '--token', token, '--workspace', 'home=dal13', '--workspace', 'dr=wdc04', '--compact-bytes', '20000'];
    const acked = new Set<string>();
    const ackedGroups = new Set<string>();
    let sim: SimProcess = await spawnSim(args);
    try {
      for (let round = 0; round < 3; round++) {
        const ackedBefore = acked.size;
        const lock = simLock(dir);
        const provider = new PowerVsProvider(
          providerConfigForSimulator(
            { url: sim.url, token, timeScale: 0, account: lock.account },
            { ...REFS, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, requestTimeoutMs: 2000 },
          ),
        );
        const netOwner = { idTag: 'drctl-id:net-n', tags: ['drctl-id:net-n'], address: 'network.n' };
        const net =
          (await provider.findOwned('network', 'home', 'n', netOwner.idTag)) ??
          (await provider.create('network', 'home', { name: 'n', type: 'vlan', cidr: '10.0.0.0/20', owner: netOwner }));
        let stop = false;
        const worker = async (w: number) => {
          for (let i = 0; !stop; i++) {
            const name = `r${round}-w${w}-${i}`;
            try {
              await provider.create('vm', 'home', {
                name,
                machineType: 's922',
                processors: 1,
                procType: 'shared',
                memoryGb: 2,
                os: 'rhel',
                networkIds: [net.id],
              });
              acked.add(name);
              const v = await provider.create('volume', 'home', { name: `${name}-d`, sizeGb: 1, tier: 'tier3', replicationEnabled: true });
              acked.add(`${name}-d`);
              await provider.create('volume_group', 'home', { name: `${name}-g`, volumeIds: [v.id] });
              ackedGroups.add(`${name}-g`);
            } catch {
              return; // the process died under us
            }
          }
        };
        const workers = Array.from({ length: 8 }, (_, w) => worker(w));
        await new Promise((r) => setTimeout(r, 250 + round * 100));
        sim.child.kill('SIGKILL');
        stop = true;
        await waitExit(sim.child);
        await Promise.all(workers);
        await provider.close();
        expect(acked.size).toBeGreaterThan(ackedBefore); // the kill landed mid-run, after some acknowledged writes

        sim = await spawnSim(args);
        const admin = new SimulatorAdmin(sim.url, simLock(dir).adminToken);
        // Consistent: among the rest, every replicated volume still has its auxiliary copy.
        expect(await admin.consistency()).toEqual({ ok: true, problems: [] });
        const check = new PowerVsProvider(providerConfigForSimulator({ url: sim.url, token, timeScale: 0, account: simLock(dir).account }, REFS));
        const vms = new Set((await check.list('vm', 'home')).map((v) => v.name));
        const vols = new Set((await check.list('volume', 'home')).map((v) => v.name));
        const groups = new Set((await check.list('volume_group', 'home')).map((g) => g.name));
        for (const name of acked) expect(vms.has(name) || vols.has(name)).toBe(true);
        for (const g of ackedGroups) expect(groups.has(g)).toBe(true);
        await check.close();
      }
    } finally {
      sim.child.kill('SIGKILL');
      await waitExit(sim.child);
    }
  }, 60_000);
});
