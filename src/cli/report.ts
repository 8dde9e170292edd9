// The one place that turns an escaped error into text and an exit code.
import { isUserError } from '../diag/index.js';

export interface ErrorReport {
  readonly text: string;
  readonly exitCode: number;
}

interface OclifLike {
  oclif?: { exit?: number };
  message?: string;
  code?: string;
}

/** A UserError as its message and next steps; flag errors as oclif's; anything else as a bug. */
export function reportError(err: unknown, command = 'drctl'): ErrorReport {
  if (isUserError(err)) {
    const steps = err.nextSteps.length ? '\n\n' + err.nextSteps.map((s) => `  ${s}`).join('\n') : '';
    return { text: `Error: ${err.message}${steps}\n`, exitCode: err.exitCode };
  }
  const o = (err ?? {}) as OclifLike;
  if (o.code === 'EEXIT' || (o.oclif && o.oclif.exit !== undefined && !o.message)) {
    return { text: '', exitCode: o.oclif?.exit ?? 0 };
  }
  if (o.oclif && typeof o.message === 'string') {
    // Flag and argument errors: the user's to fix. Exit 1 as Terraform does, since 2 means
    // "changes present" under -detailed-exitcode.
    return { text: `Error: ${o.message}\n\n  See "${command} --help".\n`, exitCode: 1 };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    text: `Error: drctl hit an internal error. This is a bug; please report it with the output below.\n\n${stack}\n`,
    exitCode: 1,
  };
}
