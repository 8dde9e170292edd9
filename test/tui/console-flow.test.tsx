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
    await until(lastFrame, /44 changes pending \(p to plan\) · no state yet/);
    expect(plain(lastFrame())).toMatch(/home dal13 +active/);

    stdin.write('a');
    const review = await until(lastFrame, /drctl will perform the following actions:/);
    expect(review).toContain('# drill.monthly will be created');
    expect(review).toMatch(/lines 1–\d+ of \d+/);
    stdin.write('G');
    await until(lastFrame, /Plan: 44 to add, 0 to change, 0 to destroy\./);

    stdin.write('a');
    await until(lastFrame, /Type "yes" and press Enter/);
    stdin.write('yes\r');
    const done = await until(lastFrame, /Apply complete! 44 succeeded, 0 failed, 0 skipped\./);
    expect(done).toContain('44/44 done · 0 failed · 0 skipped');
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(true);

    stdin.write(' ');
    const home = await until(lastFrame, /none: state matches the configuration · state serial \d+, 44 resources/);
    expect(home).toMatch(/erp_db +.*consistent_copying/);

    // The events open at their end, newest last; g goes to the top.
    stdin.write('e');
    await until(lastFrame, /Apply complete! 44 succeeded, 0 failed, 0 skipped\.\nlines \d+–\d+ of \d+\n/);
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
    await until(lastFrame, /44 changes pending/);
    stdin.write('p');
    await until(lastFrame, /drctl will perform the following actions:/);
    stdin.write('a');
    await until(lastFrame, /Type "yes"/);
    stdin.write('no\r');
    await until(lastFrame, /Apply cancelled: nothing was changed\./);
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(false);
    unmount();
  });

  it('DR keys run the real services: v verifies ready, f refuses a wrong site name and fails over with the right one', async () => {
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

    // f with the wrong name: refused, nothing moved.
    stdin.write('f');
    await until(lastFrame, /Fail over production to site "dr"\?/);
    stdin.write('home\r');
    await until(lastFrame, /Failover not started: "home" is not the site name "dr"\./);
    expect(fs.existsSync(path.join(dir, '.drctl/runs'))).toBe(false);

    // f with the right name: the failover runs, with its groups, gauges and RTO on screen.
    stdin.write('f');
    await until(lastFrame, /Type "dr"/);
    stdin.write('dr\r');
    const done = await until(lastFrame, /Failover succeeded: home → dr\. RTO \d+s vs predicted \d+s/, 60_000);
    // After the move the badges say who runs production now (they keep declaration order).
    expect(done).toMatch(/\[home: standby\] \[dr: active\]/);
    expect(done).toMatch(/group web is up at dr/);
    expect(done).toMatch(/RTO erp: predicted \S+ vs actual \S+ \(target 45m\)/);
    const records = fs.readdirSync(path.join(dir, '.drctl/runs')).filter((f) => f.startsWith('failover-'));
    expect(records).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.drctl/runs', records[0]), 'utf8')).outcome).toBe('succeeded');

    stdin.write(' ');
    // Back on the dashboard, the status is read again: production now runs at dr.
    const home = await until(lastFrame, /dr +wdc04 +active.*recovered/);
    expect(home).toMatch(/home +dal13 +standby/);
    expect(home).toMatch(/p plan {2}a apply/);
    unmount();
  }, 120_000);

  it('a changed .hcl file changes what the dashboard says is pending, with no refresh period and no key', async () => {
    const { lastFrame, unmount } = render(<ConsoleApp services={services} width={100} height={40} color={false} refreshMs={0} onExit={() => undefined} />);
    await until(lastFrame, /44 changes pending \(p to plan\)/);
    const file = path.join(dir, 'plans/variables.hcl');
    const before = fs.readFileSync(file, 'utf8');
    const after = before.replace(/(variable "web_count" \{\s*type\s*= number\s*default\s*= )8/, '$19');
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    await until(lastFrame, /45 changes pending \(p to plan\)/);
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
    await until(lastFrame, /44 changes pending/);
    stdin.write('d');
    await until(lastFrame, /drill is not available yet in this build\./);
    stdin.write('?');
    await until(lastFrame, /d {2}drill: .*\(not available yet\)/);
    unmount();
  });
});
