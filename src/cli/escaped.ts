// What both start paths do with an error that escapes a command: print it and set the exit code.
// Redacted like everything else drctl writes: an error may quote an endpoint with credentials.
import { reportError } from './report.js';
import { environmentSecrets, newRedactor } from '../redact/index.js';

export async function reportEscaped(err: unknown): Promise<void> {
  // Domain errors (a held lock, an unusable state file) become user errors; loaded only on
  // failure, and directly: the services facade would bring every use case into the fast bundle.
  const { userErrorOf } = await import('../services/errors.js');
  const { text, exitCode } = reportError(userErrorOf(err), 'drctl');
  if (text) process.stderr.write(newRedactor(environmentSecrets(process.env)).text(text));
  process.exitCode = exitCode;
}
