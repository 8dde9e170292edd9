import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_RM_ARGS, STATE_RM_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class StateRm extends DrctlCommand {
  static override summary = 'Forget resources: drctl stops managing them, and they keep running.';
  static override description =
    'Each address is one instance (vm.app[0]) or a whole resource with all its instances (vm.app). The next plan will want to create anything still in the configuration: remove it there too if drctl should stop managing it.';
  static override examples = ['<%= config.bin %> state rm vm.db01', '<%= config.bin %> state rm -dry-run vm.app'];
  static override strict = false;
  static override args = oclifArgs(STATE_RM_ARGS);
  static override flags = oclifFlags(STATE_RM_FLAG_SPECS);

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(StateRm);
    const { runStateRm } = await import('./rm-run.js');
    await runStateRm({ addresses: argv as string[] }, flags as unknown as ParsedFlags<typeof STATE_RM_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
