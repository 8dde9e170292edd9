// Errors come in two kinds: ones the user can fix (a message and what to do next, exit 1 or a
// given code) and bugs (everything else: a stack trace and "please report").

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly nextSteps: readonly string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError' && 'nextSteps' in e;
}
