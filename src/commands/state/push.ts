import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_PUSH_ARGS, STATE_PUSH_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StatePush extends DrctlCommand {
  static override summary = 'Replace the state with a local file (or - for stdin).';
  static override description =
    'Refuses a file of another lineage, with a lower serial, or with the same serial and other content, unless -force is given. The state is locked while it is replaced, and written atomically; the previous version is kept as <state>.backup.';
  static override examples = ['<%= config.bin %> state push fixed.drstate.json', '<%= config.bin %> state pull | jq … | <%= config.bin %> state push -'];
  static override args = oclifArgs(STATE_PUSH_ARGS);
  static override flags = oclifFlags(STATE_PUSH_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StatePush);
    const { runStatePush } = await import('./push-run.js');
    await runStatePush(args as ParsedArgs<typeof STATE_PUSH_ARGS>, flags as unknown as ParsedFlags<typeof STATE_PUSH_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
