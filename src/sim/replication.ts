// The replication model of a consistency group (Global Mirror with Change Volumes).
// Copying runs in cycles of `cyclePeriodSeconds`; each cycle ships the changes made since
// the previous one, which takes changeRate × period / bandwidth. The auxiliary copy is
// consistent as of the start of the last completed cycle (its freeze time), so the lag
// (RPO exposure) grows between cycles and drops when one completes. A higher change rate
// makes cycles longer and the lag larger; a broken link freezes the copy, so the lag grows
// without bound. Everything here is a pure function of the record and the time.

import type { ConsistencyGroupRecord, ReplicationPhase } from './records.js';

export type ReplicationState =
  | 'consistent_copying'
  | 'inconsistent_copying'
  | 'consistent_stopped'
  | 'inconsistent_stopped'
  | 'idling'
  | 'consistent_disconnected'
  | 'inconsistent_disconnected';

export interface ReplicationView {
  readonly state: ReplicationState;
  /** replicationStatus: copying (enabled) or stopped (disabled). */
  readonly enabled: boolean;
  readonly primaryRole: 'master' | 'aux';
  /** Progress of the running (re)synchronisation or cycle, 0–100. */
  readonly progress: number;
  /** Time the auxiliary copy is consistent as of; undefined when it holds no consistent copy. */
  readonly freezeMs?: number;
  readonly lagSeconds?: number;
  /** An action (start, stop, reset) is under way. */
  readonly updating: boolean;
  readonly error?: string;
  readonly linkDown: boolean;
}

/** The phase in force at time t (the first phase always starts at creation). */
export function phaseAt(cg: ConsistencyGroupRecord, t: number): ReplicationPhase {
  let found = cg.phases[0];
  for (const p of cg.phases) if (p.sinceMs <= t) found = p;
  return found;
}

/** Seconds one cycle spends shipping its changes. */
export function cycleTransferSeconds(cg: ConsistencyGroupRecord): number {
  return cg.bandwidthMBps > 0 ? (cg.changeRateMBps * cg.cyclePeriodSeconds) / cg.bandwidthMBps : Infinity;
}

export function replicationView(cg: ConsistencyGroupRecord, t: number, instant: boolean): ReplicationView {
  const phase = phaseAt(cg, t);
  const updating = cg.phases.some((p) => p.sinceMs > t);
  const linkDown = cg.linkDownSinceMs !== undefined && cg.linkDownSinceMs <= t;
  const base = { enabled: phase.enabled, primaryRole: phase.primaryRole, updating, error: phase.error, linkDown };

  if (!phase.enabled) {
    const freezeMs = phase.frozenAtMs;
    const state: ReplicationState = phase.access ? 'idling' : freezeMs !== undefined ? 'consistent_stopped' : 'inconsistent_stopped';
    // Idling: both sides are writable; the lag is the data-loss window fixed at the stop.
    const lagEnd = phase.access ? phase.sinceMs : t;
    return { ...base, state, progress: 0, freezeMs, lagSeconds: lagOf(lagEnd, freezeMs) };
  }

  // Copying. While the link is down, replication stands still at the moment it broke.
  const eff = linkDown ? Math.max(phase.sinceMs, Math.min(t, cg.linkDownSinceMs!)) : t;
  const syncMs = instant ? 0 : phase.syncMs;
  const anchor = phase.syncStartMs + syncMs;
  if (eff < anchor) {
    const progress = clampProgress(((eff - phase.syncStartMs) / syncMs) * 100);
    const freezeMs = phase.carriedFreezeMs;
    const consistent = freezeMs !== undefined;
    const state: ReplicationState = linkDown
      ? consistent
        ? 'consistent_disconnected'
        : 'inconsistent_disconnected'
      : consistent
        ? 'consistent_copying'
        : 'inconsistent_copying';
    return { ...base, state, progress, freezeMs, lagSeconds: lagOf(t, freezeMs) };
  }

  const periodMs = instant ? 0 : cg.cyclePeriodSeconds * 1000;
  const transferMs = instant ? 0 : cycleTransferSeconds(cg) * 1000;
  const cycleMs = Math.max(periodMs, transferMs);
  let freezeMs: number;
  let progress = 100;
  if (!(cycleMs > 0) || !Number.isFinite(cycleMs)) {
    freezeMs = Number.isFinite(cycleMs) ? eff : anchor;
  } else {
    const i = Math.floor((eff - anchor) / cycleMs);
    const start = anchor + i * cycleMs;
    if (eff >= start + transferMs) {
      freezeMs = start;
    } else {
      freezeMs = i > 0 ? start - cycleMs : anchor;
      progress = clampProgress(((eff - start) / transferMs) * 100);
    }
  }
  const state: ReplicationState = linkDown ? 'consistent_disconnected' : 'consistent_copying';
  return { ...base, state, progress, freezeMs, lagSeconds: lagOf(t, freezeMs) };
}

function lagOf(t: number, freezeMs: number | undefined): number | undefined {
  return freezeMs === undefined ? undefined : Math.max(0, (t - freezeMs) / 1000);
}

function clampProgress(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.max(0, Math.min(99.9, Math.round(p * 10) / 10));
}

/** Seconds to copy `mb` megabytes over the link. */
export function copySeconds(mb: number, bandwidthMBps: number): number {
  return bandwidthMBps > 0 ? mb / bandwidthMBps : 0;
}
