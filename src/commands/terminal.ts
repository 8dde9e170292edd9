// The terminal a command talks to. Kept apart from the oclif base class so the fast start path
// (src/cli/fast.ts) can build one without loading oclif.
import { shouldColor } from '../diag/index.js';

/** The terminal a command talks to; services get this instead of touching process.* directly. */
export interface Terminal {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly color: boolean;
  readonly width: number;
}

/** Ends a command with an exit code (oclif's this.exit, or the fast path's). */
export type Exit = (code: number) => never;

export function processTerminal(noColor: boolean): Terminal {
  const stderr = process.stderr;
  return {
    stdout: process.stdout,
    stderr,
    env: process.env,
    cwd: process.cwd(),
    color: shouldColor(stderr, process.env, noColor),
    width: (stderr.isTTY && stderr.columns) || Number(process.env.COLUMNS) || 80,
  };
}
