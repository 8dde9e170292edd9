// `drctl state history`'s body: a table of the stored versions, or JSON.
import type { ParsedArgs, ParsedFlags, STATE_HISTORY_ARGS, STATE_HISTORY_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { withStateTarget } from './location.js';

export async function runStateHistory(
  args: ParsedArgs<typeof STATE_HISTORY_ARGS>,
  flags: ParsedFlags<typeof STATE_HISTORY_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const { versions, keepsEvery } = await state.history({ limit: flags.limit });
    if (flags.json) {
      term.stdout.write(JSON.stringify({ workspace: state.workspace, keeps_every_version: keepsEvery, versions }, null, 2) + '\n');
      return;
    }
    if (versions.length === 0) {
      term.stdout.write(`No state is stored for workspace "${state.workspace}" at ${state.location}.\n`);
      return;
    }
    const rows = versions.map((v) => [
      v.version === null ? (v.label ?? '') : String(v.version),
      v.serial === null ? '?' : String(v.serial),
      v.lineage ?? '?',
      v.created ?? '',
      v.createdBy ?? '',
      `${v.bytes} B`,
    ]);
    const head = ['VERSION', 'SERIAL', 'LINEAGE', 'CREATED', 'BY', 'SIZE'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: readonly string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd() + '\n';
    term.stdout.write(line(head) + rows.map(line).join(''));
    if (!keepsEvery) term.stderr.write('Local state files keep the current version and the previous one (.backup); the pg backend keeps every version.\n');
  });
}
