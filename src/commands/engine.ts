// What plan, apply and the DR commands share: engine flags with Terraform's names, the engine
// context for a real process, the event view for the terminal, approval, and Ctrl-C handling.
import { Flags } from '@oclif/core';
import type { Terminal } from './base.js';
import type { EngineContext } from '../apply/service.js';
import type { EngineEvent } from '../plan/events.js';
import { parseDuration } from '../config/duration.js';
import { UserError } from '../diag/errors.js';
import { nodeConfigFs } from './inputs.js';

export const engineFlags = {
  target: Flags.string({ description: 'Limit the operation to this resource and what it depends on. Repeatable.', multiple: true }),
  replace: Flags.string({ description: 'Replace this resource even if it is unchanged. Repeatable.', multiple: true }),
  destroy: Flags.boolean({ description: 'Plan to destroy every resource in the state.', default: false }),
  parallelism: Flags.integer({ description: 'Operations in flight at once (default 10, or the drctl block).', min: 1 }),
  refresh: Flags.string({ description: 'Read the cloud before planning (-refresh=false skips it).', options: ['true', 'false'], default: 'true' }),
  'lock-timeout': Flags.string({ description: 'Wait this long for another run\'s state lock, e.g. 30s (default 0s: fail at once).', default: '0s' }),
  state: Flags.string({ description: 'State file path (overrides the drctl backend block).' }),
  json: Flags.boolean({ description: 'Machine output: JSON on stdout.', default: false }),
};

export function lockTimeoutMs(text: string): number {
  const s = parseDuration(text);
  if (s === undefined) throw new UserError(`-lock-timeout "${text}" is not a duration. Write e.g. 30s, 2m or 0s.`);
  return s * 1000;
}

export function engineContext(sink: (e: EngineEvent) => void): EngineContext {
  return { cwd: process.cwd(), env: process.env, fs: nodeConfigFs, now: () => performance.now(), sink };
}

/**
 * First Ctrl-C: abort (no new work; in-flight calls finish; state persisted). Second: exit at
 * once with 130 — every completed change is already journaled, so state is never corrupt.
 */
export function interruptController(term: Terminal, beforeExit: () => void = () => undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      beforeExit();
      term.stderr.write('\nSecond interrupt: exiting now. Completed changes are saved; run apply again to finish.\n');
      process.exit(130);
    }
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

/** Reads one line from stdin (for "yes" approval on a terminal). */
export async function askLine(term: Terminal, question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: term.stderr as NodeJS.WritableStream });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
