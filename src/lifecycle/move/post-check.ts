// A group's post_check: a script or command in the configuration directory, with the run's
// facts in its environment. Moves and drills both run them.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecoveryGroup } from '../../config/model.js';

export interface PostCheckResult {
  readonly ok: boolean;
  readonly output: string;
  readonly reason: string;
}

/**
 * Runs a group's post_check in the configuration directory: a file there runs with /bin/sh,
 * anything else as a shell command. It gets the run's facts in DRCTL_* variables; a check that
 * outlives its timeout is killed and fails.
 */
export function runPostCheck(
  configDir: string,
  g: RecoveryGroup,
  facts: { run: string; site: string; kind: string; drill: boolean },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PostCheckResult> {
  return new Promise((resolve) => {
    const script = g.postCheck!;
    const cwd = path.resolve(configDir);
    const isFile = (() => {
      try {
        return fs.statSync(path.resolve(cwd, script)).isFile();
      } catch {
        return false;
      }
    })();
    const child = spawn('/bin/sh', isFile ? [script] : ['-c', script], {
      cwd,
      env: {
        ...process.env,
        DRCTL_RUN: facts.run,
        DRCTL_SITE: facts.site,
        DRCTL_OPERATION: facts.kind,
        DRCTL_GROUP: g.name,
        DRCTL_VMS: g.vms.join(' '),
        DRCTL_DRILL: facts.drill ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    let reason = '';
    const timer = setTimeout(() => {
      reason = `timed out after ${Math.round(timeoutMs / 1000)}s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = () => {
      reason = 'interrupted';
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      reason = e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ok: code === 0 && !reason, output, reason: reason || (code === 0 ? '' : `exit status ${code}`) });
    });
  });
}
