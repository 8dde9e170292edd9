// Appending to the audit log through the state store's AuditStorage, which serialises appends
// across processes, so each record's `prev` is the hash of the record really before it.

import type { AuditStorage } from '../state/store.js';
import { checkEntry, encodeRecord, GENESIS, hashOf, safeDetail, type AuditEntry, type AuditRecord } from './record.js';

export interface AppendOptions {
  readonly now?: () => Date;
  /** Values that must never be written (a connection string, a passphrase): masked in `detail`. */
  readonly secrets?: readonly string[];
}

/** Appends one record; returns it as stored. */
export async function appendAudit(storage: AuditStorage, entry: AuditEntry, options: AppendOptions = {}): Promise<AuditRecord> {
  checkEntry(entry);
  const now = options.now ?? (() => new Date());
  let appended: AuditRecord | undefined;
  await storage.append((lastBytes) => {
    const last = lastBytes === null ? null : lastLink(lastBytes);
    const body = {
      seq: last === null ? 1 : last.seq + 1,
      time: now().toISOString(),
      who: entry.who,
      via: entry.via,
      action: entry.action,
      workspace: entry.workspace,
      outcome: entry.outcome,
      ...(entry.detail === undefined ? {} : { detail: safeDetail(entry.detail, options.secrets) }),
      prev: last === null ? GENESIS : last.hash,
    };
    appended = { ...body, hash: hashOf(body) };
    return new TextEncoder().encode(encodeRecord(appended));
  });
  return appended!;
}

/** The last record cannot be read, so no record can be chained onto it. */
export class AuditLogDamagedError extends Error {
  constructor() {
    super(
      'The last record of the audit log cannot be read, so nothing can be chained onto it. Run "drctl audit verify" to see the damage; the log must be repaired from a copy.',
    );
    this.name = 'AuditLogDamagedError';
  }
}

/**
 * Throws AuditLogDamagedError when the next record could not be chained onto the log, so a
 * service can refuse to start what it could not record (reads the last record only).
 */
export async function assertAuditWritable(storage: AuditStorage): Promise<void> {
  const last = await storage.last();
  if (last !== null) lastLink(last);
}

/** The seq and hash the next record continues from. */
function lastLink(bytes: Uint8Array): { seq: number; hash: string } {
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as { seq?: unknown; hash?: unknown };
    if (Number.isSafeInteger(r.seq) && (r.seq as number) > 0 && typeof r.hash === 'string' && /^[0-9a-f]{64}$/.test(r.hash))
      return { seq: r.seq as number, hash: r.hash };
  } catch {
    // fall through
  }
  throw new AuditLogDamagedError();
}

export interface AuditedRun<T> {
  readonly result: T;
  readonly record: AuditRecord;
}

/**
 * Runs `work` and records how it ended: ok, failed (with the error message, scrubbed), or
 * interrupted (an AbortError). The error is rethrown after it is recorded.
 */
export async function audited<T>(
  storage: AuditStorage,
  entry: Omit<AuditEntry, 'outcome' | 'detail'>,
  work: () => Promise<T>,
  options: AppendOptions & { readonly detail?: (result: T) => string | undefined } = {},
): Promise<AuditedRun<T>> {
  let result: T;
  try {
    result = await work();
  } catch (err) {
    const interrupted = (err as Error)?.name === 'AbortError';
    await appendAudit(storage, { ...entry, outcome: interrupted ? 'interrupted' : 'failed', detail: (err as Error)?.message ?? String(err) }, options);
    throw err;
  }
  const record = await appendAudit(storage, { ...entry, outcome: 'ok', detail: options.detail?.(result) }, options);
  return { result, record };
}
