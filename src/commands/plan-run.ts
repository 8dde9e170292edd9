// `drctl plan`'s body, apart from its oclif class so the fast start path can run it without
// loading oclif. `exit` ends the command with a code (oclif's this.exit, or the fast path's).
import type { PlanFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { engineContext, engineOptions } from './engine.js';
import { startRunView, writePlan } from './run-output.js';
import { planService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runPlan(args: { readonly dir: string }, flags: PlanFlags, argv: readonly string[], exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const ink = await startRunView(term, flags.json, 'drctl plan');
  const { plainWidth } = await views.choose();
  const { renderDiagnosticsText } = await views.diagnostics();
  const { plainView } = await views.plain();
  // Only a terminal gets lines cut to its width; a CI log keeps them whole (ids included).
  const view = flags.json ? () => undefined : ink ? ink.sink : plainView({ write: (l) => term.stderr.write(l), width: plainWidth(term), color: term.color });
  const outcome = await planService(
    { dir: args.dir, ...engineOptions(flags, argv), out: flags.out },
    engineContext(view),
  ).finally(() => ink?.stop());
  term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
  if (!outcome.plan) exit(1);
  const plan = outcome.plan!;
  await writePlan(term, plan, flags.json);
  if (!flags.json && flags.out) term.stdout.write(`\nSaved the plan to ${flags.out}. To apply exactly this plan, run: drctl apply ${flags.out}\n`);
  const { hasChanges } = await import('../plan/index.js');
  if (flags['detailed-exitcode'] && hasChanges(plan)) exit(2);
}
