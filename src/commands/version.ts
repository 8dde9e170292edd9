import { DrctlCommand, oclifFlags } from './base.js';
import { VERSION_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class VersionCommand extends DrctlCommand {
  static override summary = "Print drctl's version (also drctl -version).";
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version -json'];
  static override flags = oclifFlags(VERSION_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(VersionCommand);
    const { runVersion } = await import('./version-run.js');
    runVersion(flags as unknown as ParsedFlags<typeof VERSION_FLAG_SPECS>);
  }
}
