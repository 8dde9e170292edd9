// kill -9 during a failover at 20 seeded moments: re-running the command resumes and completes
// it, and the simulator's own log never shows a VM running at both sites.
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
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  fs.cpSync(path.join(ROOT, 'plans'), path.join(tmp, 'plans'), { recursive: true });
  sim = spawn(process.execPath, [path.join(dist, 'sim/main.js'), '--port', '0', '--data-dir', path.join(tmp, '.drctl/sim'), '--time-scale', String(SCALE), '--workspace', 'erp-prod-dal13=dal13', '--workspace', 'erp-prod-wdc04=wdc04'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  admin = new SimulatorAdmin(url, token);
  const r = await applyService({ dir: 'plans', vars: [], refresh: false, destroy: false, targets: [], replace: [], lockTimeoutMs: 0 }, { cwd: tmp, env, fs: nodeConfigFs, now: () => performance.now(), sink: () => undefined });
  expect(r.result?.failed).toBe(0);
}, 120_000);

afterAll(async () => {
  sim?.kill('SIGTERM');
  hook.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function move(kind: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'fixtures/lifecycle/move-child.mjs'), dist, kind], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = killAfterMs === undefined ? setTimeout(() => child.kill('SIGKILL'), 60_000) : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

it('resumes a failover killed at 20 seeded points, never active on both sites', async () => {
  const random = seededRandom(20260601);
  const killedAt: string[] = [];
  for (let i = 0; i < 20; i++) {
    // Startup takes ~0.4 s; the move itself under a second at this scale: kill anywhere across both.
    const delay = 300 + Math.floor(random() * 900);
    const killed = await move('failover', delay);
    const last = killed.out.trim().split('\n').filter((l) => !l.startsWith('machine.')).at(-1) ?? '(nothing yet)';
    killedAt.push(`${delay}ms: ${killed.signal ?? `exit ${killed.code}`} after "${last.slice(0, 60)}"`);
    const resumed = await move('failover');
    expect(resumed.out, `iteration ${i} (killed at ${delay} ms)`).toMatch(/OUTCOME (succeeded|Production already runs at site.dr)/);
    expect(resumed.code).toBe(0);
    expect(splitBrains(await admin.log(), WS), `iteration ${i}`).toEqual([]);
    const back = await move('failback');
    expect(back.out).toMatch(/OUTCOME succeeded/);
  }
  // The seeds must actually interrupt runs mid-way, not only before or after them.
  expect(killedAt.filter((k) => k.includes('SIGKILL') && !k.includes('(nothing yet)')).length).toBeGreaterThanOrEqual(10);
  expect(splitBrains(await admin.log(), WS)).toEqual([]);
  expect((await admin.consistency()).ok).toBe(true);
}, 200_000);
