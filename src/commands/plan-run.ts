// `drctl plan`'s body, apart from its oclif class so the fast start path can run it without
// loading oclif. `exit` ends the command with a code (oclif's this.exit, or the fast path's).
// Direct imports, not the services and tui facades: plan and apply start from one bundle of
// all they can reach (the fast path, a measured start-up), and the facades reach every use case and ink.
import type { PlanFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { engineContext, engineOptions } from './engine.js';
import { startRunView, writePlan } from './run-output.js';
import { planService } from '../services/engine.js';

export async function runPlan(args: { readonly dir: string }, flags: PlanFlags, argv: readonly string[], exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const ink = await startRunView(term, flags.json, 'drctl plan');
  const { plainWidth } = await import('../tui/views/choose.js');
  const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
  const { plainView } = await import('../tui/views/plain.js');
  // Only a terminal gets lines cut to its width; a CI log keeps them whole (ids included).
  const view = flags.json ? () => undefined : ink ? ink.sink : plainView({ write: (l) => term.stderr.write(l), width: plainWidth(term), color: term.color });
  const outcome = await planService({ dir: args.dir, ...engineOptions(flags, argv), out: flags.out }, engineContext(view, term)).finally(() => ink?.stop());
  term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
  if (!outcome.plan) exit(1);
  const plan = outcome.plan!;
  await writePlan(term, plan, flags.json);
  if (!flags.json && flags.out) term.stdout.write(`\nSaved the plan to ${flags.out}. To apply exactly this plan, run: drctl apply ${flags.out}\n`);
  const { hasChanges } = await import('../plan/index.js');
  if (flags['detailed-exitcode'] && hasChanges(plan)) exit(2);
}
