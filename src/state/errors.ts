// The typed failures of reading, writing and locking state. "No state" and "unusable state" are
// different errors: the first is normal for a new workspace, the second must stop the run.

import type { Diagnostic, Pos } from '../diag/index.js';

/** There is no state at this location (nothing was ever applied, or the path is wrong). */
export class StateMissingError extends Error {
  constructor(readonly location: string) {
    super(`No state found at ${location}`);
    this.name = 'StateMissingError';
  }
}

export type UnusableReason =
  | 'encoding' // not UTF-8
  | 'syntax' // not JSON
  | 'merge-conflict' // git conflict markers left in the file
  | 'not-an-object'
  | 'not-drctl' // e.g. a Terraform state file
  | 'unknown-format'
  | 'future-version' // written by a newer drctl
  | 'missing-lineage'
  | 'invalid-serial'
  | 'invalid-field'
  | 'duplicate-address'
  | 'journal-corrupt'
  | 'journal-mismatch' // the journal belongs to another state (different lineage)
  | 'journal-ahead' // the journal continues a snapshot newer than the one on disk
  | 'encryption-header' // an encrypted envelope whose header cannot be read
  | 'wrong-key' // encrypted with a key that is neither the primary nor a fallback
  | 'tampered' // the GCM tag does not match: the bytes were changed
  | 'plaintext-refused'; // plain state while encryption is enforced

/** The state exists but cannot be used; `summary` is a short phrase, `detail` says what to do. */
export class StateUnusableError extends Error {
  constructor(
    readonly reason: UnusableReason,
    readonly location: string,
    readonly summary: string,
    readonly detail: string,
    /** Where in the file, when the problem has a place (syntax errors, conflict markers). */
    readonly pos?: Pos,
  ) {
    super(`Unusable state at ${location}${pos ? `:${pos.line}:${pos.column}` : ''}: ${summary}. ${detail}`);
    this.name = 'StateUnusableError';
  }

  toDiagnostic(): Diagnostic {
    const subject = this.pos
      ? { filename: this.location, start: this.pos, end: { line: this.pos.line, column: this.pos.column + 1, byte: this.pos.byte + 1 } }
      : undefined;
    return { severity: 'error', summary: `Unusable state: ${this.summary}`, detail: this.detail, subject };
  }
}

export interface LockInfo {
  /** Random; needed to unlock or force-unlock. */
  readonly id: string;
  /** user@host */
  readonly holder: string;
  readonly pid: number;
  readonly host: string;
  /** What the holder is doing: "apply", "failover", "drill", … */
  readonly operation: string;
  /** ISO 8601 time the lock was taken. */
  readonly created: string;
  readonly workspace: string;
}

export function describeLock(lock: LockInfo): string {
  return `${lock.holder} (pid ${lock.pid} on ${lock.host}) for "${lock.operation}" since ${lock.created}, lock id ${lock.id}`;
}

/** Another run holds the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly lock: LockInfo,
    readonly location: string,
    readonly waitedMs: number,
  ) {
    super(
      `State at ${location} is locked by ${describeLock(lock)}` +
        (waitedMs > 0 ? ` (waited ${Math.round(waitedMs)} ms)` : '') +
        `. Wait for that run to finish; if it is gone, run "drctl force-unlock ${lock.id}".`,
    );
    this.name = 'LockHeldError';
  }
}

/** unlock/forceUnlock was given an id that is not the current lock's (or nothing is locked). */
export class LockMismatchError extends Error {
  constructor(
    readonly expectedId: string,
    readonly actual: LockInfo | null,
    readonly location: string,
  ) {
    super(
      actual
        ? `Lock id ${expectedId} does not match the lock on ${location}, which is held by ${describeLock(actual)}; nothing was unlocked.`
        : `State at ${location} is not locked (expected lock id ${expectedId}); nothing was unlocked.`,
    );
    this.name = 'LockMismatchError';
  }
}
