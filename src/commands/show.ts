import { DrctlCommand, oclifArgs, oclifFlags } from './base.js';
import { SHOW_ARGS, SHOW_OUTPUT_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from './flag-specs.js';

export default class ShowCommand extends DrctlCommand {
  static override summary = 'Show a saved plan or a state file as text or JSON; with no file, the current state.';
  static override args = oclifArgs(SHOW_ARGS);
  static override flags = oclifFlags(SHOW_OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ShowCommand);
    const { runShow } = await import('./show-run.js');
    await runShow(args as ParsedArgs<typeof SHOW_ARGS>, flags as unknown as ParsedFlags<typeof SHOW_OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
