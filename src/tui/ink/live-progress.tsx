// Binds a progress store to the screen: the hook throttles, the screen draws.
import type { ProgressStore } from '../progress/model.js';
import { useEngineEvents, type FrameBudget } from './hooks/use-engine-events.js';
import { ProgressScreen } from './components/progress-screen.js';

export interface LiveProgressProps {
  readonly store: ProgressStore;
  readonly color: boolean;
  readonly size: () => { width: number; height: number };
  /** Draw the store as it is now, unthrottled: the last frame before unmounting. */
  readonly final?: boolean;
  /** Finished lines before this index were written by an earlier mount. */
  readonly staticFrom?: number;
  readonly fps?: number;
  readonly budget?: FrameBudget;
}

export function LiveProgress({ store, color, size, final = false, staticFrom = 0, fps, budget }: LiveProgressProps) {
  const throttled = useEngineEvents(store, { fps, budget });
  const snapshot = final ? store.snapshot() : throttled;
  const { width, height } = size();
  const shown = staticFrom ? { ...snapshot, finished: snapshot.finished.slice(staticFrom) } : snapshot;
  return <ProgressScreen snapshot={shown} width={width} height={height} color={color} final={final} />;
}
