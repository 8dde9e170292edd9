import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, FAILBACK_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class FailbackCommand extends DrctlCommand {
  static override summary = 'Move production back home: resync replication first, then the reverse move in plan order.';
  static override examples = ['<%= config.bin %> failback -auto-approve'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(FAILBACK_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FailbackCommand);
    const { runMoveCommand } = await import('./move-run.js');
    await runMoveCommand('failback', { dir: args.dir as string }, flags as unknown as ParsedFlags<typeof FAILBACK_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
