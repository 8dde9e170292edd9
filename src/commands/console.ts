import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { CONSOLE_FLAG_SPECS, DIR_ARG, type ParsedFlags } from './flag-specs.js';

export default class ConsoleCommand extends DrctlCommand {
  static override summary = 'Open the interactive console: sites, replication, pending plan; plan, apply and DR runs by key.';
  static override description =
    'Also opened by `drctl` alone on a terminal. Keys: p plan, a apply, v verify, d drill, f failover, b failback, e events, ? help, q quit.';
  static override examples = ['<%= config.bin %> console', '<%= config.bin %> console plans'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(CONSOLE_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConsoleCommand);
    const { runConsoleCommand } = await import('./console-run.js');
    await runConsoleCommand({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof CONSOLE_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
