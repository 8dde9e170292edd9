// `drctl show`'s body: a saved plan file as text, JSON, or a pull-request comment (--markdown).
import type { ParsedArgs, ParsedFlags, SHOW_ARGS, SHOW_OUTPUT_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { checkMarkdownLimit, writePlan, writePlanMarkdown } from './run-output.js';
import { readPlanFile } from '../services/index.js';

export async function runShow(
  args: ParsedArgs<typeof SHOW_ARGS>,
  flags: ParsedFlags<typeof SHOW_OUTPUT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  checkMarkdownLimit(flags);
  const { planForDisplay } = await import('../plan/index.js');
  const saved = await readPlanFile(args.file, { cwd: term.cwd, env: term.env });
  // A saved plan holds keyed hashes of its sensitive values: every view shows "(sensitive value)".
  const plan = planForDisplay(saved.plan);
  if (flags.markdown) return writePlanMarkdown(term, plan, { limit: flags.limit, file: args.file });
  await writePlan(term, plan, flags.json);
}
