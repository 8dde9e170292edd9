// Issue 14's "Seen" list, one test each, as an attacker or a careless user would try it: drctl as
// a real process on a temp copy of plans/ (applied once, copied per test). Each fails on the
// code before the protections (DRCTL_SECURITY_BIN=<old>/bin/drctl.js runs them against it).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyOf, drctl, leaks, runRecords, withOpsWebhook, workspace, writeScript, type Run } from './harness.js';

const API_KEY = 'ApiKey-7f3c9e1d5b2a4680';
const SECRET = 'hook-secret-5e8a1c7d9f';
const dirs: string[] = [];
let applied: string;

function track(dir: string): string {
  dirs.push(dir);
  return dir;
}

/** A copy of the applied workspace with recovery.hcl's post_check line replaced. */
function withPostCheck(line: string, extra = ''): string {
  const dir = track(copyOf(applied));
  const file = path.join(dir, 'plans/recovery.hcl');
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(/ {4}post_check = "scripts\/db-ready\.sh".*\n/, `    ${line}\n`);
  expect(next).not.toBe(text);
  fs.writeFileSync(file, next + extra);
  return dir;
}

/** The 1-based line of the first `needle` in `text` (the example's lines move as it is edited). */
const lineOf = (text: string, needle: string): number => {
  expect(text).toContain(needle);
  return text.slice(0, text.indexOf(needle)).split('\n').length;
};

const drill = (dir: string, ...more: string[]) => drctl(['drill', '-auto-approve', ...more], dir, { IBMCLOUD_API_KEY: API_KEY });

beforeAll(async () => {
  applied = track(workspace());
  const r = await drctl(['apply', 'plans', '-auto-approve'], applied);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('post_check never runs through a shell', () => {
  test('"...; touch X": the shell syntax is one file name, which does not exist; nothing runs', async () => {
    const dir = withPostCheck('post_check = "scripts/db-ready.sh; touch PWNED"');
    const r = await drill(dir);
    expect(fs.existsSync(path.join(dir, 'plans/PWNED'))).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Script not found');
    const line = lineOf(fs.readFileSync(path.join(dir, 'plans/recovery.hcl'), 'utf8'), 'post_check = "scripts/db-ready.sh; touch PWNED"');
    expect(r.stderr).toContain(`on plans/recovery.hcl line ${line}`);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('drctl never runs a post_check through a shell');
  }, 120_000);

  test('"$(touch X)": no command substitution', async () => {
    const dir = withPostCheck('post_check = "$(touch PWNED)"');
    const r = await drill(dir);
    expect(fs.existsSync(path.join(dir, 'plans/PWNED'))).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Script not found');
  }, 120_000);

  test('a script outside the configuration directory (.., absolute, symlink) is a validation error with file:line:col', async () => {
    for (const target of ['../outside.sh', 'ABSOLUTE', 'scripts/link.sh']) {
      const dir = track(copyOf(applied));
      const outside = path.join(dir, 'outside.sh');
      writeScript(outside, `touch "${path.join(dir, 'PWNED')}"`);
      fs.symlinkSync(outside, path.join(dir, 'plans/scripts/link.sh'));
      const file = path.join(dir, 'plans/recovery.hcl');
      const written = target === 'ABSOLUTE' ? outside : target;
      const text = fs.readFileSync(file, 'utf8');
      const line = lineOf(text, 'post_check = "scripts/db-ready.sh"');
      fs.writeFileSync(file, text.replace('post_check = "scripts/db-ready.sh"', `post_check = "${written}"`));
      const v = await drctl(['validate', 'plans', '-json'], dir);
      const out = JSON.parse(v.stdout) as {
        valid: boolean;
        diagnostics: { summary: string; range?: { filename: string; start: { line: number; column: number } } }[];
      };
      expect(out.valid, `${target}: ${v.stdout}`).toBe(false);
      const d = out.diagnostics.find((x) => x.summary === 'Script outside the configuration directory');
      expect(d?.range, target).toMatchObject({ filename: 'plans/recovery.hcl', start: { line, column: 18 } });
      const r = await drill(dir);
      expect(r.code).toBe(1);
      expect(fs.existsSync(path.join(dir, 'PWNED')), target).toBe(false);
    }
  }, 240_000);

  test('a value from -var chk=... into post_check = var.chk is a file name, not a command', async () => {
    const dir = withPostCheck('post_check = var.chk', '\nvariable "chk" {\n  type = string\n}\n');
    const r = await drill(dir, '-var', `chk=scripts/db-ready.sh; touch ${path.join(dir, 'PWNED')}`);
    expect(fs.existsSync(path.join(dir, 'PWNED'))).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Script not found');
  }, 120_000);

  test('post_check = "env" cannot write IBMCLOUD_API_KEY into .drctl/runs', async () => {
    const dir = withPostCheck('post_check = "env"');
    const r = await drill(dir);
    expect(leaks([API_KEY], [r], dir)).toEqual([]);
    expect(r.code).toBe(1);
  }, 120_000);

  const checkOutput = (dir: string): string => {
    const record = runRecords(dir).pop()!;
    return (JSON.parse(record.text) as { groups: { postCheck?: { output: string } }[] }).groups.find((g) => g.postCheck)!.postCheck!.output;
  };

  test('a script that prints its environment sees PATH, HOME and the DRCTL_* facts only: the API key never reaches it, nor the run record', async () => {
    const dir = withPostCheck('post_check = "scripts/print-env.sh"');
    // The key, if it reached the script, is printed last: the record keeps the end of the output.
    writeScript(path.join(dir, 'plans/scripts/print-env.sh'), 'env | sort\necho "key=[$IBMCLOUD_API_KEY]"');
    const r = await drill(dir);
    expect(leaks([API_KEY], [r], dir)).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    const output = checkOutput(dir);
    const names = output
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')))
      .filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_'); // set by /bin/sh itself
    expect(names).toEqual(['DRCTL_DRILL', 'DRCTL_GROUP', 'DRCTL_OPERATION', 'DRCTL_RUN', 'DRCTL_SITE', 'DRCTL_VMS', 'HOME', 'PATH']);
    expect(output).toContain('DRCTL_GROUP=database');
    expect(output).toContain('key=[]');
  }, 120_000);

  test('arguments are given as a list and reach the script as they are written, never interpreted', async () => {
    const dir = withPostCheck('post_check = ["scripts/print-args.sh", "two words", "$(touch PWNED)", "; touch PWNED"]');
    writeScript(path.join(dir, 'plans/scripts/print-args.sh'), 'for a in "$@"; do echo "arg=[$a]"; done');
    const r = await drill(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(checkOutput(dir).trim().split('\n')).toEqual(['arg=[two words]', 'arg=[$(touch PWNED)]', 'arg=[; touch PWNED]']);
    expect(fs.existsSync(path.join(dir, 'plans/PWNED'))).toBe(false);
  }, 120_000);
});

describe('a sensitive value in a webhook URL never prints', () => {
  const hook = (dir: string, url: string, extraVars = '') => {
    const file = path.join(dir, 'plans/recovery.hcl');
    const text = withOpsWebhook(fs.readFileSync(file, 'utf8'), url).replace(
      'events  = ["move.started"',
      'events  = ["drill.started", "drill.completed", "move.started"',
    );
    fs.writeFileSync(file, text + extraVars);
  };
  const runs = async (dir: string, env: Record<string, string>): Promise<Run[]> => [
    await drctl(['drill', '-auto-approve'], dir, env),
    await drctl(['drill', '-auto-approve', '-json'], dir, env),
  ];

  test('the "gave up" warning on stderr, --json stdout and the events jsonl say (sensitive value)', async () => {
    const dir = track(copyOf(applied));
    // Port 9 (discard) on loopback refuses at once: the webhook gives up after its retries.
    hook(dir, 'http://127.0.0.1:9/hook/${var.secret}', '\nvariable "secret" {\n  type      = string\n  sensitive = true\n}\n');
    const [plain, json] = await runs(dir, { DRCTL_VAR_secret: SECRET });
    expect(leaks([SECRET], [plain, json], dir)).toEqual([]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/WARNING webhook \(sensitive value\) of notification\.ops gave up/);
    expect(json.stdout).toMatch(/"message":"webhook \(sensitive value\) of notification\.ops gave up/);
    const events = fs.readdirSync(path.join(dir, '.drctl/events')).map((f) => fs.readFileSync(path.join(dir, '.drctl/events', f), 'utf8'));
    expect(events.join('')).toContain('webhook (sensitive value) of notification.ops gave up');
  }, 180_000);

  test('credentials inside any webhook URL (user:pass@, ?token=) are hidden everywhere', async () => {
    const dir = track(copyOf(applied));
    hook(dir, 'http://opsbot:Pa55w0rd-hook@127.0.0.1:9/hook?token=tok-4b2e9d71&room=dr');
    const plan = await drctl(['plan', 'plans'], dir);
    const apply = await drctl(['apply', 'plans', '-auto-approve'], dir);
    const [plain, json] = await runs(dir, {});
    expect(leaks(['Pa55w0rd-hook', 'tok-4b2e9d71'], [plan, apply, plain, json], dir)).toEqual([]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/WARNING webhook \(sensitive value\) of notification\.ops gave up/);
  }, 240_000);
});

describe('webhooks are checked', () => {
  test('validate refuses the cloud metadata address 169.254.169.254 with file:line:col, unless allow_link_local = true', async () => {
    const dir = track(workspace((f, t) => (f === 'recovery.hcl' ? withOpsWebhook(t, 'http://169.254.169.254/latest/meta-data/') : t)));
    const r = await drctl(['validate', 'plans'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Webhook address refused');
    const file = path.join(dir, 'plans/recovery.hcl');
    const line = lineOf(fs.readFileSync(file, 'utf8'), 'webhook = "http://169.254.169.254/latest/meta-data/"');
    expect(r.stderr).toContain(`on plans/recovery.hcl line ${line}, in notification "ops":`);
    expect(r.stderr).toContain('allow_link_local = true');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('webhook = "http://169.254.169.254/latest/meta-data/"', '$&\n  allow_link_local = true'));
    const allowed = await drctl(['validate', 'plans'], dir);
    expect(allowed.code, allowed.stderr).toBe(0);
  }, 60_000);
});
