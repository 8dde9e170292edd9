// The security tests run drctl as real processes in temp copies of plans/, and search what they
// wrote. DRCTL_SECURITY_BIN runs them against another build (`/work/old/bin/drctl.js`), to show
// each test fails on code without the protections.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, userEnv } from '../tui/processes.js';

export const BIN = process.env.DRCTL_SECURITY_BIN || path.join(ROOT, 'bin/drctl.js');

export interface Run {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function drctl(args: readonly string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, stdout, stderr });
    });
  });
}

/** A temp directory holding a copy of plans/ (as `plans/`), edited by `edit` (file → new text). */
export function workspace(edit: (file: string, text: string) => string = (_f, t) => t): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-sec-'));
  fs.cpSync(path.join(ROOT, 'plans'), path.join(dir, 'plans'), { recursive: true });
  for (const name of fs.readdirSync(path.join(dir, 'plans'))) {
    const file = path.join(dir, 'plans', name);
    if (!name.endsWith('.hcl')) continue;
    fs.writeFileSync(file, edit(name, fs.readFileSync(file, 'utf8')));
  }
  return dir;
}

/**
 * recovery.hcl's text with the example's notification "ops" (commented out there: the example has
 * no endpoint) switched on, posting to `url`.
 */
export function withOpsWebhook(text: string, url: string): string {
  const on = text.replace(/^# notification "ops" \{\n(?:#.*\n)*?# \}\n/m, (block) => block.replace(/^# ?/gm, ''));
  if (on === text) throw new Error('plans/recovery.hcl has no commented-out notification "ops" block to switch on');
  return on.replace('webhook = "https://chat.example.com/hooks/dr"', `webhook = "${url}"`);
}

/** Copies a whole workspace (state, simulator world, records), so each test starts from one apply. */
export function copyOf(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-sec-'));
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

export function writeScript(file: string, body: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** Every file under `dir` (symlinks not followed), with its text; a saved plan's gzipped body is unpacked. */
export function filesUnder(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(p);
        let text = bytes.toString('utf8');
        const magic = 'drctl-plan\n';
        if (text.startsWith(magic)) text = magic + gunzipSync(bytes.subarray(Buffer.byteLength(magic))).toString('utf8');
        out.push({ file: path.relative(dir, p), text });
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Where any of `needles` occurs in the runs' output and the files drctl wrote under `dir` (the
 * configuration in `plans/` is the user's input, not searched): "file: needle".
 */
export function leaks(needles: readonly string[], runs: readonly Run[], dir?: string): string[] {
  const found: string[] = [];
  for (const r of runs)
    for (const [stream, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const)
      for (const n of needles) if (text.includes(n)) found.push(`drctl ${r.args.join(' ')} (${stream}): ${n}`);
  if (dir) for (const f of filesUnder(dir)) if (!f.file.startsWith('plans/')) for (const n of needles) if (f.text.includes(n)) found.push(`${f.file}: ${n}`);
  return found;
}

/** The JSON records under .drctl/runs, newest last. */
export function runRecords(dir: string): { file: string; text: string }[] {
  const runs = path.join(dir, '.drctl/runs');
  if (!fs.existsSync(runs)) return [];
  return fs
    .readdirSync(runs)
    .sort()
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(runs, f), 'utf8') }));
}
