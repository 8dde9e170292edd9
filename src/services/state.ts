// The state operations behind `drctl state …` and `drctl force-unlock`: find the state the
// command means (state-location.ts), run the operation, and turn domain errors into the user's.
import {
  describeLock,
  findLockToBreak,
  forceUnlockState,
  listState,
  LocalFileBackend,
  moveInState,
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
} from '../state/index.js';
import type { Diagnostic } from '../diag/index.js';
import { asUserErrors } from './errors.js';
import { checkNotDirectory, locateState, type StateLocationInput } from './state-location.js';
import { DRCTL_VERSION } from './version.js';

export interface LockedChange {
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Work out and report the change without locking or writing. */
  readonly dryRun?: boolean;
}

/** One state, found: what the state commands do to it. */
export interface StateTarget {
  /** The state file. */
  readonly location: string;
  list(opts: ListOptions): Promise<ListResult>;
  show(address: string): Promise<ShowResult>;
  /** The whole state as text (`drctl show` without a plan file). */
  showAll(): Promise<StateView>;
  /** The outputs the last apply recorded (`drctl output`). */
  outputs(): Promise<{ readonly outputs: DrState['outputs']; readonly warnings: readonly string[] }>;
  remove(addresses: readonly string[], opts: LockedChange): Promise<RemoveResult>;
  move(from: string, to: string, opts: LockedChange): Promise<MoveResult>;
  pull(): Promise<PullResult>;
  push(text: string, source: string, opts: PushOptions): Promise<PushResult>;
  /** The lock `id` names, and who holds it in words, for the confirmation prompt; fails when nothing is locked or it is another lock. */
  lockToBreak(id: string): Promise<{ readonly lock: LockInfo; readonly description: string }>;
  forceUnlock(id: string): Promise<LockInfo>;
}

/** The state was not found: the configuration cannot say where it is (the diagnostics say why). */
export interface StateNotFound {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  readonly message: string;
}

/** Finds the state a state command means. */
export function findState(input: StateLocationInput): { readonly target: StateTarget } | StateNotFound {
  const where = locateState(input);
  if (!('path' in where)) return where;
  checkNotDirectory(where.path);
  return { target: stateTarget(new LocalFileBackend(where.path)) };
}

function stateTarget(backend: LocalFileBackend): StateTarget {
  return {
    location: backend.location,
    list: (opts) => asUserErrors(() => listState(backend, opts)),
    show: (address) => asUserErrors(() => showStateResource(backend, address)),
    showAll: () => asUserErrors(() => showState(backend)),
    outputs: () => asUserErrors(() => readOutputs(backend)),
    remove: (addresses, opts) => asUserErrors(() => removeFromState(backend, addresses, { ...opts, drctlVersion: DRCTL_VERSION })),
    move: (from, to, opts) => asUserErrors(() => moveInState(backend, from, to, { ...opts, drctlVersion: DRCTL_VERSION })),
    pull: () => asUserErrors(() => pullState(backend)),
    push: (text, source, opts) => asUserErrors(() => pushState(backend, text, source, opts)),
    lockToBreak: (id) =>
      asUserErrors(async () => {
        const lock = await findLockToBreak(backend, id);
        return { lock, description: describeLock(lock) };
      }),
    forceUnlock: (id) => asUserErrors(() => forceUnlockState(backend, id)),
  };
}
