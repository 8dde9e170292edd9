import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { ACCESS_GRANT_FLAG_SPECS, ACCESS_GRANT_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class AccessRevoke extends DrctlCommand {
  static override summary = 'Take a role from a user in a workspace (default: the current one).';
  static override examples = ['<%= config.bin %> access revoke bob operator -workspace prod'];
  static override args = oclifArgs(ACCESS_GRANT_ARGS);
  static override flags = oclifFlags(ACCESS_GRANT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AccessRevoke);
    const { runAccessRevoke } = await import('./run.js');
    await runAccessRevoke(args as ParsedArgs<typeof ACCESS_GRANT_ARGS>, flags as unknown as ParsedFlags<typeof ACCESS_GRANT_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
