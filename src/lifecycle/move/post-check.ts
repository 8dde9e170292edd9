// A group's post_check: a script inside the configuration directory, run as a program with its
// arguments (never through a shell), in a minimal environment (PATH, HOME, the run's DRCTL_*
// facts, and the variables post_check_env names), with a timeout. Its output is kept capped and
// redacted. Moves and drills both run them.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POST_CHECK_RESERVED, scriptKind, scriptProblem, type RecoveryGroup } from '../../config/index.js';
import type { Redactor } from '../../redact/index.js';

export interface PostCheckResult {
  readonly ok: boolean;
  readonly output: string;
  readonly reason: string;
}

export interface PostCheckFacts {
  readonly run: string;
  readonly site: string;
  readonly kind: string;
  readonly drill: boolean;
  /** Hides the run's secrets in the output kept. */
  readonly redact?: Pick<Redactor, 'text'>;
}

/** How much of a check's output is kept: the end, where the verdict usually is. */
export const POST_CHECK_OUTPUT_LIMIT = 16 * 1024;

/**
 * The whole environment of a post_check (docs/language.md): PATH and HOME from drctl's, the
 * run's facts as DRCTL_* variables, and what post_check_env asks for. Nothing else of drctl's
 * environment (API keys, tokens) reaches it.
 */
export function postCheckEnvironment(g: RecoveryGroup, facts: PostCheckFacts, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = { PATH: env.PATH || '/usr/local/bin:/usr/bin:/bin' };
  if (env.HOME) out.HOME = env.HOME;
  for (const [k, v] of Object.entries(g.postCheckEnv ?? {})) if (!POST_CHECK_RESERVED.test(k)) out[k] = v;
  Object.assign(out, {
    DRCTL_RUN: facts.run,
    DRCTL_SITE: facts.site,
    DRCTL_OPERATION: facts.kind,
    DRCTL_GROUP: g.name,
    DRCTL_VMS: g.vms.join(' '),
    DRCTL_DRILL: facts.drill ? '1' : '0',
  });
  return out;
}

/**
 * Runs a group's post_check with the configuration directory as its working directory. The path
 * is checked again here (validate checked it, but files change): a script that left the
 * directory or is not there fails the check without running. A check that outlives its timeout
 * is killed, with everything it started, and fails.
 */
export function runPostCheck(configDir: string, g: RecoveryGroup, facts: PostCheckFacts, timeoutMs: number, signal?: AbortSignal): Promise<PostCheckResult> {
  const cwd = path.resolve(configDir);
  const script = g.postCheck!;
  const problem = scriptProblem(cwd, script, { realPath: (f) => fs.realpathSync(f), scriptKind });
  const redact = (s: string) => (facts.redact ? facts.redact.text(s) : s);
  if (problem) return Promise.resolve({ ok: false, output: '', reason: redact(`${problem.summary}: ${problem.detail}`) });
  return new Promise((resolve) => {
    // The resolved file, so a link swapped after the check above cannot send it elsewhere.
    const program = fs.realpathSync(path.resolve(cwd, script));
    const child = spawn(program, [...(g.postCheckArgs ?? [])], {
      cwd,
      env: postCheckEnvironment(g, facts, process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so a timeout or Ctrl-C kills what it started too.
      detached: true,
    });
    let output = '';
    let cut = false;
    const take = (d: string) => {
      output += d;
      if (output.length > 2 * POST_CHECK_OUTPUT_LIMIT) {
        output = output.slice(-POST_CHECK_OUTPUT_LIMIT);
        cut = true;
      }
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    let reason = '';
    const killAll = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      reason = `timed out after ${Math.round(timeoutMs / 1000)}s`;
      killAll();
    }, timeoutMs);
    const onAbort = () => {
      reason = 'interrupted';
      killAll();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      reason = e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (output.length > POST_CHECK_OUTPUT_LIMIT) {
        output = output.slice(-POST_CHECK_OUTPUT_LIMIT);
        cut = true;
      }
      const kept = cut ? `[earlier output cut: the last ${POST_CHECK_OUTPUT_LIMIT} characters are kept]\n${output}` : output;
      resolve({ ok: code === 0 && !reason, output: redact(kept), reason: redact(reason || (code === 0 ? '' : `exit status ${code}`)) });
    });
  });
}
