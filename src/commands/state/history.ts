import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_HISTORY_ARGS, STATE_HISTORY_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StateHistory extends DrctlCommand {
  static override summary = "List the stored versions of the current workspace's state, newest first.";
  static override description =
    'The pg backend keeps every version (serial, lineage, when, by whom); local files keep the current version and the previous one (.backup). drctl state pull -serial N prints one.';
  static override examples = ['<%= config.bin %> state history', '<%= config.bin %> state history -limit 10 -json'];
  static override args = oclifArgs(STATE_HISTORY_ARGS);
  static override flags = oclifFlags(STATE_HISTORY_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateHistory);
    const { runStateHistory } = await import('./history-run.js');
    await runStateHistory(args as ParsedArgs<typeof STATE_HISTORY_ARGS>, flags as unknown as ParsedFlags<typeof STATE_HISTORY_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
