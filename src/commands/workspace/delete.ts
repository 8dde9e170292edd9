import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { WORKSPACE_DELETE_FLAG_SPECS, WORKSPACE_NAME_ARGS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class WorkspaceDelete extends DrctlCommand {
  static override summary = 'Delete a workspace and its state.';
  static override description =
    'Refuses the default and the current workspace, and one that still holds state unless -force (its resources would keep running, unmanaged). Needs state-write in it.';
  static override examples = ['<%= config.bin %> workspace delete staging', '<%= config.bin %> workspace delete -force staging'];
  static override args = oclifArgs(WORKSPACE_NAME_ARGS);
  static override flags = oclifFlags(WORKSPACE_DELETE_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(WorkspaceDelete);
    const { runWorkspaceDelete } = await import('./run.js');
    await runWorkspaceDelete(
      args as ParsedArgs<typeof WORKSPACE_NAME_ARGS>,
      flags as unknown as ParsedFlags<typeof WORKSPACE_DELETE_FLAG_SPECS>,
      this.argv,
      (code) => this.exit(code),
    );
  }
}
