// `drctl state push`'s body.
import { readFile } from 'node:fs/promises';
import type { ParsedArgs, ParsedFlags, STATE_PUSH_ARGS, STATE_PUSH_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { lockTimeoutMs } from '../engine.js';
import { UserError } from '../../diag/index.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStatePush(args: ParsedArgs<typeof STATE_PUSH_ARGS>, flags: ParsedFlags<typeof STATE_PUSH_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const timeout = lockTimeoutMs(flags['lock-timeout']);
  const source = args.file === '-' ? 'stdin' : args.file;
  let text: string;
  try {
    text = args.file === '-' ? await readStdin() : await readFile(args.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`Cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
  }
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const r = await state.push(text, source, { force: flags.force, lockTimeoutMs: timeout });
    writeWarnings(term, r.warnings);
    term.stdout.write(
      r.written
        ? `Pushed ${source} to ${state.location}: serial ${r.serial}, ${r.resources} resource${r.resources === 1 ? '' : 's'}.\n`
        : `The state at ${state.location} already holds this content (serial ${r.serial}); nothing was written.\n`,
    );
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
