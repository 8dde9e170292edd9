// The live view as the commands hold it. Ink draws in a worker thread: React, layout and the
// terminal writes of thousands of rows then cost the run itself only the posting of its events
// (batched every 25 ms), which keeps the view within a few per cent of a --json run. The worker
// loads ink while the command loads its configuration and talks to the cloud; until then it
// folds events into its store, and the first frame draws everything so far.
import { Worker } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import type { Plan } from '../../plan/index.js';
import type { JsonObject } from '../../state/index.js';
import type { ProgressEvent } from '../progress/model.js';
import type { ViewMessage, ViewPlan, ViewSetup, WorkerReply } from './live-local.js';

export interface LiveViewOptions {
  /** The terminal the view draws on (its fd is shared with the worker). */
  readonly stream: NodeJS.WriteStream & { fd?: number };
  readonly color: boolean;
  readonly title: string;
  readonly env: Record<string, string | undefined>;
  /** Add the DR run's rows, badges and gauges (src/tui/progress/dr.ts). */
  readonly dr?: boolean;
  /**
   * Hides secrets in what the view is sent (src/redact's Redactor.data): it draws on the terminal
   * from its own thread, past the command's redacting streams.
   */
  readonly redact?: <T>(value: T) => T;
}

export interface LiveView {
  readonly sink: (e: ProgressEvent) => void;
  setPlan(plan: Plan): void;
  /** Steps aside for a prompt (the last frame stays); resolves once the view has stopped drawing. */
  pause(): Promise<void>;
  resume(): void;
  /** Draws the final frame and ends the view. */
  stop(): Promise<void>;
}

const SHOW_CURSOR = '\u001b[?25h';
const BATCH_MS = 25;

export function startLiveView(opts: LiveViewOptions): LiveView {
  const setup: ViewSetup = {
    fd: opts.stream.fd ?? 2,
    color: opts.color,
    title: opts.title,
    dr: opts.dr === true,
    columns: opts.stream.columns,
    rows: opts.stream.rows,
  };
  const worker = new Worker(new URL('./live-worker.js', import.meta.url), {
    workerData: setup,
    env: { ...opts.env, NODE_ENV: opts.env.NODE_ENV ?? 'production' },
    stdin: false,
  });
  // The run must not wait for its view to exit.
  worker.unref();
  let pending: ProgressEvent[] = [];
  let scheduled = false;
  let ended = false;
  let failed = false;
  const waiting = new Map<number, () => void>();
  let nextId = 1;
  const redact = opts.redact ?? (<T>(v: T) => v);
  const post = (m: ViewMessage) => {
    if (!failed) worker.postMessage(m.type === 'events' || m.type === 'plan' ? redact(m) : m);
  };
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    post({ type: 'events', events });
  };
  /** Posts `m` (after the events before it) and resolves when the worker has handled it. */
  const request = (m: ViewMessage & { id: number }) =>
    new Promise<void>((resolve) => {
      if (failed) return resolve();
      flush();
      waiting.set(m.id, resolve);
      post(m);
    });
  const release = () => {
    for (const resolve of waiting.values()) resolve();
    waiting.clear();
  };
  worker.on('message', (r: WorkerReply) => {
    if (r.type === 'done') {
      waiting.get(r.id)?.();
      waiting.delete(r.id);
    } else if (r.type === 'failed') {
      failed = true;
      opts.stream.write(`drctl: the live view could not start (${r.message}); the run goes on without it.\n`);
      release();
    }
  });
  worker.on('error', (e) => {
    failed = true;
    opts.stream.write(`drctl: the live view stopped (${e.message}); the run goes on without it.\n`);
    release();
  });
  worker.on('exit', () => {
    failed = true;
    release();
  });
  // An exit before stop() (a second Ctrl-C) ends the worker mid-frame: give the cursor back.
  const restoreCursor = () => {
    if (!ended) writeSync(setup.fd, SHOW_CURSOR);
  };
  process.once('exit', restoreCursor);
  const onResize = () => post({ type: 'resize', columns: opts.stream.columns, rows: opts.stream.rows });
  opts.stream.on('resize', onResize);
  return {
    sink: (e) => {
      pending.push(e);
      if (!scheduled) {
        scheduled = true;
        // The worker draws at most 15 frames a second: a batch every 25 ms loses nothing on
        // screen and keeps messages (a copy and a wake-up each) to a few dozen a second.
        setTimeout(flush, BATCH_MS).unref();
      }
    },
    setPlan: (plan) => {
      flush();
      post({ type: 'plan', plan: planForView(plan) });
    },
    pause: () => request({ type: 'pause', id: nextId++ }),
    resume: () => {
      flush();
      post({ type: 'resume' });
    },
    stop: async () => {
      await request({ type: 'stop', id: nextId++ });
      ended = true;
      process.removeListener('exit', restoreCursor);
      opts.stream.removeListener('resize', onResize);
      await worker.terminate();
    },
  };
}

/** What the view reads of a plan (placement, rows, predicted RTO): far less to copy than the plan. */
export function planForView(plan: Plan): ViewPlan {
  const changes = plan.changes.map((c) => {
    const attrs = c.after ?? c.before;
    let kept: JsonObject | null = null;
    if (attrs) kept = c.type === 'recovery_plan' ? { site: attrs.site ?? null, groups: attrs.groups ?? null } : { site: attrs.site ?? null };
    return { address: c.address, type: c.type, name: c.name, action: c.action, after: c.after ? kept : null, before: c.after ? null : kept };
  });
  return { changes, recovery: plan.recovery };
}
