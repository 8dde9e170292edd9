import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { ACCESS_GRANT_FLAG_SPECS, ACCESS_GRANT_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class AccessGrant extends DrctlCommand {
  static override summary = 'Grant a user a role in a workspace (default: the current one; -workspace * for all).';
  static override description =
    'Needs policy-write on "*". The first grant writes the first policy: grant yourself admin on "*" first, since a change that takes policy-write from you is refused.';
  static override examples = ['<%= config.bin %> access grant alice admin -workspace "*"', '<%= config.bin %> access grant bob operator -workspace prod'];
  static override args = oclifArgs(ACCESS_GRANT_ARGS);
  static override flags = oclifFlags(ACCESS_GRANT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AccessGrant);
    const { runAccessGrant } = await import('./run.js');
    await runAccessGrant(args as ParsedArgs<typeof ACCESS_GRANT_ARGS>, flags as unknown as ParsedFlags<typeof ACCESS_GRANT_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
