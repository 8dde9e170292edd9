import { DrctlCommand, oclifArgs, oclifFlags } from './base.js';
import { IMPORT_ARGS, IMPORT_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from './flag-specs.js';

export default class ImportCommand extends DrctlCommand {
  static override summary = 'Take a VM drctl did not create under the configuration, at ADDRESS.';
  static override description =
    'drctl adopts only what carries its own identity (user tags it writes on create), never a resource that merely has the same name. Import is the explicit way to take one over: the VM is read from the cloud and recorded at the address; the next plan shows the changes that make it match the configuration.';
  static override examples = ['<%= config.bin %> import vm.ldap01 6f1c2b9e-0000-4000-8000-000000000001', '<%= config.bin %> import vm.app[2] 6f1c2b9e-… plans'];
  static override args = oclifArgs(IMPORT_ARGS);
  static override flags = oclifFlags(IMPORT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImportCommand);
    const { runImport } = await import('./import-run.js');
    await runImport(args as ParsedArgs<typeof IMPORT_ARGS>, flags as unknown as ParsedFlags<typeof IMPORT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
