// Security tests for the HCL items of issue 14's "Seen" list: inputs that hung or crashed drctl.
// Each runs the built CLI as a real process with a small heap and a deadline, so a hang or a
// heap crash fails the test instead of taking vitest down. Each failed on the code before the
// evaluation limits (point DRCTL_TEST_BIN at an older build's bin/drctl.js to see it fail).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.DRCTL_TEST_BIN ?? path.join(ROOT, 'bin/drctl.js');
/** Long enough for a cold start on a busy machine; the old code took minutes, or forever. */
const DEADLINE_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs drctl with a 256 MB heap; kills it at the deadline. */
function drctl(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, DEADLINE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** A refused input: drctl finished in time, exited 1 with `summary`, and did not crash. */
function expectRefused(r: Run, summary: string): void {
  expect(r.timedOut, 'drctl did not finish before the deadline').toBe(false);
  expect(r.signal).toBe(null);
  expect(r.stderr).not.toMatch(/internal error|heap out of memory|Maximum call stack/i);
  expect(r.stdout + r.stderr).toContain(`Error: ${summary}`);
  expect(r.code).toBe(1);
}

let tmp: string;
function configDir(name: string, main: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.hcl'), main);
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-hostile-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('inputs that hung or crashed drctl (issue 14, Seen #4)', () => {
  it('a -var value whose replace() pattern backtracks exponentially validates at once', async () => {
    const dir = configDir('redos', 'variable "x" {\n  type = list(string)\n}\n');
    const r = await drctl(['validate', dir, '-var', `x=[replace("${'a'.repeat(48)}!", "/(a+)+$/", "b")]`], tmp);
    expect(r.timedOut, 'drctl did not finish before the deadline').toBe(false);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('nested for expressions over big ranges are refused, not a heap crash', async () => {
    const dir = configDir('nested-for', 'locals {\n  grid = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n');
    const r = await drctl(['validate', dir], tmp);
    expectRefused(r, 'Evaluation too expensive');
    expect(r.stderr).toContain('main.hcl line 2');
  });

  it('nested template loops are refused, not a heap crash', async () => {
    const dir = configDir(
      'nested-template',
      'locals {\n  text = "%{for a in range(1000)}%{for b in range(1000)}%{for c in range(1000)}x%{endfor}%{endfor}%{endfor}"\n}\n',
    );
    const r = await drctl(['validate', dir], tmp);
    expectRefused(r, 'Evaluation too expensive');
    expect(r.stderr).toContain('main.hcl line 2');
  });

  it('file() on a FIFO inside the configuration directory is refused, not waited on', async () => {
    const dir = configDir('fifo', 'locals {\n  x = file("pipe")\n}\n');
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const r = await drctl(['validate', dir], tmp);
    expectRefused(r, 'Invalid function argument');
    expect(r.stderr).toContain('"pipe" is a named pipe, not a regular file');
  });

  it('a JSON variables file nested 3,000 levels deep is refused with its position, not an internal error', async () => {
    const dir = configDir('deep-json', 'variable "v" {\n  type      = any\n  sensitive = true\n}\noutput "o" {\n  value     = var.v\n  sensitive = true\n}\n');
    const deep = '['.repeat(3000) + '1' + ']'.repeat(3000);
    fs.writeFileSync(path.join(dir, 'v.json'), `{"v": ${deep}}\n`);
    for (const command of ['validate', 'plan']) {
      const r = await drctl([command, dir, '-var-file', path.join(dir, 'v.json')], tmp);
      expectRefused(r, 'Variables file too deeply nested');
      expect(r.stderr).toContain('v.json line 1');
    }
  });
});
