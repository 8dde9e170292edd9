// Prompts in a real terminal (issue 13, Seen 3 and 4): Ctrl-C at any "Enter a value:" prompt is a
// one-line message and exit 130, never an internal error; a manual step asks again on an answer it
// does not know, takes yes-style confirmations, and stops the run at "abort" (or Ctrl-C) as
// interrupted, exit 130, with no failure event, and a re-run asks again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { need, tmux as tmuxOnPath } from '../requirements.js';
import { plansCopy, runDrctl, userEnv } from '../tui/processes.js';
import { TmuxTerminal } from './tmux-session.js';

const TMUX = tmuxOnPath();
const term = new TmuxTerminal();
const dirs: string[] = [];
afterAll(() => {
  if (TMUX.present) term.kill();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function copy(): string {
  const d = plansCopy();
  dirs.push(d);
  return d;
}

async function applied(): Promise<string> {
  const dir = copy();
  const r = await runDrctl(['apply', 'plans', '-auto-approve'], dir, userEnv(), 120_000);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** Every event name a run wrote to .drctl/events. */
function eventNames(dir: string): string[] {
  const events = path.join(dir, '.drctl/events');
  return fs
    .readdirSync(events)
    .flatMap((f) => fs.readFileSync(path.join(events, f), 'utf8').trim().split('\n'))
    .map((l) => (JSON.parse(l) as { name: string }).name);
}

function records(dir: string): { outcome: string; kind: string }[] {
  const runs = path.join(dir, '.drctl/runs');
  return fs.readdirSync(runs).map((f) => JSON.parse(fs.readFileSync(path.join(runs, f), 'utf8')) as { outcome: string; kind: string });
}

const FAILURES = ['MOVE_FAILED', 'NEEDS_ATTENTION', 'VM_BOOTUP_FAILED', 'DRILL_FAILED', 'POST_CHECK_FAILED'];

describe('Ctrl-C at an "Enter a value:" prompt', () => {
  it('apply: one line, exit 130, nothing applied', async (ctx) => {
    need(ctx, TMUX);
    const dir = copy();
    term.start('apply', dir, 'apply plans');
    await term.waitFor('apply', /Enter a value: *$/m);
    await term.keys('apply', 'C-c');
    const s = await term.waitFor('apply', /exit=\d+/);
    expect(s).toMatch(/^Error: Cancelled at the prompt \(Ctrl-C\): nothing was changed\.\nexit=130$/m);
    expect(s).not.toMatch(/internal error|AbortError|at .*\.js:\d+/);
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(false);
  }, 120_000);

  it('drill: one line, exit 130, no drill started', async (ctx) => {
    need(ctx, TMUX);
    const dir = await applied();
    term.start('drill', dir, 'drill plans');
    await term.waitFor('drill', /Enter a value: *$/m);
    await term.keys('drill', 'C-c');
    const s = await term.waitFor('drill', /exit=\d+/);
    expect(s).toMatch(/^Error: Cancelled at the prompt \(Ctrl-C\): nothing was changed\.\nexit=130$/m);
    expect(s).not.toMatch(/internal error|AbortError/);
    expect(fs.existsSync(path.join(dir, '.drctl/runs'))).toBe(false);
  }, 180_000);
});

describe('a manual step', () => {
  it('asks again on an unknown answer, stops the failover at "abort" as interrupted, and a re-run asks again and takes "YES"', async (ctx) => {
    need(ctx, TMUX);
    const dir = await applied();
    term.start('m1', dir, 'failover plans');
    await term.waitFor('m1', /Enter a value: *$/m);
    await term.keys('m1', 'yes', 'Enter');
    await term.waitFor('m1', /Type 'done' when it is finished, or 'abort' to stop the run here/);
    await term.keys('m1', 'maybe', 'Enter');
    await term.waitFor('m1', /"maybe" is not an answer drctl knows here\. Type 'done' \(or yes, ok\)/);
    await term.keys('m1', 'abort', 'Enter');
    const stopped = await term.waitFor('m1', /exit=\d+/);
    expect(stopped).toContain('failover interrupted: site.home → site.dr');
    expect(stopped).toContain('Interrupted: finished steps are kept; run drctl failover again to resume.');
    expect(stopped).toMatch(/exit=130/);
    expect(records(dir)).toMatchObject([{ kind: 'failover', outcome: 'interrupted' }]);

    term.start('m2', dir, 'failover plans');
    await term.waitFor('m2', /Enter a value: *$/m);
    await term.keys('m2', 'yes', 'Enter');
    await term.waitFor('m2', /Type 'done' when it is finished/);
    await term.keys('m2', 'YES', 'Enter');
    const done = await term.waitFor('m2', /exit=\d+/);
    expect(done).toMatch(/manual step confirmed: Point erp\.example\.com/);
    expect(done).toMatch(/exit=0/);
    expect(records(dir)).toMatchObject([{ kind: 'failover', outcome: 'succeeded' }]);
    expect(eventNames(dir).filter((n) => FAILURES.includes(n))).toEqual([]);
  }, 240_000);

  it('Ctrl-C there ends the failover as interrupted, exit 130, without a failure event', async (ctx) => {
    need(ctx, TMUX);
    const dir = await applied();
    term.start('m3', dir, 'failover plans');
    await term.waitFor('m3', /Enter a value: *$/m);
    await term.keys('m3', 'yes', 'Enter');
    await term.waitFor('m3', /Type 'done' when it is finished/);
    await term.keys('m3', 'C-c');
    const s = await term.waitFor('m3', /exit=\d+/);
    expect(s).toContain('failover interrupted');
    expect(s).toMatch(/exit=130/);
    expect(s).not.toMatch(/internal error|AbortError/);
    expect(eventNames(dir).filter((n) => FAILURES.includes(n))).toEqual([]);
  }, 240_000);
});
