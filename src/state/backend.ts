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

/** What a snapshot is, told to the backend beside its (possibly encrypted) bytes. */
export interface SnapshotMeta {
  readonly serial: number;
  readonly lineage: string;
}

/** One stored version of a workspace's state. */
export interface StateVersion {
  /** The backend's own counter, 1, 2, 3, … per workspace (a pushed older state gets a new one). */
  readonly version: number;
  /** The state's serial and lineage; null when the bytes did not say (not a drctl state). */
  readonly serial: number | null;
  readonly lineage: string | null;
  /** ISO 8601 time of the write. */
  readonly created: string;
  /** Who wrote it (the identity drctl ran as). */
  readonly createdBy: string;
  readonly bytes: number;
}

/** A backend that keeps every version (PostgreSQL); `drctl state history` and `state pull -serial N`. */
export interface StateHistory {
  /** Newest first, at most `limit` (default 100). */
  history(options?: { readonly limit?: number }): Promise<readonly StateVersion[]>;
  /** The newest stored version with this serial (and lineage, when given), or null. */
  readSerial(serial: number, lineage?: string): Promise<Uint8Array | null>;
  readVersion(version: number): Promise<Uint8Array | null>;
}

export function hasHistory(backend: StateBackend): backend is StateBackend & StateHistory {
  // A wrapper (encryption) has the methods either way and says whether the backend below keeps history.
  const b = backend as Partial<StateHistory> & { readonly keepsHistory?: boolean };
  return b.keepsHistory !== false && typeof b.history === 'function' && typeof b.readSerial === 'function' && typeof b.readVersion === 'function';
}

export interface StateBackend {
  /** Where the state lives, for messages ("state/prod.drstate", "postgres://…/drctl#prod"). */
  readonly location: string;
  readonly workspace: string;

  /** The latest snapshot, or null when there is none. */
  read(): Promise<Uint8Array | null>;
  /**
   * Replaces the snapshot atomically (readers see the old or the new bytes, never a mix) and durably.
   * `meta` names the serial and lineage inside the bytes, for backends that keep a history (the
   * bytes may be encrypted, and a backend never parses state); without it they are read from the
   * head of plain bytes (peekSnapshotMeta).
   */
  write(snapshot: Uint8Array, meta?: SnapshotMeta): Promise<void>;
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
