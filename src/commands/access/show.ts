import { DrctlCommand, oclifFlags } from '../base.js';
import { ACCESS_SHOW_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class AccessShow extends DrctlCommand {
  static override summary = 'Show who you are and what you may do in the current workspace (and the whole policy, with policy-write).';
  static override examples = ['<%= config.bin %> access show', '<%= config.bin %> access show -json > policy.json'];
  static override flags = oclifFlags(ACCESS_SHOW_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(AccessShow);
    const { runAccessShow } = await import('./run.js');
    await runAccessShow(flags as unknown as ParsedFlags<typeof ACCESS_SHOW_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
