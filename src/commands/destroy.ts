import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DESTROY_ARG, DESTROY_FLAG_SPECS, type ApplyFlags } from './flag-specs.js';

export default class DestroyCommand extends DrctlCommand {
  static override summary = 'Destroy everything the state holds: the same as drctl apply -destroy.';
  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy -auto-approve'];
  static override args = oclifArg(DESTROY_ARG);
  static override flags = oclifFlags(DESTROY_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DestroyCommand);
    const { runApply } = await import('./apply-run.js');
    await runApply({ target: args.dir as string }, { ...(flags as unknown as Omit<ApplyFlags, 'destroy'>), destroy: true }, this.argv, (code) =>
      this.exit(code),
    );
  }
}
