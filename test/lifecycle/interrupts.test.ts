// Ctrl-C during a DR run (issue 13, Seen 5): the run ends as `interrupted`, exit 130, with no
// failure event and no failure webhook, and it resumes; a drill's clones in flight are not
// reported as failed boots; a resumed unplanned failover shows the data-loss window its record
// holds. The kills land on events of the run, never on a clock.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failoverService } from '../../src/services/index.js';
import { manualAnswer } from '../../src/plan/index.js';
import { BIN, plansCopy, runDrctl, userEnv } from '../tui/processes.js';
import { drBed } from './harness.js';

const FAILURES = ['MOVE_FAILED', 'NEEDS_ATTENTION', 'VM_BOOTUP_FAILED', 'VM_SHUTDOWN_FAILED', 'DRILL_FAILED', 'POST_CHECK_FAILED', 'VG_REVERSAL_FAILED'];
/** Slow enough that a run is still booting when the interrupt lands on its first boot. */
const SCALE = String(1 / 120);

let hook: http.Server;
const delivered: { name: string; severity: string; topic?: string }[] = [];
const dirs: string[] = [];
let notifyFile = '';

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      delivered.push((JSON.parse(body) as { event: { name: string; severity: string; topic?: string } }).event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  // Every topic drctl sends to a live webhook: would a failure webhook have gone out?
  const topics = ['move.started', 'move.completed', 'move.failed', 'drill.started', 'drill.completed', 'drill.failed', 'vm.boot_failed', 'replication.broken'];
  notifyFile = `notification "all" {\n  webhook = "http://127.0.0.1:${(hook.address() as { port: number }).port}/hook"\n  events  = ${JSON.stringify(topics)}\n}\n`;
});
afterAll(() => {
  hook.close();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

async function appliedCopy(): Promise<string> {
  const dir = plansCopy();
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'plans/notify-all.hcl'), notifyFile);
  const r = await runDrctl(['apply', 'plans', '-auto-approve'], dir, userEnv(), 120_000);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** Runs drctl with --json and sends SIGINT (Ctrl-C) when the first event named `at` is printed. */
function interruptAt(dir: string, args: string[], at: string): Promise<{ code: number | null; events: { name: string }[]; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], {
      cwd: dir,
      env: userEnv({ DRCTL_SIM_TIME_SCALE: SCALE }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let sent = false;
    const events: { name: string }[] = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const lines = stdout.split('\n');
      for (const l of lines.slice(events.length, -1)) {
        const e = JSON.parse(l) as { name: string };
        events.push(e);
        if (!sent && e.name === at) {
          sent = true;
          child.kill('SIGINT');
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, events, stdout });
    });
  });
}

/** The one result line that ends a DR command's --json (schemas/dr-run.schema.json). */
function result(stdout: string): { type: string; ok: boolean; exit_code: number; data: unknown } {
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { type: string; ok: boolean; exit_code: number; data: unknown };
  expect(last.type).toBe('result');
  return last;
}

function runEvents(dir: string): { name: string }[] {
  const events = path.join(dir, '.drctl/events');
  return fs.readdirSync(events).flatMap((f) =>
    fs
      .readFileSync(path.join(events, f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string }),
  );
}

describe('Ctrl-C during a DR run', () => {
  it('a failover ends as interrupted: exit 130, no failure event or webhook; running it again resumes and finishes', async () => {
    const dir = await appliedCopy();
    delivered.length = 0;
    const first = await interruptAt(dir, ['failover', 'plans', '-auto-approve'], 'VM_BOOTUP_STARTED');
    expect(first.events.some((e) => e.name === 'VM_BOOTUP_STARTED')).toBe(true);
    expect(first.code).toBe(130);
    const record = result(first.stdout).data as { outcome: string; failures: string[] };
    expect(result(first.stdout)).toMatchObject({ ok: false, exit_code: 130 });
    expect(record.outcome).toBe('interrupted');
    expect(record.failures).toEqual([]);
    expect(runEvents(dir).filter((e) => FAILURES.includes(e.name))).toEqual([]);

    const again = await runDrctl(['failover', 'plans', '-auto-approve', '--json'], dir, userEnv({ DRCTL_SIM_TIME_SCALE: SCALE }), 120_000);
    expect(again.code, again.stderr).toBe(0);
    const resumed = result(again.stdout).data as { outcome: string; resumed: number };
    expect(resumed).toMatchObject({ outcome: 'succeeded', resumed: 1 });
    expect(runEvents(dir).filter((e) => FAILURES.includes(e.name))).toEqual([]);
    expect(delivered.map((e) => e.name)).toContain('MOVE_COMPLETED');
    expect(delivered.filter((e) => e.severity === 'critical')).toEqual([]);
  }, 240_000);

  it('a drill ends as interrupted: its clones in flight are not failed boots, no DRILL_FAILED, exit 130, everything cleaned up', async () => {
    const dir = await appliedCopy();
    delivered.length = 0;
    const run = await interruptAt(dir, ['drill', 'plans', '-auto-approve'], 'VM_BOOTUP_STARTED');
    expect(run.code).toBe(130);
    const record = result(run.stdout).data as { outcome: string; cleanup: { vms: number } };
    expect(result(run.stdout)).toMatchObject({ ok: false, exit_code: 130 });
    expect(record.outcome).toBe('cancelled');
    const names = run.events.map((e) => e.name);
    expect(names).toContain('DRILL_CLEANUP_COMPLETED');
    expect(names.filter((n) => FAILURES.includes(n))).toEqual([]);
    expect(delivered.filter((e) => e.severity === 'critical')).toEqual([]);
    // Nothing left behind: the next verify sees no drill leftovers.
    const verify = await runDrctl(['verify', 'plans', '--json'], dir, userEnv(), 60_000);
    const report = result(verify.stdout).data as { checks: { name: string; ok: boolean }[] };
    expect(report.checks.filter((c) => c.name === 'stale-clones' && !c.ok)).toEqual([]);
  }, 240_000);
});

describe('a resumed unplanned failover', () => {
  it('shows the data-loss window its record holds', async () => {
    const bed = await drBed({ timeScale: 1 / 600 });
    try {
      await bed.apply();
      const stop = new AbortController();
      const first = await failoverService(
        { dir: 'plans', vars: [], unplanned: true, signal: stop.signal },
        bed.ctx({ drSink: (e) => (bed.events.push(e), e.name === 'VM_BOOTUP_STARTED' && stop.abort()) }),
      );
      const rec = first.move!.record!;
      expect(rec.outcome).toBe('interrupted');
      expect(Object.keys(rec.rpo.atSwitch).length).toBe(3);
      let shown: number | undefined;
      const again = await failoverService(
        { dir: 'plans', vars: [], unplanned: true, approve: async (rb) => ((shown = rb.dataLossWindowSeconds), true) },
        bed.ctx(),
      );
      expect(again.move!.ok).toBe(true);
      expect(shown).toBe(rec.rpo.maxLagSeconds);
      const windows = bed.events.filter((e) => e.name === 'DATA_LOSS_WINDOW').map((e) => e.detail?.seconds);
      expect(windows.at(-1)).toBe(rec.rpo.maxLagSeconds);
    } finally {
      await bed.close();
    }
  }, 120_000);
});

describe('answers at a manual step', () => {
  it('knows done and yes-style confirmations, the abort word, and nothing else', () => {
    for (const a of ['done', 'DONE', ' yes ', 'y', 'ok', 'Confirmed', 'finished']) expect(manualAnswer(a)).toBe('done');
    expect(manualAnswer('abort')).toBe('abort');
    expect(manualAnswer('ABORT')).toBe('abort');
    for (const a of ['', 'no', 'maybe', 'done!', 'abort it']) expect(manualAnswer(a)).toBeUndefined();
  });
});
