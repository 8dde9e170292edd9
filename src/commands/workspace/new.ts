import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { WORKSPACE_NEW_FLAG_SPECS, WORKSPACE_NAME_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class WorkspaceNew extends DrctlCommand {
  static override summary = 'Create a workspace (an empty state of its own) and select it.';
  static override description = 'Needs state-write in the new workspace. The selection is kept in .drctl/workspace; DRCTL_WORKSPACE overrides it.';
  static override examples = ['<%= config.bin %> workspace new prod'];
  static override args = oclifArgs(WORKSPACE_NAME_ARGS);
  static override flags = oclifFlags(WORKSPACE_NEW_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(WorkspaceNew);
    const { runWorkspaceNew } = await import('./run.js');
    await runWorkspaceNew(args as ParsedArgs<typeof WORKSPACE_NAME_ARGS>, flags as unknown as ParsedFlags<typeof WORKSPACE_NEW_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
