import { DrctlCommand, oclifFlags } from '../base.js';
import { WORKSPACE_LIST_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class WorkspaceList extends DrctlCommand {
  static override summary = 'List the workspaces you may read; the current one is marked with *.';
  static override examples = ['<%= config.bin %> workspace list', '<%= config.bin %> workspace list --json'];
  static override flags = oclifFlags(WORKSPACE_LIST_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(WorkspaceList);
    const { runWorkspaceList } = await import('./run.js');
    await runWorkspaceList(flags as unknown as ParsedFlags<typeof WORKSPACE_LIST_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
