// volume-groups: replicated volumes grouped into consistency groups (Global Mirror with Change
// Volumes). A group has a primary side and an auxiliary side in the partner workspace; the
// actions start, stop and reset replication, and the link to the partner follows the faults.
// The replication model itself (copy cycles, freeze time, lag) is replication.ts.

import { volumeGroupSwitchSeconds } from '../powervs/index.js';
import { badRequest, conflict, notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { ConsistencyGroupRecord, ReplicationPhase, VolumeGroupRecord, VolumeRecord, WorkspaceRecord } from './records.js';
import { copySeconds, phaseAt, replicationView, type ReplicationView } from './replication.js';
import { num, optStrings, str, type Body } from './request.js';
import type { ApiResult, WorldCore } from './world-core.js';

/** Replication defaults: a 5-minute cycle over a 10 Gbps link. */
export const DEFAULT_CYCLE_PERIOD_SECONDS = 300;
export const DEFAULT_CHANGE_RATE_MBPS = 5;
export const DEFAULT_BANDWIDTH_MBPS = 1000;

export function listVolumeGroups(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  return { status: 200, body: { volumeGroups: w.membersOf('volumeGroups', ws.id).map((g) => groupView(w, g, now)) } };
}

export function getVolumeGroup(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: groupView(w, w.findIn('volumeGroups', ws.id, id, 'volume-group'), w.now()) };
}

function groupMb(w: WorldCore, cg: ConsistencyGroupRecord): number {
  const g = w.data.volumeGroups[cg.masterGroupID];
  return (g?.volumeIDs ?? []).reduce((mb, id) => mb + (w.data.volumes[id]?.size ?? 0) * 1024, 0);
}

function groupGb(w: WorldCore, g: VolumeGroupRecord): number {
  return g.volumeIDs.reduce((gb, id) => gb + (w.data.volumes[id]?.size ?? 0), 0);
}

/** Checks volumes that are to join a primary group; returns them with their auxiliary copies. */
function joinable(w: WorldCore, ws: WorkspaceRecord, ids: readonly string[]): { primary: VolumeRecord; aux: VolumeRecord }[] {
  return ids.map((id) => {
    const v = w.findIn('volumes', ws.id, id, 'volume');
    if (!v.replicationEnabled) throw badRequest(`volume "${v.name}" is not replication-enabled`);
    if (v.auxiliary) throw badRequest(`volume "${v.name}" is an auxiliary copy; group volumes on the primary side`);
    if (v.groupID) throw conflict(`volume "${v.name}" is already in volume group ${w.data.volumeGroups[v.groupID]?.name ?? v.groupID}`);
    const aux = v.peerVolumeID ? w.data.volumes[v.peerVolumeID] : undefined;
    if (!aux) throw conflict(`volume "${v.name}" has no auxiliary copy`);
    return { primary: v, aux };
  });
}

export function createVolumeGroup(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  const name = str(body, 'name', { max: 120 });
  const ids = optStrings(body, 'volumeIDs');
  if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one replication-enabled volume');
  if (new Set(ids).size !== ids.length) throw badRequest('volumeIDs lists a volume twice');
  if (w.nameTaken('volumeGroups', ws.id, name)) throw conflict(`a volume group named "${name}" already exists in cloud instance ${ws.id}`);
  const pairs = joinable(w, ws, ids);
  const auxWs = w.data.workspaces[pairs[0].aux.workspace];
  if (pairs.some((p) => p.aux.workspace !== auxWs.id)) throw badRequest('all volumes of a group must replicate to the same workspace');
  const masterId = w.newId();
  const auxId = w.newId();
  const cgName = `rccg-${masterId.replace(/-/g, '').slice(0, 4)}-${masterId.replace(/-/g, '').slice(-6)}`;
  if (w.nameTaken('volumeGroups', auxWs.id, cgName)) throw conflict(`a volume group named "${cgName}" already exists in cloud instance ${auxWs.id}`);
  const master: VolumeGroupRecord = {
    id: masterId,
    workspace: ws.id,
    name,
    auxiliary: false,
    consistencyGroupName: cgName,
    volumeIDs: pairs.map((p) => p.primary.id),
    createdMs: now,
    updatedMs: now,
  };
  const aux: VolumeGroupRecord = {
    id: auxId,
    workspace: auxWs.id,
    name: cgName,
    auxiliary: true,
    consistencyGroupName: cgName,
    volumeIDs: pairs.map((p) => p.aux.id),
    createdMs: now,
    updatedMs: now,
  };
  const totalMb = pairs.reduce((mb, p) => mb + p.primary.size * 1024, 0);
  const cg: ConsistencyGroupRecord = {
    name: cgName,
    masterWorkspace: ws.id,
    auxWorkspace: auxWs.id,
    masterGroupID: masterId,
    auxGroupID: auxId,
    cyclePeriodSeconds: DEFAULT_CYCLE_PERIOD_SECONDS,
    changeRateMBps: DEFAULT_CHANGE_RATE_MBPS,
    bandwidthMBps: DEFAULT_BANDWIDTH_MBPS,
    phases: [
      {
        sinceMs: now,
        enabled: true,
        primaryRole: 'master',
        access: false,
        syncStartMs: now,
        syncMs: w.dur(copySeconds(totalMb, DEFAULT_BANDWIDTH_MBPS)),
      },
    ],
  };
  w.put('volumeGroups', master);
  w.put('volumeGroups', aux);
  w.put('consistencyGroups', cg);
  for (const p of pairs) {
    w.put('volumes', { ...p.primary, groupID: masterId, updatedMs: now });
    w.put('volumes', { ...p.aux, groupID: auxId, updatedMs: now });
  }
  w.event('volume-group.created', ws, { kind: 'volume-group', id: masterId, name }, { detail: { consistencyGroupName: cgName, auxWorkspace: auxWs.id } });
  reconcileLinks(w);
  return { status: 202, body: groupView(w, master, now) };
}

export function updateVolumeGroup(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const now = w.now();
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (cg && replicationView(cg, now, w.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
  const name = body.name === undefined ? g.name : str(body, 'name', { max: 120 });
  if (name !== g.name && w.nameTaken('volumeGroups', ws.id, name)) throw conflict(`a volume group named "${name}" already exists in cloud instance ${ws.id}`);
  const add = optStrings(body, 'addVolumes') ?? [];
  const remove = optStrings(body, 'removeVolumes') ?? [];
  if ((add.length || remove.length) && g.auxiliary) throw badRequest(`volume group "${g.name}" is the auxiliary side; change its volumes on the primary side`);
  const other = cg ? w.data.volumeGroups[g.auxiliary ? cg.masterGroupID : cg.auxGroupID] : undefined;
  const removing = remove.map((r) => {
    const v = w.findIn('volumes', ws.id, r, 'volume');
    if (v.groupID !== g.id) throw badRequest(`volume "${v.name}" is not in volume group "${g.name}"`);
    return v;
  });
  const adding = joinable(w, ws, add);
  if (other && adding.some((p) => p.aux.workspace !== other.workspace)) throw badRequest('all volumes of a group must replicate to the same workspace');
  const removedIds = new Set(removing.map((v) => v.id));
  const removedAux = new Set(removing.map((v) => v.peerVolumeID).filter((x): x is string => !!x));
  const next: VolumeGroupRecord = {
    ...g,
    name,
    volumeIDs: [...g.volumeIDs.filter((v) => !removedIds.has(v)), ...adding.map((p) => p.primary.id)],
    updatedMs: now,
  };
  w.put('volumeGroups', next);
  if (other && (add.length || remove.length)) {
    w.put('volumeGroups', {
      ...other,
      volumeIDs: [...other.volumeIDs.filter((v) => !removedAux.has(v)), ...adding.map((p) => p.aux.id)],
      updatedMs: now,
    });
  }
  for (const v of removing) {
    const { groupID: _a, ...rest } = v;
    w.put('volumes', { ...rest, updatedMs: now });
    const aux = v.peerVolumeID ? w.data.volumes[v.peerVolumeID] : undefined;
    if (aux) {
      const { groupID: _b, ...auxRest } = aux;
      w.put('volumes', { ...auxRest, updatedMs: now });
    }
  }
  for (const p of adding) {
    w.put('volumes', { ...p.primary, groupID: g.id, updatedMs: now });
    if (other) w.put('volumes', { ...p.aux, groupID: other.id, updatedMs: now });
  }
  w.event('volume-group.updated', ws, { kind: 'volume-group', id: g.id, name }, { detail: { added: add, removed: remove } });
  return { status: 202, body: groupView(w, next, now) };
}

export function deleteVolumeGroup(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const now = w.now();
  if (g.volumeIDs.length) throw conflict(`volume group "${g.name}" still holds ${g.volumeIDs.length} volume(s); remove them first`);
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (cg && replicationView(cg, now, w.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
  // Both sides of the consistency group go together.
  if (cg) {
    const other = w.data.volumeGroups[g.auxiliary ? cg.masterGroupID : cg.auxGroupID];
    if (other) {
      for (const vid of other.volumeIDs) {
        const v = w.data.volumes[vid];
        if (v) {
          const { groupID: _g, ...rest } = v;
          w.put('volumes', { ...rest, updatedMs: now });
        }
      }
      w.del('volumeGroups', other.id);
    }
    w.del('consistencyGroups', cg.name);
  }
  w.del('volumeGroups', g.id);
  w.event('volume-group.deleted', ws, { kind: 'volume-group', id: g.id, name: g.name });
  return { status: 200, body: {} };
}

export function volumeGroupAction(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (!cg) throw conflict(`volume group "${g.name}" has no consistency group`);
  const keys = Object.keys(body).filter((k) => ['start', 'stop', 'reset'].includes(k));
  if (keys.length !== 1) throw badRequest('the action body must hold exactly one of start, stop or reset');
  const action = keys[0] as 'start' | 'stop' | 'reset';
  const arg = body[action];
  if (typeof arg !== 'object' || arg === null) throw badRequest(`${action} must be an object`);
  const now = w.now();
  const view = replicationView(cg, now, w.instant);
  const phase = phaseAt(cg, now);
  const who = `volume group "${g.name}"`;
  if (view.updating) throw conflict(`${who} is updating; try again when the current action completes`);
  const effective = now + w.dur(volumeGroupSwitchSeconds(groupGb(w, w.data.volumeGroups[cg.masterGroupID] ?? g)));
  let next: ReplicationPhase;
  let outcome: 'completed' | 'failed' = 'completed';
  let detail: Record<string, unknown> = {};

  if (action === 'reset') {
    if (!view.error) throw conflict(`${who} is not in error state; reset applies only to a group in error`);
    const { error: _e, ...rest } = phase;
    next = { ...rest, sinceMs: now };
  } else if (view.error) {
    throw conflict(`${who} is in error state (${view.error}); reset it first`);
  } else if (action === 'stop') {
    const access = (arg as Body).access;
    if (access !== undefined && typeof access !== 'boolean') throw badRequest('stop.access must be true or false');
    if (!view.enabled) throw conflict(`${who} is not replicating (state ${view.state}); it cannot be stopped`);
    next = {
      sinceMs: effective,
      enabled: false,
      access: access === true,
      primaryRole: phase.primaryRole,
      syncStartMs: effective,
      syncMs: 0,
      ...(view.freezeMs !== undefined ? { frozenAtMs: view.freezeMs } : {}),
    };
    detail = { access: access === true, freezeTime: view.freezeMs !== undefined ? iso(view.freezeMs) : null, lagSeconds: view.lagSeconds ?? null };
  } else {
    const source = (arg as Body).source;
    if (source !== 'master' && source !== 'aux') throw badRequest('start.source must be "master" or "aux"');
    if (view.enabled) throw conflict(`${who} is already replicating (state ${view.state}); stop it before starting it again`);
    detail = { source };
    if (view.linkDown) {
      outcome = 'failed';
      next = { ...phase, sinceMs: effective, error: 'the remote copy link to the partner site is down' };
    } else {
      const changedMb = (cg.changeRateMBps * (now - phase.sinceMs)) / 1000;
      next = {
        sinceMs: effective,
        enabled: true,
        access: false,
        primaryRole: source,
        syncStartMs: effective,
        syncMs: w.dur(copySeconds(Math.min(changedMb, groupMb(w, cg)), cg.bandwidthMBps)),
        ...(view.freezeMs !== undefined ? { carriedFreezeMs: view.freezeMs } : {}),
      };
    }
  }
  const phases = [...prunePhases(cg, now), next].sort((a, b) => a.sinceMs - b.sinceMs);
  w.put('consistencyGroups', { ...cg, phases });
  const doneMs = action === 'reset' ? now : effective;
  const task = w.task(ws, {
    component: 'volume-group',
    componentID: g.id,
    componentName: g.name,
    operation: action,
    doneMs,
    outcome,
    statusDetail: outcome === 'failed' ? `${action} of ${g.name} failed: the remote copy link is down` : `${action} of ${g.name}`,
  });
  w.event(`volume-group.${action}`, ws, { kind: 'volume-group', id: g.id, name: g.name }, { effectiveAtMs: doneMs, outcome, detail });
  return { status: 202, body: { taskID: task.id, summary: `${action} of volume group ${g.name} accepted` } };
}

/** Drops phases wholly in the past, keeping the one in force at `now`. */
function prunePhases(cg: ConsistencyGroupRecord, now: number): ReplicationPhase[] {
  const current = phaseAt(cg, now);
  return cg.phases.filter((p) => p === current || p.sinceMs > now);
}

export function storageDetails(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (!cg) throw notFound(`volume group ${g.name} has no storage details`);
  const now = w.now();
  const v = replicationView(cg, now, w.instant);
  return {
    status: 200,
    body: {
      consistencyGroupName: cg.name,
      cyclePeriodSeconds: w.instant ? 0 : cg.cyclePeriodSeconds,
      cyclingMode: 'multi',
      numOfvols: g.volumeIDs.length,
      primaryRole: v.primaryRole,
      replicationState: v.state,
      state: v.state,
      progress: v.progress,
      freezeTime: v.freezeMs !== undefined ? iso(v.freezeMs) : null,
      lagSeconds: v.lagSeconds ?? null,
      remoteCopyRelationshipNames: g.volumeIDs.map((vid) => rcName(vid)),
    },
  };
}

export function remoteCopyRelationships(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  const now = w.now();
  const v = cg ? replicationView(cg, now, w.instant) : undefined;
  const relationships = g.volumeIDs.map((vid) => {
    const vol = w.data.volumes[vid];
    const peer = vol?.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
    const master = vol?.auxiliary ? peer : vol;
    const aux = vol?.auxiliary ? vol : peer;
    return {
      id: master?.id ?? vid,
      name: rcName(master?.id ?? vid),
      masterVolumeName: master?.name,
      auxVolumeName: aux?.name,
      masterChangedVolumeName: master ? `chg_${master.name}` : undefined,
      auxChangedVolumeName: aux ? `chg_${aux.name}` : undefined,
      consistencyGroupName: g.consistencyGroupName,
      copyType: 'global',
      cyclingMode: 'multi',
      primaryRole: v?.primaryRole,
      state: v?.state,
      progress: v?.progress,
      sync: v && v.enabled && v.lagSeconds !== undefined ? 'in_sync' : 'out_of_sync',
      freezeTime: v?.freezeMs !== undefined ? iso(v.freezeMs) : null,
      lagSeconds: v?.lagSeconds ?? null,
    };
  });
  return { status: 200, body: { volumeGroupID: g.id, remoteCopyRelationships: relationships } };
}

/** Adjusts the replication model of a group (admin): change rate, cycle period, bandwidth. */
export function tuneReplication(w: WorldCore, nameOrGroup: string, body: Body): ConsistencyGroupRecord {
  const cg =
    w.data.consistencyGroups[nameOrGroup] ??
    Object.values(w.data.consistencyGroups).find((c) =>
      [c.masterGroupID, c.auxGroupID].some((gid) => gid === nameOrGroup || w.data.volumeGroups[gid]?.name === nameOrGroup),
    );
  if (!cg) throw notFound(`volume group ${nameOrGroup} not found`);
  const pick = (k: 'changeRateMBps' | 'cyclePeriodSeconds' | 'bandwidthMBps', min: number) => (body[k] === undefined ? cg[k] : num(body, k, { min, max: 1e9 }));
  const next = {
    ...cg,
    changeRateMBps: pick('changeRateMBps', 0),
    cyclePeriodSeconds: pick('cyclePeriodSeconds', 1),
    bandwidthMBps: pick('bandwidthMBps', 0.001),
  };
  w.put('consistencyGroups', next);
  return next;
}

function groupView(w: WorldCore, g: VolumeGroupRecord, now: number): Body {
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  const v: ReplicationView | undefined = cg ? replicationView(cg, now, w.instant) : undefined;
  const otherWs = cg ? w.data.workspaces[g.auxiliary ? cg.masterWorkspace : cg.auxWorkspace] : undefined;
  return {
    id: g.id,
    name: g.name,
    status: v?.error ? 'error' : v?.updating ? 'updating' : 'available',
    statusDescription: { errors: v?.error ? [{ errorCode: 'pcloud.error.volumeGroup.action', message: v.error }] : [] },
    replicationStatus: v?.enabled === false ? 'disabled' : 'enabled',
    consistencyGroupName: g.consistencyGroupName,
    auxiliary: g.auxiliary,
    volumeIDs: g.volumeIDs,
    replicationSites: otherWs ? [otherWs.location] : [],
    creationDate: iso(g.createdMs),
    updateDate: iso(g.updatedMs),
  };
}

// ---- the replication link ----------------------------------------------------------

function linkShouldBeDown(w: WorldCore, cg: ConsistencyGroupRecord): boolean {
  const broken = w.faults.linksBroken ?? [];
  const names = [cg.name, w.data.volumeGroups[cg.masterGroupID]?.name, w.data.volumeGroups[cg.auxGroupID]?.name];
  if (names.some((n) => n !== undefined && broken.includes(n))) return true;
  const down = (w.faults.sitesDown ?? []).map((s) => s.location);
  const locs = [w.data.workspaces[cg.masterWorkspace]?.location, w.data.workspaces[cg.auxWorkspace]?.location];
  return locs.some((l) => l !== undefined && down.includes(l));
}

/**
 * Brings every replication link in line with the faults in force: down while its group's link is
 * broken or either site is down; once restored, copying resumes with a resync of what changed.
 */
export function reconcileLinks(w: WorldCore): void {
  const now = w.now();
  for (const cg of Object.values(w.data.consistencyGroups)) {
    const shouldBeDown = linkShouldBeDown(w, cg);
    const ws = w.data.workspaces[cg.masterWorkspace];
    const res = { kind: 'volume-group', id: cg.masterGroupID, name: w.data.volumeGroups[cg.masterGroupID]?.name ?? cg.name };
    if (shouldBeDown && cg.linkDownSinceMs === undefined) {
      w.put('consistencyGroups', { ...cg, linkDownSinceMs: now });
      if (ws) w.event('replication.link-down', ws, res);
    } else if (!shouldBeDown && cg.linkDownSinceMs !== undefined) {
      const view = replicationView(cg, now, w.instant);
      const phase = phaseAt(cg, now);
      let phases = prunePhases(cg, now);
      // An action under way decides the next phase itself; otherwise resume copying.
      if (phase.enabled && !view.updating) {
        // Catch up on what changed while the link was down.
        const changedMb = (cg.changeRateMBps * (now - cg.linkDownSinceMs)) / 1000;
        const resync: ReplicationPhase = {
          ...phase,
          sinceMs: now,
          syncStartMs: now,
          syncMs: w.dur(copySeconds(Math.min(changedMb, groupMb(w, cg)), cg.bandwidthMBps)),
          carriedFreezeMs: view.freezeMs,
        };
        phases = [...phases.filter((p) => p.sinceMs < now), resync];
      }
      const { linkDownSinceMs: _dropped, ...rest } = cg;
      w.put('consistencyGroups', { ...rest, phases });
      if (ws) w.event('replication.link-restored', ws, res);
    }
  }
}

function rcName(volumeId: string): string {
  return `rcrel-${volumeId.replace(/-/g, '').slice(0, 12)}`;
}
