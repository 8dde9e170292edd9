// `drctl state list`'s body.
import type { ParsedFlags, STATE_LIST_OUTPUT_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStateList(args: { readonly patterns: readonly string[] }, flags: ParsedFlags<typeof STATE_LIST_OUTPUT_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await withStateTarget(term, flags.dir, flags.state, async (state) => {
    const result = await state.list({ patterns: args.patterns, id: flags.id });
    writeWarnings(term, result.warnings);
    for (const u of result.unmatched) {
      term.stderr.write(`Warning: nothing in the state matches ${u.pattern}.${u.suggestion ? ` Did you mean "${u.suggestion}"?` : ''}\n`);
    }
    // --json: schemas/state-list.schema.json
    if (flags.json) term.stdout.write(JSON.stringify({ format_version: '1.0', addresses: result.addresses }) + '\n');
    else term.stdout.write(result.addresses.map((a) => `${a}\n`).join(''));
  });
}
