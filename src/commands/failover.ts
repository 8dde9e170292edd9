import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, FAILOVER_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class FailoverCommand extends DrctlCommand {
  static override summary = 'Move production to the standby site in recovery-plan order (planned by default).';
  static override examples = [
    '<%= config.bin %> failover -auto-approve',
    '<%= config.bin %> failover --unplanned --force',
    '<%= config.bin %> failover --plan erp',
  ];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(FAILOVER_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FailoverCommand);
    const { runMoveCommand } = await import('./move-run.js');
    await runMoveCommand('failover', { dir: args.dir as string }, flags as unknown as ParsedFlags<typeof FAILOVER_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
