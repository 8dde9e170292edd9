// post_check scripts: what validate refuses (with file:line:col), and how one runs: as a program
// with its arguments, in a minimal environment, killed with everything it started at its
// timeout, its output capped and redacted, its path checked again just before it runs.
import { afterAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type RecoveryGroup } from '../../src/config/index.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';
import { POST_CHECK_OUTPUT_LIMIT, postCheckEnvironment, runPostCheck } from '../../src/lifecycle/move/post-check.js';
import { newRedactor, SENSITIVE_VALUE } from '../../src/redact/index.js';
import { ROOT } from '../tui/processes.js';
import { writeScript } from './harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function plansCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-scripts-'));
  dirs.push(dir);
  fs.cpSync(path.join(ROOT, 'plans'), path.join(dir, 'plans'), { recursive: true });
  return path.join(dir, 'plans');
}

/** Loads plans/ with recovery.hcl's database group edited by `edit`. */
function loadWith(edit: (group: string) => string, prepare: (dir: string) => void = () => undefined, env: Record<string, string> = {}) {
  const dir = plansCopy();
  prepare(dir);
  const file = path.join(dir, 'recovery.hcl');
  const text = fs.readFileSync(file, 'utf8');
  const shipped = '    post_check = "scripts/db-ready.sh" # must exit 0 before the next group starts';
  if (!text.includes(shipped)) throw new Error(`recovery.hcl no longer has: ${shipped}`);
  fs.writeFileSync(file, text.replace(shipped, edit('    post_check = "scripts/db-ready.sh"')));
  // The edited line: where a diagnostic about the post_check points.
  const line = text.slice(0, text.indexOf(shipped)).split('\n').length;
  const r = loadConfig({ dir, fs: nodeConfigFs, env });
  return { dir, r, line, errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('validate', () => {
  test('accepts the shipped example, a list with arguments, a link inside the directory, and post_check_env', () => {
    const { errors } = loadWith(
      () => '    post_check = ["scripts/ready-link.sh", "--db", "ERP"]\n    post_check_env = { DB_NAME = "ERP" }',
      (dir) => fs.symlinkSync('db-ready.sh', path.join(dir, 'scripts/ready-link.sh')),
    );
    expect(errors).toEqual([]);
    expect(loadWith((g) => g).errors).toEqual([]);
  });

  test.each([
    ['"/bin/sh"', 'Script outside the configuration directory', 'is an absolute path'],
    ['"../plans/scripts/db-ready.sh"', '', ''],
    ['"../outside.sh"', 'Script outside the configuration directory', 'through ".."'],
    ['"scripts/escape.sh"', 'Script outside the configuration directory', 'symbolic link'],
    ['"scripts/missing.sh"', 'Script not found', 'There is no file "scripts/missing.sh"'],
    ['"scripts"', 'Script not found', 'not a regular file'],
    ['"scripts/not-exec.sh"', 'Script not executable', 'chmod +x scripts/not-exec.sh'],
    ['["scripts/db-ready.sh; rm -rf /", "x"]', 'Script not found', 'never runs a post_check through a shell'],
    ['[]', 'Invalid command', 'needs a script path'],
  ])('post_check = %s', (value, summary, detail) => {
    const { errors, dir, line } = loadWith(
      () => `    post_check = ${value}`,
      (d) => {
        writeScript(path.join(d, '../outside.sh'), 'exit 0');
        fs.symlinkSync(path.join(d, '../outside.sh'), path.join(d, 'scripts/escape.sh'));
        fs.writeFileSync(path.join(d, 'scripts/not-exec.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
      },
    );
    if (!summary) {
      // Through ".." and back in: still inside the directory.
      expect(errors).toEqual([]);
      return;
    }
    expect(errors.map((e) => e.summary)).toEqual([summary]);
    expect(errors[0].detail).toContain(detail);
    // Pointed at where it is written: recovery.hcl, the database group's post_check (column 18).
    expect(errors[0].subject?.filename).toBe(path.join(dir, 'recovery.hcl'));
    expect(errors[0].subject?.start.line).toBe(line);
    expect(errors[0].subject?.start.column).toBeGreaterThanOrEqual(18);
  });

  test('post_check_env may not set PATH, HOME or DRCTL_* names, and needs a post_check', () => {
    const reserved = loadWith((g) => `${g}\n    post_check_env = { PATH = "/tmp/evil", DRCTL_RUN = "x", "not a name" = "y" }`).errors;
    expect(reserved.map((e) => e.summary).sort()).toEqual([
      'Invalid environment variable name',
      'Reserved environment variable',
      'Reserved environment variable',
    ]);
    const alone = loadWith(() => '    post_check_env = { DB_NAME = "ERP" }').errors;
    expect(alone.map((e) => e.summary)).toEqual(['post_check_env without post_check']);
  });

  test('a post_check path from a sensitive value is not quoted back', () => {
    const { errors } = loadWith(
      () => '    post_check = var.check',
      (dir) => fs.appendFileSync(path.join(dir, 'variables.hcl'), '\nvariable "check" {\n  type      = string\n  sensitive = true\n}\n'),
      { DRCTL_VAR_check: 'scripts/private-check-name.sh' },
    );
    expect(errors.map((e) => e.summary)).toEqual(['Script not found']);
    expect(errors[0].detail).not.toContain('private-check-name');
    expect(errors[0].detail).toContain(SENSITIVE_VALUE);
  });
});

describe('running a post_check', () => {
  const facts = { run: 'drill-20260101T000000-abcdef', site: 'site.dr', kind: 'drill', drill: true };
  const group = (postCheck: string, more: Partial<RecoveryGroup> = {}): RecoveryGroup => ({
    name: 'database',
    vms: ['vm.db01', 'vm.db02'],
    postCheck,
    range: { filename: 'x', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } },
    ...more,
  });

  test('the environment is PATH, HOME, post_check_env and the facts; drctl’s own secrets stay out', () => {
    const env = postCheckEnvironment(group('x', { postCheckEnv: { DB_NAME: 'ERP', PATH: '/tmp/evil' } }), facts, {
      PATH: '/usr/bin:/bin',
      HOME: '/home/ops',
      IBMCLOUD_API_KEY: 'k-123456',
      DRCTL_VAR_secret: 's-123456',
    });
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/ops',
      DB_NAME: 'ERP',
      DRCTL_RUN: facts.run,
      DRCTL_SITE: 'site.dr',
      DRCTL_OPERATION: 'drill',
      DRCTL_GROUP: 'database',
      DRCTL_VMS: 'vm.db01 vm.db02',
      DRCTL_DRILL: '1',
    });
  });

  test('a timeout kills the script and what it started; the check fails', async () => {
    const dir = plansCopy();
    const pidFile = path.join(dir, 'child.pid');
    writeScript(path.join(dir, 'scripts/hang.sh'), `sleep 60 &\necho $! > "${pidFile}"\nsleep 60`);
    const t0 = Date.now();
    const r = await runPostCheck(dir, group('scripts/hang.sh'), facts, 500);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('timed out after 1s');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    // The background sleep went with it (its process group was killed): gone, or a zombie
    // waiting for whoever reaps orphans here.
    await new Promise((res) => setTimeout(res, 200));
    const state = fs.existsSync(`/proc/${child}/stat`) ? fs.readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  test('output is capped (the end is kept) and redacted', async () => {
    const dir = plansCopy();
    writeScript(
      path.join(dir, 'scripts/loud.sh'),
      'i=0; while [ $i -lt 3000 ]; do echo "line $i of noise, noise, noise"; i=$((i+1)); done\necho "the password is $DB_PASSWORD"',
    );
    const r = await runPostCheck(
      dir,
      group('scripts/loud.sh', { postCheckEnv: { DB_PASSWORD: 'db-pass-31337' } }),
      { ...facts, redact: newRedactor(['db-pass-31337']) },
      30_000,
    );
    expect(r.ok).toBe(true);
    expect(r.output.length).toBeLessThan(POST_CHECK_OUTPUT_LIMIT + 200);
    expect(r.output).toMatch(/^\[earlier output cut/);
    expect(r.output).toContain(`the password is ${SENSITIVE_VALUE}`);
    expect(r.output).not.toContain('db-pass-31337');
  });

  test('a script swapped for a link out of the directory after validate is refused without running', async () => {
    const dir = plansCopy();
    const marker = path.join(dir, '..', 'RAN');
    writeScript(path.join(dir, '../evil.sh'), `touch "${marker}"`);
    fs.rmSync(path.join(dir, 'scripts/db-ready.sh'));
    fs.symlinkSync(path.join(dir, '../evil.sh'), path.join(dir, 'scripts/db-ready.sh'));
    const r = await runPostCheck(dir, group('scripts/db-ready.sh'), facts, 5_000);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^Script outside the configuration directory/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
