import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { WORKSPACE_SELECT_FLAG_SPECS, WORKSPACE_NAME_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class WorkspaceSelect extends DrctlCommand {
  static override summary = 'Make a workspace the current one (kept in .drctl/workspace).';
  static override examples = ['<%= config.bin %> workspace select prod'];
  static override args = oclifArgs(WORKSPACE_NAME_ARGS);
  static override flags = oclifFlags(WORKSPACE_SELECT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(WorkspaceSelect);
    const { runWorkspaceSelect } = await import('./run.js');
    await runWorkspaceSelect(
      args as ParsedArgs<typeof WORKSPACE_NAME_ARGS>,
      flags as unknown as ParsedFlags<typeof WORKSPACE_SELECT_FLAG_SPECS>,
      this.argv,
      (code) => this.exit(code),
    );
  }
}
