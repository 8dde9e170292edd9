// The live view as the commands hold it, without importing ink here: ink (≈0.35 s) starts
// loading at once, in the background, while the command loads its configuration and talks to
// the cloud. Until it is ready, events are folded into the store as usual; the first frame
// draws everything so far (finished lines included), so nothing is lost and nothing waits.
import type { Plan } from '../../plan/plan.js';
import { ProgressStore, type ProgressEvent, type ProgressExtension } from '../progress/model.js';
import { placementFromPlan } from '../progress/placement.js';
import { preferProductionReact } from './choose.js';
import type { InkProgress } from '../ink/progress-view.js';

export interface LiveViewOptions {
  readonly stream: NodeJS.WriteStream;
  readonly color: boolean;
  readonly title: string;
  readonly env: Record<string, string | undefined>;
  readonly extensions?: readonly ProgressExtension[];
  readonly now?: () => number;
}

export interface LiveView {
  readonly store: ProgressStore;
  readonly sink: (e: ProgressEvent) => void;
  setPlan(plan: Plan): void;
  /** Steps aside for a prompt (the last frame stays); resume() draws again below it. */
  pause(): void;
  resume(): void;
  /** Draws the final frame and unmounts (waiting for ink if it is still loading). */
  stop(): Promise<void>;
}

export function startLiveView(opts: LiveViewOptions): LiveView {
  preferProductionReact(opts.env);
  const store = new ProgressStore({ title: opts.title, now: opts.now ?? (() => performance.now()), extensions: opts.extensions });
  let paused = false;
  let stopped = false;
  let ink: InkProgress | undefined;
  const mount = (m: typeof import('../ink/progress-view.js')) => (ink = m.startInkProgress({ stream: opts.stream, color: opts.color, title: opts.title, store }));
  const loading = import('../ink/progress-view.js').then(
    (m) => {
      if (!paused && !stopped) mount(m);
      return m;
    },
    (e: unknown) => {
      opts.stream.write(`drctl: the live view could not start (${(e as Error).message}); the run goes on without it.\n`);
      return undefined;
    },
  );
  return {
    store,
    sink: (e) => store.dispatch(e),
    setPlan: (plan) => {
      const r = plan.recovery[0];
      store.setPlan(placementFromPlan(plan), plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address), r && { plan: r.plan, predictedSeconds: r.predictedSeconds, targetSeconds: r.targetSeconds });
    },
    pause: () => {
      paused = true;
      ink?.pause();
    },
    resume: () => {
      paused = false;
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
