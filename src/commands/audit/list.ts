import { DrctlCommand, oclifFlags } from '../base.js';
import { AUDIT_LIST_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class AuditList extends DrctlCommand {
  static override summary = 'Print the audit log: who did what, when, in which workspace, and how it ended.';
  static override examples = ['<%= config.bin %> audit list', '<%= config.bin %> audit list -limit 20 -workspace prod', '<%= config.bin %> audit list -json'];
  static override flags = oclifFlags(AUDIT_LIST_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditList);
    const { runAuditList } = await import('./run.js');
    await runAuditList(flags as unknown as ParsedFlags<typeof AUDIT_LIST_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
