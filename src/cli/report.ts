// The one place that turns an escaped error into text and an exit code. A user error prints in
// the diagnostics' frame (`Error: summary`, a blank line, then where and what to do), coloured
// as configuration errors are; a bug prints its stack and asks for a report.
import { isUserError, renderDiagnostics } from '../diag/index.js';

export interface ErrorReport {
  readonly text: string;
  readonly exitCode: number;
}

export interface ReportOptions {
  readonly color?: boolean;
  /** Wrap framed details at this width (0: no wrapping). */
  readonly width?: number;
}

interface OclifLike {
  oclif?: { exit?: number };
  message?: string;
  code?: string;
}

const RED_BOLD = '\u001b[1m\u001b[31m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/** A UserError as its message (or frame) and next steps; oclif's own exits quietly; anything else as a bug. */
export function reportError(err: unknown, command = 'drctl', opts: ReportOptions = {}): ErrorReport {
  const color = opts.color === true;
  const steps = (list: readonly string[]) => (list.length ? '\n\n' + list.map((s) => `  ${s}`).join('\n') : '');
  if (isUserError(err)) {
    if (err.frame && err.frame.diagnostics.length) {
      const framed = renderDiagnostics(err.frame.diagnostics, { sources: err.frame.sources, color, width: opts.width ?? 0 }).replace(/\n$/, '');
      return { text: `${framed}${steps(err.nextSteps)}\n`, exitCode: err.exitCode };
    }
    const label = color ? `${RED_BOLD}Error:${RESET} ${BOLD}${err.message}${RESET}` : `Error: ${err.message}`;
    return { text: `${label}${steps(err.nextSteps)}\n`, exitCode: err.exitCode };
  }
  const o = (err ?? {}) as OclifLike;
  if (o.code === 'EEXIT' || (o.oclif && o.oclif.exit !== undefined && !o.message)) {
    return { text: '', exitCode: o.oclif?.exit ?? 0 };
  }
  if (o.oclif && typeof o.message === 'string') {
    // An oclif error the commands did not translate (cli/flag-errors.ts does the usual ones).
    // Exit 1 as Terraform does, since 2 means "changes present" under -detailed-exitcode.
    const text = o.message.replace(/\nSee more help with --help$/, '').replace(/\s*\n\t/g, ': ');
    return { text: `${color ? `${RED_BOLD}Error:${RESET}` : 'Error:'} ${text}\n\n  See "${command} -help".\n`, exitCode: 1 };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    text: `Error: drctl hit an internal error. This is a bug; please report it with the output below.\n\n${stack}\n`,
    exitCode: 1,
  };
}
