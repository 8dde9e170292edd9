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
}

/** A gate that runs `draw` at most once per `interval` ms, trailing edge included. */
export function frameGate(draw: () => void, intervalMs: number, now: () => number = () => performance.now()) {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    last = now();
    draw();
  };
  return {
    request() {
      if (timer) return;
      const wait = last + intervalMs - now();
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
  };
}

export function useEngineEvents(store: ProgressStore, opts: SnapshotOptions = {}): ProgressSnapshot {
  const [snapshot, setSnapshot] = useState(() => store.snapshot());
  const fps = opts.fps ?? 15;
  const tickMs = opts.tickMs ?? 120;
  useEffect(() => {
    const gate = frameGate(() => setSnapshot(store.snapshot()), 1000 / fps);
    const unsubscribe = store.subscribe(() => gate.request());
    // Spinners and elapsed times move even when no event arrives.
    const ticker = setInterval(() => gate.request(), Math.max(tickMs, 1000 / fps));
    gate.request();
    return () => {
      unsubscribe();
      clearInterval(ticker);
      gate.cancel();
    };
  }, [store, fps, tickMs]);
  return snapshot;
}
