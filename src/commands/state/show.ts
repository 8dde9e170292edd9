import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_SHOW_ARGS, STATE_SHOW_OUTPUT_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StateShow extends DrctlCommand {
  static override summary = "Show one resource's attributes as recorded in the state.";
  static override examples = ['<%= config.bin %> state show vm.db01', "<%= config.bin %> state show 'vm.app[0]'"];
  static override args = oclifArgs(STATE_SHOW_ARGS);
  static override flags = oclifFlags(STATE_SHOW_OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateShow);
    const { runStateShow } = await import('./show-run.js');
    await runStateShow(args as ParsedArgs<typeof STATE_SHOW_ARGS>, flags as unknown as ParsedFlags<typeof STATE_SHOW_OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
