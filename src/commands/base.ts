// What every drctl command shares: the terminal it writes to and the flags common to all.
import { Command, Flags } from '@oclif/core';
import { shouldColor } from '../diag/render.js';

/** The terminal a command talks to; services get this instead of touching process.* directly. */
export interface Terminal {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly color: boolean;
  readonly width: number;
}

export const commonFlags = {
  'no-color': Flags.boolean({ description: 'Never use colour (NO_COLOR is honoured too).', default: false }),
};

export abstract class DrctlCommand extends Command {
  protected terminal(noColor: boolean): Terminal {
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
}
