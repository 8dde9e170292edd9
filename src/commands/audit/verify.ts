import { DrctlCommand, oclifFlags } from '../base.js';
import { AUDIT_VERIFY_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class AuditVerify extends DrctlCommand {
  static override summary = "Check the audit log's hash chain: finds any edited, deleted or reordered record.";
  static override description =
    'Exit 0 when the chain is whole, 1 when a record was changed, removed or moved. Keep the head it prints somewhere else and pass it as -anchor later: that also finds the newest records removed.';
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify -anchor 42:5d41402abc4b2a76b9719d911017c592…'];
  static override flags = oclifFlags(AUDIT_VERIFY_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditVerify);
    const { runAuditVerify } = await import('./run.js');
    await runAuditVerify(flags as unknown as ParsedFlags<typeof AUDIT_VERIFY_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
