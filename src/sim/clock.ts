// Model time for the simulator. Everything in the simulated world is stamped in model
// milliseconds; a clock maps real time to model time so a 20-minute failover can be
// watched in seconds, and tests can step time by hand.

export interface Clock {
  /** Model time, in epoch milliseconds. */
  now(): number;
}

/** A clock that moves only when told to; for tests. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(startMs = Date.UTC(2030, 0, 1)) {
    this.ms = startMs;
  }
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    if (ms < 0) throw new Error('ManualClock cannot go backwards');
    this.ms += ms;
  }
  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}

/** Epoch ms with sub-millisecond steps: Date.now() moves in whole ms, which at a time scale of
 * 1/2000 is two model seconds at a time. */
const preciseNow = () => performance.timeOrigin + performance.now();

/**
 * Real time scaled by `timeScale`: a duration of D model seconds takes D * timeScale real
 * seconds. Scale 0 means operations are instant; then model time runs at real speed so that
 * timestamps still move forward.
 */
export function scaledClock(timeScale: number, originModelMs: number, realNow: () => number = preciseNow): Clock {
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new Error(`invalid time scale ${timeScale}`);
  const originReal = realNow();
  const rate = timeScale === 0 ? 1 : 1 / timeScale;
  return { now: () => Math.floor(originModelMs + (realNow() - originReal) * rate) };
}

/**
 * Where model time stood at a moment of real time, and the scale it ran at from there. The world
 * keeps one, so that between two processes it goes on keeping time, as a real cloud does while
 * nobody is looking: from the anchor, model time advances with the wall clock at its scale.
 */
export interface ClockAnchor {
  readonly modelMs: number;
  /** Real epoch ms. */
  readonly realMs: number;
  /** Real seconds per model second; 0 (instant) runs model time at real speed. */
  readonly scale: number;
}

/** Model time at real time `realMs`, continued from an anchor (never before the anchor). */
export function continuedModelMs(anchor: ClockAnchor, realMs: number): number {
  const rate = anchor.scale === 0 ? 1 : 1 / anchor.scale;
  return Math.floor(anchor.modelMs + Math.max(0, realMs - anchor.realMs) * rate);
}

/**
 * The clock of a world opened again: model time continues from the world's anchor at the anchor's
 * scale up to now (the time that passed while no process served it), never earlier than anything
 * recorded, and runs on at `timeScale`. `anchor` is set when the world must record a new anchor:
 * the first time, on a change of scale, or when the recorded high-water mark was ahead.
 */
export function resumedClock(
  saved: { readonly highWaterMs: number; readonly clock?: ClockAnchor },
  timeScale: number,
  realNow: () => number = preciseNow,
): { clock: Clock; anchor?: ClockAnchor } {
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new Error(`invalid time scale ${timeScale}`);
  const realMs = realNow();
  const continued = saved.clock ? continuedModelMs(saved.clock, realMs) : Math.floor(realMs);
  const modelMs = Math.max(saved.highWaterMs, continued);
  const keep = saved.clock !== undefined && saved.clock.scale === timeScale && modelMs === continued;
  const anchor: ClockAnchor = keep ? saved.clock! : { modelMs, realMs, scale: timeScale };
  return { clock: { now: () => continuedModelMs(anchor, realNow()) }, ...(keep ? {} : { anchor }) };
}

/** Default scale: a 5-minute boot takes about half a second. */
export const DEFAULT_TIME_SCALE = 1 / 600;
