// Errors come in two kinds: ones the user can fix (a message and what to do next, exit 1 or a
// given code) and bugs (everything else: a stack trace and "please report").
import type { Diagnostic } from './types.js';

/** Diagnostics that say where a user error is (a corrupt state file's line and column), drawn with their code frame. */
export interface ErrorFrame {
  readonly diagnostics: readonly Diagnostic[];
  /** Source text by filename, for the code frame. */
  readonly sources?: ReadonlyMap<string, string>;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly nextSteps: readonly string[] = [],
    readonly exitCode = 1,
    /** When given, the error is printed as these diagnostics (the next steps follow). */
    readonly frame?: ErrorFrame,
  ) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError' && 'nextSteps' in e;
}
