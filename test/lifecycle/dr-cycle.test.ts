// The README's DR cycle end to end (issue 13, Must show): the shipped plans/ at the default time
// scale, one process per command as a person types them — npm start's apply, verify until it is
// ready, three drills, a planned failover and at once a failback, verify ready again. Between
// commands the simulated world keeps time (no process runs it). Every wait polls for a
// condition up to a bound; none sleeps for a fixed time hoping the world has moved on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plansCopy, ROOT, runDrctl, userEnv } from '../tui/processes.js';

/** A user's shell: no drctl overrides at all, so the simulator runs at its default time scale. */
function shellEnv(): Record<string, string> {
  const env = userEnv();
  delete env.DRCTL_SIM_TIME_SCALE;
  return env;
}

/** npm start's command, as package.json has it, so this test follows it if it changes. */
function npmStartArgs(): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [node, bin, ...args] = start.split(/\s+/);
  expect([node, bin]).toEqual(['node', 'bin/drctl.js']);
  return args;
}

interface Ran {
  readonly args: string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** One command of the session; a hung one is killed at 3 minutes (a bound, not a pace). */
async function drctl(dir: string, log: Ran[], ...args: string[]): Promise<Ran> {
  const t0 = Date.now();
  const r = await runDrctl(args, dir, shellEnv(), 180_000);
  const ran = { args, ...r, ms: Date.now() - t0 };
  log.push(ran);
  return ran;
}

function explain(r: Ran): string {
  return `drctl ${r.args.join(' ')} → exit ${r.code} after ${r.ms} ms\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

/** `drctl verify` until it exits 0, for up to `ms` from now: every run's result (the last one decides). */
async function verifyUntilReady(dir: string, log: Ran[], ms: number): Promise<Ran[]> {
  const deadline = Date.now() + ms;
  const runs: Ran[] = [];
  for (;;) {
    const r = await drctl(dir, log, 'verify');
    runs.push(r);
    // Not ready is exit 1 with a report; anything else is a failure of verify itself.
    if (r.code !== 0) expect(r.stdout, explain(r)).toMatch(/not ready/i);
    if (r.code === 0 || Date.now() >= deadline) return runs;
    await new Promise((resolve) => setTimeout(resolve, 250)); // the poll's pace: the next verify is the check
  }
}

interface RunRecord {
  readonly kind: string;
  readonly outcome: string;
  readonly from?: string;
  readonly to?: string;
  readonly site?: string;
  readonly failures?: string[];
  readonly rto: { achievedSeconds?: number; predictedSeconds: number; targetSeconds?: number; met?: boolean };
}

/** The record a DR command names on its last lines ("Record: <file>"). */
function recordOf(r: Ran): RunRecord {
  const file = /Record: (\S+)/.exec(r.stdout)?.[1];
  expect(file, explain(r)).toBeDefined();
  return JSON.parse(fs.readFileSync(file!, 'utf8')) as RunRecord;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the README DR cycle, one process per command at the default time scale', () => {
  it('apply, verify ready within 30 s, three drills pass, a planned failover then at once a failback succeed, verify ready again', async () => {
    const dir = plansCopy();
    dirs.push(dir);
    const log: Ran[] = [];

    // 1. npm start: plan and apply plans/ against the embedded simulator.
    const apply = await drctl(dir, log, ...npmStartArgs());
    expect(apply.code, explain(apply)).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete! \d+ succeeded, 0 failed/);
    const applied = Date.now();

    // 2. The first copies finish while nobody runs anything: verify is ready within 30 s.
    const first = await verifyUntilReady(dir, log, 30_000);
    const ready = first.at(-1)!;
    expect(ready.code, `not ready ${Math.round((Date.now() - applied) / 1000)} s after apply:\n${explain(ready)}`).toBe(0);
    expect(ready.stdout).toMatch(/^Ready: production at site\.home can move to site\.dr\./m);

    // 3. Three drills pass, each within the drill's own max_rto and close to its prediction.
    for (let i = 1; i <= 3; i++) {
      const drill = await drctl(dir, log, 'drill', '-auto-approve');
      expect(drill.code, explain(drill)).toBe(0);
      const rec = recordOf(drill);
      expect(rec, `drill ${i}`).toMatchObject({ kind: 'drill', outcome: 'passed', rto: { met: true } });
      expect(rec.rto.achievedSeconds!).toBeLessThanOrEqual(rec.rto.targetSeconds!);
      expect(Math.abs(rec.rto.achievedSeconds! - rec.rto.predictedSeconds) / rec.rto.predictedSeconds, `drill ${i}: ${JSON.stringify(rec.rto)}`).toBeLessThan(
        0.1,
      );
    }

    // 4. A planned failover, then at once (no pause: replication was just reversed) a failback.
    const failover = await drctl(dir, log, 'failover', '--planned', '-auto-approve');
    expect(failover.code, explain(failover)).toBe(0);
    expect(recordOf(failover)).toMatchObject({ kind: 'failover', outcome: 'succeeded', from: 'site.home', to: 'site.dr', rto: { met: true } });
    const failback = await drctl(dir, log, 'failback', '-auto-approve');
    expect(failback.code, explain(failback)).toBe(0);
    expect(recordOf(failback)).toMatchObject({ kind: 'failback', outcome: 'succeeded', from: 'site.dr', to: 'site.home', rto: { met: true } });

    // 5. Production is home and protected again.
    const again = (await verifyUntilReady(dir, log, 60_000)).at(-1)!;
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toMatch(/^Ready: production at site\.home can move to site\.dr\./m);

    // The shipped example sends nothing to a dead endpoint (issue 13, Seen 10), and nothing
    // along the way was reported as a bug.
    for (const r of log) {
      expect(r.stderr + r.stdout, explain(r)).not.toMatch(/webhook|gave up/i);
      expect(r.stderr, explain(r)).not.toMatch(/internal error|This is a bug/i);
    }
  }, 900_000);
});
