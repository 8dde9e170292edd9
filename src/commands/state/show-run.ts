// `drctl state show`'s body.
import type { ParsedArgs, ParsedFlags, STATE_SHOW_ARGS, STATE_SHOW_OUTPUT_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { withStateTarget, writeWarnings } from './location.js';

export async function runStateShow(args: ParsedArgs<typeof STATE_SHOW_ARGS>, flags: ParsedFlags<typeof STATE_SHOW_OUTPUT_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const result = await state.show(args.address);
    writeWarnings(term, result.warnings);
    if (flags.json) {
      // The record as the state file holds it (secrets as their markers): schemas/state-show.schema.json.
      const r = result.resource;
      const record = { address: r.address, type: r.type, name: r.name, id: r.id, attributes: r.attributes, dependencies: r.dependencies, sensitive_attributes: r.sensitiveAttributes };
      term.stdout.write(JSON.stringify({ format_version: '1.0', resource: record }) + '\n');
    } else term.stdout.write(result.text);
  });
}
