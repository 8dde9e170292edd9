import { DrctlCommand, oclifFlags } from '../base.js';
import { WORKSPACE_SHOW_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class WorkspaceShow extends DrctlCommand {
  static override summary = 'Print the current workspace.';
  static override examples = ['<%= config.bin %> workspace show'];
  static override flags = oclifFlags(WORKSPACE_SHOW_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(WorkspaceShow);
    const { runWorkspaceShow } = await import('./run.js');
    await runWorkspaceShow(flags as unknown as ParsedFlags<typeof WORKSPACE_SHOW_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
