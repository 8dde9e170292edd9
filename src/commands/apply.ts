import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { APPLY_ARG, APPLY_FLAG_SPECS, type ApplyFlags } from './flag-specs.js';

export default class ApplyCommand extends DrctlCommand {
  static override summary = 'Plan and apply a DR configuration, or apply a saved plan file.';
  static override examples = ['<%= config.bin %> apply', '<%= config.bin %> apply -auto-approve', '<%= config.bin %> apply plan.bin'];
  static override args = oclifArg(APPLY_ARG);
  static override flags = oclifFlags(APPLY_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ApplyCommand);
    const { runApply } = await import('./apply-run.js');
    await runApply({ target: args.target as string }, flags as unknown as ApplyFlags, this.argv, (code) => this.exit(code));
  }
}
