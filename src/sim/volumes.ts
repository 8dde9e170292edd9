// volumes: the disks of a workspace. A replication-enabled volume gets an auxiliary copy in the
// partner data centre's storage at once, but that copy becomes part of the partner workspace
// only when it is onboarded there (POST volumes/onboarding with the source workspace's CRN and
// the copy's auxVolumeName), as with PowerVS Global Replication. Clones (FlashCopy, for drills)
// come from the v2 clone API, and are found through what their clone task returns.

import { STORAGE_TIER_NAMES, VOLUME_CLONE_SECONDS } from '../powervs/index.js';
import { badRequest, conflict, notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { TaskRecord, VolumeRecord, WorkspaceRecord } from './records.js';
import { replicationView } from './replication.js';
import { bool, enumOf, num, objectOf, only, optStrings, str, userTags, type Body } from './request.js';
import { partnerWorkspace } from './workspaces.js';
import type { ApiResult, WorldCore } from './world-core.js';

/** Model seconds an onboarding takes before its volumes are ready in the workspace. */
export const VOLUME_ONBOARDING_SECONDS = 30;

export function listVolumes(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  return {
    status: 200,
    body: {
      volumes: w.membersOf('volumes', ws.id).map((v) => {
        const view = volumeView(w, v, now);
        view.href = `/pcloud/v1/cloud-instances/${ws.id}/volumes/${v.id}`;
        return view;
      }),
    },
  };
}

export function getVolume(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: volumeView(w, w.findIn('volumes', ws.id, id, 'volume'), w.now()) };
}

export function createVolume(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'CreateDataVolume');
  const now = w.now();
  const name = str(body, 'name', { max: 120 });
  const size = num(body, 'size', { min: 1, max: 32768 });
  const diskType = enumOf(body, 'diskType', STORAGE_TIER_NAMES, 'tier1');
  if (diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
  const shareable = bool(body, 'shareable', false);
  const replicationEnabled = bool(body, 'replicationEnabled', false);
  const tags = userTags(body);
  const vol: VolumeRecord = {
    id: w.newId(),
    workspace: ws.id,
    name,
    size,
    diskType,
    shareable,
    replicationEnabled: false,
    auxiliary: false,
    ...(tags ? { userTags: tags } : {}),
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

/** The storage name of a volume's auxiliary copy: its name and a piece of its id, as names repeat. */
function auxNameOf(vol: VolumeRecord): string {
  return `aux_${vol.name.slice(0, 100)}_${vol.id.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * Creates the auxiliary copy in the partner data centre's storage and links the pair. It is not
 * in any workspace until onboarded into one there; until then it is held under the first
 * workspace of that data centre, hidden.
 */
function enableReplication(w: WorldCore, ws: WorkspaceRecord, vol: VolumeRecord, now: number): VolumeRecord {
  const partner = partnerWorkspace(w, ws);
  const auxId = w.newId();
  const auxName = auxNameOf(vol);
  const primary: VolumeRecord = { ...vol, replicationEnabled: true, peerVolumeID: auxId, auxVolumeName: auxName, updatedMs: now };
  const aux: VolumeRecord = {
    id: auxId,
    workspace: partner.id,
    name: auxName,
    size: vol.size,
    diskType: vol.diskType,
    shareable: vol.shareable,
    replicationEnabled: true,
    auxiliary: true,
    onboarded: false,
    auxVolumeName: auxName,
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
  only(body, 'UpdateVolume');
  let vol = w.findIn('volumes', ws.id, id, 'volume');
  const now = w.now();
  const name = body.name === undefined ? vol.name : str(body, 'name', { max: 120 });
  const size = body.size === undefined ? vol.size : num(body, 'size', { min: 1, max: 32768 });
  if (size < vol.size) throw badRequest(`volume "${vol.name}" cannot shrink from ${vol.size} GB to ${size} GB`);
  if (vol.diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
  const shareable = bool(body, 'shareable', vol.shareable);
  const bootable = bool(body, 'bootable', vol.bootable ?? false);
  vol = { ...vol, name, size, shareable, bootable, updatedMs: now };
  w.put('volumes', vol);
  const peer = vol.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
  if (peer && peer.size !== size) w.put('volumes', { ...peer, size, updatedMs: now });
  w.event('volume.updated', ws, { kind: 'volume', id: vol.id, name: vol.name });
  return { status: 200, body: volumeView(w, vol, now) };
}

/** POST volumes/{id}/action: replication on or off (the only action the simulator models). */
export function volumeAction(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumeAction');
  let vol = w.findIn('volumes', ws.id, id, 'volume');
  const now = w.now();
  if (body.replicationEnabled === undefined) throw badRequest('replicationEnabled is required');
  const want = bool(body, 'replicationEnabled', false);
  if (vol.auxiliary) throw badRequest(`volume "${vol.name}" is an auxiliary copy; change replication on its primary`);
  if (want === vol.replicationEnabled) return { status: 202, body: {} };
  if (want) {
    vol = enableReplication(w, ws, vol, now);
  } else {
    if (vol.groupID) throw conflict(`volume "${vol.name}" is in a volume group; remove it from the group first`);
    const aux = vol.peerVolumeID ? w.data.volumes[vol.peerVolumeID] : undefined;
    if (aux?.groupID) throw conflict(`the auxiliary copy of volume "${vol.name}" is in a volume group; remove it first`);
    if (aux && aux.pvmInstanceIDs.length) throw conflict(`the auxiliary copy of volume "${vol.name}" is attached to a pvm-instance`);
    if (aux) w.del('volumes', aux.id);
    const { peerVolumeID: _gone, auxVolumeName: _name, ...rest } = vol;
    vol = { ...rest, replicationEnabled: false, updatedMs: now };
    w.put('volumes', vol);
  }
  w.event('volume.updated', ws, { kind: 'volume', id: vol.id, name: vol.name }, { detail: { replicationEnabled: want } });
  return { status: 202, body: {} };
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
    const { peerVolumeID: _gone, auxVolumeName: _name, ...rest } = peer;
    w.put('volumes', { ...rest, replicationEnabled: false, updatedMs: w.now() });
  }
  w.del('volumes', vol.id);
  w.event('volume.deleted', ws, { kind: 'volume', id: vol.id, name: vol.name });
  return { status: 200, body: {} };
}

// ---- onboarding --------------------------------------------------------------------

/** The cloud instance id a workspace CRN names (crn:v1:…:power-iaas:<zone>:a/<account>:<id>::). */
export function crnInstance(crn: string): string | undefined {
  const parts = crn.split(':');
  return parts.length >= 8 && parts[0] === 'crn' && parts[4] === 'power-iaas' && parts[7] ? parts[7] : undefined;
}

/**
 * POST volumes/onboarding: makes auxiliary copies part of this workspace. Each entry names the
 * workspace of the primaries (sourceCRN) and the copies by their auxVolumeName; a copy joins the
 * auxiliary volume group of its consistency group if that group exists here.
 */
export function onboardVolumes(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumeOnboardingCreate');
  const now = w.now();
  const entries = body.Volumes;
  if (!Array.isArray(entries) || entries.length === 0) throw badRequest('Volumes must list at least one {sourceCRN, auxiliaryVolumes}');
  const tags = userTags(body);
  const description = body.description === undefined ? '' : str(body, 'description', { max: 256 });
  const doneMs = now + w.dur(VOLUME_ONBOARDING_SECONDS);
  const input: string[] = [];
  const onboarded: string[] = [];
  const failures: { failureMessage: string; volumes: string[] }[] = [];
  entries.forEach((e, i) => {
    const entry = objectOf(e, 'AuxiliaryVolumesForOnboarding', `Volumes[${i}]`);
    const sourceCRN = str(entry, 'sourceCRN');
    const source = crnInstance(sourceCRN);
    if (!source) throw badRequest(`Volumes[${i}].sourceCRN "${sourceCRN}" is not a workspace CRN`);
    const list = entry.auxiliaryVolumes;
    if (!Array.isArray(list) || list.length === 0) throw badRequest(`Volumes[${i}].auxiliaryVolumes must list at least one {auxVolumeName}`);
    list.forEach((a, j) => {
      const av = objectOf(a, 'AuxiliaryVolumeForOnboarding', `Volumes[${i}].auxiliaryVolumes[${j}]`);
      const auxName = str(av, 'auxVolumeName');
      input.push(auxName);
      // The copy is in the storage of this data centre, whichever workspace it is to join.
      const aux = Object.values(w.data.volumes).find(
        (v) =>
          v.auxiliary &&
          v.auxVolumeName === auxName &&
          w.data.workspaces[v.workspace]?.location === ws.location &&
          w.data.volumes[v.peerVolumeID ?? '']?.workspace === source,
      );
      if (!aux)
        return failures.push({ failureMessage: `no auxiliary volume ${auxName} of cloud instance ${source} is replicated to ${ws.id}`, volumes: [auxName] });
      if (aux.onboarded !== false) return failures.push({ failureMessage: `auxiliary volume ${auxName} is already onboarded`, volumes: [auxName] });
      const name = av.name === undefined ? auxName : str(av, 'name', { max: 120 });
      const primary = w.data.volumes[aux.peerVolumeID!];
      const master = primary?.groupID ? w.data.volumeGroups[primary.groupID] : undefined;
      const cg = master ? w.data.consistencyGroups[master.consistencyGroupName] : undefined;
      const auxGroup = cg?.auxGroupID && cg.auxWorkspace === ws.id ? w.data.volumeGroups[cg.auxGroupID] : undefined;
      w.put('volumes', {
        ...aux,
        workspace: ws.id,
        name,
        onboarded: true,
        readyMs: doneMs,
        updatedMs: now,
        ...(tags ? { userTags: tags } : {}),
        ...(auxGroup ? { groupID: auxGroup.id } : {}),
      });
      if (auxGroup) w.put('volumeGroups', { ...auxGroup, volumeIDs: [...auxGroup.volumeIDs, aux.id], updatedMs: now });
      onboarded.push(aux.id);
    });
  });
  const task = w.task(ws, {
    operation: 'onboarding',
    description,
    doneMs,
    outcome: onboarded.length ? 'completed' : 'failed',
    inputVolumes: input,
    onboarded,
    failures,
  });
  w.event('volume.onboarded', ws, { kind: 'volume-onboarding', id: task.id, name: description }, { effectiveAtMs: doneMs, detail: { onboarded, failures } });
  return { status: 202, body: { id: task.id, description } };
}

function onboardingCommon(t: TaskRecord, now: number): Body {
  return { id: t.id, description: t.description, inputVolumes: t.inputVolumes ?? [], status: now < t.doneMs ? 'in-progress' : t.outcome };
}

export function getOnboarding(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const t = w.data.tasks[id];
  if (!t || t.workspace !== ws.id || t.operation !== 'onboarding') throw notFound(`volume onboarding ${id} not found in cloud instance ${ws.id}`);
  const now = w.now();
  const done = now >= t.doneMs;
  const span = t.doneMs - t.createdMs;
  const view = onboardingCommon(t, now);
  view.creationTimestamp = iso(t.createdMs);
  view.progress = done ? 100 : span > 0 ? Math.floor(((now - t.createdMs) / span) * 100) : 0;
  if (done) view.results = { onboardedVolumes: t.onboarded ?? [], volumeOnboardingFailures: t.failures ?? [] };
  return { status: 200, body: view };
}

export function listOnboardings(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  const mine = Object.values(w.data.tasks).filter((t) => t.workspace === ws.id && t.operation === 'onboarding');
  return { status: 200, body: { onboardings: mine.map((t) => onboardingCommon(t, now)) } };
}

// ---- clones ------------------------------------------------------------------------

/**
 * POST /pcloud/v2/…/volumes/clone: FlashCopy clones of the given volumes, named by the cloud
 * (`clone-<name>-<n>`); the clone task's `clonedVolumes` tells which clone is of which volume.
 */
export function cloneVolumes(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumesCloneAsyncRequest');
  const now = w.now();
  const base = str(body, 'name', { max: 100 });
  const ids = optStrings(body, 'volumeIDs');
  if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one volume');
  const replicate = body.targetReplicationEnabled === undefined ? undefined : bool(body, 'targetReplicationEnabled', false);
  const tags = userTags(body);
  const sources = ids.map((v) => w.findIn('volumes', ws.id, v, 'volume'));
  const readyMs = now + w.dur(VOLUME_CLONE_SECONDS);
  const clones = sources.map((src, i) => {
    // Without targetReplicationEnabled a clone keeps its source's replication, as in PowerVS.
    const replicated = replicate ?? src.replicationEnabled;
    const id = w.newId();
    const clone: VolumeRecord = {
      id,
      workspace: ws.id,
      name: `clone-${base}-${String((Number.parseInt(id.replace(/-/g, '').slice(0, 8), 16) + i) % 100000).padStart(5, '0')}`,
      size: src.size,
      diskType: src.diskType,
      shareable: false,
      replicationEnabled: false,
      auxiliary: false,
      ...(tags ? { userTags: tags } : {}),
      pvmInstanceIDs: [],
      readyMs,
      clonedFrom: src.id,
      createdMs: now,
      updatedMs: now,
    };
    w.put('volumes', replicated ? enableReplication(w, ws, clone, now) : clone);
    return { source: src.id, clone: clone.id };
  });
  const task = w.task(ws, { operation: 'clone', description: base, doneMs: readyMs, outcome: 'completed', clones });
  w.event(
    'volume.cloned',
    ws,
    { kind: 'volume', id: clones[0].clone, name: base },
    {
      effectiveAtMs: readyMs,
      outcome: 'completed',
      detail: { clones },
    },
  );
  return { status: 202, body: { cloneTaskID: task.id, href: `/pcloud/v2/cloud-instances/${ws.id}/volumes/clone-tasks/${task.id}` } };
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
      status: done ? task.outcome : 'running',
      percentComplete: done ? 100 : span > 0 ? Math.floor(((now - task.createdMs) / span) * 100) : 0,
      clonedVolumes: (task.clones ?? []).map((c) => ({ sourceVolumeID: c.source, clonedVolumeID: c.clone })),
    },
  };
}

// ---- the Volume model ----------------------------------------------------------------

export function volumeView(w: WorldCore, v: VolumeRecord, now: number): Body {
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
    bootable: v.bootable ?? false,
    shareable: v.shareable,
    replicationEnabled: v.replicationEnabled,
    replicationStatus: !v.replicationEnabled ? 'not-capable' : rv && !rv.enabled ? 'disabled' : 'enabled',
    auxiliary: v.auxiliary,
    pvmInstanceIDs: v.pvmInstanceIDs,
    creationDate: iso(v.createdMs),
    lastUpdateDate: iso(v.updatedMs),
    wwn: wwnOf(v.id),
  };
  if (v.replicationEnabled) {
    view.replicationType = 'global';
    view.masterVolumeName = v.auxiliary ? peer?.name : v.name;
    view.auxVolumeName = v.auxiliary ? v.auxVolumeName : peer?.auxVolumeName;
    view.primaryRole = rv?.primaryRole ?? 'master';
    view.mirroringState = rv?.state ?? 'consistent_copying';
    const other = peer ? w.data.workspaces[peer.workspace] : undefined;
    if (other) view.replicationSites = [other.location];
  }
  if (group) {
    view.groupID = group.id;
    view.consistencyGroupName = group.consistencyGroupName;
  }
  if (v.userTags) view.userTags = v.userTags;
  return view;
}

function wwnOf(id: string): string {
  return `600507681${id.replace(/-/g, '').slice(0, 23).toUpperCase()}`;
}
