import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_PULL_ARGS, STATE_PULL_OUTPUT_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StatePull extends DrctlCommand {
  static override summary = 'Print the state file to stdout, as drctl stores it.';
  static override examples = ['<%= config.bin %> state pull > backup.drstate.json', '<%= config.bin %> state pull -serial 3 > serial3.drstate.json'];
  static override args = oclifArgs(STATE_PULL_ARGS);
  static override flags = oclifFlags(STATE_PULL_OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StatePull);
    const { runStatePull } = await import('./pull-run.js');
    await runStatePull(args as ParsedArgs<typeof STATE_PULL_ARGS>, flags as unknown as ParsedFlags<typeof STATE_PULL_OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
