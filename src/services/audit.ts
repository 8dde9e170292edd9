// `drctl audit verify` and `drctl audit list`: the store's hash-chained audit log, checked or
// read. Both need audit-read in the current workspace; a listing holds only the records of
// workspaces the identity may read the audit of.
import { UserError } from '../diag/index.js';
import { verifyAudit, type AuditHead, type AuditRecord, type AuditVerification } from '../audit/index.js';
import type { StateLocationInput } from './state-location.js';
import { withLocatedWorkspace, type StorageNotFound } from './workspace.js';

type Located<T> = Promise<{ readonly value: T } | StorageNotFound>;

export interface AuditVerifyOutcome {
  readonly verification: AuditVerification;
  readonly location: string;
}

/** Parses `SEQ:HASH` as printed by an earlier verify. */
export function parseAnchor(text: string): AuditHead {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new UserError(`-anchor "${text}" is not SEQ:HASH as drctl audit verify prints it (e.g. 42:5d41…, 64 hex digits).`);
  return { seq: Number(m[1]), hash: m[2] };
}

export function verifyAuditService(input: StateLocationInput, opts: { readonly anchor?: string }): Located<AuditVerifyOutcome> {
  const anchor = opts.anchor === undefined ? undefined : parseAnchor(opts.anchor);
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['audit-read'], 'audit verify');
    return { verification: verifyAudit(await ws.store.audit.read(), { anchor }), location: ws.store.location };
  });
}

export interface AuditListing {
  /** Oldest first. */
  readonly records: readonly AuditRecord[];
  /** Lines that are not records (drctl audit verify says where). */
  readonly unreadable: number;
  /** Records of workspaces the identity may not read the audit of. */
  readonly hidden: number;
}

export function listAuditService(input: StateLocationInput, opts: { readonly limit?: number; readonly workspace?: string }): Located<AuditListing> {
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['audit-read'], 'audit list');
    const records: AuditRecord[] = [];
    let unreadable = 0;
    let hidden = 0;
    for (const bytes of await ws.store.audit.read()) {
      let r: AuditRecord;
      try {
        r = JSON.parse(Buffer.from(bytes).toString('utf8')) as AuditRecord;
        if (typeof r !== 'object' || r === null || typeof r.workspace !== 'string') throw new Error('not a record');
      } catch {
        unreadable++;
        continue;
      }
      if (opts.workspace !== undefined && r.workspace !== opts.workspace) continue;
      if (!ws.access.check('audit-read', r.workspace).allowed) {
        hidden++;
        continue;
      }
      records.push(r);
    }
    return { records: opts.limit !== undefined ? records.slice(-opts.limit) : records, unreadable, hidden };
  });
}
