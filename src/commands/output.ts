import { DrctlCommand, oclifArgs, oclifFlags } from './base.js';
import { OUTPUT_ARGS, OUTPUT_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from './flag-specs.js';

export default class OutputCommand extends DrctlCommand {
  static override summary = 'Print the output values the last apply recorded in the state.';
  static override description = 'Sensitive outputs print as <sensitive>: the state keeps only a keyed hash of them, never the value.';
  static override examples = ['<%= config.bin %> output', '<%= config.bin %> output dr_workspace', '<%= config.bin %> output -json'];
  static override args = oclifArgs(OUTPUT_ARGS);
  static override flags = oclifFlags(OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(OutputCommand);
    const { runOutput } = await import('./output-run.js');
    await runOutput(args as ParsedArgs<typeof OUTPUT_ARGS>, flags as unknown as ParsedFlags<typeof OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
