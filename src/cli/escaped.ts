// What both start paths do with an error that escapes a command: print it and set the exit code.
import { reportError } from './report.js';

export async function reportEscaped(err: unknown): Promise<void> {
  // Loaded only on failure: state errors (a held lock, an unusable file) become user errors.
  const { toUserError } = await import('../state/commands.js');
  const { text, exitCode } = reportError(err, 'drctl', toUserError);
  if (text) process.stderr.write(text);
  process.exitCode = exitCode;
}
