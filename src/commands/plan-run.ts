// `drctl plan`'s body, apart from its oclif class so the fast start path can run it without
// loading oclif. `exit` ends the command with a code (oclif's this.exit, or the fast path's).
import type { PlanFlags } from './flag-specs.js';
import { processTerminal } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { engineContext } from './engine.js';

export async function runPlan(args: { readonly dir: string }, flags: PlanFlags, argv: readonly string[], exit: (code: number) => never): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { chooseEventView, plainWidth } = await import('../tui/views/choose.js');
  // On a terminal the live Ink view. Ink (~0.35 s to import) starts loading now, so the import
  // overlaps the engine's start-up; the view folds events until it can draw.
  const ink = chooseEventView(term, flags.json) === 'ink' ? (await import('../tui/views/live-view.js')).startLiveView({ stream: process.stderr, color: term.color, title: 'drctl plan', env: process.env }) : undefined;
  const { planService } = await import('../apply/service.js');
  const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
  const { plainView } = await import('../tui/views/plain.js');
  // Only a terminal gets lines cut to its width; a CI log keeps them whole (ids included).
  const view = flags.json ? () => undefined : ink ? ink.sink : plainView({ write: (l) => term.stderr.write(l), width: plainWidth(term), color: term.color });
  const outcome = await planService(
    {
      dir: args.dir,
      vars: varInputsFromArgv(argv),
      refresh: flags.refresh !== 'false',
      destroy: flags.destroy,
      targets: flags.target ?? [],
      replace: flags.replace ?? [],
      parallelism: flags.parallelism,
      out: flags.out,
      statePath: flags.state,
    },
    engineContext(view),
  ).finally(() => ink?.stop());
  term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
  if (!outcome.plan) exit(1);
  const plan = outcome.plan!;
  if (flags.json) {
    const { planToJson } = await import('../plan/render-json.js');
    term.stdout.write(JSON.stringify(planToJson(plan)) + '\n');
  } else {
    const { renderPlanText } = await import('../plan/render-text.js');
    term.stdout.write(renderPlanText(plan, { color: term.color, width: term.width }));
    if (flags.out) term.stdout.write(`\nSaved the plan to ${flags.out}. To apply exactly this plan, run: drctl apply ${flags.out}\n`);
  }
  const { hasChanges } = await import('../plan/plan.js');
  if (flags['detailed-exitcode'] && hasChanges(plan)) exit(2);
}
