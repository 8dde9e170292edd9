import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { ACCESS_PUSH_FLAG_SPECS, ACCESS_PUSH_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class AccessPush extends DrctlCommand {
  static override summary = 'Replace the access policy with a JSON document (custom roles, require_token, token hashes).';
  static override description = 'The document is checked strictly first; see docs/access.md. Needs policy-write on "*", under the current and the new policy.';
  static override examples = ['<%= config.bin %> access push policy.json'];
  static override args = oclifArgs(ACCESS_PUSH_ARGS);
  static override flags = oclifFlags(ACCESS_PUSH_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AccessPush);
    const { runAccessPush } = await import('./run.js');
    await runAccessPush(args as ParsedArgs<typeof ACCESS_PUSH_ARGS>, flags as unknown as ParsedFlags<typeof ACCESS_PUSH_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
