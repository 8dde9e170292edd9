import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { PLAN_ARG, PLAN_FLAG_SPECS, type PlanFlags } from './flag-specs.js';

export default class PlanCommand extends DrctlCommand {
  static override summary = 'Show what apply would change: refresh, diff against state, predicted RTO and cost.';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan -out plan.bin -detailed-exitcode', '<%= config.bin %> plan -json > plan.json'];
  static override args = oclifArg(PLAN_ARG);
  static override flags = oclifFlags(PLAN_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PlanCommand);
    const { runPlan } = await import('./plan-run.js');
    await runPlan({ dir: args.dir as string }, flags as unknown as PlanFlags, this.argv, (code) => this.exit(code));
  }
}
