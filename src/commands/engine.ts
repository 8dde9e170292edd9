// What plan, apply and the DR commands share (no oclif here: the fast start path uses it): the
// engine context for a real process, the event view for the terminal, approval, and Ctrl-C handling.
import type { Terminal } from './terminal.js';
import type { EngineContext } from '../services/index.js';
import type { EngineEvent } from '../plan/index.js';
import { setMaxListeners } from 'node:events';
// Direct, not the config facade: that loads the configuration loader, which a command parsing
// -lock-timeout may never need (services load it when they run).
import { parseDuration } from '../config/duration.js';
import { UserError } from '../diag/index.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';
import type { ENGINE_FLAG_SPECS, ParsedFlags } from './flag-specs.js';

/** The plan and apply service options the engine flags (and -var/-var-file, in order) set. */
export function engineOptions(flags: ParsedFlags<typeof ENGINE_FLAG_SPECS>, argv: readonly string[]) {
  return {
    vars: varInputsFromArgv(argv),
    refresh: flags.refresh !== 'false',
    destroy: flags.destroy,
    targets: flags.target ?? [],
    replace: flags.replace ?? [],
    parallelism: flags.parallelism,
    statePath: flags.state,
    lock: flags.lock !== 'false',
    planLockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
  };
}

export function lockTimeoutMs(text: string): number {
  const s = parseDuration(text);
  if (s === undefined) throw new UserError(`-lock-timeout "${text}" is not a duration. Write e.g. 30s, 2m or 0s.`);
  return s * 1000;
}

/** A real process's engine context; `term` shares its redactor, so files and terminal hide the same secrets. */
export function engineContext(sink: (e: EngineEvent) => void, term?: Pick<Terminal, 'redactor'>): EngineContext {
  return { cwd: process.cwd(), env: process.env, fs: nodeConfigFs, now: () => performance.now(), sink, redactor: term?.redactor };
}

/**
 * First Ctrl-C: abort (no new work; in-flight calls finish; state persisted). Second: exit at
 * once with 130 — every completed change is already journaled, so state is never corrupt.
 */
export function interruptController(term: Terminal, beforeExit: () => void = () => undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // Every call in flight listens for the interrupt (a parallelism's worth, plus the walk): many
  // listeners by design, not a leak, so no MaxListenersExceededWarning.
  setMaxListeners(0, controller.signal);
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

/** Ctrl-C (or the end of input) at a prompt: one line, exit 130, nothing changed by the answer. */
export class PromptCancelled extends UserError {
  constructor(how: 'Ctrl-C' | 'end of input') {
    super(`Cancelled at the prompt (${how}): nothing was changed.`, [], 130);
  }
}

export function isPromptCancelled(e: unknown): e is PromptCancelled {
  return e instanceof PromptCancelled;
}

/** Reads one line from stdin (for "yes" approval on a terminal); Ctrl-C or EOF there is PromptCancelled. */
export async function askLine(term: Terminal, question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: term.stderr as NodeJS.WritableStream });
  // With a SIGINT listener readline reports Ctrl-C instead of closing the question with an
  // AbortError (which would surface as an internal error).
  const cancelled = new Promise<never>((_, reject) => {
    rl.once('SIGINT', () => reject(new PromptCancelled('Ctrl-C')));
    rl.once('close', () => reject(new PromptCancelled('end of input')));
  });
  cancelled.catch(() => undefined); // our own close below settles it after the answer
  try {
    return (await Promise.race([rl.question(question), cancelled])).trim();
  } catch (e) {
    if (isPromptCancelled(e)) term.stderr.write('\n'); // off the prompt's line
    throw e;
  } finally {
    rl.close();
  }
}
