import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { COST_FLAG_SPECS, DIR_ARG, type ParsedFlags } from './flag-specs.js';

export default class CostCommand extends DrctlCommand {
  static override summary = 'Estimate the monthly cost of a DR configuration: per site, storage tier and resource.';
  static override description =
    'Cores, memory, DR Automation and replicated storage (a copy at each site), at illustrative list prices: the figures the plan’s cost line adds up.';
  static override examples = ['<%= config.bin %> cost', '<%= config.bin %> cost plans/ --json'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(COST_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CostCommand);
    const { runCost } = await import('./cost-run.js');
    await runCost({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof COST_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
