// `drctl fmt`'s body: format the given paths (or plans/, as every command reads) through services.
import { DEFAULT_CONFIG_DIR, type FMT_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { formatTargets } from '../services/index.js';

export async function runFmt(
  args: { readonly paths: readonly string[] },
  flags: ParsedFlags<typeof FMT_FLAG_SPECS>,
  _argv: readonly string[],
  exit: Exit,
): Promise<void> {
  // fmt prints the user's own files (formatted, or as a diff): nothing to redact, nothing to alter.
  const term = processTerminal(flags['no-color'], { redact: false });
  const code = await formatTargets(
    // Like every other command, plans/ when no path is given.
    {
      targets: args.paths.length ? args.paths : [DEFAULT_CONFIG_DIR],
      list: flags.list,
      write: flags.write,
      diff: flags.diff,
      check: flags.check,
      recursive: flags.recursive,
    },
    { stdout: term.stdout, stderr: term.stderr, color: term.color, width: term.width, readStdin: () => readAll(process.stdin) },
  );
  if (code !== 0) exit(code);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
