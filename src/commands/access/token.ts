import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { ACCESS_TOKEN_FLAG_SPECS, ACCESS_TOKEN_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class AccessToken extends DrctlCommand {
  static override summary = 'Make a new token for a user: its hash goes into the policy, the token is printed once.';
  static override examples = ['<%= config.bin %> access token ci > ci.token && chmod 600 ci.token'];
  static override args = oclifArgs(ACCESS_TOKEN_ARGS);
  static override flags = oclifFlags(ACCESS_TOKEN_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AccessToken);
    const { runAccessToken } = await import('./run.js');
    await runAccessToken(args as ParsedArgs<typeof ACCESS_TOKEN_ARGS>, flags as unknown as ParsedFlags<typeof ACCESS_TOKEN_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
