import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_LIST_ARGS, STATE_LIST_OUTPUT_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class StateList extends DrctlCommand {
  static override summary = 'List the resources in the state, one address per line.';
  static override description =
    'With patterns, only the resources they select: an address (vm.db01), a resource with all its instances (vm.app), or a type (vm).';
  static override examples = ['<%= config.bin %> state list', '<%= config.bin %> state list vm', '<%= config.bin %> state list -id pvm-1234'];
  static override strict = false;
  static override args = oclifArgs(STATE_LIST_ARGS);
  static override flags = oclifFlags(STATE_LIST_OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(StateList);
    const { runStateList } = await import('./list-run.js');
    await runStateList({ patterns: argv as string[] }, flags as unknown as ParsedFlags<typeof STATE_LIST_OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
