// What both start paths do with an error that escapes a command: print it and set the exit code.
import { reportError } from './report.js';

export async function reportEscaped(err: unknown): Promise<void> {
  // Domain errors (a held lock, an unusable state file) become user errors; loaded only on failure.
  const { asUserError } = await import('../services/index.js');
  const { text, exitCode } = reportError(await asUserError(err), 'drctl');
  if (text) process.stderr.write(text);
  process.exitCode = exitCode;
}
