// The built CLI in a temp copy of plans/, for the end-to-end tests (needs `npm run build`).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/drctl.js');

export function plansCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-tui-'));
  fs.cpSync(path.join(ROOT, 'plans'), path.join(dir, 'plans'), { recursive: true });
  return dir;
}

/** The environment of a plain user shell: no CI marker, no colour forcing, no drctl overrides. */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('DRCTL_') && !['CI', 'FORCE_COLOR', 'NO_COLOR', 'COLUMNS', 'LINES'].includes(k)) env[k] = v;
  return { ...env, DRCTL_SIM_TIME_SCALE: '0', ...extra };
}

export function runDrctl(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
