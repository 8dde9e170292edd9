// Without a TTY (CI, pipes) drctl prints plain lines: no Ink, no cursor movement, no colour,
// and at 80 columns no line is wider than the terminal.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { plansCopy, runDrctl, userEnv } from './processes.js';
import { plainView, plainEventLine } from '../../src/tui/views/plain.js';
import { chooseEventView, plainWidth } from '../../src/tui/views/choose.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('choosing the view', () => {
  it('draws Ink only on a TTY, never with --json or a dumb terminal', () => {
    expect(chooseEventView({ stderr: { isTTY: true }, env: {} }, false)).toBe('ink');
    expect(chooseEventView({ stderr: { isTTY: true }, env: {} }, true)).toBe('json');
    expect(chooseEventView({ stderr: { isTTY: false }, env: {} }, false)).toBe('plain');
    expect(chooseEventView({ stderr: { isTTY: true }, env: { TERM: 'dumb' } }, false)).toBe('plain');
  });
  it('cuts plain lines to COLUMNS without a TTY only when COLUMNS is set', () => {
    expect(plainWidth({ stderr: {}, env: { COLUMNS: '80' }, width: 120 })).toBe(80);
    expect(plainWidth({ stderr: {}, env: {}, width: 120 })).toBe(0);
    expect(plainWidth({ stderr: { isTTY: true }, env: { COLUMNS: '80' }, width: 120 })).toBe(120);
  });
  it('cuts a long event line with an ellipsis instead of wrapping', () => {
    const out: string[] = [];
    plainView({ write: (l) => out.push(l), width: 80, color: false })({
      type: 'resource.done',
      t: 0,
      address: 'network.app',
      action: 'create',
      id: 'a'.repeat(120),
      elapsedMs: 5,
    });
    expect(out[0].endsWith('…\n')).toBe(true);
    expect(out[0].length).toBe(81);
    expect(plainEventLine({ type: 'resource.failed', t: 0, address: 'vm.x', action: 'create', error: 'boom', elapsedMs: 1500 }, false)).toBe(
      'vm.x: Failed after 1.5s: boom',
    );
  });
});

describe('drctl apply without a TTY at 80 columns', () => {
  it('prints plain lines no wider than 80, without escapes, ending in the summary', async () => {
    const dir = plansCopy();
    dirs.push(dir);
    const r = await runDrctl(['apply', 'plans', '-auto-approve'], dir, userEnv({ COLUMNS: '80' }));
    expect(r.code).toBe(0);
    const err = r.stderr.split('\n').filter(Boolean);
    expect(err.length).toBeGreaterThan(44);
    for (const l of err) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(r.stderr + r.stdout).not.toMatch(/\u001b/);
    expect(r.stderr).toMatch(/^vm\.db01: Creation complete after /m);
    expect(r.stderr).toMatch(/^network\.app: Creation complete after .*…$/m);
    expect(r.stdout).toContain('Apply complete! 43 succeeded, 0 failed, 0 skipped.');
  });

  it('honours NO_COLOR and --no-color even when colour is forced', async () => {
    const dir = plansCopy();
    dirs.push(dir);
    const r = await runDrctl(['plan', 'plans', '--no-color'], dir, userEnv({ COLUMNS: '80', FORCE_COLOR: '1' }));
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b/);
    expect(r.stdout).toContain('Plan: 43 to add, 0 to change, 0 to destroy.');
    const n = await runDrctl(['plan', 'plans'], dir, userEnv({ COLUMNS: '80', FORCE_COLOR: '1', NO_COLOR: '1' }));
    expect(n.stdout + n.stderr).not.toMatch(/\u001b/);
  });
});
