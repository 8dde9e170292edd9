// volume-groups: replicated volumes grouped into consistency groups (Global Mirror with Change
// Volumes). A group has a primary side and an auxiliary side in the partner workspace; the
// actions start, stop and reset replication, and the link to the partner follows the faults.
// The replication model itself (copy cycles, freeze time, lag) is replication.ts.

import { volumeGroupSwitchSeconds } from '../powervs/index.js';
import { badRequest, conflict, notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { ConsistencyGroupRecord, ReplicationPhase, VolumeGroupRecord, VolumeRecord, WorkspaceRecord } from './records.js';
import { copySeconds, phaseAt, replicationView, type ReplicationView } from './replication.js';
import { num, objectOf, only, optStrings, str, type Body } from './request.js';
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

export function listVolumeGroupDetails(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  return { status: 200, body: { volumeGroups: w.membersOf('volumeGroups', ws.id).map((g) => detailsView(w, g, now)) } };
}

export function getVolumeGroup(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: groupView(w, w.findIn('volumeGroups', ws.id, id, 'volume-group'), w.now()) };
}

export function getVolumeGroupDetails(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: detailsView(w, w.findIn('volumeGroups', ws.id, id, 'volume-group'), w.now()) };
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

/**
 * POST volume-groups. With `name`: a new group of replication-enabled primaries, which makes a
 * new consistency group in storage. With `consistencyGroupName` instead: the auxiliary side of an
 * existing consistency group, in the partner workspace, from its onboarded auxiliary volumes.
 */
export function createVolumeGroup(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumeGroupCreate');
  const ids = optStrings(body, 'volumeIDs');
  if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one volume');
  if (new Set(ids).size !== ids.length) throw badRequest('volumeIDs lists a volume twice');
  if (body.name !== undefined && body.consistencyGroupName !== undefined) throw badRequest('give name or consistencyGroupName, not both');
  if (body.consistencyGroupName !== undefined) return createAuxGroup(w, ws, str(body, 'consistencyGroupName'), ids);
  const now = w.now();
  const name = str(body, 'name', { max: 120 });
  const pairs = joinable(w, ws, ids);
  const auxWs = w.data.workspaces[pairs[0].aux.workspace];
  const locationOf = (v: VolumeRecord) => w.data.workspaces[v.workspace]?.location;
  if (pairs.some((p) => locationOf(p.aux) !== auxWs.location)) throw badRequest('all volumes of a group must replicate to the same data centre');
  const masterId = w.newId();
  const cgName = `rccg-${masterId.replace(/-/g, '').slice(0, 4)}-${masterId.replace(/-/g, '').slice(-6)}`;
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
  const totalMb = pairs.reduce((mb, p) => mb + p.primary.size * 1024, 0);
  const cg: ConsistencyGroupRecord = {
    name: cgName,
    masterWorkspace: ws.id,
    auxWorkspace: auxWs.id,
    masterGroupID: masterId,
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
  w.put('consistencyGroups', cg);
  for (const p of pairs) w.put('volumes', { ...p.primary, groupID: masterId, updatedMs: now });
  w.event('volume-group.created', ws, { kind: 'volume-group', id: masterId, name }, { detail: { consistencyGroupName: cgName, auxWorkspace: auxWs.id } });
  reconcileLinks(w);
  return { status: 202, body: { id: masterId, name, status: groupStatus(w, master, now) } };
}

function createAuxGroup(w: WorldCore, ws: WorkspaceRecord, cgName: string, ids: readonly string[]): ApiResult {
  const now = w.now();
  const cg = w.data.consistencyGroups[cgName];
  // Its copies are in the storage of the partner data centre: any workspace there may take them.
  if (!cg || w.data.workspaces[cg.auxWorkspace]?.location !== ws.location) {
    throw notFound(
      cg
        ? `consistency group ${cgName} replicates to ${w.data.workspaces[cg.auxWorkspace]?.location ?? cg.auxWorkspace}, not to cloud instance ${ws.id} (${ws.location})`
        : `no consistency group ${cgName} replicates to cloud instance ${ws.id} (${ws.location})`,
    );
  }
  if (cg.auxGroupID && w.data.volumeGroups[cg.auxGroupID])
    throw conflict(`consistency group ${cgName} already has volume group ${cg.auxGroupID} in cloud instance ${cg.auxWorkspace}`);
  const master = w.data.volumeGroups[cg.masterGroupID];
  const expected = new Set((master?.volumeIDs ?? []).map((v) => w.data.volumes[v]?.peerVolumeID));
  const vols = ids.map((id) => {
    const v = w.findIn('volumes', ws.id, id, 'volume');
    if (!v.auxiliary || !expected.has(v.id)) throw badRequest(`volume "${v.name}" is not an auxiliary volume of consistency group ${cgName}`);
    return v;
  });
  const id = w.newId();
  // Every copy of the consistency group onboarded here belongs to it, named or not.
  const members = Object.values(w.data.volumes).filter((v) => v.workspace === ws.id && v.onboarded !== false && expected.has(v.id));
  for (const v of vols) if (!members.includes(v)) members.push(v);
  const aux: VolumeGroupRecord = {
    id,
    workspace: ws.id,
    name: cgName,
    auxiliary: true,
    consistencyGroupName: cgName,
    volumeIDs: members.map((v) => v.id),
    createdMs: now,
    updatedMs: now,
  };
  w.put('volumeGroups', aux);
  // The auxiliary side is in this workspace from now on.
  w.put('consistencyGroups', { ...cg, auxGroupID: id, auxWorkspace: ws.id });
  for (const v of members) w.put('volumes', { ...v, groupID: id, updatedMs: now });
  w.event('volume-group.created', ws, { kind: 'volume-group', id, name: cgName }, { detail: { consistencyGroupName: cgName, auxiliary: true } });
  return { status: 202, body: { id, name: cgName, status: groupStatus(w, aux, now) } };
}

export function updateVolumeGroup(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumeGroupUpdate');
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const now = w.now();
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (cg && replicationView(cg, now, w.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
  const add = optStrings(body, 'addVolumes') ?? [];
  const remove = optStrings(body, 'removeVolumes') ?? [];
  if ((add.length || remove.length) && g.auxiliary) throw badRequest(`volume group "${g.name}" is the auxiliary side; change its volumes on the primary side`);
  const auxGroup = cg?.auxGroupID ? w.data.volumeGroups[cg.auxGroupID] : undefined;
  const removing = remove.map((r) => {
    const v = w.findIn('volumes', ws.id, r, 'volume');
    if (v.groupID !== g.id) throw badRequest(`volume "${v.name}" is not in volume group "${g.name}"`);
    return v;
  });
  const adding = joinable(w, ws, add);
  const auxLocation = cg ? w.data.workspaces[cg.auxWorkspace]?.location : undefined;
  if (cg && adding.some((p) => w.data.workspaces[p.aux.workspace]?.location !== auxLocation))
    throw badRequest('all volumes of a group must replicate to the same data centre');
  const removedIds = new Set(removing.map((v) => v.id));
  const removedAux = new Set(removing.map((v) => v.peerVolumeID).filter((x): x is string => !!x));
  w.put('volumeGroups', { ...g, volumeIDs: [...g.volumeIDs.filter((v) => !removedIds.has(v)), ...adding.map((p) => p.primary.id)], updatedMs: now });
  // The auxiliary group holds the copies of its primaries onboarded in its workspace.
  const joiningAux = auxGroup ? adding.map((p) => p.aux).filter((a) => a.onboarded !== false && a.workspace === auxGroup.workspace) : [];
  if (auxGroup && (joiningAux.length || removedAux.size)) {
    w.put('volumeGroups', {
      ...auxGroup,
      volumeIDs: [...auxGroup.volumeIDs.filter((v) => !removedAux.has(v)), ...joiningAux.map((a) => a.id)],
      updatedMs: now,
    });
  }
  for (const v of removing) {
    const { groupID: _a, ...rest } = v;
    w.put('volumes', { ...rest, updatedMs: now });
    const aux = v.peerVolumeID ? w.data.volumes[v.peerVolumeID] : undefined;
    if (aux?.groupID) {
      const { groupID: _b, ...auxRest } = aux;
      w.put('volumes', { ...auxRest, updatedMs: now });
    }
  }
  for (const p of adding) w.put('volumes', { ...p.primary, groupID: g.id, updatedMs: now });
  for (const a of joiningAux) w.put('volumes', { ...a, groupID: auxGroup!.id, updatedMs: now });
  w.event('volume-group.updated', ws, { kind: 'volume-group', id: g.id, name: g.name }, { detail: { added: add, removed: remove } });
  return { status: 202, body: {} };
}

/**
 * DELETE volume-groups/{id}. The primary side must be empty; it takes the consistency group and
 * the auxiliary side with it. The auxiliary side alone leaves the workspace (its volumes stay).
 */
export function deleteVolumeGroup(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const now = w.now();
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (cg && replicationView(cg, now, w.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
  if (!g.auxiliary && g.volumeIDs.length) throw conflict(`volume group "${g.name}" still holds ${g.volumeIDs.length} volume(s); remove them first`);
  const auxGroup = cg?.auxGroupID ? w.data.volumeGroups[cg.auxGroupID] : undefined;
  const dropAux = g.auxiliary ? g : auxGroup;
  if (dropAux) {
    for (const vid of dropAux.volumeIDs) {
      const v = w.data.volumes[vid];
      if (v?.groupID) {
        const { groupID: _g, ...rest } = v;
        w.put('volumes', { ...rest, updatedMs: now });
      }
    }
    w.del('volumeGroups', dropAux.id);
  }
  if (cg) {
    if (g.auxiliary) {
      const { auxGroupID: _x, ...rest } = cg;
      w.put('consistencyGroups', rest);
    } else w.del('consistencyGroups', cg.name);
  }
  if (!g.auxiliary) w.del('volumeGroups', g.id);
  w.event('volume-group.deleted', ws, { kind: 'volume-group', id: g.id, name: g.name });
  return { status: 202, body: {} };
}

export function volumeGroupAction(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumeGroupAction');
  const g = w.findIn('volumeGroups', ws.id, id, 'volume-group');
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (!cg) throw conflict(`volume group "${g.name}" has no consistency group`);
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest('the action body must hold exactly one of start, stop or reset');
  const action = keys[0] as 'start' | 'stop' | 'reset';
  const model = action === 'start' ? 'VolumeGroupActionStart' : action === 'stop' ? 'VolumeGroupActionStop' : 'VolumeGroupActionReset';
  const arg = objectOf(body[action], model, action);
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
    if (arg.status !== 'available') throw badRequest('reset.status must be "available"');
    if (!view.error) throw conflict(`${who} is not in error state; reset applies only to a group in error`);
    const { error: _e, ...rest } = phase;
    next = { ...rest, sinceMs: now };
  } else if (view.error) {
    throw conflict(`${who} is in error state (${view.error}); reset it first`);
  } else if (action === 'stop') {
    if (typeof arg.access !== 'boolean') throw badRequest('stop.access is required: true or false');
    const access = arg.access;
    if (!view.enabled) throw conflict(`${who} is not replicating (state ${view.state}); it cannot be stopped`);
    next = {
      sinceMs: effective,
      enabled: false,
      access,
      primaryRole: phase.primaryRole,
      syncStartMs: effective,
      syncMs: 0,
      ...(view.freezeMs !== undefined ? { frozenAtMs: view.freezeMs } : {}),
    };
    detail = { access, freezeTime: view.freezeMs !== undefined ? iso(view.freezeMs) : null, lagSeconds: view.lagSeconds ?? null };
  } else {
    const source = arg.source;
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
  w.event(`volume-group.${action}`, ws, { kind: 'volume-group', id: g.id, name: g.name }, { effectiveAtMs: doneMs, outcome, detail });
  // PowerVS answers 202 and an empty object: the group's status (updating, then available or
  // error) is what a client follows.
  return { status: 202, body: {} };
}

/** Model ms until the group is no longer updating; 0 when it is not. */
export function groupSettleDueMs(w: WorldCore, wsId: string, id: string): number {
  const g = w.findIn('volumeGroups', w.workspace(wsId).id, id, 'volume-group');
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  if (!cg) return 0;
  const now = w.now();
  const pending = cg.phases.filter((p) => p.sinceMs > now).map((p) => p.sinceMs);
  return pending.length ? Math.min(...pending) - now : 0;
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
      replicationType: 'global',
      state: v.state,
      sync: v.enabled && v.freezeMs !== undefined ? 'in_sync' : 'out_of_sync',
      remoteCopyRelationshipNames: g.volumeIDs.map((vid) => rcName(masterOf(w, vid))),
    },
  };
}

/** The primary volume id of a pair, from either side. */
function masterOf(w: WorldCore, volumeId: string): string {
  const v = w.data.volumes[volumeId];
  return v?.auxiliary && v.peerVolumeID ? v.peerVolumeID : volumeId;
}

/**
 * Per volume, the Global Mirror relationship: names, state, progress and freeze time (the time
 * the auxiliary copy is consistent as of). PowerVS reports no lag: a client computes it as the
 * answer's Date minus the freeze time.
 */
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
    const masterId = master?.id ?? vid;
    const rel: Body = {
      name: rcName(masterId),
      remoteCopyID: rcId(masterId),
      masterVolumeName: master?.name,
      auxVolumeName: aux?.auxVolumeName,
      masterChangedVolumeName: master ? `chg_${master.name}` : undefined,
      auxChangedVolumeName: aux?.auxVolumeName ? `chg_${aux.auxVolumeName}` : undefined,
      consistencyGroupName: g.consistencyGroupName,
      copyType: 'global',
      cyclingMode: 'multi',
      primaryRole: v?.primaryRole,
      state: v?.state,
      progress: v ? Math.floor(v.progress) : 0,
      sync: v && v.enabled && v.freezeMs !== undefined ? 'in_sync' : 'out_of_sync',
    };
    if (v?.freezeMs !== undefined) rel.freezeTime = iso(v.freezeMs);
    return rel;
  });
  return { status: 200, body: { id: g.id, remoteCopyRelationships: relationships } };
}

/** Adjusts the replication model of a group (admin): change rate, cycle period, bandwidth. */
export function tuneReplication(w: WorldCore, nameOrGroup: string, body: Body): ConsistencyGroupRecord {
  const cg =
    w.data.consistencyGroups[nameOrGroup] ??
    Object.values(w.data.consistencyGroups).find((c) =>
      [c.masterGroupID, c.auxGroupID].some((gid) => gid !== undefined && (gid === nameOrGroup || w.data.volumeGroups[gid]?.name === nameOrGroup)),
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

function groupStatus(w: WorldCore, g: VolumeGroupRecord, now: number): string {
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  const v = cg ? replicationView(cg, now, w.instant) : undefined;
  return v?.error ? 'error' : v?.updating ? 'updating' : 'available';
}

/** VolumeGroup: no member list (that is the details' answer). */
function groupView(w: WorldCore, g: VolumeGroupRecord, now: number): Body {
  const cg = w.data.consistencyGroups[g.consistencyGroupName];
  const v: ReplicationView | undefined = cg ? replicationView(cg, now, w.instant) : undefined;
  const otherWs = cg ? w.data.workspaces[g.auxiliary ? cg.masterWorkspace : cg.auxWorkspace] : undefined;
  return {
    id: g.id,
    name: g.name,
    status: groupStatus(w, g, now),
    statusDescription: { errors: v?.error ? [{ key: 'pcloud.error.volumeGroup.action', message: v.error, volIDs: [...g.volumeIDs] }] : [] },
    replicationStatus: v?.enabled === false ? 'disabled' : 'enabled',
    consistencyGroupName: g.consistencyGroupName,
    auxiliary: g.auxiliary,
    replicationSites: otherWs ? [otherWs.location] : [],
  };
}

/** VolumeGroupDetails: the group and its member volumes. */
function detailsView(w: WorldCore, g: VolumeGroupRecord, now: number): Body {
  return { ...groupView(w, g, now), volumeIDs: [...g.volumeIDs] };
}

// ---- the replication link ----------------------------------------------------------

function linkShouldBeDown(w: WorldCore, cg: ConsistencyGroupRecord): boolean {
  const broken = w.faults.linksBroken ?? [];
  const names = [cg.name, w.data.volumeGroups[cg.masterGroupID]?.name, cg.auxGroupID ? w.data.volumeGroups[cg.auxGroupID]?.name : undefined];
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

function rcId(volumeId: string): string {
  return volumeId.replace(/-/g, '').slice(0, 16).toUpperCase();
}
