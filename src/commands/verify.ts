import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, VERIFY_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class VerifyCommand extends DrctlCommand {
  static override summary = 'Check DR readiness: replication within RPO, capacity, paired networks, machine types, no stale clones. Exits 1 when not ready.';
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify --json'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(VERIFY_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(VerifyCommand);
    const { runVerify } = await import('./verify-run.js');
    await runVerify({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof VERIFY_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
