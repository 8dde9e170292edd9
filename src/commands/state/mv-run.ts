// `drctl state mv`'s body.
import type { ParsedArgs, ParsedFlags, STATE_MV_ARGS, STATE_MV_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { lockTimeoutMs } from '../engine.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStateMv(args: ParsedArgs<typeof STATE_MV_ARGS>, flags: ParsedFlags<typeof STATE_MV_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const timeout = lockTimeoutMs(flags['lock-timeout']);
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const dryRun = flags['dry-run'];
    const result = await state.move(args.source, args.destination, { lockTimeoutMs: timeout, dryRun });
    writeWarnings(term, result.warnings);
    for (const m of result.moves) term.stdout.write(`${dryRun ? 'Would move' : 'Move'} "${m.from}" to "${m.to}"\n`);
    if (!dryRun) term.stdout.write(`Successfully moved ${result.moves.length} object(s).\n`);
  });
}
