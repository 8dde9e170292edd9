// The one hook that adapts the engine's event stream into component state. The store folds every
// event as it comes; this hook takes a snapshot at most `fps` times a second (and ticks spinners
// while rows are in flight), so 5,000 resources never mean 5,000 renders.
import { useEffect, useState } from 'react';
import type { ProgressSnapshot, ProgressStore } from '../../progress/model.js';

export interface SnapshotOptions {
  /** Most frames a second (default 15). */
  readonly fps?: number;
  /** Spinner tick while something is running, in ms (default 120). */
  readonly tickMs?: number;
  /** Measured drawing cost; frames are spaced to keep it a small share of the run. */
  readonly budget?: FrameBudget;
}

/**
 * What drawing costs, measured where it happens (Ink's onRender), so the frame rate can adapt:
 * frames are spaced so that drawing takes at most `share` of the wall time. On a slow or busy
 * machine the view drops frames instead of slowing the run down.
 */
export class FrameBudget {
  private cost = 0;
  constructor(private readonly share = 0.04) {}
  record(ms: number): void {
    // A moving average, so one slow frame (a GC pause) does not freeze the view.
    this.cost = this.cost ? this.cost * 0.7 + ms * 0.3 : ms;
  }
  interval(minMs: number): number {
    return Math.max(minMs, this.cost / this.share);
  }
}

/** A gate that runs `draw` at most once per interval, the trailing request kept. */
export function frameGate(draw: () => void, intervalMs: number, now: () => number = () => performance.now(), budget?: FrameBudget) {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    last = now();
    draw();
  };
  const interval = () => budget?.interval(intervalMs) ?? intervalMs;
  return {
    request() {
      if (timer) return;
      const wait = last + interval() - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    interval,
  };
}

export function useEngineEvents(store: ProgressStore, opts: SnapshotOptions = {}): ProgressSnapshot {
  const [snapshot, setSnapshot] = useState(() => store.snapshot());
  const fps = opts.fps ?? 15;
  const tickMs = opts.tickMs ?? 120;
  const budget = opts.budget;
  useEffect(() => {
    let drawn = -1;
    const gate = frameGate(
      () => {
        const next = store.snapshot();
        // Nothing new and nothing spinning: skip the frame.
        if (next.version === drawn && !next.groups.some((g) => g.running.length)) return;
        drawn = next.version;
        setSnapshot(next);
      },
      1000 / fps,
      undefined,
      budget,
    );
    const unsubscribe = store.subscribe(() => gate.request());
    // Spinners and elapsed times move even when no event arrives.
    const ticker = setInterval(() => gate.request(), Math.max(tickMs, 1000 / fps));
    gate.request();
    return () => {
      unsubscribe();
      clearInterval(ticker);
      gate.cancel();
    };
  }, [store, fps, tickMs, budget]);
  return snapshot;
}
