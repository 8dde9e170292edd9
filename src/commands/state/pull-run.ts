// `drctl state pull`'s body.
import type { ParsedArgs, ParsedFlags, STATE_PULL_ARGS, STATE_PULL_OUTPUT_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStatePull(args: ParsedArgs<typeof STATE_PULL_ARGS>, flags: ParsedFlags<typeof STATE_PULL_OUTPUT_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const result = await state.pull({ serial: flags.serial });
    writeWarnings(term, result.warnings);
    term.stdout.write(result.text);
  });
}
