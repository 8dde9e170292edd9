// `drctl show`'s body: a saved plan file as text or JSON.
import type { ParsedArgs, ParsedFlags, SHOW_ARGS, SHOW_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { writePlan } from './run-output.js';
import { readPlanFile } from '../services/index.js';

export async function runShow(
  args: ParsedArgs<typeof SHOW_ARGS>,
  flags: ParsedFlags<typeof SHOW_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { planForDisplay } = await import('../plan/index.js');
  const { plan } = await readPlanFile(args.file, { cwd: term.cwd, env: term.env });
  await writePlan(term, planForDisplay(plan), flags.json);
}
