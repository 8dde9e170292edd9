// The parallel walk: a vertex runs once all of its dependencies succeeded. When a dependency
// failed (or was itself skipped) the vertex is not run and reports "skipped: upstream failed",
// naming the failed ancestor; independent branches carry on. Scheduling is event driven: each
// finished visit releases its dependents through counters, so the whole walk is O(V + E) plus a
// heap for choosing among ready vertices, and a freed slot is refilled in the same tick.

import { findCycles } from './cycles.js';
import type { Graph } from './graph.js';
import { GraphCycleError } from './waves.js';

export type WalkStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export type WalkOutcome =
  | { readonly status: 'succeeded' }
  | { readonly status: 'failed'; readonly error: unknown }
  /** `skippedBecause` is the id of the failed ancestor (the smallest id when several failed). */
  | { readonly status: 'skipped'; readonly skippedBecause: string }
  | { readonly status: 'cancelled' };

export interface VisitContext {
  /** The walk's signal: in-flight visits may watch it, but the walk never interrupts them. */
  readonly signal: AbortSignal;
}

export type Visit<T> = (id: string, data: T, context: VisitContext) => unknown;

export interface WalkOptions {
  /** At most this many visits in flight (default 10, like terraform -parallelism). */
  readonly parallelism?: number;
  /** Stops starting new visits; in-flight ones finish, the rest end as cancelled. */
  readonly signal?: AbortSignal;
  /**
   * Expected duration of a vertex (any unit, default 1). When more vertices are ready than there
   * are slots, the one heading the longest remaining chain starts first (critical path first),
   * which keeps the total close to the critical path. Ties start in the order nodes were added.
   */
  readonly estimate?: (id: string) => number;
  /** Called as each vertex settles, in settle order, including skipped and cancelled ones. */
  readonly onSettled?: (id: string, outcome: WalkOutcome) => void;
}

const SUCCEEDED: WalkOutcome = Object.freeze({ status: 'succeeded' });
const CANCELLED: WalkOutcome = Object.freeze({ status: 'cancelled' });

/** "succeeded", "failed: …", "skipped: upstream failed (vm.db01)", "cancelled". */
export function describeOutcome(outcome: WalkOutcome): string {
  switch (outcome.status) {
    case 'failed':
      return `failed: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`;
    case 'skipped':
      return `skipped: upstream failed (${outcome.skippedBecause})`;
    default:
      return outcome.status;
  }
}

/**
 * Walks the graph dependencies first. Resolves with every node's outcome; a visit's failure is an
 * outcome, not a rejection. Rejects with GraphCycleError, before visiting anything, for a cyclic
 * graph, and with RangeError for a bad parallelism.
 */
export function walk<T>(graph: Graph<T>, visit: Visit<T>, options: WalkOptions = {}): Promise<Map<string, WalkOutcome>> {
  const parallelism = options.parallelism ?? 10;
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    return Promise.reject(new RangeError(`walk: parallelism must be a positive integer, got ${parallelism}`));
  }
  // Integer adjacency: the walk touches each vertex and edge a constant number of times.
  const order = graph.nodes;
  const n = order.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) indexOf.set(order[i], i);
  const dependents: number[][] = new Array(n);
  const pending = new Int32Array(n);
  for (let i = 0; i < n; i++) dependents[i] = [];
  for (let i = 0; i < n; i++) {
    const deps = graph.dependencySet(order[i]);
    pending[i] = deps.size;
    for (const d of deps) dependents[indexOf.get(d)!].push(i);
  }

  // Kahn's order, to refuse cycles up front and to compute priorities dependents-first.
  const topo = new Int32Array(n);
  const left = pending.slice();
  let placed = 0;
  for (let i = 0; i < n; i++) if (left[i] === 0) topo[placed++] = i;
  for (let k = 0; k < placed; k++) {
    for (const d of dependents[topo[k]]) if (--left[d] === 0) topo[placed++] = d;
  }
  if (placed < n) return Promise.reject(new GraphCycleError(findCycles(graph)));

  // Longest remaining chain from each vertex (its own estimate included).
  const priority = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = topo[k];
    let tail = 0;
    for (const d of dependents[i]) if (priority[d] > tail) tail = priority[d];
    const own = options.estimate ? options.estimate(order[i]) : 1;
    priority[i] = (Number.isFinite(own) && own > 0 ? own : 0) + tail;
  }
  // Ties go to the node added first: deterministic, and cheaper than comparing ids.
  const ready = new ReadyHeap((a, b) => priority[b] - priority[a] || a - b);

  const outcomes: Array<WalkOutcome | undefined> = new Array(n);
  const blame: Array<string | undefined> = new Array(n);
  const cancelledDependency = new Uint8Array(n);
  const signal = options.signal ?? new AbortController().signal;
  const context: VisitContext = { signal };
  let aborted = signal.aborted;
  let inFlight = 0;
  let settled = 0;
  let hookError: { error: unknown } | undefined;

  return new Promise((resolve, reject) => {
    // Vertices whose outcome is decided without running (skipped, cancelled) are queued here so a
    // long chain of skips is a loop, not deep recursion.
    const cascade: Array<[number, WalkOutcome]> = [];

    const settle = (i: number, outcome: WalkOutcome): void => {
      cascade.push([i, outcome]);
      while (cascade.length > 0) {
        const [v, out] = cascade.pop()!;
        outcomes[v] = out;
        settled++;
        if (options.onSettled) {
          try {
            options.onSettled(order[v], out);
          } catch (error) {
            hookError ??= { error };
          }
        }
        const culprit = out.status === 'failed' ? order[v] : out.status === 'skipped' ? out.skippedBecause : undefined;
        for (const d of dependents[v]) {
          if (culprit !== undefined && (blame[d] === undefined || culprit < blame[d]!)) blame[d] = culprit;
          if (out.status === 'cancelled') cancelledDependency[d] = 1;
          if (--pending[d] > 0) continue;
          if (blame[d] !== undefined) cascade.push([d, { status: 'skipped', skippedBecause: blame[d]! }]);
          else if (aborted || cancelledDependency[d]) cascade.push([d, CANCELLED]);
          else ready.push(d);
        }
      }
    };

    const finishIfDone = (): void => {
      if (settled < n) return;
      signal.removeEventListener('abort', onAbort);
      if (hookError) return reject(hookError.error);
      const result = new Map<string, WalkOutcome>();
      for (let i = 0; i < n; i++) result.set(order[i], outcomes[i]!);
      resolve(result);
    };

    const finish = (i: number, outcome: WalkOutcome): void => {
      inFlight--;
      settle(i, outcome);
      fill();
      finishIfDone();
    };

    /** Runs a visit; returns its outcome when it completed synchronously, so no promise is needed. */
    const start = (i: number): WalkOutcome | undefined => {
      inFlight++;
      let running: unknown;
      try {
        running = visit(order[i], graph.get(order[i]) as T, context);
      } catch (error) {
        return { status: 'failed', error };
      }
      if (!isThenable(running)) return SUCCEEDED;
      Promise.resolve(running).then(
        () => finish(i, SUCCEEDED),
        (error: unknown) => finish(i, { status: 'failed', error }),
      );
      return undefined;
    };

    // A loop rather than recursion, so a long chain of synchronous visits stays flat.
    const fill = (): void => {
      while (!aborted && inFlight < parallelism && ready.size > 0) {
        const i = ready.pop();
        const outcome = start(i);
        if (outcome) {
          inFlight--;
          settle(i, outcome);
        }
      }
    };

    function onAbort(): void {
      if (aborted && ready.size === 0) return;
      aborted = true;
      while (ready.size > 0) settle(ready.pop(), CANCELLED);
      finishIfDone();
    }

    if (!aborted) signal.addEventListener('abort', onAbort, { once: true });
    for (let i = 0; i < n; i++) {
      if (pending[i] > 0) continue;
      if (aborted) settle(i, CANCELLED);
      else ready.push(i);
    }
    fill();
    finishIfDone();
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** A binary min-heap of vertex indices under `before`. */
class ReadyHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.before(a[i], a[p]) >= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.before(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
