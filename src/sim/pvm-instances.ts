// pvm-instances: the VMs of a workspace. Create, update, delete and power actions; status
// (BUILD, booting, ACTIVE, stopping, SHUTOFF, ERROR) is derived from the VM's power phase and
// the time, with durations from the timing model.

import {
  IMMEDIATE_SHUTDOWN_SECONDS,
  MACHINE_TYPE_NAMES,
  PROC_TYPES,
  STORAGE_TIER_NAMES,
  VM_BUILD_SECONDS,
  vmBootSeconds,
  vmBuildSeconds,
  vmShutdownSeconds,
} from '../powervs/index.js';
import { badRequest, conflict } from './errors.js';
import { iso } from './iso-time.js';
import { claimIp, nextIp } from './networks.js';
import type { PowerPhase, VmRecord } from './records.js';
import { phaseAt, replicationView } from './replication.js';
import { stockImage } from './images.js';
import { enumOf, num, objectOf, only, optStrings, str, userTags, type Body } from './request.js';
import type { ApiResult, WorldCore } from './world-core.js';

const VM_ACTIONS = ['start', 'stop', 'immediate-shutdown', 'hard-reboot', 'soft-reboot', 'reset-state'] as const;

type VmStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR';
interface VmState {
  readonly status: VmStatus;
  readonly health: 'OK' | 'WARNING' | 'CRITICAL' | 'PENDING';
  readonly progress: number;
  readonly busy?: 'building' | 'booting' | 'stopping';
}

export function listVms(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  const now = w.now();
  return { status: 200, body: { pvmInstances: w.membersOf('vms', ws.id).map((vm) => vmReference(w, vm, now)) } };
}

export function getVm(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: vmView(w, w.findIn('vms', ws.id, id, 'pvm-instance'), w.now()) };
}

/** PowerVS's deployment type for a VM with no boot volume of its own, booted from an attached one. */
export const VM_NO_STORAGE = 'VMNoStorage';

export function createVm(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'PVMInstanceCreate');
  const now = w.now();
  const serverName = str(body, 'serverName', { max: 47 });
  const procType = enumOf(body, 'procType', PROC_TYPES, undefined);
  const processors = num(body, 'processors', { min: 0.25, max: 240 });
  if (procType === 'dedicated' && !Number.isInteger(processors)) throw badRequest('processors must be a whole number for procType dedicated');
  const memory = num(body, 'memory', { min: 2, max: 32768 });
  const sysType = enumOf(body, 'sysType', MACHINE_TYPE_NAMES, 's922');
  const imageID = str(body, 'imageID');
  const image = stockImage(imageID);
  if (!image) throw badRequest(`imageID ${imageID} is not an image of cloud instance ${ws.id} (list them with GET stock-images)`);
  const deploymentType = body.deploymentType === undefined ? undefined : enumOf(body, 'deploymentType', [VM_NO_STORAGE] as const, undefined);
  if (image.empty !== (deploymentType === VM_NO_STORAGE)) {
    throw badRequest(
      image.empty
        ? `image ${image.name} has no storage: it deploys only with deploymentType ${VM_NO_STORAGE}`
        : `deploymentType ${VM_NO_STORAGE} needs one of the -EMPTY images (AIX-EMPTY, IBMI-EMPTY, RHEL-EMPTY, SLES-EMPTY)`,
    );
  }
  const storageType = enumOf(body, 'storageType', STORAGE_TIER_NAMES, 'tier1');
  const tags = userTags(body);
  const networksIn = body.networks;
  if (!Array.isArray(networksIn) || networksIn.length === 0) throw badRequest('networks must list at least one {networkID}');
  const volumeIDs = optStrings(body, 'volumeIDs') ?? [];

  const taken = new Set<string>();
  const networks = networksIn.map((n, i) => {
    const nb = objectOf(n, 'PVMInstanceAddNetwork', `networks[${i}]`);
    if (typeof nb.networkID !== 'string') throw badRequest(`networks[${i}].networkID must be a string`);
    const net = w.findIn('networks', ws.id, nb.networkID, 'network');
    const want = nb.ipAddress;
    const ipAddress = typeof want === 'string' && want ? claimIp(w, net, want, taken) : nextIp(w, net, taken);
    return { networkID: net.id, ipAddress };
  });
  const volumes = volumeIDs.map((v) => w.findIn('volumes', ws.id, v, 'volume'));
  for (const v of volumes) {
    if (v.pvmInstanceIDs.length > 0 && !v.shareable) throw conflict(`volume "${v.name}" is already attached to another pvm-instance`);
  }
  assertWritable(
    w,
    serverName,
    volumes.map((v) => v.id),
    now,
  );

  const shape = { machineType: sysType, os: image.os, memoryGb: memory, processors };
  const buildEndMs = now + w.dur(VM_BUILD_SECONDS);
  let power: PowerPhase;
  let bootFails = false;
  if (deploymentType === VM_NO_STORAGE) {
    // Built, not booted: nothing to boot from until a boot volume is attached.
    power = { kind: 'off', sinceMs: now, readyMs: buildEndMs, buildEndMs };
  } else {
    bootFails = w.takeBootFailure(serverName);
    power = bootFails
      ? { kind: 'build', sinceMs: now, buildEndMs, readyMs: now + w.dur(vmBuildSeconds(shape)), bootFails }
      : { kind: 'build', sinceMs: now, buildEndMs, readyMs: now + w.dur(vmBuildSeconds(shape)) };
  }
  const vm: VmRecord = {
    id: w.newId(),
    workspace: ws.id,
    serverName,
    processors,
    procType,
    memory,
    sysType,
    osType: image.os,
    imageID,
    storageType,
    networks,
    volumeIDs: volumes.map((v) => v.id),
    ...(deploymentType ? { deploymentType } : {}),
    ...(tags ? { userTags: tags } : {}),
    createdMs: now,
    updatedMs: now,
    power,
  };
  w.put('vms', vm);
  for (const v of volumes) w.put('volumes', { ...v, pvmInstanceIDs: [...v.pvmInstanceIDs, vm.id], updatedMs: now });
  w.event(
    'vm.created',
    ws,
    { kind: 'pvm-instance', id: vm.id, name: serverName },
    {
      effectiveAtMs: power.readyMs,
      outcome: bootFails ? 'failed' : 'completed',
      ...(deploymentType ? { detail: { deploymentType } } : {}),
    },
  );
  return { status: 202, body: [vmView(w, vm, now)] };
}

export function updateVm(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'PVMInstanceUpdate');
  const vm = w.findIn('vms', ws.id, id, 'pvm-instance');
  const now = w.now();
  const state = vmState(vm.power, now);
  if (state.busy) throw conflict(`pvm-instance "${vm.serverName}" is ${state.busy}; try again when it settles`);
  const serverName = body.serverName === undefined ? vm.serverName : str(body, 'serverName', { max: 47 });
  const procType = body.procType === undefined ? vm.procType : enumOf(body, 'procType', PROC_TYPES, vm.procType);
  const processors = body.processors === undefined ? vm.processors : num(body, 'processors', { min: 0.25, max: 240 });
  if (procType === 'dedicated' && !Number.isInteger(processors)) throw badRequest('processors must be a whole number for procType dedicated');
  const memory = body.memory === undefined ? vm.memory : num(body, 'memory', { min: 2, max: 32768 });
  const next: VmRecord = { ...vm, serverName, procType, processors, memory, updatedMs: now };
  w.put('vms', next);
  w.event('vm.updated', ws, { kind: 'pvm-instance', id: vm.id, name: serverName });
  return { status: 202, body: { serverName, processors, procType, memory } };
}

export function deleteVm(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const vm = w.findIn('vms', ws.id, id, 'pvm-instance');
  const now = w.now();
  for (const vid of vm.volumeIDs) {
    const v = w.data.volumes[vid];
    if (v) w.put('volumes', { ...v, pvmInstanceIDs: v.pvmInstanceIDs.filter((x) => x !== vm.id), updatedMs: now });
  }
  w.del('vms', vm.id);
  w.event('vm.deleted', ws, { kind: 'pvm-instance', id: vm.id, name: vm.serverName }, { effectiveAtMs: now });
  return { status: 200, body: {} };
}

/**
 * Attaches volumes to a VM (v2 pvm-instances/{id}/volumes), optionally naming its boot volume:
 * how a VMNoStorage VM gets the replicated boot volume it starts from.
 */
export function attachVolumes(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'VolumesAttach');
  const vm = w.findIn('vms', ws.id, id, 'pvm-instance');
  const now = w.now();
  const ids = optStrings(body, 'volumeIDs');
  if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one volume');
  const boot = body.bootVolumeID === undefined ? undefined : str(body, 'bootVolumeID');
  if (boot !== undefined && !ids.includes(boot) && !vm.volumeIDs.includes(boot)) throw badRequest(`bootVolumeID ${boot} is neither attached nor in volumeIDs`);
  const state = vmState(vm.power, now);
  if (state.busy) throw conflict(`pvm-instance "${vm.serverName}" is ${state.busy}; try again when it settles`);
  const adding = ids.filter((v) => !vm.volumeIDs.includes(v)).map((v) => w.findIn('volumes', ws.id, v, 'volume'));
  for (const v of adding) if (v.pvmInstanceIDs.length > 0 && !v.shareable) throw conflict(`volume "${v.name}" is already attached to another pvm-instance`);
  const next: VmRecord = { ...vm, volumeIDs: [...vm.volumeIDs, ...adding.map((v) => v.id)], ...(boot ? { bootVolumeID: boot } : {}), updatedMs: now };
  w.put('vms', next);
  for (const v of adding) w.put('volumes', { ...v, pvmInstanceIDs: [...v.pvmInstanceIDs, vm.id], updatedMs: now });
  w.event(
    'vm.updated',
    ws,
    { kind: 'pvm-instance', id: vm.id, name: vm.serverName },
    { detail: { attached: adding.map((v) => v.id), bootVolumeID: boot ?? null } },
  );
  return { status: 202, body: { summary: `${adding.length} volume(s) attached to pvm-instance ${vm.serverName}` } };
}

export function vmAction(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'PVMInstanceAction');
  const vm = w.findIn('vms', ws.id, id, 'pvm-instance');
  const action = enumOf(body, 'action', VM_ACTIONS, undefined);
  const now = w.now();
  const state = vmState(vm.power, now);
  const who = `pvm-instance "${vm.serverName}"`;
  const shape = { machineType: vm.sysType, os: vm.osType, memoryGb: vm.memory, processors: vm.processors };
  const bootable = vm.deploymentType !== VM_NO_STORAGE || vm.bootVolumeID !== undefined;
  let power: PowerPhase;
  let eventType: string;
  switch (action) {
    case 'start':
      if (state.busy) throw conflict(`${who} is ${state.busy}`);
      if (state.status === 'ACTIVE') throw conflict(`${who} is already running`);
      if (!bootable) throw conflict(`${who} has no boot volume: attach one (bootVolumeID) before starting it`);
      assertWritable(w, vm.serverName, vm.volumeIDs, now);
      power = bootPhase(w, vm, now, vmBootSeconds(shape));
      eventType = 'vm.start';
      break;
    case 'stop':
    case 'immediate-shutdown':
      if (state.busy === 'building') throw conflict(`${who} is still building`);
      if (state.busy === 'stopping') throw conflict(`${who} is already stopping`);
      if (state.status === 'SHUTOFF') throw conflict(`${who} is already stopped`);
      power = {
        kind: 'off',
        sinceMs: now,
        readyMs: state.status === 'ERROR' ? now : now + w.dur(action === 'stop' ? vmShutdownSeconds(shape) : IMMEDIATE_SHUTDOWN_SECONDS),
      };
      eventType = 'vm.stop';
      break;
    case 'hard-reboot':
    case 'soft-reboot':
      if (state.busy) throw conflict(`${who} is ${state.busy}`);
      if (state.status === 'SHUTOFF') throw conflict(`${who} is stopped; start it instead`);
      assertWritable(w, vm.serverName, vm.volumeIDs, now);
      power = bootPhase(w, vm, now, (action === 'soft-reboot' ? vmShutdownSeconds(shape) : 0) + vmBootSeconds(shape));
      eventType = 'vm.reboot';
      break;
    case 'reset-state':
      if (state.status !== 'ERROR') throw conflict(`${who} is not in ERROR state`);
      power = { kind: 'off', sinceMs: now, readyMs: now };
      eventType = 'vm.reset-state';
      break;
  }
  w.put('vms', { ...vm, power, updatedMs: now });
  w.event(
    eventType,
    ws,
    { kind: 'pvm-instance', id: vm.id, name: vm.serverName },
    {
      effectiveAtMs: power.readyMs,
      outcome: power.bootFails ? 'failed' : 'completed',
      detail: { action },
    },
  );
  // PowerVS answers a VM action with 200 and an empty object: no task; the VM's status tells.
  return { status: 200, body: {} };
}

/** Model ms until the VM is out of transition (built, booted or shut off); 0 when it is. */
export function vmSettleDueMs(w: WorldCore, wsId: string, id: string): number {
  const vm = w.findIn('vms', w.workspace(wsId).id, id, 'pvm-instance');
  return Math.max(0, vm.power.readyMs - w.now());
}

/**
 * A VM cannot boot from a volume that is the read-only target of replication: the
 * auxiliary copy while copying master → aux (or the primary while failing back aux →
 * master), or the non-primary side of a group stopped without access.
 */
function assertWritable(w: WorldCore, vmName: string, volumeIDs: readonly string[], now: number): void {
  for (const id of volumeIDs) {
    const v = w.data.volumes[id];
    if (!v?.replicationEnabled) continue;
    const group = v.groupID ? w.data.volumeGroups[v.groupID] : undefined;
    const cg = group ? w.data.consistencyGroups[group.consistencyGroupName] : undefined;
    const view = cg ? replicationView(cg, now, w.instant) : undefined;
    const primaryRole = view?.primaryRole ?? 'master';
    const bothWritable = view !== undefined && !view.enabled && phaseAt(cg!, now).access;
    const side = v.auxiliary ? 'aux' : 'master';
    if (!bothWritable && side !== primaryRole) {
      throw conflict(
        `pvm-instance "${vmName}" cannot boot: volume "${v.name}" is the read-only target of replication (state ${view?.state ?? 'consistent_copying'}); stop its volume group with access first`,
      );
    }
  }
}

function bootPhase(w: WorldCore, vm: VmRecord, now: number, seconds: number): PowerPhase {
  const bootFails = w.takeBootFailure(vm.serverName);
  const readyMs = now + w.dur(seconds);
  return bootFails ? { kind: 'on', sinceMs: now, readyMs, bootFails } : { kind: 'on', sinceMs: now, readyMs };
}

function networksOf(w: WorldCore, vm: VmRecord): Body[] {
  return vm.networks.map((n) => ({
    networkID: n.networkID,
    networkName: w.data.networks[n.networkID]?.name,
    ipAddress: n.ipAddress,
    type: 'fixed',
  }));
}

function common(w: WorldCore, vm: VmRecord, now: number): Body {
  const state = vmState(vm.power, now);
  const view: Body = {
    pvmInstanceID: vm.id,
    serverName: vm.serverName,
    processors: vm.processors,
    procType: vm.procType,
    memory: vm.memory,
    sysType: vm.sysType,
    osType: vm.osType,
    imageID: vm.imageID,
    diskSize: stockImage(vm.imageID)?.sizeGb ?? 0,
    storageType: vm.storageType,
    status: state.status,
    // No `...(cond ? {…} : {})`: V8 builds a spread slowly, and a list builds thousands of these.
    health: state.busy ? { status: state.health, lastUpdate: iso(now), reason: state.busy } : { status: state.health, lastUpdate: iso(now) },
    progress: state.progress,
    networks: networksOf(w, vm),
    creationDate: iso(vm.createdMs),
    updatedDate: iso(vm.updatedMs),
  };
  if (state.status === 'ERROR') view.fault = { code: 500, message: `${vm.serverName} failed to boot`, created: iso(vm.power.readyMs) };
  return view;
}

/** PVMInstance: one VM as GET pvm-instances/{id} answers it. */
export function vmView(w: WorldCore, vm: VmRecord, now: number): Body {
  const view = common(w, vm, now);
  view.networkIDs = vm.networks.map((n) => n.networkID);
  view.volumeIDs = vm.volumeIDs;
  if (vm.deploymentType) view.deploymentType = vm.deploymentType;
  if (vm.userTags) view.userTags = vm.userTags;
  return view;
}

/** PVMInstanceReference: one item of the list, which carries neither volumes, network ids nor tags. */
function vmReference(w: WorldCore, vm: VmRecord, now: number): Body {
  const view = common(w, vm, now);
  view.href = `/pcloud/v1/cloud-instances/${vm.workspace}/pvm-instances/${vm.id}`;
  return view;
}

// ---- derived VM state ---------------------------------------------------------------

function vmState(p: PowerPhase, t: number): VmState {
  const progress = p.readyMs > p.sinceMs ? Math.min(100, Math.floor(((t - p.sinceMs) / (p.readyMs - p.sinceMs)) * 100)) : 100;
  if (p.buildEndMs !== undefined && t < p.buildEndMs) return { status: 'BUILD', health: 'PENDING', progress, busy: 'building' };
  if (p.kind === 'off') {
    return t < p.readyMs ? { status: 'ACTIVE', health: 'WARNING', progress, busy: 'stopping' } : { status: 'SHUTOFF', health: 'CRITICAL', progress: 100 };
  }
  if (t < p.readyMs) return { status: 'ACTIVE', health: 'WARNING', progress, busy: 'booting' };
  return p.bootFails ? { status: 'ERROR', health: 'CRITICAL', progress: 100 } : { status: 'ACTIVE', health: 'OK', progress: 100 };
}
