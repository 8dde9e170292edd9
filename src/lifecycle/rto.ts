// The achieved RTO of a run, computed one way for every run: what the same run would take
// against the real cloud. Against the simulator an operation takes its model time × the time
// scale of real time, while drctl's own work (requests, polling, state writes, post_checks) and a
// person at a manual step take real time. So the clock keeps, for each step of the run, its real
// duration and its waits on the cloud, each with the operation's duration on the cloud's own
// clock where the cloud says (a task's dates, a VM's, a clone's volumes'), and puts the run back
// together with each operation at its model time and everything else at real time:
//
//   step  = real time of the step + Σ operations (model time − the real time it took at the scale)
//   RTO   = real time from the first step to recovery
//           + for each stage, makespan(steps as modelled) − makespan(steps as they ran)
//
// Where the cloud does not say, the whole wait counts as the operation (its real time ÷ scale).
// With a time scale of 1 (PowerVS) this is the real elapsed time; with 0 (instant operations)
// it is too: operations take no model time and what is left is drctl's own.
//
// A stage is a set of steps that run side by side (a group's boots, `parallelism` at a time, in
// the order they started) and stages follow one another, as the prediction (config/recovery.ts)
// assumes.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Provider } from '../provider/index.js';

export interface RtoBreakdown {
  /** The RTO: what the run would take against the real cloud. */
  readonly seconds: number;
  /** Real seconds from the first step to recovery. */
  readonly wallSeconds: number;
  /** The cloud's operations on the critical path, at model time. */
  readonly modelledSeconds: number;
  /** drctl's own work on the critical path (requests, state writes, post_checks), real and unscaled. */
  readonly overheadSeconds: number;
  /** People at manual steps, real time. */
  readonly humanSeconds: number;
  /** Real time between an interrupted attempt and its resumption (production was not back). */
  readonly pausedSeconds: number;
}

/** A wait on the cloud: real ms from, to, and the operation's model seconds if the cloud said. */
interface CloudWait {
  readonly from: number;
  readonly to: number;
  model?: number;
}

interface StepTimes {
  readonly id: string;
  readonly start: number;
  end?: number;
  readonly cloud: CloudWait[];
  readonly human: [number, number][];
}

interface Stage {
  readonly name: string;
  readonly parallelism: number;
  readonly steps: StepTimes[];
}

/** Length of the union of intervals (ms). */
function covered(intervals: readonly (readonly [number, number])[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const [a, b] of sorted) {
    if (a > to) {
      if (to > from) total += to - from;
      from = a;
      to = b;
    } else if (b > to) to = b;
  }
  if (to > from) total += to - from;
  return total;
}

/** List scheduling in the given order: when the last job ends, and the jobs of the slot that ends last. */
function schedule(durations: readonly number[], parallelism: number): { end: number; chain: number[] } {
  if (durations.length === 0) return { end: 0, chain: [] };
  const slots = Array.from({ length: Math.max(1, Math.min(parallelism, durations.length)) }, () => ({ free: 0, jobs: [] as number[] }));
  durations.forEach((d, i) => {
    let best = slots[0];
    for (const s of slots) if (s.free < best.free) best = s;
    best.free += d;
    best.jobs.push(i);
  });
  let last = slots[0];
  for (const s of slots) if (s.free > last.free) last = s;
  return { end: last.free, chain: last.jobs };
}

export class RtoClock {
  private readonly current = new AsyncLocalStorage<StepTimes>();
  private readonly stages = new Map<string, Stage>();
  private startMs: number | undefined;
  private endMs: number | undefined;

  /**
   * @param scale real seconds per model second of the cloud (1 for PowerVS, 0 for instant)
   * @param now a monotonic clock in ms
   * @param carried what earlier attempts of the same run achieved, and real seconds since the last one ended
   */
  constructor(
    private readonly scale: number,
    private readonly now: () => number,
    private readonly carried?: { readonly before: RtoBreakdown; readonly pausedSeconds: number },
  ) {}

  /** The first step that counts (a move's first shutdown, a drill's first clone). */
  start(): void {
    this.startMs ??= this.now();
  }

  /** Recovery: the last group is up and its manual step done. */
  stop(): void {
    if (this.startMs !== undefined) this.endMs ??= this.now();
  }

  /** Runs one step of `stage` (steps of one stage run side by side, `parallelism` at a time). */
  async step<T>(stage: string, id: string, parallelism: number, run: () => Promise<T> | T): Promise<T> {
    let s = this.stages.get(stage);
    if (!s) this.stages.set(stage, (s = { name: stage, parallelism, steps: [] }));
    const t: StepTimes = { id, start: this.now(), cloud: [], human: [] };
    s.steps.push(t);
    try {
      return await this.current.run(t, run);
    } finally {
      t.end = this.now();
    }
  }

  /**
   * Waits on the cloud inside the current step: at model time in the RTO. `run` is given a
   * function to report the operation's duration on the cloud's clock (model seconds).
   */
  async cloud<T>(run: (report: (modelSeconds: number) => void) => Promise<T>): Promise<T> {
    const t = this.current.getStore();
    let model: number | undefined;
    const report = (s: number) => (model = Math.max(model ?? 0, s));
    if (!t) return run(report);
    const from = this.now();
    try {
      return await run(report);
    } finally {
      t.cloud.push({ from, to: this.now(), ...(model !== undefined ? { model } : {}) });
    }
  }

  /** Waits for a person inside the current step (a manual step): real time in the RTO. */
  async human<T>(run: () => Promise<T>): Promise<T> {
    const t = this.current.getStore();
    if (!t) return run();
    const from = this.now();
    try {
      return await run();
    } finally {
      t.human.push([from, this.now()]);
    }
  }

  /**
   * A step's cloud operations: overlapping waits ran side by side, so each cluster of them
   * counts once, as its longest operation. Returns each cluster's model seconds and the real
   * seconds the operation took at the scale.
   */
  private operations(t: StepTimes): { model: number; real: number }[] {
    const waits = t.cloud.map((c) => ({ ...c, from: Math.max(c.from, t.start), to: Math.min(c.to, t.end!) })).sort((a, b) => a.from - b.from);
    const out: { model: number; real: number }[] = [];
    let to = -Infinity;
    for (const c of waits) {
      // Without the cloud's word the whole wait is the operation; instant operations (scale 0)
      // take no time at all, so a wait on them is drctl's (requests and their answers).
      const wait = (c.to - c.from) / 1000;
      const model = this.scale > 0 ? (c.model ?? wait / this.scale) : 0;
      const real = this.scale > 0 ? Math.min(model * this.scale, wait) : 0;
      if (c.from < to && out.length) {
        const last = out[out.length - 1];
        if (model > last.model) out[out.length - 1] = { model, real: Math.max(real, last.real) };
      } else out.push({ model, real });
      to = Math.max(to, c.to);
    }
    return out;
  }

  /** The RTO of a stage on its own (a group's boots, its post_check and manual step). */
  stageSeconds(name: string): number | undefined {
    const s = this.stages.get(name);
    return s ? this.replay(s).seconds : undefined;
  }

  private replay(s: Stage): { seconds: number; asRan: number; modelled: number; human: number } {
    const steps = s.steps.filter((t) => t.end !== undefined).sort((a, b) => a.start - b.start);
    const wall = steps.map((t) => (t.end! - t.start) / 1000);
    const ops = steps.map((t) => this.operations(t));
    const human = steps.reduce((sum, t) => sum + covered(t.human.map(([a, b]) => [a, Math.min(b, t.end!)] as const)) / 1000, 0);
    const modelled = ops.map((o) => o.reduce((sum, x) => sum + x.model, 0));
    const dilated = wall.map((w, i) => w + ops[i].reduce((sum, x) => sum + x.model - x.real, 0));
    const asModelled = schedule(dilated, s.parallelism);
    return {
      seconds: asModelled.end,
      asRan: schedule(wall, s.parallelism).end,
      modelled: asModelled.chain.reduce((sum, i) => sum + modelled[i], 0),
      human,
    };
  }

  /** The run's RTO so far (up to now when recovery is not reached), with what it is made of. */
  result(): RtoBreakdown {
    const before = this.carried?.before;
    const paused = (before?.pausedSeconds ?? 0) + (this.carried && this.startMs !== undefined ? this.carried.pausedSeconds : 0);
    if (this.startMs === undefined) return before ?? { seconds: 0, wallSeconds: 0, modelledSeconds: 0, overheadSeconds: 0, humanSeconds: 0, pausedSeconds: 0 };
    const end = this.endMs ?? this.now();
    const wallSeconds = (end - this.startMs) / 1000;
    let seconds = wallSeconds;
    let modelled = 0;
    let human = 0;
    for (const s of this.stages.values()) {
      // Steps after recovery (replication reversed, a drill's cleanup) are not part of it; the
      // step that reached it (the last group's, whose manual step came first) counts up to it.
      const inside: Stage = {
        ...s,
        steps: s.steps.filter((t) => t.start >= this.startMs! && t.start < end).map((t) => ({ ...t, end: Math.min(t.end ?? end, end) })),
      };
      const r = this.replay(inside);
      seconds += r.seconds - r.asRan;
      modelled += r.modelled;
      human += r.human;
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    const total = seconds + (before?.seconds ?? 0) + (this.carried ? this.carried.pausedSeconds : 0);
    const allModelled = modelled + (before?.modelledSeconds ?? 0);
    const allHuman = human + (before?.humanSeconds ?? 0);
    return {
      seconds: round(total),
      wallSeconds: round(wallSeconds + (before?.wallSeconds ?? 0)),
      modelledSeconds: round(allModelled),
      overheadSeconds: round(Math.max(0, total - allModelled - allHuman - paused)),
      humanSeconds: round(allHuman),
      pausedSeconds: round(paused),
    };
  }
}

/** The provider calls that wait for a modelled operation to take effect, and where their options go. */
const OPTIONS_AT: Partial<Record<keyof Provider, number>> = {
  create: 3,
  powerVm: 3,
  startVm: 2,
  stopVm: 2,
  startVolumeGroup: 3,
  stopVolumeGroup: 3,
  resetVolumeGroup: 2,
  cloneVolumes: 2,
};
const WAITING = new Set<keyof Provider>(['powerVm', 'startVm', 'stopVm', 'startVolumeGroup', 'stopVolumeGroup', 'resetVolumeGroup', 'cloneVolumes']);

/**
 * The provider a run uses, with its waits on the cloud marked on the clock: the power actions,
 * volume-group actions and clones, and creating a VM (built and booted). Reads, lists and
 * instant creations are drctl's own work.
 */
export function clockedProvider(provider: Provider, clock: RtoClock): Provider {
  return new Proxy(provider, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      const at = OPTIONS_AT[key as keyof Provider];
      // The call's options, with the cloud's own account of the operation's time going to the clock.
      const timed = (a: unknown[]) =>
        clock.cloud((report) => {
          const args = [...a];
          while (args.length < at!) args.push(undefined);
          args[at!] = { ...(args[at!] as object | undefined), onCloudTime: report };
          return fn.apply(target, args);
        });
      if (WAITING.has(key as keyof Provider)) return (...a: unknown[]) => timed(a);
      if (key === 'create') return (...a: unknown[]) => (a[0] === 'vm' ? timed(a) : fn.apply(target, a));
      return fn.bind(target);
    },
  });
}
