import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, VALIDATE_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class Validate extends DrctlCommand {
  static override summary = 'Check a DR configuration: syntax, references, types and domain rules.';
  static override examples = ['<%= config.bin %> validate plans/', '<%= config.bin %> validate --json'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(VALIDATE_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Validate);
    const { runValidate } = await import('./validate-run.js');
    await runValidate({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof VALIDATE_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
