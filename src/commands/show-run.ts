// `drctl show [FILE]`: a saved plan or a state file as text or JSON; with no file, the current
// state (as `terraform show` does).
import type { ParsedArgs, ParsedFlags, SHOW_ARGS, SHOW_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { writePlan } from './run-output.js';
import { stateTargetFor, writeWarnings } from './state/location.js';
import { readShownFile } from '../services/index.js';

export async function runShow(
  args: ParsedArgs<typeof SHOW_ARGS>,
  flags: ParsedFlags<typeof SHOW_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  if (args.file === undefined) {
    const state = await stateTargetFor(term, flags.dir, flags.state);
    if (flags.json) {
      const pulled = await state.pull();
      writeWarnings(term, pulled.warnings);
      return void term.stdout.write(pulled.text);
    }
    const view = await state.showAll();
    writeWarnings(term, view.warnings);
    return void term.stdout.write(view.text);
  }
  const shown = await readShownFile(args.file, { cwd: term.cwd, env: term.env });
  if (shown.kind === 'plan') return void (await writePlan(term, shown.plan, flags.json));
  writeWarnings(term, shown.view.warnings);
  term.stdout.write(flags.json ? shown.json : shown.view.text);
}
