// The secrets scan: a run that knows a sensitive variable (in a webhook URL and, as a credential,
// in a post_check's environment), a webhook URL with credentials, and an API key in the
// environment. Every command runs as a real process on a temp copy of plans/ (validate, graph,
// plan, plan -out and show, apply, verify, drill, failover, failback, cleanup, state, their
// --json forms, and the console in a real terminal); then everything written is searched for
// those values: stdout, stderr, console frames, webhook bodies, and every file under the
// directory (state, the plan file unpacked, .drctl/events, .drctl/runs, the simulator's world).
// The configuration itself (plans/, the user's input) is not searched.
import { afterAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { BIN, drctl, filesUnder, withOpsWebhook, workspace, writeScript, type Run } from './harness.js';
import { need, tmux as tmuxOnPath } from '../requirements.js';
import { KNOWN_EVENTS } from '../../src/config/validate.js';

const SENSITIVE = 'scan-sensitive-8d41f07c2b';
const HOOK_PASSWORD = 'scan-hook-pass-3e9b';
const HOOK_TOKEN = 'scan-hook-token-71c6';
const API_KEY = 'scan-api-key-5a0f93de';
const NEEDLES = [SENSITIVE, HOOK_PASSWORD, HOOK_TOKEN, API_KEY];
const ENV = { DRCTL_VAR_ops_token: SENSITIVE, IBMCLOUD_API_KEY: API_KEY };

const dirs: string[] = [];
let server: http.Server | undefined;
afterAll(() => {
  server?.close();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** A webhook that answers 200 and keeps every body it is sent. */
async function webhook(): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  server = http.createServer((q, res) => {
    let body = '';
    q.on('data', (d: Buffer) => (body += d.toString()));
    q.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

let terminals = 0;

/** drctl in a real terminal (tmux): every distinct screen while `drive` presses keys and waits. */
async function terminalFrames(
  dir: string,
  args: string,
  drive: (until: (p: RegExp, ms?: number) => Promise<string>, key: (...k: string[]) => Promise<void>) => Promise<void>,
): Promise<string[]> {
  // A tmux server of its own each time: a new session on a server still shutting down fails.
  const socket = `drctl-scan-${process.pid}-${++terminals}`;
  const tmux = (...a: string[]) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const env = Object.entries(ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const cmd = `env -u CI -u FORCE_COLOR NO_COLOR=1 DRCTL_SIM_TIME_SCALE=0 DRCTL_CONSOLE_REFRESH=0 ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}; echo "exit=$?"; sleep 30`;
  const started = tmux('new-session', '-d', '-s', 'scan', '-x', '120', '-y', '45', '-c', dir, cmd);
  expect(started.status, `tmux: ${started.stderr}`).toBe(0);
  const frames = new Set<string>();
  const until = async (pattern: RegExp, ms = 60_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const s = tmux('capture-pane', '-p', '-t', 'scan').stdout;
      frames.add(s);
      if (pattern.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const key = async (...k: string[]) => {
    tmux('send-keys', '-t', 'scan', ...k);
    await new Promise((r) => setTimeout(r, 200));
  };
  try {
    await drive(until, key);
  } finally {
    tmux('kill-server');
  }
  return [...frames];
}

/** The console (dashboard, a plan, verify, a drill, the events), then the live views of a drill and a failover and failback. */
async function consoleFrames(dir: string): Promise<string[]> {
  const console = await terminalFrames(dir, 'console plans', async (until, key) => {
    await until(/drctl console · plans/);
    await key('p');
    await until(/No changes|Plan: \d+ to add/);
    await key('Escape');
    await until(/drctl console · plans/);
    await key('v');
    await until(/Ready: production at|Not ready:/);
    await key('x');
    await key('d');
    // The console confirms a drill as the command does: the runbook, then "yes".
    await until(/Type "yes"/);
    await key('yes', 'Enter');
    await until(/Drill monthly (passed|failed)/);
    await key('x');
    await key('e');
    // The events open at their end: search back to the post_check lines (they carry the script's output).
    await until(/DRILL_CLEANUP_COMPLETED/);
    await key('g');
    await key('/');
    await key('POST_CHECK');
    await key('Enter');
    await until(/POST_CHECK/);
    await key('q');
    await key('q');
    await until(/exit=\d+/);
  });
  const live: string[] = [];
  for (const args of ['drill -auto-approve', 'failover -auto-approve', 'failback -auto-approve'])
    live.push(...(await terminalFrames(dir, args, async (until) => void (await until(/exit=0/, 120_000)))));
  return [...console, ...live];
}

describe('the secrets scan', () => {
  test('no command writes the sensitive value, the webhook credentials or the API key anywhere', async (ctx) => {
    const hook = await webhook();
    const withCredentials = hook.url.replace('http://', `http://opsbot:${HOOK_PASSWORD}@`);
    const dir = workspace((f, t) => {
      if (f === 'variables.hcl') return t + '\nvariable "ops_token" {\n  type      = string\n  sensitive = true\n}\n';
      if (f === 'recovery.hcl')
        return (
          withOpsWebhook(t, `${withCredentials}/hook/\${var.ops_token}?token=${HOOK_TOKEN}`)
            .replace(
              'post_check = "scripts/db-ready.sh"',
              'post_check = ["scripts/db-ready.sh", "--verbose"]\n    post_check_env = { DB_TOKEN = var.ops_token }',
            )
            .replace(/events {2}= \[[^\]]*\]/, `events  = ${JSON.stringify(KNOWN_EVENTS)}`) +
          '\noutput "ops_token_length" {\n  value     = length(var.ops_token)\n}\n' +
          '\noutput "hook" {\n  value     = "hook for ${var.ops_token}"\n  sensitive = true\n}\n'
        );
      return t;
    });
    dirs.push(dir);
    // The check prints what it was given, and tries the API key: its output goes into records and state.
    writeScript(path.join(dir, 'plans/scripts/db-ready.sh'), 'echo "database ready ($*) with token $DB_TOKEN, key [$IBMCLOUD_API_KEY]"\nexit 0');

    const runs: Run[] = [];
    const run = async (args: string[], ok = true) => {
      const r = await drctl(args, dir, ENV, 180_000);
      runs.push(r);
      if (ok) expect(r.code, `drctl ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    await run(['validate', 'plans']);
    await run(['validate', 'plans', '-json']);
    await run(['graph', 'plans', '--format', 'text']);
    await run(['plan', 'plans']);
    await run(['plan', 'plans', '-json']);
    await run(['plan', 'plans', '-out', 'plan.bin']);
    await run(['show', 'plan.bin']);
    await run(['show', 'plan.bin', '-json']);
    await run(['apply', 'plan.bin']);
    await run(['apply', 'plans', '-auto-approve']);
    await run(['apply', 'plans', '-auto-approve', '-json']);
    await run(['plan', 'plans', '-var', `ops_token=${SENSITIVE}`, '-detailed-exitcode']);
    await run(['verify']);
    await run(['verify', '-json']);
    await run(['drill', '-auto-approve']);
    await run(['drill', '-auto-approve', '-json']);
    await run(['failover', '-auto-approve']);
    await run(['failback', '-auto-approve']);
    await run(['failover', '-auto-approve', '-json']);
    await run(['failback', '-auto-approve', '-json']);
    await run(['cleanup']);
    await run(['state', 'list']);
    await run(['state', 'show', 'recovery_plan.erp']);
    await run(['state', 'show', 'notification.ops']);
    await run(['state', 'pull']);
    // A failing run too: the webhook checks and the error paths print the URL.
    await run(['plan', 'plans', '-var', 'ops_token='], false);

    // The post_checks ran and were given the credential (it reached the script, not the output).
    const records = filesUnder(path.join(dir, '.drctl/runs'));
    expect(records.length).toBeGreaterThanOrEqual(6);
    expect(records.some((r) => r.text.includes('database ready (--verbose) with token (sensitive value), key []'))).toBe(true);
    expect(hook.bodies.length).toBeGreaterThan(10);

    let frames: string[] = [];
    if (tmuxOnPath().present) frames = await consoleFrames(dir);

    const outputs: { where: string; text: string }[] = [
      ...runs.flatMap((r) => [
        { where: `drctl ${r.args.join(' ')} (stdout)`, text: r.stdout },
        { where: `drctl ${r.args.join(' ')} (stderr)`, text: r.stderr },
      ]),
      ...frames.map((text, i) => ({ where: `console frame ${i + 1}`, text })),
      ...hook.bodies.map((text, i) => ({ where: `webhook body ${i + 1}`, text })),
      ...filesUnder(dir)
        .filter((f) => !f.file.startsWith('plans/'))
        .map((f) => ({ where: f.file, text: f.text })),
    ];
    const found = outputs.flatMap((o) => NEEDLES.filter((n) => o.text.includes(n) || o.text.includes(encodeURIComponent(n))).map((n) => `${o.where}: ${n}`));
    const files = outputs.filter((o) => !o.where.startsWith('drctl ') && !o.where.startsWith('console') && !o.where.startsWith('webhook')).length;
    console.log(
      `secrets scan: ${outputs.length} outputs scanned (${runs.length} commands × stdout and stderr, ${frames.length} console frames, ${hook.bodies.length} webhook bodies, ${files} files), ${found.length} found`,
    );
    expect(found).toEqual([]);
    // Without tmux the console part is skipped, and says so.
    if (!frames.length) need(ctx, tmuxOnPath());
  }, 900_000);
});
