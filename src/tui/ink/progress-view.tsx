// The Ink progress view the commands load lazily (`await import(...)`) on a terminal. It renders
// to stderr, so stdout stays clean for results. pause()/resume() step aside for a prompt.
import { render, type Instance } from 'ink';
import type { EngineEvent, Plan } from '../../plan/index.js';
import { ProgressStore, type ProgressEvent, type ProgressExtension } from '../progress/model.js';
import { placementFromPlan } from '../progress/placement.js';
import { LiveProgress } from './live-progress.js';
import { FrameBudget } from './hooks/use-engine-events.js';

export interface InkProgressOptions {
  readonly stream: NodeJS.WriteStream;
  readonly color: boolean;
  readonly title: string;
  readonly now?: () => number;
  readonly extensions?: readonly ProgressExtension[];
  readonly fps?: number;
  /** A store that has been folding events already (while ink was loading); it is drawn as it is. */
  readonly store?: ProgressStore;
}

export interface InkProgress {
  readonly store: ProgressStore;
  readonly sink: (e: EngineEvent | ProgressEvent) => void;
  /** The tree's shape and predicted RTO, from the plan about to be applied. */
  setPlan(plan: Plan): void;
  /** Unmounts, leaving the last frame on screen (for a prompt); resume() draws again below it. */
  pause(): void;
  resume(): void;
  /** Draws the final frame and unmounts. */
  stop(): Promise<void>;
}

export function planRto(plan: Plan) {
  const r = plan.recovery[0];
  return r ? { plan: r.plan, predictedSeconds: r.predictedSeconds, targetSeconds: r.targetSeconds } : undefined;
}

export function startInkProgress(opts: InkProgressOptions): InkProgress {
  const now = opts.now ?? (() => performance.now());
  const store = opts.store ?? new ProgressStore({ title: opts.title, now, extensions: opts.extensions });
  const size = () => ({ width: Math.max(20, (opts.stream.columns || 80) - 1), height: Math.max(8, opts.stream.rows || 24) });
  let instance: Instance | undefined;
  let staticFrom = 0;
  const budget = new FrameBudget();
  const element = (final: boolean) => (
    <LiveProgress store={store} color={opts.color} size={size} final={final} staticFrom={staticFrom} fps={opts.fps} budget={budget} />
  );
  const mount = () => {
    instance = render(element(false), {
      stdout: opts.stream,
      stdin: process.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: opts.fps ?? 15,
      onRender: (m) => budget.record(m.renderTime),
    });
  };
  const unmount = () => {
    if (!instance) return;
    instance.rerender(element(true));
    instance.unmount();
    instance = undefined;
    staticFrom = store.snapshot().finished.length;
  };
  mount();
  return {
    store,
    sink: (e) => store.dispatch(e),
    setPlan: (plan) =>
      store.setPlan(
        placementFromPlan(plan),
        plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address),
        planRto(plan),
      ),
    pause: unmount,
    resume: () => {
      if (!instance) mount();
    },
    stop: async () => {
      const running = instance;
      unmount();
      await running?.waitUntilExit().catch(() => undefined);
    },
  };
}
