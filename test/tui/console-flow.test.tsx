// The console's flows, through the real services over a temp copy of plans/ (embedded simulator,
// time scale 0): what an operator does at the keyboard, asserted on the frames they would see.
// Every wait is for a frame (or a file), never a fixed time: keys reach the view on screen as
// soon as it is drawn (the console routes them), so nothing waits for a subscription.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { render } from 'ink-testing-library';
import { ConsoleApp } from '../../src/tui/ink/console/console-app.js';
import type { ConsoleServices } from '../../src/tui/console/services.js';
import { realConsoleServices } from '../../src/services/console.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';
import { plain, tick } from './fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function until(frame: () => string | undefined, pattern: RegExp, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = plain(frame());
    if (pattern.test(f)) return f;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; last frame:\n${f}`);
    await tick(25);
  }
}

let dir: string;
let services: ConsoleServices;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-console-'));
  fs.cpSync(path.join(ROOT, 'plans'), path.join(dir, 'plans'), { recursive: true });
  services = realConsoleServices({
    cwd: dir,
    dir: path.join(dir, 'plans'),
    env: { DRCTL_SIM_TIME_SCALE: '0' },
    fs: nodeConfigFs,
    color: false,
    width: () => 100,
  });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('console flows', () => {
  it('plan → review → apply: the dashboard, the plan text, "yes", a completed apply, state written', async () => {
    const exits: number[] = [];
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={(c) => exits.push(c)} />,
    );
    await until(lastFrame, /43 changes pending \(p to plan\) · no state yet/);
    expect(plain(lastFrame())).toMatch(/home dal13 +active/);

    stdin.write('a');
    const review = await until(lastFrame, /drctl will perform the following actions:/);
    expect(review).toContain('# drill.monthly will be created');
    expect(review).toMatch(/lines 1–\d+ of \d+/);
    stdin.write('G');
    await until(lastFrame, /Plan: 43 to add, 0 to change, 0 to destroy\./);

    stdin.write('a');
    await until(lastFrame, /Type "yes" and press Enter/);
    stdin.write('yes\r');
    const done = await until(lastFrame, /Apply complete! 43 succeeded, 0 failed, 0 skipped\./);
    expect(done).toContain('43/43 done · 0 failed · 0 skipped');
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(true);

    stdin.write(' ');
    const home = await until(lastFrame, /none: state matches the configuration · state serial \d+, 43 resources/);
    expect(home).toMatch(/erp_db +.*consistent_copying/);

    // The events open at their end, newest last; g goes to the top.
    stdin.write('e');
    await until(lastFrame, /Apply complete! 43 succeeded, 0 failed, 0 skipped\.\nlines \d+–\d+ of \d+\n/);
    stdin.write('g');
    await until(lastFrame, /^— drctl apply$/m);
    stdin.write('\u001b');
    await until(lastFrame, /p plan {2}a apply/);
    stdin.write('q');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    unmount();
  });

  it('an apply refused at the confirmation changes nothing', async () => {
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={() => undefined} />,
    );
    await until(lastFrame, /43 changes pending/);
    stdin.write('p');
    await until(lastFrame, /drctl will perform the following actions:/);
    stdin.write('a');
    await until(lastFrame, /Type "yes"/);
    stdin.write('no\r');
    await until(lastFrame, /Apply cancelled: nothing was changed\./);
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(false);
    unmount();
  });

  it('DR keys run the real services: v verifies ready, f shows the runbook, refuses a wrong site name, fails over with the right one and stops at the manual step', async () => {
    // Given an applied estate (through the console's own services, as `a` would).
    const planned = await services.plan(() => undefined);
    expect((await services.apply(planned.plan!, () => undefined, new AbortController().signal)).ok).toBe(true);
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={() => undefined} />,
    );
    await until(lastFrame, /none: state matches the configuration/);

    // v: the checks, and the verdict.
    stdin.write('v');
    const verified = await until(lastFrame, /Ready: production at home can move to dr\./);
    expect(verified).toMatch(/ok {3}replication erp_db: consistent_copying/);
    expect(verified).toMatch(/\[home: active\] \[dr: ready\]/);
    stdin.write(' ');
    await until(lastFrame, /p plan {2}a apply/);

    // f with the wrong name: the runbook is shown, as `drctl failover` shows it; refused, nothing moved.
    stdin.write('f');
    const asked = await until(lastFrame, /Fail over production to site "dr"\?/);
    expect(asked).toMatch(/Planned failover runbook/);
    expect(asked).toMatch(/Predicted RTO: 56m34s against a target of 1h/);
    stdin.write('home\r');
    await until(lastFrame, /Failover not started: "home" is not the site name "dr"\./);
    expect(fs.existsSync(path.join(dir, '.drctl/runs'))).toBe(false);

    // f with the right name: the failover runs, and stops at the web group's manual step.
    stdin.write('f');
    await until(lastFrame, /Type "dr"/);
    stdin.write('dr\r');
    await until(lastFrame, /Type 'done' \(or yes, ok\) when it is finished/, 60_000);
    stdin.write('maybe\r');
    await until(lastFrame, /"maybe" is not an answer drctl knows here\./);
    stdin.write('done\r');
    const done = await until(lastFrame, /Failover succeeded: home → dr\. RTO \S+ vs predicted 56m34s, target 1h — met/, 60_000);
    // After the move the badges say who runs production now (they keep declaration order).
    expect(done).toMatch(/\[home: standby\] \[dr: active\]/);
    expect(done).toMatch(/group web is up at dr/);
    expect(done).toMatch(/RTO erp: predicted \S+ vs actual \S+ \(target 1h\)/);
    const records = fs.readdirSync(path.join(dir, '.drctl/runs')).filter((f) => f.startsWith('failover-'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(fs.readFileSync(path.join(dir, '.drctl/runs', records[0]), 'utf8'));
    expect(record.outcome).toBe('succeeded');
    expect(record.groups.at(-1).manual).toEqual({ text: expect.stringContaining('Point erp.example.com'), confirmed: true });

    stdin.write(' ');
    // Back on the dashboard, the status is read again: production now runs at dr.
    const home = await until(lastFrame, /dr +wdc04 +active.*recovered/);
    expect(home).toMatch(/home +dal13 +standby/);
    expect(home).toMatch(/p plan {2}a apply/);
    unmount();
  }, 120_000);

  it('d and b confirm as the commands do: the runbook, then "yes" for a drill and the site name for a failback; a manual step takes "abort"', async () => {
    const planned = await services.plan(() => undefined);
    expect((await services.apply(planned.plan!, () => undefined, new AbortController().signal)).ok).toBe(true);
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={() => undefined} />,
    );
    await until(lastFrame, /none: state matches the configuration/);

    // d: the drill's runbook and "yes"; anything else starts nothing.
    stdin.write('d');
    const drillAsk = await until(lastFrame, /Run this drill at site "dr"\? Production is not touched\./);
    expect(drillAsk).toMatch(/Drill runbook/);
    expect(drillAsk).toMatch(/Type "yes"/);
    stdin.write('no\r');
    await until(lastFrame, /Drill not started: "no" is not "yes"\./);
    expect(fs.existsSync(path.join(dir, '.drctl/runs'))).toBe(false);
    stdin.write('d');
    await until(lastFrame, /Type "yes"/);
    stdin.write('yes\r');
    await until(lastFrame, /Drill monthly passed\. RTO \S+ vs predicted 46m25s, target 1h — met/, 60_000);
    stdin.write(' ');
    await until(lastFrame, /p plan {2}a apply/);

    // A failover (answered), so there is something to fail back.
    stdin.write('f');
    await until(lastFrame, /Type "dr"/);
    stdin.write('dr\r');
    await until(lastFrame, /Type 'done' \(or yes, ok\) when it is finished/, 60_000);
    stdin.write('ok\r');
    await until(lastFrame, /Failover succeeded/, 60_000);
    stdin.write(' ');
    await until(lastFrame, /dr +wdc04 +active/);

    // b: Esc cancels; then the home site's name starts it, and "abort" at the manual step stops it, resumable.
    stdin.write('b');
    const backAsk = await until(lastFrame, /Fail back production to site "home"\?/);
    expect(backAsk).toMatch(/Planned failback runbook/);
    stdin.write('\u001b');
    await until(lastFrame, /Failback cancelled: nothing was changed\./);
    expect(fs.readdirSync(path.join(dir, '.drctl/runs')).filter((f) => f.startsWith('failback-'))).toEqual([]);
    stdin.write('b');
    await until(lastFrame, /Type "home"/);
    stdin.write('home\r');
    await until(lastFrame, /Type 'done' \(or yes, ok\) when it is finished/, 60_000);
    stdin.write('abort\r');
    await until(lastFrame, /Failback interrupted: dr → home\./, 60_000);
    stdin.write(' ');
    await until(lastFrame, /p plan {2}a apply/);
    stdin.write('b');
    await until(lastFrame, /Type "home"/);
    stdin.write('home\r');
    await until(lastFrame, /Type 'done' \(or yes, ok\) when it is finished/, 60_000);
    stdin.write('done\r');
    await until(lastFrame, /Failback succeeded: dr → home\./, 60_000);
    const backs = fs.readdirSync(path.join(dir, '.drctl/runs')).filter((f) => f.startsWith('failback-'));
    expect(backs).toHaveLength(1); // the same run, resumed
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.drctl/runs', backs[0]), 'utf8'))).toMatchObject({ outcome: 'succeeded', resumed: 1 });
    unmount();
  }, 180_000);

  it('a changed .hcl file changes what the dashboard says is pending, with no refresh period and no key', async () => {
    const { lastFrame, unmount } = render(<ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={() => undefined} />);
    await until(lastFrame, /43 changes pending \(p to plan\)/);
    const file = path.join(dir, 'plans/variables.hcl');
    const before = fs.readFileSync(file, 'utf8');
    const after = before.replace(/(variable "web_count" \{\s*type\s*= number\s*default\s*= )8/, '$19');
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    await until(lastFrame, /44 changes pending \(p to plan\)/);
    unmount();
  });

  it('says which DR actions are not available yet instead of failing', async () => {
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp
        services={{ ...services, status: services.status, plan: services.plan, apply: services.apply, dr: {} }}
        width={100}
        height={40}
        color={false}
        refreshMs={0}
        onExit={() => undefined}
      />,
    );
    await until(lastFrame, /43 changes pending/);
    stdin.write('d');
    await until(lastFrame, /drill is not available yet in this build\./);
    stdin.write('?');
    await until(lastFrame, /d {2}drill: .*\(not available yet\)/);
    unmount();
  });
});
