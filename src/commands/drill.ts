import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, DRILL_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class DrillCommand extends DrctlCommand {
  static override summary = 'Rehearse a recovery at the standby site on clones and the test network; always cleans up.';
  static override examples = ['<%= config.bin %> drill -auto-approve', '<%= config.bin %> drill --plan erp'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(DRILL_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DrillCommand);
    const { runDrillCommand } = await import('./drill-run.js');
    await runDrillCommand({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof DRILL_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
