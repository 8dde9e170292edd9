// Reading state (snapshot + journal) and the session the apply engine writes through: every
// completed change is journaled at once (durable, cost proportional to the change) and commit()
// folds them into a new snapshot, bumping the serial only when content changed.

import { randomUUID } from 'node:crypto';
import type { LockRequest, StateBackend } from './backend.js';
import { StateMissingError, StateUnusableError, type LockInfo } from './errors.js';
import { isEncrypted, isEncryptedText } from './encryption.js';
import { parseState, serializeState, stateContentKey, STATE_FORMAT_VERSION } from './format.js';
import { encodeJournalEntry, encodeJournalHeader, foldJournal, type JournalEntry } from './journal.js';
import { canonicalJson, toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { parseAttributePath, redactAttributes } from './sensitive.js';
import { compareAddresses, emptyState, type DrState, type StateOutput, type StateResource } from './types.js';

export interface ReadStateResult {
  /** The snapshot with the journal folded in: what the last run really left behind. */
  readonly state: DrState;
  /** The snapshot as stored (null when only a journal exists: a first apply that crashed). */
  readonly snapshot: DrState | null;
  /** The format version the snapshot was in (null without a snapshot). */
  readonly formatVersion: number | null;
  readonly journal: {
    /** Whether journal storage held anything at all (even a torn fragment). */
    readonly present: boolean;
    readonly status: 'none' | 'folded' | 'stale';
    readonly entries: number;
    readonly tornTail: boolean;
  };
  readonly warnings: readonly string[];
}

/** Encrypted bytes reached a reader without keys (an EncryptedBackend decrypts before this). */
function noKey(location: string): StateUnusableError {
  return new StateUnusableError(
    'wrong-key',
    location,
    'Encrypted, and no encryption key is configured',
    'Configure the key it was written with: the encryption block of the drctl settings, or DRCTL_ENCRYPTION.',
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * Reads the latest state without locking (for plan and show). Throws StateMissingError when
 * there is no state at all, StateUnusableError when there is one that cannot be used.
 */
export async function readState(backend: StateBackend): Promise<ReadStateResult> {
  const bytes = await backend.read();
  let snapshot: DrState | null = null;
  let formatVersion: number | null = null;
  if (bytes) {
    if (isEncrypted(bytes)) throw noKey(backend.location);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new StateUnusableError('encoding', backend.location, 'Not UTF-8 text', 'A state file is UTF-8 JSON; this file holds other bytes. Restore the ".backup" beside it.');
    }
    const parsed = parseState(text, backend.location);
    if (!parsed.ok) throw parsed.error;
    snapshot = parsed.state;
    formatVersion = parsed.formatVersion;
  }
  const journal = await backend.readJournal();
  if (journal.records.some(isEncryptedText)) throw noKey(`${backend.location} (journal)`);
  const present = journal.records.length > 0 || journal.incompleteTail;
  if (!snapshot && !present) throw new StateMissingError(backend.location);
  const fold = foldJournal(
    snapshot,
    journal.records.map((r) => lenientUtf8.decode(r)),
    journal.incompleteTail,
    `${backend.location} (journal)`,
  );
  if (!snapshot && fold.status === 'none') throw new StateMissingError(backend.location);
  const warnings = [...fold.warnings];
  if (fold.status === 'folded') {
    warnings.push(`Recovered ${fold.entries} change${fold.entries === 1 ? '' : 's'} from the journal of an interrupted run.`);
  }
  if (formatVersion !== null && formatVersion < STATE_FORMAT_VERSION) {
    warnings.push(`The state is in format ${formatVersion}; it will be written in format ${STATE_FORMAT_VERSION} at its next change.`);
  }
  return {
    state: fold.state,
    snapshot,
    formatVersion,
    journal: { present, status: fold.status, entries: fold.entries, tornTail: fold.tornTail },
    warnings,
  };
}

export interface OpenStateOptions {
  /** Written into the file with each change. */
  readonly drctlVersion: string;
  /** The lock to hold for the session, or false for none (tests, single-user tools). */
  readonly lock: LockRequest | false;
  /** How long to wait for another run's lock (default 0: fail at once). */
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Lineage for a brand-new state (default: a random UUID). */
  readonly newLineage?: () => string;
  /**
   * Hides secrets (src/redact: values the run knows are secret, URL credentials) in lifecycle
   * snapshots and outputs as they are recorded. Resource attributes are what the configuration
   * asks of the cloud: their secrets are marked sensitive and stored as keyed hashes instead,
   * never rewritten as text.
   */
  readonly redact?: (value: JsonValue) => JsonValue;
}

/** What a resource looks like when the apply engine hands it over. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly dependencies?: readonly string[];
  readonly sensitiveAttributes?: readonly string[];
}

export interface CommitResult {
  /** False when nothing changed: the file was not touched at all. */
  readonly written: boolean;
  readonly serial: number;
}

/**
 * Locks (unless told not to), reads the state (a missing one starts empty with a new lineage),
 * and recovers an interrupted run's journal by compacting it at once.
 */
export async function openState(backend: StateBackend, options: OpenStateOptions): Promise<StateSession> {
  const grant = options.lock ? await backend.lock(options.lock, { timeoutMs: options.lockTimeoutMs, signal: options.signal }) : null;
  try {
    let read: ReadStateResult | null = null;
    try {
      read = await readState(backend);
    } catch (err) {
      if (!(err instanceof StateMissingError)) throw err;
    }
    const base = read?.snapshot ?? null;
    const current = read?.state ?? emptyState((options.newLineage ?? randomUUID)());
    const warnings = [...(grant?.warnings ?? []), ...(read?.warnings ?? [])];
    const session = new StateSession(backend, options.drctlVersion, base, current, read?.journal.present ?? false, grant?.lock ?? null, warnings, options.redact);
    if (read?.journal.present) await session.commit();
    return session;
  } catch (err) {
    if (grant) await backend.unlock(grant.lock.id).catch(() => undefined);
    await backend.close().catch(() => undefined);
    throw err;
  }
}

interface PendingRecord {
  readonly record: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class StateSession {
  private base: DrState;
  /** Content key of the snapshot on storage; null when there is none yet. */
  private baseKey: string | null;
  private readonly byAddress = new Map<string, StateResource>();
  private sorted: StateResource[] | null = null;
  private readonly lifecycleMap: Record<string, JsonValue>;
  private readonly outputMap: Record<string, StateOutput>;

  /** Journal writes and compactions run one after another on this chain. */
  private chain: Promise<void> = Promise.resolve();
  private pending: PendingRecord[] = [];
  private flushQueued = false;
  private journalStarted = false;
  private journalOnStorage: boolean;
  /** After a failed append the journal may end mid-record; nothing more is appended until commit. */
  private journalError: { error: unknown } | null = null;
  private closed = false;

  /** @internal use openState */
  constructor(
    private readonly backend: StateBackend,
    private readonly drctlVersion: string,
    snapshot: DrState | null,
    current: DrState,
    journalPresent: boolean,
    readonly lock: LockInfo | null,
    readonly warnings: readonly string[],
    private readonly redact: (value: JsonValue) => JsonValue = (v) => v,
  ) {
    this.base = snapshot ?? { ...emptyState(current.lineage), serial: current.serial };
    this.baseKey = snapshot ? stateContentKey(snapshot) : null;
    this.journalOnStorage = journalPresent;
    for (const r of current.resources) this.byAddress.set(r.address, r);
    this.lifecycleMap = { ...current.lifecycles };
    this.outputMap = { ...current.outputs };
  }

  get lineage(): string {
    return this.base.lineage;
  }

  /** The serial of the snapshot on storage. */
  get serial(): number {
    return this.base.serial;
  }

  /** Current resources, sorted by address. */
  get resources(): readonly StateResource[] {
    this.sorted ??= [...this.byAddress.values()].sort((a, b) => compareAddresses(a.address, b.address));
    return this.sorted;
  }

  resource(address: string): StateResource | undefined {
    return this.byAddress.get(address);
  }

  get lifecycles(): Readonly<Record<string, JsonValue>> {
    return { ...this.lifecycleMap };
  }

  lifecycle(key: string): JsonValue | undefined {
    return this.lifecycleMap[key];
  }

  get outputs(): Readonly<Record<string, StateOutput>> {
    return { ...this.outputMap };
  }

  /** The whole current state (serial: the stored snapshot's). */
  get state(): DrState {
    return {
      serial: this.base.serial,
      lineage: this.base.lineage,
      drctlVersion: this.base.drctlVersion,
      resources: this.resources,
      lifecycles: this.lifecycles,
      outputs: this.outputs,
    };
  }

  /**
   * Records a created or updated resource. Sensitive attributes are redacted before they are kept
   * anywhere. Resolves once the change is durable in the journal; a no-op change writes nothing.
   */
  upsert(change: ResourceChange): Promise<void> {
    this.assertOpen();
    const resource = normaliseResource(change, this.lineage);
    const previous = this.byAddress.get(resource.address);
    const entry: JournalEntry = { op: 'upsert', resource };
    const line = encodeJournalEntry(entry, this.lineage);
    if (previous && encodeJournalEntry({ op: 'upsert', resource: previous }, this.lineage) === line) return Promise.resolve();
    this.byAddress.set(resource.address, resource);
    this.sorted = null;
    return this.append(line);
  }

  remove(address: string): Promise<void> {
    this.assertOpen();
    if (!this.byAddress.delete(address)) return Promise.resolve();
    this.sorted = null;
    return this.append(encodeJournalEntry({ op: 'remove', address }, this.lineage));
  }

  /** Stores a persisted XState snapshot (undefined removes it). */
  setLifecycle(key: string, snapshot: unknown): Promise<void> {
    this.assertOpen();
    const value = snapshot === undefined || snapshot === null ? null : this.redact(toJsonValue(snapshot));
    const previous = this.lifecycleMap[key];
    if (value === null ? previous === undefined : previous !== undefined && canonicalJson(previous) === canonicalJson(value)) return Promise.resolve();
    if (value === null) delete this.lifecycleMap[key];
    else this.lifecycleMap[key] = value;
    return this.append(encodeJournalEntry({ op: 'lifecycle', key, snapshot: value }, this.lineage));
  }

  /** Sets an output (undefined removes it); a sensitive value is stored as its marker. */
  setOutput(name: string, output: { readonly value: unknown; readonly sensitive?: boolean } | undefined): Promise<void> {
    this.assertOpen();
    const previous = this.outputMap[name];
    if (output === undefined) {
      if (previous === undefined) return Promise.resolve();
      delete this.outputMap[name];
      return this.append(encodeJournalEntry({ op: 'output', name, output: null }, this.lineage));
    }
    // A sensitive output becomes its keyed hash (format.ts); any other is redacted like the rest.
    const stored: StateOutput = { value: output.sensitive ? toJsonValue(output.value) : this.redact(toJsonValue(output.value)), sensitive: output.sensitive ?? false };
    const line = encodeJournalEntry({ op: 'output', name, output: stored }, this.lineage);
    if (previous && encodeJournalEntry({ op: 'output', name, output: previous }, this.lineage) === line) return Promise.resolve();
    this.outputMap[name] = JSON.parse(line).output as StateOutput; // the redacted form
    return this.append(line);
  }

  /**
   * Compacts: writes a new snapshot when content changed (serial + 1) and clears the journal.
   * When nothing changed the snapshot is not touched: same bytes, same serial.
   */
  commit(): Promise<CommitResult> {
    this.assertOpen();
    return this.enqueue(() => this.compact());
  }

  /**
   * Writes a new, still empty state's file, so its lineage is durable before anything is made in
   * the cloud in its name (resources carry it in their identity tags): a run killed right after
   * its first create leaves a state that the next run continues, not a new lineage. A state
   * already on storage (file or journal) is left as it is.
   */
  persistLineage(): Promise<void> {
    this.assertOpen();
    return this.enqueue(async () => {
      if (this.baseKey !== null || this.journalStarted || this.journalOnStorage) return;
      const current = this.state;
      const next: DrState = { ...current, serial: this.base.serial + 1, drctlVersion: this.drctlVersion };
      await this.backend.write(encoder.encode(serializeState(next)));
      this.base = next;
      this.baseKey = stateContentKey(current);
    });
  }

  /** Resolves once every change so far is durable. */
  flush(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  /** Waits for journal writes, releases the lock and open files. Uncommitted changes stay in the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.backend.close();
    if (this.lock) await this.backend.unlock(this.lock.id);
  }

  private async compact(): Promise<CommitResult> {
    const current = this.state;
    const key = stateContentKey(current);
    const isEmpty = current.resources.length === 0 && Object.keys(current.lifecycles).length === 0 && Object.keys(current.outputs).length === 0;
    let written = false;
    if (this.baseKey === null ? !isEmpty : key !== this.baseKey) {
      const next: DrState = { ...current, serial: this.base.serial + 1, drctlVersion: this.drctlVersion };
      await this.backend.write(encoder.encode(serializeState(next)));
      this.base = next;
      this.baseKey = key;
      written = true;
    }
    if (this.journalOnStorage) await this.backend.clearJournal();
    this.journalOnStorage = false;
    this.journalStarted = false;
    this.journalError = null;
    return { written, serial: this.base.serial };
  }

  private append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record: encoder.encode(line), resolve, reject });
      if (this.flushQueued) return;
      this.flushQueued = true;
      void this.enqueue(() => this.flushPending());
    });
  }

  /** Group commit: everything that arrived while the previous append was syncing goes in one write. */
  private async flushPending(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      if (this.journalError) throw this.journalError.error;
      const records = batch.map((p) => p.record);
      if (!this.journalStarted) records.unshift(encoder.encode(encodeJournalHeader({ lineage: this.lineage, serial: this.base.serial })));
      this.journalOnStorage = true;
      await this.backend.appendJournal(records);
      this.journalStarted = true;
      for (const p of batch) p.resolve();
    } catch (error) {
      this.journalError ??= { error };
      for (const p of batch) p.reject(error);
    }
  }

  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.chain.then(task);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('StateSession is closed');
  }
}

/** Validates (a bad resource is a bug in the caller), copies to plain JSON and redacts. */
function normaliseResource(change: ResourceChange, lineage: string): StateResource {
  for (const field of ['address', 'type', 'name'] as const) {
    if (typeof change[field] !== 'string' || change[field] === '') throw new TypeError(`State resource needs a non-empty ${field}`);
  }
  if (typeof change.id !== 'string') throw new TypeError(`State resource ${change.address} needs a string id`);
  const sensitive = [...new Set(change.sensitiveAttributes ?? [])].sort(compareAddresses);
  for (const path of sensitive) {
    if (!parseAttributePath(path)) throw new TypeError(`State resource ${change.address}: "${path}" is not an attribute path`);
  }
  const attributes = toJsonValue(change.attributes) as JsonObject;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new TypeError(`State resource ${change.address}: attributes must be an object`);
  }
  return {
    address: change.address,
    type: change.type,
    name: change.name,
    id: change.id,
    attributes: redactAttributes(attributes, sensitive, lineage, change.address),
    dependencies: [...new Set(change.dependencies ?? [])].sort(compareAddresses),
    sensitiveAttributes: sensitive,
  };
}

