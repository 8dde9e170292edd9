// The live view on this thread (the worker in live-worker.ts runs it), without importing ink
// up front: ink starts loading at once, in the background. Until it is ready, events are folded
// into the store as usual; the first frame draws everything so far (finished lines included),
// so nothing is lost and nothing waits. Also the messages between the commands' side of the
// view (live-view.ts) and the worker.
import type { Plan, PlannedChange } from '../../plan/index.js';
import { ProgressStore, type ProgressEvent, type ProgressExtension } from '../progress/model.js';
import { placementFromPlan } from '../progress/placement.js';
import { preferProductionReact } from './choose.js';
import type { InkProgress } from '../ink/progress-view.js';

export interface LocalViewOptions {
  readonly stream: NodeJS.WriteStream;
  readonly color: boolean;
  readonly title: string;
  readonly env: Record<string, string | undefined>;
  readonly extensions?: readonly ProgressExtension[];
  readonly now?: () => number;
  /** Told when ink cannot load (instead of a line on the stream). */
  readonly onFailure?: (message: string) => void;
}

export interface LocalView {
  readonly sink: (e: ProgressEvent) => void;
  setPlan(plan: ViewPlan): void;
  /** Steps aside for a prompt (the last frame stays); resume() draws again below it. */
  pause(): void;
  resume(): void;
  /** Draws the final frame and unmounts (waiting for ink if it is still loading). */
  stop(): Promise<void>;
}

export function startLocalLiveView(opts: LocalViewOptions): LocalView {
  preferProductionReact(opts.env);
  const store = new ProgressStore({ title: opts.title, now: opts.now ?? (() => performance.now()), extensions: opts.extensions });
  let paused = false;
  let stopped = false;
  let ink: InkProgress | undefined;
  const mount = (m: typeof import('../ink/progress-view.js')) =>
    (ink = m.startInkProgress({ stream: opts.stream, color: opts.color, title: opts.title, store }));
  const loading = import('../ink/progress-view.js').then(
    (m) => {
      if (!paused && !stopped) mount(m);
      return m;
    },
    (e: unknown) => {
      const message = (e as Error).message;
      if (opts.onFailure) opts.onFailure(message);
      else opts.stream.write(`drctl: the live view could not start (${message}); the run goes on without it.\n`);
      return undefined;
    },
  );
  return {
    sink: (e) => store.dispatch(e),
    setPlan: (plan) => {
      const r = plan.recovery[0];
      store.setPlan(
        placementFromPlan(plan),
        plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address),
        r && { plan: r.plan, predictedSeconds: r.predictedSeconds, targetSeconds: r.targetSeconds },
      );
    },
    pause: () => {
      paused = true;
      store.pause();
      ink?.pause();
    },
    resume: () => {
      paused = false;
      store.resume();
      if (ink) ink.resume();
      else void loading.then((m) => m && !ink && !paused && !stopped && mount(m));
    },
    stop: async () => {
      stopped = true;
      const m = await loading;
      // A run that ended before ink was ready still gets its one, final frame.
      if (!ink && m && !paused) mount(m);
      await ink?.stop();
    },
  };
}

/** What the view reads of a plan: where each change goes, which rows to expect, the RTO. */
export interface ViewPlan {
  readonly changes: readonly Pick<PlannedChange, 'address' | 'type' | 'name' | 'action' | 'after' | 'before'>[];
  readonly recovery: Plan['recovery'];
}

/** How the worker is set up (workerData). */
export interface ViewSetup {
  readonly fd: number;
  readonly color: boolean;
  readonly title: string;
  readonly dr: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** From the command to the worker, in order. */
export type ViewMessage =
  | { readonly type: 'events'; readonly events: readonly ProgressEvent[] }
  | { readonly type: 'plan'; readonly plan: ViewPlan }
  | { readonly type: 'pause'; readonly id: number }
  | { readonly type: 'resume' }
  | { readonly type: 'stop'; readonly id: number }
  | { readonly type: 'resize'; readonly columns?: number; readonly rows?: number };

/** From the worker: a pause or stop handled, or ink failed to load. */
export type WorkerReply = { readonly type: 'done'; readonly id: number } | { readonly type: 'failed'; readonly message: string };
