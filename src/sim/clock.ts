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

/** Default scale: a 5-minute boot takes about half a second. */
export const DEFAULT_TIME_SCALE = 1 / 600;
