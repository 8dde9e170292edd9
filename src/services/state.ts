// The state operations behind `drctl state …` and `drctl force-unlock`: find the store the
// command means (state-location.ts), open the current workspace in it (workspace.ts), check the
// permission, run the operation (recorded in the audit log when it changes something), and turn
// domain errors into the user's.
import {
  describeLock,
  findLockToBreak,
  forceUnlockState,
  hasHistory,
  listState,
  moveInState,
  peekSnapshotMeta,
  pullState,
  pushState,
  removeFromState,
  showStateResource,
  showState,
  readOutputs,
  type DrState,
  type StateView,
  type ListOptions,
  type ListResult,
  type LockInfo,
  type MoveResult,
  type PullResult,
  type PushOptions,
  type PushResult,
  type RemoveResult,
  type ShowResult,
  type StateBackend,
} from '../state/index.js';
import { UserError, type Diagnostic } from '../diag/index.js';
import { asUserErrors } from './errors.js';
import { locateStorage, type StateLocationInput } from './state-location.js';
import { DRCTL_VERSION } from './version.js';
import { openWorkspace, type OpenWorkspace } from './workspace.js';

export interface LockedChange {
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Work out and report the change without locking or writing. */
  readonly dryRun?: boolean;
}

/** One stored version of the workspace's state, for `drctl state history`. */
export interface HistoryEntry {
  /** The backend's version number (PostgreSQL); for local files, null. */
  readonly version: number | null;
  /** For local files: "current" or "previous" (the .backup). */
  readonly label?: 'current' | 'previous';
  readonly serial: number | null;
  readonly lineage: string | null;
  /** ISO 8601; absent where the backend does not record it (local files). */
  readonly created?: string;
  readonly createdBy?: string;
  readonly bytes: number;
}

export interface HistoryResult {
  /** Newest first. */
  readonly versions: readonly HistoryEntry[];
  /** Whether the backend keeps every version (PostgreSQL), or only the current and previous one (local files). */
  readonly keepsEvery: boolean;
}

/** One state, found: what the state commands do to it. */
export interface StateTarget {
  /** Where the state is, for messages (a connection string is shown redacted). */
  readonly location: string;
  readonly workspace: string;
  /** From opening the store and the identity (a key file others can read, …). */
  readonly warnings: readonly string[];
  list(opts: ListOptions): Promise<ListResult>;
  show(address: string): Promise<ShowResult>;
  /** The whole state as text (`drctl show` without a plan file). */
  showAll(): Promise<StateView>;
  /** The outputs the last apply recorded (`drctl output`). */
  outputs(): Promise<{ readonly outputs: DrState['outputs']; readonly warnings: readonly string[] }>;
  remove(addresses: readonly string[], opts: LockedChange): Promise<RemoveResult>;
  move(from: string, to: string, opts: LockedChange): Promise<MoveResult>;
  /** The latest state, or the stored version with this serial. */
  pull(opts?: { readonly serial?: number }): Promise<PullResult>;
  push(text: string, source: string, opts: PushOptions): Promise<PushResult>;
  history(opts?: { readonly limit?: number }): Promise<HistoryResult>;
  /** The lock `id` names, and who holds it in words, for the confirmation prompt; fails when nothing is locked or it is another lock. */
  lockToBreak(id: string): Promise<{ readonly lock: LockInfo; readonly description: string }>;
  forceUnlock(id: string): Promise<LockInfo>;
  close(): Promise<void>;
}

/** The state was not found: the configuration cannot say where it is (the diagnostics say why). */
export interface StateNotFound {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  readonly message: string;
}

/** Finds the state a state command means: the current workspace of the configured store. Close the target when done. */
export async function findState(input: StateLocationInput): Promise<{ readonly target: StateTarget } | StateNotFound> {
  const where = locateStorage(input);
  if (!('settings' in where)) return where;
  const ws = await openWorkspace(where.settings, input, { statePath: input.statePath });
  return { target: stateTarget(ws) };
}

function stateTarget(ws: OpenWorkspace): StateTarget {
  const backend = ws.backend();
  /** A read: state-read, then the operation. */
  const read = <T>(action: string, work: (b: StateBackend) => Promise<T>) =>
    asUserErrors(async () => {
      await ws.allow(['state-read'], action);
      return work(backend);
    });
  /** A change: the permission, then the operation recorded in the audit log (a dry run changes nothing and is not). */
  const change = <T>(permission: 'state-write' | 'unlock', action: string, dryRun: boolean, work: () => Promise<T>, detail?: (r: T) => string) =>
    asUserErrors(async () => {
      await ws.allow([permission], action);
      return dryRun ? work() : ws.record(action, work, detail && ((r) => ({ outcome: 'ok', detail: detail(r) })));
    });
  return {
    location: backend.location,
    workspace: ws.name,
    warnings: ws.warnings,
    list: (opts) => read('state list', (b) => listState(b, opts)),
    show: (address) => read('state show', (b) => showStateResource(b, address)),
    showAll: () => read('show', (b) => showState(b)),
    outputs: () => read('output', (b) => readOutputs(b)),
    remove: (addresses, opts) =>
      change(
        'state-write',
        'state rm',
        opts.dryRun === true,
        () => removeFromState(backend, addresses, { ...opts, drctlVersion: DRCTL_VERSION }),
        (r) => `removed ${r.removed.join(', ')}`,
      ),
    move: (from, to, opts) =>
      change(
        'state-write',
        'state mv',
        opts.dryRun === true,
        () => moveInState(backend, from, to, { ...opts, drctlVersion: DRCTL_VERSION }),
        (r) => r.moves.map((m) => `${m.from} -> ${m.to}`).join(', '),
      ),
    pull: (opts = {}) => read('state pull', (b) => (opts.serial === undefined ? pullState(b) : pullSerial(b, opts.serial))),
    push: (text, source, opts) =>
      change(
        'state-write',
        'state push',
        false,
        () => pushState(backend, text, source, opts),
        (r) => (r.written ? `serial ${r.serial}, ${r.resources} resources${opts.force ? ' (forced)' : ''}` : 'unchanged'),
      ),
    history: (opts = {}) => read('state history', (b) => stateHistory(b, opts.limit ?? 100)),
    lockToBreak: (id) =>
      asUserErrors(async () => {
        await ws.allow(['unlock'], 'force-unlock');
        const lock = await findLockToBreak(backend, id);
        return { lock, description: describeLock(lock) };
      }),
    forceUnlock: (id) =>
      change(
        'unlock',
        'force-unlock',
        false,
        () => forceUnlockState(backend, id),
        (lock) => `lock ${lock.id} of ${lock.holder} (${lock.operation})`,
      ),
    close: async () => {
      await backend.close();
      await ws.close();
    },
  };
}

async function stateHistory(backend: StateBackend, limit: number): Promise<HistoryResult> {
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`-limit must be a whole number of at least 1; got ${limit}.`);
  if (hasHistory(backend)) {
    const versions = await backend.history({ limit });
    return { keepsEvery: true, versions: versions.map((v) => ({ ...v })) };
  }
  // Local files keep the current snapshot and the one before it (.backup).
  const versions: HistoryEntry[] = [];
  for (const [label, bytes] of [
    ['current', await backend.read()],
    ['previous', await backend.readPrevious()],
  ] as const) {
    if (bytes === null) continue;
    const meta = peekSnapshotMeta(bytes);
    versions.push({ version: null, label, serial: meta?.serial ?? null, lineage: meta?.lineage ?? null, bytes: bytes.byteLength });
  }
  return { keepsEvery: false, versions: versions.slice(0, limit) };
}

/** `state pull -serial N`: the stored snapshot with that serial, as it was written. */
async function pullSerial(backend: StateBackend, serial: number): Promise<PullResult> {
  if (!Number.isInteger(serial) || serial < 0) throw new UserError(`-serial must be a whole number of at least 0; got ${serial}.`);
  let bytes: Uint8Array | null = null;
  if (hasHistory(backend)) bytes = await backend.readSerial(serial);
  else {
    for (const candidate of [await backend.read(), await backend.readPrevious()]) {
      if (candidate !== null && peekSnapshotMeta(candidate)?.serial === serial) {
        bytes = candidate;
        break;
      }
    }
  }
  if (bytes === null) {
    throw new UserError(`No stored version of the state at ${backend.location} has serial ${serial}.`, [
      hasHistory(backend)
        ? 'drctl state history lists the stored versions.'
        : 'Local state files keep only the current version and the previous one (.backup); drctl state history lists them. The pg backend keeps every version.',
    ]);
  }
  return { text: Buffer.from(bytes).toString('utf8'), warnings: [] };
}
