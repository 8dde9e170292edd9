// kill -9 during a failover at 20 seeded points: re-running the command resumes and completes
// it, and the simulator's own log never shows a VM running at both sites. The points are events
// of the run, not moments on a clock: a whole run is counted first, then each kill lands at a
// seeded event of it (the child holds there until killed), so every kill is mid-run however fast
// or loaded the machine is.
import { spawn, execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, splitBrains } from './harness.js';
import { SimulatorAdmin } from '../../src/sim/index.js';
import { seededRandom } from '../../src/sim/faults.js';
import { applyService } from '../../src/services/index.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';

const WS = ['erp-prod-dal13', 'erp-prod-wdc04'];
const SCALE = 1 / 6000;
let tmp: string;
let dist: string;
let sim: ReturnType<typeof spawn>;
let admin: SimulatorAdmin;
const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: String(SCALE) };
// A webhook that answers at once, so runs do not wait on delivery retries.
const hook = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));

beforeAll(async () => {
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  env.DRCTL_VAR_ops_webhook = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-kill-'));
  dist = path.join(tmp, 'dist');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dist], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  fs.cpSync(path.join(ROOT, 'plans'), path.join(tmp, 'plans'), { recursive: true });
  sim = spawn(
    process.execPath,
    [
      path.join(dist, 'sim/main.js'),
      '--port',
      '0',
      '--data-dir',
      path.join(tmp, '.drctl/sim'),
      '--time-scale',
      String(SCALE),
      '--workspace',
      'erp-prod-dal13=dal13',
      '--workspace',
      'erp-prod-wdc04=wdc04',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let out = '';
    sim.on('exit', (c) => reject(new Error(`simulator exited ${c}`)));
    sim.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const u = /listening on (\S+)/.exec(out);
      const t = /token (\S+)/.exec(out);
      if (u && t) resolve({ url: u[1], token: t[1] });
    });
  });
  // The admin routes take their own token, which the simulator keeps in its (owner-only) lock.
  const lock = JSON.parse(fs.readFileSync(path.join(tmp, '.drctl/sim/sim.lock'), 'utf8')) as { adminToken: string };
  expect(token).not.toBe(lock.adminToken);
  admin = new SimulatorAdmin(url, lock.adminToken);
  const r = await applyService(
    { dir: 'plans', vars: [], refresh: false, destroy: false, targets: [], replace: [], lockTimeoutMs: 0 },
    { cwd: tmp, env, fs: nodeConfigFs, now: () => performance.now(), sink: () => undefined },
  );
  expect(r.result?.failed).toBe(0);
}, 600_000);

afterAll(async () => {
  sim?.kill('SIGTERM');
  hook.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface Moved {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  /** The DR events the child printed. */
  readonly events: number;
}

/** A move in a child process; with killAtEvent k, kill -9 once it prints its k-th event (it holds there until killed). */
function move(kind: string, killAtEvent?: number): Promise<Moved> {
  return new Promise((resolve) => {
    const args = [path.join(ROOT, 'fixtures/lifecycle/move-child.mjs'), dist, kind, ...(killAtEvent === undefined ? [] : [String(killAtEvent)])];
    const child = spawn(process.execPath, args, { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let events = 0;
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      events += lines.filter((l) => l.startsWith('event ')).length;
      if (killAtEvent !== undefined && events >= killAtEvent) child.kill('SIGKILL');
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    // A bound, not a timing: a run that hangs fails the test instead of stalling it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, events });
    });
  });
}

const ended = (m: Moved) => /^OUTCOME /m.test(m.out);
const lastEvent = (m: Moved) =>
  m.out
    .split('\n')
    .filter((l) => l.startsWith('event '))
    .at(-1)
    ?.slice(0, 90) ?? '(no event)';

it('resumes a failover killed at 20 seeded points, never active on both sites', async () => {
  // Uninterrupted runs first. The first failover after apply also discovers every VM (more
  // events); the second is a run like each one below, and its events are the ones counted.
  let whole: Moved | undefined;
  for (const round of ['first', 'counted']) {
    whole = await move('failover');
    expect(whole.out, `${round} failover`).toMatch(/OUTCOME succeeded/);
    expect(whole.code).toBe(0);
    const back = await move('failback');
    expect(back.out, `${round} failback`).toMatch(/OUTCOME succeeded/);
  }
  const total = whole!.events;
  expect(total, 'a failover prints enough events to kill it between them').toBeGreaterThanOrEqual(20);

  // Kill i (of 20) lands at a seeded event in the i-th twentieth of the run: points from the
  // first event to the one before the last, spread over the whole run.
  const random = seededRandom(20260601);
  const span = total - 1;
  for (let i = 0; i < 20; i++) {
    const at = 1 + Math.floor(((i + random()) * span) / 20);
    const what = `kill ${i + 1}/20 at event ${at} of ${total}`;
    const killed = await move('failover', at);
    // Mid-run: killed by the signal, after the run began (event `at` printed), before it ended.
    expect(killed.signal, `${what}: ${killed.out.slice(-400)}`).toBe('SIGKILL');
    expect(killed.events, `${what}: events printed before the kill`).toBe(at);
    expect(ended(killed), `${what}: the run ended before the kill`).toBe(false);

    const resumed = await move('failover');
    expect(resumed.out, `${what} (after "${lastEvent(killed)}")`).toMatch(/OUTCOME (succeeded|Production already runs at site.dr)/);
    expect(resumed.code).toBe(0);
    expect(splitBrains(await admin.log(), WS), what).toEqual([]);
    const back = await move('failback');
    expect(back.out, `${what}: failback`).toMatch(/OUTCOME succeeded/);
  }
  expect(splitBrains(await admin.log(), WS)).toEqual([]);
  expect((await admin.consistency()).ok).toBe(true);
}, 600_000);
