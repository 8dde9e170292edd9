// volumes: the disks of a workspace. A replication-enabled volume has an auxiliary copy in the
// partner workspace; clones (FlashCopy, for drills) are made through the v2 clone-async API.

import { STORAGE_TIER_NAMES, VOLUME_CLONE_SECONDS } from '../powervs/index.js';
import { badRequest, conflict, notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { VolumeRecord, WorkspaceRecord } from './records.js';
import { replicationView } from './replication.js';
import { bool, enumOf, num, optStrings, str, type Body } from './request.js';
import { partnerWorkspace } from './workspaces.js';
import type { ApiResult, WorldCore } from './world-core.js';

export function listVolumes(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  return { status: 200, body: { volumes: w.membersOf('volumes', ws.id).map((v) => volumeView(w, v, now)) } };
}

export function getVolume(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: volumeView(w, w.findIn('volumes', ws.id, id, 'volume'), w.now()) };
}

export function createVolume(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  const name = str(body, 'name', { max: 120 });
  const size = num(body, 'size', { min: 1, max: 32768 });
  const diskType = enumOf(body, 'diskType', STORAGE_TIER_NAMES, 'tier1');
  if (diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
  const shareable = bool(body, 'shareable', false);
  const replicationEnabled = bool(body, 'replicationEnabled', false);
  if (w.nameTaken('volumes', ws.id, name)) throw conflict(`a volume named "${name}" already exists in cloud instance ${ws.id}`);
  const vol: VolumeRecord = {
    id: w.newId(),
    workspace: ws.id,
    name,
    size,
    diskType,
    shareable,
    replicationEnabled: false,
    auxiliary: false,
    pvmInstanceIDs: [],
    readyMs: now,
    createdMs: now,
    updatedMs: now,
  };
  const created = replicationEnabled ? enableReplication(w, ws, vol, now) : vol;
  if (!replicationEnabled) w.put('volumes', vol);
  w.event('volume.created', ws, { kind: 'volume', id: vol.id, name }, { detail: { size, diskType, replicationEnabled } });
  return { status: 202, body: volumeView(w, created, now) };
}

/** Creates the auxiliary copy in the partner workspace and links the pair. */
function enableReplication(w: WorldCore, ws: WorkspaceRecord, vol: VolumeRecord, now: number): VolumeRecord {
  const partner = partnerWorkspace(w, ws);
  const auxName = `aux_${vol.name}`;
  if (w.nameTaken('volumes', partner.id, auxName)) throw conflict(`a volume named "${auxName}" already exists in cloud instance ${partner.id}`);
  const auxId = w.newId();
  const primary: VolumeRecord = { ...vol, replicationEnabled: true, peerVolumeID: auxId, updatedMs: now };
  const aux: VolumeRecord = {
    id: auxId,
    workspace: partner.id,
    name: auxName,
    size: vol.size,
    diskType: vol.diskType,
    shareable: vol.shareable,
    replicationEnabled: true,
    auxiliary: true,
    peerVolumeID: vol.id,
    pvmInstanceIDs: [],
    readyMs: now,
    createdMs: now,
    updatedMs: now,
  };
  w.put('volumes', primary);
  w.put('volumes', aux);
  return primary;
}

export function updateVolume(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  let vol = w.findIn('volumes', ws.id, id, 'volume');
  const now = w.now();
  const name = body.name === undefined ? vol.name : str(body, 'name', { max: 120 });
  if (name !== vol.name && w.nameTaken('volumes', ws.id, name)) throw conflict(`a volume named "${name}" already exists in cloud instance ${ws.id}`);
  const size = body.size === undefined ? vol.size : num(body, 'size', { min: 1, max: 32768 });
  if (size < vol.size) throw badRequest(`volume "${vol.name}" cannot shrink from ${vol.size} GB to ${size} GB`);
  if (vol.diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
  const wantReplication = body.replicationEnabled === undefined ? vol.replicationEnabled : bool(body, 'replicationEnabled', false);
  if (vol.auxiliary && wantReplication !== vol.replicationEnabled)
    throw badRequest(`volume "${vol.name}" is an auxiliary copy; change replication on its primary`);
  vol = { ...vol, name, size, updatedMs: now };
  if (wantReplication && !vol.replicationEnabled) {
    vol = enableReplication(w, ws, vol, now);
  } else if (!wantReplication && vol.replicationEnabled) {
    if (vol.groupID) throw conflict(`volume "${vol.name}" is in a volume group; remove it from the group first`);
    const aux = vol.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
    if (aux?.groupID) throw conflict(`the auxiliary copy of volume "${vol.name}" is in a volume group; remove it first`);
    if (aux && aux.pvmInstanceIDs.length) throw conflict(`the auxiliary copy of volume "${vol.name}" is attached to a pvm-instance`);
    if (aux) w.del('volumes', aux.id);
    const { peerVolumeID: _gone, ...rest } = vol;
    vol = { ...rest, replicationEnabled: false };
    w.put('volumes', vol);
  } else {
    w.put('volumes', vol);
    const peer = vol.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
    if (peer && peer.size !== size) w.put('volumes', { ...peer, size, updatedMs: now });
  }
  w.event('volume.updated', ws, { kind: 'volume', id: vol.id, name: vol.name });
  return { status: 202, body: volumeView(w, vol, now) };
}

export function deleteVolume(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const vol = w.findIn('volumes', ws.id, id, 'volume');
  if (vol.pvmInstanceIDs.length) throw conflict(`volume "${vol.name}" is attached to ${vol.pvmInstanceIDs.length} pvm-instance(s); detach it first`);
  if (vol.groupID) throw conflict(`volume "${vol.name}" is in a volume group; remove it from the group first`);
  const peer = vol.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
  if (peer && !vol.auxiliary) {
    // The auxiliary copy goes with its primary.
    if (peer.groupID) throw conflict(`the auxiliary copy of volume "${vol.name}" is in a volume group; remove it first`);
    if (peer.pvmInstanceIDs.length) throw conflict(`the auxiliary copy of volume "${vol.name}" is attached to a pvm-instance`);
    w.del('volumes', peer.id);
  } else if (peer) {
    const { peerVolumeID: _gone, ...rest } = peer;
    w.put('volumes', { ...rest, replicationEnabled: false, updatedMs: w.now() });
  }
  w.del('volumes', vol.id);
  w.event('volume.deleted', ws, { kind: 'volume', id: vol.id, name: vol.name });
  return { status: 200, body: {} };
}

export function cloneVolumes(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  const prefix = str(body, 'name', { max: 100 });
  const ids = optStrings(body, 'volumeIDs');
  if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one volume');
  const sources = ids.map((v) => w.findIn('volumes', ws.id, v, 'volume'));
  const readyMs = now + w.dur(VOLUME_CLONE_SECONDS);
  const names = sources.map((s) => `${prefix}-${s.name}`);
  for (const n of names) if (w.nameTaken('volumes', ws.id, n)) throw conflict(`a volume named "${n}" already exists in cloud instance ${ws.id}`);
  const clones = sources.map((src, i) => {
    const clone: VolumeRecord = {
      id: w.newId(),
      workspace: ws.id,
      name: names[i],
      size: src.size,
      diskType: src.diskType,
      shareable: false,
      replicationEnabled: false,
      auxiliary: false,
      pvmInstanceIDs: [],
      readyMs,
      clonedFrom: src.id,
      createdMs: now,
      updatedMs: now,
    };
    w.put('volumes', clone);
    return { source: src.id, clone: clone.id };
  });
  const task = w.task(ws, {
    component: 'volume',
    componentID: clones[0].clone,
    componentName: prefix,
    operation: 'clone',
    doneMs: readyMs,
    outcome: 'completed',
    statusDetail: `clone of ${sources.length} volume(s) as ${prefix}-*`,
    clones,
  });
  w.event(
    'volume.cloned',
    ws,
    { kind: 'volume', id: clones[0].clone, name: prefix },
    {
      effectiveAtMs: readyMs,
      outcome: 'completed',
      detail: { clones: clones.map((c, i) => ({ ...c, name: names[i] })) },
    },
  );
  return { status: 202, body: { cloneTaskID: task.id } };
}

export function getCloneTask(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const task = w.data.tasks[id];
  if (!task || task.workspace !== ws.id || task.operation !== 'clone') throw notFound(`clone task ${id} not found in cloud instance ${ws.id}`);
  const now = w.now();
  const done = now >= task.doneMs;
  const span = task.doneMs - task.createdMs;
  return {
    status: 200,
    body: {
      cloneTaskID: task.id,
      status: done ? task.outcome : 'running',
      percentComplete: done ? 100 : span > 0 ? Math.floor(((now - task.createdMs) / span) * 100) : 0,
      clonedVolumes: (task.clones ?? []).map((c) => ({ sourceVolumeID: c.source, clonedVolumeID: c.clone })),
    },
  };
}

function volumeView(w: WorldCore, v: VolumeRecord, now: number): Body {
  const group = v.groupID ? w.data.volumeGroups[v.groupID] : undefined;
  const cg = group ? w.data.consistencyGroups[group.consistencyGroupName] : undefined;
  const rv = cg ? replicationView(cg, now, w.instant) : undefined;
  const peer = v.peerVolumeID ? w.data.volumes[v.peerVolumeID] : undefined;
  const view: Body = {
    volumeID: v.id,
    name: v.name,
    size: v.size,
    diskType: v.diskType,
    state: now < v.readyMs ? 'creating' : v.pvmInstanceIDs.length ? 'in-use' : 'available',
    bootable: false,
    shareable: v.shareable,
    replicationEnabled: v.replicationEnabled,
    replicationStatus: !v.replicationEnabled ? 'not-capable' : rv && !rv.enabled ? 'disabled' : 'enabled',
    auxiliary: v.auxiliary,
    pvmInstanceIDs: v.pvmInstanceIDs,
    creationDate: iso(v.createdMs),
    // Becoming available (a clone finishing) is an update, as with a VM's boot.
    lastUpdateDate: iso(v.readyMs <= now ? Math.max(v.updatedMs, v.readyMs) : v.updatedMs),
    wwn: wwnOf(v.id),
  };
  if (v.replicationEnabled) {
    view.masterVolumeName = v.auxiliary ? peer?.name : v.name;
    view.auxVolumeName = v.auxiliary ? v.name : peer?.name;
    view.primaryRole = rv?.primaryRole ?? 'master';
    view.mirroringState = rv?.state ?? 'consistent_copying';
  }
  if (group) {
    view.groupID = group.id;
    view.volumeGroup = group.name;
    view.consistencyGroupName = group.consistencyGroupName;
  }
  if (v.clonedFrom) view.clonedFrom = v.clonedFrom;
  return view;
}

function wwnOf(id: string): string {
  return `600507681${id.replace(/-/g, '').slice(0, 23).toUpperCase()}`;
}
