import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_MV_ARGS, STATE_MV_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StateMv extends DrctlCommand {
  static override summary = 'Rename a resource in the state, so a renamed block keeps its deployed object.';
  static override description =
    'Moves one instance, or a whole counted resource (vm.app → vm.web moves every instance). The destination must not exist and must be of the same type. Nothing in the cloud changes.';
  static override examples = ['<%= config.bin %> state mv vm.db01 vm.db02', '<%= config.bin %> state mv vm.app vm.web'];
  static override args = oclifArgs(STATE_MV_ARGS);
  static override flags = oclifFlags(STATE_MV_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateMv);
    const { runStateMv } = await import('./mv-run.js');
    await runStateMv(args as ParsedArgs<typeof STATE_MV_ARGS>, flags as unknown as ParsedFlags<typeof STATE_MV_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
