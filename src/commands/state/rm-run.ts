// `drctl state rm`'s body.
import type { ParsedFlags, STATE_RM_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { lockTimeoutMs } from '../engine.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStateRm(args: { readonly addresses: readonly string[] }, flags: ParsedFlags<typeof STATE_RM_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const timeout = lockTimeoutMs(flags['lock-timeout']);
  await withStateTarget(term, flags.dir, flags.state, async (state) => {
    const dryRun = flags['dry-run'];
    const result = await state.remove(args.addresses, { lockTimeoutMs: timeout, dryRun });
    writeWarnings(term, result.warnings);
    for (const a of result.removed) term.stdout.write(`${dryRun ? 'Would remove' : 'Removed'} ${a}\n`);
    if (!dryRun) term.stdout.write(`Successfully removed ${result.removed.length} resource instance(s).\n`);
  });
}
