// The replication progress of every consistency group, for `drctl sim status`: what each group
// is doing now (first copy, resync, cycling, stopped), how far it got, and when the copy it is
// making will be consistent, in model time. An admin view, not part of the PowerVS API.

import type { ConsistencyGroupRecord } from './records.js';
import { phaseAt, replicationView, type ReplicationState } from './replication.js';
import type { WorldCore } from './world-core.js';

export interface SyncStatus {
  /** The primary side's volume group name, and its consistency group. */
  readonly volumeGroup: string;
  readonly consistencyGroup: string;
  /** Data centres, in the direction data flows. */
  readonly from: string;
  readonly to: string;
  readonly state: ReplicationState;
  /** copying: the first full copy; resync: catching up after a stop or an outage; in-sync: cycling. */
  readonly activity: 'copying' | 'resync' | 'in-sync' | 'stopped' | 'link-down' | 'updating' | 'error';
  /** Progress of the copy or cycle under way, 0–100. */
  readonly progress: number;
  readonly lagSeconds?: number;
  /** Model seconds until the copy under way is consistent (copying, resync) or the action ends (updating). */
  readonly etaSeconds?: number;
}

export function syncStatus(w: WorldCore): SyncStatus[] {
  const now = w.now();
  return Object.values(w.data.consistencyGroups)
    .map((cg) => statusOf(w, cg, now))
    .sort((a, b) => a.volumeGroup.localeCompare(b.volumeGroup));
}

function statusOf(w: WorldCore, cg: ConsistencyGroupRecord, now: number): SyncStatus {
  const view = replicationView(cg, now, w.instant);
  const phase = phaseAt(cg, now);
  const master = w.data.workspaces[cg.masterWorkspace]?.location ?? cg.masterWorkspace;
  const aux = w.data.workspaces[cg.auxWorkspace]?.location ?? cg.auxWorkspace;
  const [from, to] = view.primaryRole === 'aux' ? [aux, master] : [master, aux];
  const base = {
    volumeGroup: w.data.volumeGroups[cg.masterGroupID]?.name ?? cg.name,
    consistencyGroup: cg.name,
    from,
    to,
    state: view.state,
    progress: view.progress,
    ...(view.lagSeconds !== undefined ? { lagSeconds: Math.round(view.lagSeconds) } : {}),
  };
  const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));
  if (view.updating) {
    const next = cg.phases.find((p) => p.sinceMs > now);
    return { ...base, activity: 'updating', ...(next ? { etaSeconds: seconds(next.sinceMs - now) } : {}) };
  }
  if (view.error) return { ...base, activity: 'error' };
  if (view.linkDown) return { ...base, activity: 'link-down' };
  if (!view.enabled) return { ...base, activity: 'stopped' };
  const syncEnd = phase.syncStartMs + (w.instant ? 0 : phase.syncMs);
  if (now < syncEnd) return { ...base, activity: phase.carriedFreezeMs === undefined ? 'copying' : 'resync', etaSeconds: seconds(syncEnd - now) };
  return { ...base, activity: 'in-sync' };
}
