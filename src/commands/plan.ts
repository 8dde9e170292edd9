import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags } from './base.js';
import { varFlags, varInputsFromArgv } from './inputs.js';
import { engineContext, engineFlags } from './engine.js';

export default class PlanCommand extends DrctlCommand {
  static override summary = 'Show what apply would change: refresh, diff against state, predicted RTO and cost.';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan -out plan.bin -detailed-exitcode', '<%= config.bin %> plan -json > plan.json'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...varFlags,
    ...engineFlags,
    out: Flags.string({ description: 'Save the plan to this file, for drctl apply FILE.' }),
    'detailed-exitcode': Flags.boolean({ description: 'Exit 0 with no changes, 1 on error, 2 with changes.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PlanCommand);
    const term = this.terminal(flags['no-color']);
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
        vars: varInputsFromArgv(this.argv),
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
    if (!outcome.plan) this.exit(1);
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
    if (flags['detailed-exitcode'] && hasChanges(plan)) this.exit(2);
  }
}
