// Runs a lifecycle machine with its snapshot persisted: the machine definitions stay pure, and
// this is the one place that restores an actor from the state file (createActor(logic,
// {snapshot})) and writes `getPersistedSnapshot()` back after every transition. The write is
// made at the end of the event loop's turn, so work the transition started (a boot's request)
// goes out first, and states passed through within one turn are written once; flush() and
// stop() write at once.
import { createActor, type Actor, type AnyActorLogic, type InputFrom, type SnapshotFrom } from 'xstate';
import type { JsonValue } from '../state/index.js';

/** Where snapshots live: a StateSession (lifecycles in the state file) or a map in tests. */
export interface LifecycleStore {
  lifecycle(key: string): JsonValue | undefined;
  setLifecycle(key: string, snapshot: unknown): Promise<void>;
}

export interface Lifecycle<L extends AnyActorLogic> {
  readonly key: string;
  readonly actor: Actor<L>;
  /** True when it continued from a persisted snapshot. */
  readonly restored: boolean;
  /** Resolves when every snapshot so far is durable. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Called with each state value change: from, to. */
  readonly onTransition?: (key: string, from: string, to: string) => void;
}

/** The state value of a flat machine as a string. */
export function stateName(snapshot: { readonly value: unknown }): string {
  return typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
}

export function startLifecycle<L extends AnyActorLogic>(
  logic: L,
  key: string,
  store: LifecycleStore,
  input: InputFrom<L>,
  opts: StartOptions = {},
): Lifecycle<L> {
  const saved = store.lifecycle(key);
  const create = createActor as unknown as (l: L, o: object) => Actor<L>;
  const actor = saved !== undefined ? create(logic, { snapshot: saved }) : create(logic, { input });
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown;
  let last = saved !== undefined ? stateName(saved as { value: unknown }) : '';
  let due: NodeJS.Immediate | undefined;
  const persistNow = () => {
    if (!due) return;
    clearImmediate(due);
    due = undefined;
    const snap = actor.getPersistedSnapshot();
    chain = chain
      .then(() => store.setLifecycle(key, snap))
      .catch((e) => {
        failed ??= e;
      });
  };
  const persist = () => {
    due ??= setImmediate(persistNow);
  };
  actor.subscribe({
    next: (s) => {
      const now = stateName(s as { value: unknown });
      if (now !== last) {
        opts.onTransition?.(key, last, now);
        last = now;
      }
      persist();
    },
    error: () => undefined,
  });
  actor.start();
  persist();
  return {
    key,
    actor,
    restored: saved !== undefined,
    flush: async () => {
      persistNow();
      await chain;
      if (failed) throw failed;
    },
    stop: async () => {
      persistNow();
      actor.stop();
      persistNow();
      await chain;
    },
  };
}

/**
 * A step stopped because the run was interrupted (Ctrl-C, or an operator's abort at a manual
 * step): not a failure. The run ends as `interrupted`, reports no failure, and resumes.
 */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  constructor(message = 'interrupted') {
    super(message);
  }
}

export function isRunInterrupted(e: unknown): e is RunInterrupted {
  return e instanceof Error && e.name === 'RunInterrupted';
}

/** Waits until the snapshot satisfies `done`, or the signal aborts (RunInterrupted). */
export function until<L extends AnyActorLogic>(actor: Actor<L>, done: (s: SnapshotFrom<L>) => boolean, signal?: AbortSignal): Promise<SnapshotFrom<L>> {
  return new Promise((resolve, reject) => {
    const check = (s: SnapshotFrom<L>) => {
      if (done(s)) {
        sub.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      }
    };
    const onAbort = () => {
      sub.unsubscribe();
      reject(new RunInterrupted());
    };
    const sub = actor.subscribe({ next: check, error: (e) => reject(e) });
    signal?.addEventListener('abort', onAbort, { once: true });
    check(actor.getSnapshot());
  });
}
