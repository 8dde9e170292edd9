// The audit log: every mutating command and DR run appends who did what, when, in which
// workspace and how it ended, hash-chained so that verifyAudit finds any edit, deletion or
// reordering. Stored by the state store (a file beside local state, a table in PostgreSQL).
export { AUDIT_FORMAT, GENESIS, OUTCOMES, safeDetail, hashOf, encodeRecord, type AuditEntry, type AuditRecord, type Outcome } from './record.js';
export { appendAudit, audited, assertAuditWritable, AuditLogDamagedError, type AppendOptions, type AuditedRun } from './log.js';
export { verifyAudit, type AuditVerification, type AuditProblem, type AuditHead } from './verify.js';
