// The terminal a command talks to. Kept apart from the oclif base class so the fast start path
// (src/cli/fast.ts) can build one without loading oclif. Its streams write through the run's
// redactor (src/redact): whatever a command prints, no secret the run knows reaches the terminal.
import { shouldColor } from '../diag/index.js';
import { environmentSecrets, newRedactor, type Redactor } from '../redact/index.js';

/** The terminal a command talks to; services get this instead of touching process.* directly. */
export interface Terminal {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly color: boolean;
  readonly width: number;
  /** What the streams hide; services teach it the configuration's secrets (pass it in their context). */
  readonly redactor?: Redactor;
}

/** Ends a command with an exit code (oclif's this.exit, or the fast path's). */
export type Exit = (code: number) => never;

/**
 * The process's terminal, its streams redacting. `redact: false` only for output that is the
 * user's own file content (fmt), which drctl must not alter.
 */
export function processTerminal(noColor: boolean, opts: { readonly redact?: boolean } = {}): Terminal {
  const stderr = process.stderr;
  const redactor = opts.redact === false ? undefined : newRedactor(environmentSecrets(process.env));
  return {
    stdout: redactor ? redactingStream(process.stdout, redactor) : process.stdout,
    stderr: redactor ? redactingStream(stderr, redactor) : stderr,
    env: process.env,
    cwd: process.cwd(),
    color: shouldColor(stderr, process.env, noColor),
    width: (stderr.isTTY && stderr.columns) || Number(process.env.COLUMNS) || 80,
    redactor,
  };
}

/**
 * `stream` with every string written through `redactor.text`; everything else (isTTY, columns,
 * events) is the stream's own, so Ink and readline draw on it as on the stream itself.
 */
export function redactingStream<S extends NodeJS.WritableStream>(stream: S, redactor: Pick<Redactor, 'text'>): S {
  const write = (chunk: unknown, ...rest: unknown[]) =>
    (stream.write as (...a: unknown[]) => boolean).call(stream, typeof chunk === 'string' ? redactor.text(chunk) : chunk, ...rest);
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return write;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
