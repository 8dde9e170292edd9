// Verifying the audit log's hash chain. Any edit of a record changes its hash; deleting or
// moving one breaks the `prev` link of the record after it; the first bad record is named.
// What a chain alone cannot show is the loss of its newest records (or a rewrite of the whole
// tail with recomputed hashes): for that, compare with an anchor, the head (seq and hash) that
// an earlier verify printed and someone kept elsewhere.

import { GENESIS, hashOf, OUTCOMES, type AuditRecord } from './record.js';

export type AuditProblem = 'unreadable' | 'edited' | 'deleted' | 'reordered' | 'truncated';

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly head: AuditHead | null; readonly records: readonly AuditRecord[] }
  | {
      readonly ok: false;
      readonly count: number;
      readonly problem: {
        readonly reason: AuditProblem;
        /** 1-based position in the log (the line of a local audit file). */
        readonly line: number;
        /** The seq the record claims, when it can be read. */
        readonly seq: number | null;
        readonly message: string;
      };
    };

const FIELDS = new Set(['seq', 'time', 'who', 'via', 'action', 'workspace', 'outcome', 'detail', 'prev', 'hash']);

export function verifyAudit(raw: readonly Uint8Array[], options: { readonly anchor?: AuditHead } = {}): AuditVerification {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parsed: Array<AuditRecord | null> = raw.map((bytes) => {
    try {
      return shape(JSON.parse(decoder.decode(bytes)));
    } catch {
      return null;
    }
  });
  const fail = (reason: AuditProblem, index: number, message: string): AuditVerification => ({
    ok: false,
    count: raw.length,
    problem: { reason, line: index + 1, seq: parsed[index]?.seq ?? null, message },
  });
  let prev = GENESIS;
  for (let i = 0; i < parsed.length; i++) {
    const r = parsed[i];
    const at = `record ${i + 1}`;
    if (r === null) return fail('unreadable', i, `${at} cannot be read: it is not an audit record (damaged or written by hand).`);
    const expectedSeq = i + 1;
    if (hashOf(r) !== r.hash) return fail('edited', i, `${at} (seq ${r.seq}) was changed after it was written: its content does not match its hash.`);
    if (r.prev !== prev || r.seq !== expectedSeq) {
      if (r.seq === expectedSeq && i > 0) {
        // In order, yet the link is broken: the record before was changed and its hash recomputed.
        return fail(
          'edited',
          i - 1,
          `record ${i} (seq ${i}) was changed after record ${i + 1} was written: its hash is no longer the one record ${i + 1} links to.`,
        );
      }
      if (r.seq > expectedSeq && !parsed.some((p, j) => j > i && p?.seq === expectedSeq)) {
        const missing = r.seq - expectedSeq === 1 ? `seq ${expectedSeq} is` : `seq ${expectedSeq} to ${r.seq - 1} are`;
        return fail('deleted', i, `records were deleted before ${at}: ${missing} missing.`);
      }
      return fail('reordered', i, `${at} is out of place: it is seq ${r.seq} where seq ${expectedSeq} belongs (records were moved or copied).`);
    }
    prev = r.hash;
  }
  const records = parsed as AuditRecord[];
  const head = records.length ? { seq: records[records.length - 1].seq, hash: records[records.length - 1].hash } : null;
  const anchor = options.anchor;
  if (anchor) {
    const at = records[anchor.seq - 1];
    if (!at)
      return {
        ok: false,
        count: raw.length,
        problem: {
          reason: 'truncated',
          line: raw.length,
          seq: head?.seq ?? null,
          message: `the log ends at seq ${head?.seq ?? 0}, before the anchor seq ${anchor.seq}: its newest records were removed.`,
        },
      };
    if (at.hash !== anchor.hash) {
      return {
        ok: false,
        count: raw.length,
        problem: {
          reason: 'edited',
          line: anchor.seq,
          seq: anchor.seq,
          message: `record ${anchor.seq} is not the one the anchor names: the log was rewritten up to there.`,
        },
      };
    }
  }
  return { ok: true, count: raw.length, head, records };
}

/** The record, if the value has exactly the record's fields with the right types. */
function shape(v: unknown): AuditRecord | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const r = v as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!FIELDS.has(key)) return null;
  const str = (k: string) => typeof r[k] === 'string';
  if (!Number.isSafeInteger(r.seq) || !['time', 'who', 'via', 'action', 'workspace', 'outcome', 'prev', 'hash'].every(str)) return null;
  if (r.detail !== undefined && typeof r.detail !== 'string') return null;
  if (!(OUTCOMES as readonly string[]).includes(r.outcome as string)) return null;
  // Keys in another order are still the same record: the hash is over the canonical text.
  return r as unknown as AuditRecord;
}
