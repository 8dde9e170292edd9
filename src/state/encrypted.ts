// Encryption at rest over any backend: snapshots and every journal record are AES-256-GCM
// envelopes (journal records in their text form, so they stay newline-free lines). The backend
// below only ever sees ciphertext, plus the serial and lineage of each snapshot for its history.
// Locks are not encrypted: they hold who, where and what, which other users must be able to read.

import type { JournalRecords, LockGrant, LockOptions, LockRequest, SnapshotMeta, StateBackend, StateHistory, StateVersion } from './backend.js';
import { hasHistory } from './backend.js';
import { decryptBytes, decryptText, encryptBytes, encryptText, EncryptionError, type Keyring } from './encryption.js';
import { StateUnusableError, type LockInfo } from './errors.js';
import { peekSnapshotMeta } from './meta.js';
import type { AuditStorage, BackendIdentity, DeleteWorkspaceOptions, DocumentName, StateStore } from './store.js';

export class EncryptedBackend implements StateBackend, StateHistory {
  constructor(
    readonly inner: StateBackend,
    readonly keyring: Keyring,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  get workspace(): string {
    return this.inner.workspace;
  }

  async read(): Promise<Uint8Array | null> {
    return this.open(await this.inner.read(), this.location);
  }

  async readPrevious(): Promise<Uint8Array | null> {
    return this.open(await this.inner.readPrevious(), `${this.location} (previous version)`);
  }

  async write(snapshot: Uint8Array, meta?: SnapshotMeta): Promise<void> {
    const known = meta ?? peekSnapshotMeta(snapshot) ?? undefined;
    await this.inner.write(await encryptBytes(snapshot, this.keyring), known);
  }

  async appendJournal(records: readonly Uint8Array[]): Promise<void> {
    const sealed: Uint8Array[] = [];
    for (const record of records) sealed.push(await encryptText(record, this.keyring));
    await this.inner.appendJournal(sealed);
  }

  async readJournal(): Promise<JournalRecords> {
    const { records, incompleteTail } = await this.inner.readJournal();
    const plain: Uint8Array[] = [];
    for (const [i, record] of records.entries()) {
      try {
        plain.push((await decryptText(record, this.keyring)).bytes);
      } catch (err) {
        throw unusable(err, `${this.location} (journal record ${i + 1})`);
      }
    }
    return { records: plain, incompleteTail };
  }

  clearJournal(): Promise<void> {
    return this.inner.clearJournal();
  }

  lock(request: LockRequest, options?: LockOptions): Promise<LockGrant> {
    return this.inner.lock(request, options);
  }

  unlock(id: string): Promise<void> {
    return this.inner.unlock(id);
  }

  forceUnlock(id: string): Promise<void> {
    return this.inner.forceUnlock(id);
  }

  readLock(): Promise<LockInfo | null> {
    return this.inner.readLock();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  history(options?: { readonly limit?: number }): Promise<readonly StateVersion[]> {
    return this.versioned().history(options);
  }

  async readSerial(serial: number, lineage?: string): Promise<Uint8Array | null> {
    return this.open(await this.versioned().readSerial(serial, lineage), `${this.location} (serial ${serial})`);
  }

  async readVersion(version: number): Promise<Uint8Array | null> {
    return this.open(await this.versioned().readVersion(version), `${this.location} (version ${version})`);
  }

  /** Whether the backend below keeps history (this wrapper has the methods either way). */
  get keepsHistory(): boolean {
    return hasHistory(this.inner);
  }

  private versioned(): StateHistory {
    if (!hasHistory(this.inner)) throw new Error(`The backend at ${this.location} keeps no history of versions`);
    return this.inner;
  }

  private async open(bytes: Uint8Array | null, where: string): Promise<Uint8Array | null> {
    if (bytes === null) return null;
    try {
      return (await decryptBytes(bytes, this.keyring)).bytes;
    } catch (err) {
      throw unusable(err, where);
    }
  }
}

/** An EncryptionError as the state's "unusable" error, so commands report it like any damaged state. */
function unusable(err: unknown, where: string): unknown {
  if (!(err instanceof EncryptionError)) return err;
  return new StateUnusableError(err.reason, where, err.summary, err.detail);
}

/**
 * A store whose workspace states and documents (the access policy) are encrypted. The audit log
 * is not: it holds no secrets by construction, and must stay verifiable by anyone allowed to
 * read it.
 */
export class EncryptedStateStore implements StateStore {
  constructor(
    readonly inner: StateStore,
    readonly keyring: Keyring,
  ) {}

  get kind(): StateStore['kind'] {
    return this.inner.kind;
  }

  get location(): string {
    return this.inner.location;
  }

  get audit(): AuditStorage {
    return this.inner.audit;
  }

  backend(workspace: string, options?: BackendIdentity): EncryptedBackend {
    return new EncryptedBackend(this.inner.backend(workspace, options), this.keyring);
  }

  listWorkspaces(): Promise<readonly string[]> {
    return this.inner.listWorkspaces();
  }

  createWorkspace(name: string): Promise<void> {
    return this.inner.createWorkspace(name);
  }

  workspaceHasState(name: string): Promise<boolean> {
    return this.inner.workspaceHasState(name);
  }

  deleteWorkspace(name: string, options?: DeleteWorkspaceOptions): Promise<void> {
    return this.inner.deleteWorkspace(name, options);
  }

  async readDocument(name: DocumentName): Promise<Uint8Array | null> {
    const bytes = await this.inner.readDocument(name);
    if (bytes === null) return null;
    try {
      return (await decryptBytes(bytes, this.keyring)).bytes;
    } catch (err) {
      if (!(err instanceof EncryptionError)) throw err;
      throw new EncryptionError(err.reason, `The ${name} in ${this.location}: ${err.summary}`, err.detail);
    }
  }

  async writeDocument(name: DocumentName, bytes: Uint8Array, writtenBy: string): Promise<void> {
    await this.inner.writeDocument(name, await encryptBytes(bytes, this.keyring), writtenBy);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
