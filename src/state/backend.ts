// Where state is stored. A backend moves opaque bytes (a snapshot, journal records) and owns the
// lock; it never parses state, so encryption at rest can wrap any backend, and a PostgreSQL
// backend fits the same shape: `workspace` selects the row set, `write` inserts a new version
// (every version kept), the journal is a table of records, and `lock` is an advisory lock.

import type { LockInfo } from './errors.js';

export interface LockRequest {
  /** What the run is doing: "apply", "failover", "drill", "state rm", … */
  readonly operation: string;
  /** Defaults to user@host of this process. */
  readonly holder?: string;
}

export interface LockOptions {
  /** How long to keep retrying while another run holds the lock; 0 (the default) fails at once. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface LockGrant {
  readonly lock: LockInfo;
  /** E.g. that a stale lock of a dead process was taken over. */
  readonly warnings: readonly string[];
}

export interface JournalRecords {
  /** Complete records, oldest first. */
  readonly records: readonly Uint8Array[];
  /** The storage ended in an incomplete record (a torn write), which was left out. */
  readonly incompleteTail: boolean;
}

export interface StateBackend {
  /** Where the state lives, for messages ("state/prod.drstate", "postgres://…/drctl#prod"). */
  readonly location: string;
  readonly workspace: string;

  /** The latest snapshot, or null when there is none. */
  read(): Promise<Uint8Array | null>;
  /** Replaces the snapshot atomically (readers see the old or the new bytes, never a mix) and durably. */
  write(snapshot: Uint8Array): Promise<void>;
  /** The version before the latest write, when the backend keeps one. */
  readPrevious(): Promise<Uint8Array | null>;

  /** Appends records durably, in order. A record must not contain a newline byte. */
  appendJournal(records: readonly Uint8Array[]): Promise<void>;
  readJournal(): Promise<JournalRecords>;
  clearJournal(): Promise<void>;

  /** Takes the lock, waiting up to `timeoutMs`; throws LockHeldError when it stays held. */
  lock(request: LockRequest, options?: LockOptions): Promise<LockGrant>;
  /** Releases our lock; throws LockMismatchError when the id is not the current lock's. */
  unlock(id: string): Promise<void>;
  /** Breaks someone else's lock, only when `id` matches it (the id is shown in LockHeldError). */
  forceUnlock(id: string): Promise<void>;
  /** The current lock, or null. */
  readLock(): Promise<LockInfo | null>;

  /** Releases open handles (not the lock). */
  close(): Promise<void>;
}
