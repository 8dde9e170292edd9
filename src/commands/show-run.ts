// `drctl show [FILE]`: a saved plan or a state file as text or JSON, or a saved plan as a
// pull-request comment (--markdown); with no file, the current state (as `terraform show` does).
import type { ParsedArgs, ParsedFlags, SHOW_ARGS, SHOW_OUTPUT_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { checkMarkdownLimit, writePlan, writePlanMarkdown } from './run-output.js';
import { stateTargetFor, writeWarnings } from './state/location.js';
import { readShownFile } from '../services/index.js';
import { UserError } from '../diag/index.js';

export async function runShow(
  args: ParsedArgs<typeof SHOW_ARGS>,
  flags: ParsedFlags<typeof SHOW_OUTPUT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  checkMarkdownLimit(flags);
  if (flags.markdown && args.file === undefined)
    throw new UserError('show --markdown comments on a saved plan: name its file.', ['drctl plan -out plan.bin && drctl show plan.bin --markdown']);
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
  if (shown.kind === 'plan') {
    // A saved plan holds keyed hashes of its sensitive values: every view shows "(sensitive value)".
    const { planForDisplay } = await import('../plan/index.js');
    const plan = planForDisplay(shown.plan);
    if (flags.markdown) return writePlanMarkdown(term, plan, { limit: flags.limit, file: args.file });
    return void (await writePlan(term, plan, flags.json));
  }
  if (flags.markdown)
    throw new UserError(`${args.file} is a state file: --markdown comments on a saved plan.`, [
      `To review a state change, use: drctl state diff OLD ${args.file} --markdown`,
    ]);
  writeWarnings(term, shown.view.warnings);
  term.stdout.write(flags.json ? shown.json : shown.view.text);
}
