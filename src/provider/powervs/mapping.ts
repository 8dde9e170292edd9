// PowerVS JSON → the provider's typed states. Tolerant of missing fields: a real endpoint
// returns more (and sometimes less) than the simulator, and list items carry less than reads.

import type { NetworkState, ReplicationStatus, VmState, VolumeGroupState, VolumeState } from '../types.js';

type J = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): J => (typeof v === 'object' && v !== null ? (v as J) : {});

export function toVmState(b: unknown): VmState {
  const j = obj(b);
  const status = s(j.status) ?? 'UNKNOWN';
  const health = s(obj(j.health).status) ?? 'UNKNOWN';
  const networks = Array.isArray(j.networks)
    ? j.networks.map((x) => ({ id: s(obj(x).networkID) ?? '', ipAddress: s(obj(x).ipAddress) ?? s(obj(x).ip) }))
    : strings(j.networkIDs).map((id) => ({ id }));
  return {
    id: s(j.pvmInstanceID) ?? '',
    name: s(j.serverName) ?? '',
    status,
    health,
    ready: status === 'ACTIVE' && health === 'OK',
    machineType: s(j.sysType) ?? '',
    processors: n(j.processors) ?? 0,
    procType: s(j.procType) ?? '',
    memoryGb: n(j.memory) ?? 0,
    os: s(j.osType),
    imageId: s(j.imageID),
    storageTier: s(j.storageType),
    networks,
    volumeIds: strings(j.volumeIDs),
    fault: s(obj(j.fault).message),
    ...(Array.isArray(j.userTags) ? { userTags: strings(j.userTags) } : {}),
  };
}

export function toVolumeState(b: unknown): VolumeState {
  const j = obj(b);
  return {
    id: s(j.volumeID) ?? '',
    name: s(j.name) ?? '',
    sizeGb: n(j.size) ?? 0,
    tier: s(j.diskType) ?? '',
    state: s(j.state) ?? 'unknown',
    shareable: j.shareable === true,
    replicationEnabled: j.replicationEnabled === true,
    replicationStatus: s(j.replicationStatus),
    auxiliary: j.auxiliary === true,
    auxVolumeName: s(j.auxVolumeName),
    primaryRole: s(j.primaryRole),
    mirroringState: s(j.mirroringState),
    groupId: s(j.groupID),
    consistencyGroupName: s(j.consistencyGroupName),
    attachedTo: strings(j.pvmInstanceIDs),
    ...(Array.isArray(j.userTags) ? { userTags: strings(j.userTags) } : {}),
  };
}

export function toVolumeGroupState(b: unknown): VolumeGroupState {
  const j = obj(b);
  return {
    id: s(j.id) ?? '',
    name: s(j.name) ?? '',
    status: s(j.status) ?? 'unknown',
    replicationStatus: s(j.replicationStatus) ?? 'unknown',
    consistencyGroupName: s(j.consistencyGroupName) ?? '',
    auxiliary: j.auxiliary === true,
    volumeIds: strings(j.volumeIDs),
    replicationSites: strings(j.replicationSites),
  };
}

export function toNetworkState(b: unknown): NetworkState {
  const j = obj(b);
  return {
    id: s(j.networkID) ?? '',
    name: s(j.name) ?? '',
    type: s(j.type) ?? '',
    cidr: s(j.cidr) ?? '',
    gateway: s(j.gateway),
    dnsServers: strings(j.dnsServers),
    vlanId: n(j.vlanID),
    ...(Array.isArray(j.userTags) ? { userTags: strings(j.userTags) } : {}),
  };
}

/**
 * A group's replication from its three reads: the group (status), its storage details (state,
 * role, cycle) and its remote-copy relationships (per volume: state, progress, freeze time). Lag
 * is not a field of PowerVS: it is the cloud's time, `nowMs` (the relationships answer's Date),
 * minus the oldest freeze time.
 */
export function toReplicationStatus(group: VolumeGroupState, details: unknown, relationships: unknown, nowMs: number | undefined): ReplicationStatus {
  const d = obj(details);
  const rels = Array.isArray(obj(relationships).remoteCopyRelationships) ? (obj(relationships).remoteCopyRelationships as unknown[]) : [];
  let freezeMs: number | undefined;
  let freezeTime: string | undefined;
  let progress: number | undefined;
  for (const r of rels) {
    const j = obj(r);
    const f = s(j.freezeTime);
    const ms = f === undefined ? NaN : Date.parse(f);
    if (Number.isFinite(ms) && (freezeMs === undefined || ms < freezeMs)) {
      freezeMs = ms;
      freezeTime = f;
    }
    const p = n(j.progress);
    if (p !== undefined) progress = Math.min(progress ?? 100, p);
  }
  return {
    volumeGroupId: group.id,
    name: group.name,
    consistencyGroupName: s(d.consistencyGroupName) ?? group.consistencyGroupName,
    status: group.status,
    auxiliary: group.auxiliary,
    replicationEnabled: group.replicationStatus === 'enabled',
    state: s(d.state) ?? 'unknown',
    primaryRole: s(d.primaryRole) ?? 'master',
    cyclePeriodSeconds: n(d.cyclePeriodSeconds),
    progress,
    freezeTime,
    lagSeconds: freezeMs !== undefined && nowMs !== undefined ? Math.max(0, (nowMs - freezeMs) / 1000) : undefined,
    volumes: rels.map((r) => {
      const j = obj(r);
      return { masterVolumeName: s(j.masterVolumeName), auxVolumeName: s(j.auxVolumeName), state: s(j.state), freezeTime: s(j.freezeTime) };
    }),
  };
}

/** The message a PowerVS error body carries. */
export function errorMessageOf(body: unknown, text: string, status: number): string {
  const j = obj(body);
  return s(j.description) ?? s(j.message) ?? s(j.error) ?? (text.trim().slice(0, 300) || `HTTP ${status}`);
}
