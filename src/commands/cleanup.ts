import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { CLEANUP_FLAG_SPECS, DIR_ARG, type ParsedFlags } from './flag-specs.js';

export default class CleanupCommand extends DrctlCommand {
  static override summary = 'Remove drill leftovers (VMs, clones, test networks) at both sites. Safe to run any time.';
  static override examples = ['<%= config.bin %> cleanup'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(CLEANUP_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CleanupCommand);
    const { runCleanupCommand } = await import('./cleanup-run.js');
    await runCleanupCommand({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof CLEANUP_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
