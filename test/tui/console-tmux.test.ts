// End to end: the real binary in a real terminal (tmux), driven by keys, read with capture-pane.
// `drctl` alone on a TTY opens the console on a temp copy of plans/ (embedded simulator, time
// scale 0); we look for what a person would see: the dashboard, the plan, a completed apply.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, plansCopy } from './processes.js';
import { need, tmux as tmuxOnPath } from '../requirements.js';

// Without tmux each test skips, saying so; .ci/run installs tmux and sets DRCTL_REQUIRE_TMUX=1.
const TMUX = tmuxOnPath();

const socket = `drctl-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const dirs: string[] = [];
afterAll(() => {
  if (TMUX.present) tmux('kill-server');
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-t', session).stdout;
}

async function waitFor(session: string, pattern: RegExp, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen(session);
    if (pattern.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function keys(session: string, ...k: string[]) {
  tmux('send-keys', '-t', session, ...k);
  await new Promise((r) => setTimeout(r, 150));
}

function start(session: string, args: string, columns = 100): string {
  const dir = plansCopy();
  dirs.push(dir);
  // A user's shell: no CI marker (Ink draws only the last frame under CI), no colour, instant sim.
  const cmd = `env -u CI -u FORCE_COLOR NO_COLOR=1 DRCTL_SIM_TIME_SCALE=0 DRCTL_CONSOLE_REFRESH=0 ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}; echo "exit=$?"; sleep 30`;
  const r = tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', '40', '-c', dir, cmd);
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

describe('drctl console in a terminal (tmux)', () => {
  it('shows the dashboard, the plan, applies after "yes", and restores the screen on q', async (ctx) => {
    need(ctx, TMUX);
    const dir = start('c1', '');
    const dash = await waitFor('c1', /44 changes pending \(p to plan\)/);
    expect(dash).toMatch(/^drctl console · plans/m);
    expect(dash).toMatch(/home dal13 +active/);
    expect(dash).toMatch(/dr +wdc04 +standby/);
    expect(dash).toContain('p plan  a apply');

    await keys('c1', 'p');
    const plan = await waitFor('c1', /drctl will perform the following actions:/);
    expect(plan).toContain('# drill.monthly will be created');
    await keys('c1', 'G');
    await waitFor('c1', /Plan: 44 to add, 0 to change, 0 to destroy\./);
    await keys('c1', 'a');
    await waitFor('c1', /Type "yes" and press Enter to confirm/);
    await keys('c1', 'y', 'e', 's');
    await keys('c1', 'Enter');
    const applied = await waitFor('c1', /Apply complete! 44 succeeded, 0 failed, 0 skipped\./);
    expect(applied).toContain('44/44 done · 0 failed · 0 skipped');
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(true);

    await keys('c1', 'x');
    const after = await waitFor('c1', /state serial \d+, 44 resources/);
    expect(after).toMatch(/erp_db .*RPO 15m00s consistent_copying/);
    await keys('c1', 'q');
    const gone = await waitFor('c1', /exit=0/);
    // The alternate screen is gone: the shell's screen is back, without the console on it.
    expect(gone).not.toContain('drctl console ·');
  }, 90_000);

  it('in 80 columns: the key bar fits, q closes events and help, and an edited .hcl file updates the dashboard on its own', async (ctx) => {
    need(ctx, TMUX);
    // DRCTL_CONSOLE_REFRESH=0: no periodic refresh, so only watching the directory can show the edit.
    const dir = start('c4', 'console', 80);
    const dash = await waitFor('c4', /44 changes pending \(p to plan\)/);
    const bar = dash.trimEnd().split('\n').at(-1)!;
    expect(bar.length).toBeLessThanOrEqual(80);
    expect(bar).not.toContain('…');
    for (const k of ['p:plan', 'a:apply', 'v:verify', 'd:drill', 'f:failover', 'b:failback', 'e:events', '?:help', 'q:quit']) expect(bar).toContain(k);

    await keys('c4', 'e');
    await waitFor('c4', /No events yet/);
    await keys('c4', 'q');
    await waitFor('c4', /44 changes pending/);
    await keys('c4', '?');
    await waitFor('c4', /Plan review and events/);
    await keys('c4', 'q');
    await waitFor('c4', /44 changes pending/);

    const file = path.join(dir, 'plans/variables.hcl');
    const before = fs.readFileSync(file, 'utf8');
    const after = before.replace(/(variable "web_count" \{\s*type\s*= number\s*default\s*= )8/, '$19');
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    await waitFor('c4', /45 changes pending \(p to plan\)/);
    await keys('c4', 'q');
    await waitFor('c4', /exit=0/);
  }, 90_000);

  it('`drctl console` opens the same console', async (ctx) => {
    need(ctx, TMUX);
    start('c2', 'console');
    await waitFor('c2', /44 changes pending/);
    await keys('c2', 'q');
    await waitFor('c2', /exit=0/);
  }, 60_000);

  it('plan on a TTY leaves no live frame behind: the plan, and no "0/0 done" line before it', async (ctx) => {
    need(ctx, TMUX);
    start('c5', 'plan plans');
    await waitFor('c5', /exit=0/);
    // The whole history, scrolled-off lines included: a leftover frame would sit above the plan.
    const all = tmux('capture-pane', '-p', '-S', '-', '-t', 'c5').stdout;
    expect(all).toMatch(/^drctl will perform the following actions:$/m);
    expect(all).toContain('Plan: 44 to add, 0 to change, 0 to destroy.');
    expect(all).not.toMatch(/\d+\/\d+ done/);
  }, 60_000);

  it('draws apply progress live with Ink on a TTY and leaves the finished lines on screen', async (ctx) => {
    need(ctx, TMUX);
    start('c3', 'apply plans -auto-approve');
    const s = await waitFor('c3', /exit=0/);
    expect(s).toMatch(/✓ \+ drill\.monthly: Creation complete/);
    expect(s).toMatch(/44\/44 done · 0 failed · 0 skipped · [\d.]+m?s · RTO erp: predicted 27m34s \(target 45m\)/);
    expect(s).toContain('Apply complete! 44 succeeded, 0 failed, 0 skipped.');
  }, 60_000);
});
