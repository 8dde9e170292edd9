// The simulated PowerVS world: the API operations on workspaces, VMs, volumes, volume
// groups, networks and tasks. Operations run synchronously on in-memory records, record
// their changes as journal operations (taken by the server and made durable before it
// answers), and throw SimApiError for 400/404/409. Time-dependent status is derived from
// timestamps when read, so a manual clock makes every transition deterministic.

import { randomUUID } from 'node:crypto';
import {
  VM_BUILD_SECONDS,
  VOLUME_CLONE_SECONDS,
  vmBootSeconds,
  vmBuildSeconds,
  vmShutdownSeconds,
  volumeGroupSwitchSeconds,
  type MachineType,
  type OsType,
  type ProcType,
  type StorageTier,
} from '../powervs/index.js';
import type { Clock } from './clock.js';
import { badRequest, conflict, notFound } from './errors.js';
import type { FaultSpec } from './faults.js';
import {
  applyOp,
  COLLECTIONS,
  recordKey,
  type CollectionName,
  type Collections,
  type ConsistencyGroupRecord,
  type JournalEntry,
  type JournalOp,
  type NetworkRecord,
  type PowerPhase,
  type ReplicationPhase,
  type SimEvent,
  type TaskRecord,
  type VmRecord,
  type VolumeGroupRecord,
  type VolumeRecord,
  type WorkspaceRecord,
  type WorldData,
} from './records.js';
import { copySeconds, phaseAt, replicationView, type ReplicationView } from './replication.js';
import { isKnownLocation, pairedLocation, REPLICATION_PAIRS, regionOf } from './sites.js';

/** An immediate shutdown skips the OS shutdown; a few seconds of partition teardown remain. */
export const IMMEDIATE_SHUTDOWN_SECONDS = 5;
/** Replication defaults: a 5-minute cycle over a 10 Gbps link. */
export const DEFAULT_CYCLE_PERIOD_SECONDS = 300;
export const DEFAULT_CHANGE_RATE_MBPS = 5;
export const DEFAULT_BANDWIDTH_MBPS = 1000;

const MACHINE_TYPES: readonly MachineType[] = ['s922', 'e980', 'e1080'];
const OS_TYPES: readonly OsType[] = ['aix', 'ibmi', 'rhel', 'sles'];
const PROC_TYPES: readonly ProcType[] = ['dedicated', 'shared', 'capped'];
const TIERS: readonly StorageTier[] = ['tier0', 'tier1', 'tier3', 'tier5k'];
const VM_ACTIONS = ['start', 'stop', 'immediate-shutdown', 'hard-reboot', 'soft-reboot', 'reset-state'] as const;

export interface WorldOptions {
  readonly clock: Clock;
  /** Time scale 0: operations settle at once and replication has no lag. */
  readonly instant: boolean;
  readonly newId?: () => string;
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

type Body = Record<string, unknown>;
type VmStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR';
interface VmState {
  readonly status: VmStatus;
  readonly health: 'OK' | 'WARNING' | 'CRITICAL' | 'PENDING';
  readonly progress: number;
  readonly busy?: 'building' | 'booting' | 'stopping';
}

export class World {
  private faults: FaultSpec = {};
  private opNow: number | undefined;
  private pending: JournalOp[] = [];
  private readonly names = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly usedIps = new Map<string, Set<string>>();
  /** Where the next address search starts, per network (memory only; a restart rescans). */
  private readonly ipCursor = new Map<string, number>();
  private readonly newId: () => string;

  constructor(
    readonly data: WorldData,
    private readonly opts: WorldOptions,
  ) {
    this.newId = opts.newId ?? randomUUID;
    for (const c of COLLECTIONS) for (const rec of Object.values(data[c])) this.index(c, rec, true);
  }

  // ---- time, journal, indexes -------------------------------------------------------

  /** Model time; never earlier than anything already recorded, and fixed during one operation. */
  now(): number {
    return this.opNow ?? Math.max(this.opts.clock.now(), this.data.highWaterMs);
  }

  /** Runs one API operation at a single instant of model time. */
  atOneInstant<T>(op: () => T): T {
    if (this.opNow !== undefined) return op();
    this.opNow = this.now();
    try {
      return op();
    } finally {
      this.opNow = undefined;
    }
  }

  private dur(seconds: number): number {
    return this.opts.instant ? 0 : Math.round(seconds * 1000);
  }

  /** The changes made since the last call, as one journal entry (undefined if none). */
  takeEntry(): JournalEntry | undefined {
    if (this.pending.length === 0) return undefined;
    this.record({ t: 'time', ms: this.now() });
    const ops = this.pending;
    this.pending = [];
    this.data.seq += 1;
    return { seq: this.data.seq, ops };
  }

  private record(op: JournalOp): void {
    applyOp(this.data, op);
    this.pending.push(op);
  }

  private put<C extends CollectionName>(c: C, rec: Collections[C]): void {
    const old = (this.data[c] as Record<string, Collections[C]>)[recordKey(c, rec)];
    if (old) this.index(c, old, false);
    this.record({ t: 'put', c, v: rec });
    this.index(c, rec, true);
  }

  private del(c: CollectionName, key: string): void {
    const old = (this.data[c] as Record<string, Collections[CollectionName]>)[key];
    if (!old) return;
    this.index(c, old, false);
    this.record({ t: 'del', c, id: key });
  }

  private index(c: CollectionName, rec: Collections[CollectionName], add: boolean): void {
    if (c === 'tasks' || c === 'consistencyGroups' || c === 'workspaces') return;
    const r = rec as VmRecord | VolumeRecord | VolumeGroupRecord | NetworkRecord;
    const name = 'serverName' in r ? r.serverName : r.name;
    const nameKey = `${c}\u0000${r.workspace}\u0000${name}`;
    const memberKey = `${c}\u0000${r.workspace}`;
    let set = this.members.get(memberKey);
    if (!set) this.members.set(memberKey, (set = new Set()));
    if (add) {
      this.names.set(nameKey, r.id);
      set.add(r.id);
    } else {
      if (this.names.get(nameKey) === r.id) this.names.delete(nameKey);
      set.delete(r.id);
    }
    if (c === 'vms') {
      for (const n of (r as VmRecord).networks) {
        let ips = this.usedIps.get(n.networkID);
        if (!ips) this.usedIps.set(n.networkID, (ips = new Set()));
        if (add) ips.add(n.ipAddress);
        else ips.delete(n.ipAddress);
      }
    }
  }

  private membersOf<C extends 'vms' | 'volumes' | 'volumeGroups' | 'networks'>(c: C, ws: string): Collections[C][] {
    const ids = this.members.get(`${c}\u0000${ws}`);
    if (!ids) return [];
    const table = this.data[c] as Record<string, Collections[C]>;
    return [...ids].map((id) => table[id]);
  }

  private nameTaken(c: CollectionName, ws: string, name: string): string | undefined {
    return this.names.get(`${c}\u0000${ws}\u0000${name}`);
  }

  private event(
    type: string,
    ws: WorkspaceRecord,
    resource: SimEvent['resource'],
    extra: { effectiveAtMs?: number; outcome?: 'completed' | 'failed'; detail?: Record<string, unknown> } = {},
  ): void {
    const atMs = this.now();
    // Optional keys are added after the literal, in the same order a spread would give them:
    // V8 builds `...(cond ? {…} : {})` slowly, and an apply records thousands of events.
    const ev: { -readonly [K in keyof SimEvent]: SimEvent[K] } = { seq: this.data.eventSeq + 1, atMs, at: iso(atMs), type, workspace: ws.id, location: ws.location, resource };
    if (extra.effectiveAtMs !== undefined) {
      ev.effectiveAtMs = extra.effectiveAtMs;
      ev.effectiveAt = iso(extra.effectiveAtMs);
    }
    if (extra.outcome) ev.outcome = extra.outcome;
    if (extra.detail) ev.detail = extra.detail;
    this.record({ t: 'event', v: ev });
  }

  private task(
    ws: WorkspaceRecord,
    t: Omit<TaskRecord, 'id' | 'workspace' | 'createdMs'>,
  ): TaskRecord {
    const rec: TaskRecord = { id: this.newId(), workspace: ws.id, createdMs: this.now(), ...t };
    this.put('tasks', rec);
    return rec;
  }

  // ---- faults -------------------------------------------------------------------------

  getFaults(): FaultSpec {
    return this.faults;
  }

  /** Installs a fault spec and brings every replication link in line with it. */
  setFaults(spec: FaultSpec): void {
    this.faults = spec;
    this.reconcileLinks();
  }

  /** A boot-fail fault applies to the next boot of that VM only: it is used up here. */
  private takeBootFailure(serverName: string): boolean {
    const names = this.faults.bootFail ?? [];
    if (!names.includes(serverName)) return false;
    this.faults = { ...this.faults, bootFail: names.filter((n) => n !== serverName) };
    return true;
  }

  private linkShouldBeDown(cg: ConsistencyGroupRecord): boolean {
    const broken = this.faults.linksBroken ?? [];
    const names = [cg.name, this.data.volumeGroups[cg.masterGroupID]?.name, this.data.volumeGroups[cg.auxGroupID]?.name];
    if (names.some((n) => n !== undefined && broken.includes(n))) return true;
    const down = (this.faults.sitesDown ?? []).map((s) => s.location);
    const locs = [this.data.workspaces[cg.masterWorkspace]?.location, this.data.workspaces[cg.auxWorkspace]?.location];
    return locs.some((l) => l !== undefined && down.includes(l));
  }

  reconcileLinks(): void {
    const now = this.now();
    for (const cg of Object.values(this.data.consistencyGroups)) {
      const shouldBeDown = this.linkShouldBeDown(cg);
      const ws = this.data.workspaces[cg.masterWorkspace];
      const res = { kind: 'volume-group', id: cg.masterGroupID, name: this.data.volumeGroups[cg.masterGroupID]?.name ?? cg.name };
      if (shouldBeDown && cg.linkDownSinceMs === undefined) {
        this.put('consistencyGroups', { ...cg, linkDownSinceMs: now });
        if (ws) this.event('replication.link-down', ws, res);
      } else if (!shouldBeDown && cg.linkDownSinceMs !== undefined) {
        const view = replicationView(cg, now, this.opts.instant);
        const phase = phaseAt(cg, now);
        let phases = this.prunePhases(cg, now);
        // An action under way decides the next phase itself; otherwise resume copying.
        if (phase.enabled && !view.updating) {
          // Catch up on what changed while the link was down.
          const changedMb = (cg.changeRateMBps * (now - cg.linkDownSinceMs)) / 1000;
          const resync: ReplicationPhase = {
            ...phase,
            sinceMs: now,
            syncStartMs: now,
            syncMs: this.dur(copySeconds(Math.min(changedMb, this.groupMb(cg)), cg.bandwidthMBps)),
            carriedFreezeMs: view.freezeMs,
          };
          phases = [...phases.filter((p) => p.sinceMs < now), resync];
        }
        const { linkDownSinceMs: _dropped, ...rest } = cg;
        this.put('consistencyGroups', { ...rest, phases });
        if (ws) this.event('replication.link-restored', ws, res);
      }
    }
  }

  // ---- workspaces ---------------------------------------------------------------------

  ensureWorkspace(id: string, location: string, name?: string): WorkspaceRecord {
    if (!id || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) throw badRequest(`workspace id "${id}" is not valid`);
    if (!isKnownLocation(location)) throw badRequest(`location "${location}" is not a PowerVS data centre this simulator knows`);
    const existing = this.data.workspaces[id];
    if (existing) {
      if (existing.location !== location) throw conflict(`workspace "${id}" already exists in ${existing.location}`);
      return existing;
    }
    const rec: WorkspaceRecord = { id, name: name ?? id, location, createdMs: this.now() };
    this.put('workspaces', rec);
    this.reconcileLinks();
    return rec;
  }

  workspace(id: string): WorkspaceRecord {
    const ws = this.data.workspaces[id];
    if (!ws) throw notFound(`cloud instance ${id} not found`);
    return ws;
  }

  listWorkspaces(): WorkspaceRecord[] {
    return Object.values(this.data.workspaces);
  }

  getWorkspace(id: string): ApiResult {
    const ws = this.workspace(id);
    return {
      status: 200,
      body: {
        cloudInstanceID: ws.id,
        name: ws.name,
        enabled: true,
        initialized: true,
        region: regionOf(ws.location),
        location: ws.location,
        capabilities: ['power-vpn-connections', 'replication'],
        pvmInstances: this.membersOf('vms', ws.id).map((vm) => ({ pvmInstanceID: vm.id, serverName: vm.serverName })),
      },
    };
  }

  disasterRecoveryLocation(wsId: string): ApiResult {
    const ws = this.workspace(wsId);
    return { status: 200, body: drLocation(ws.location) };
  }

  disasterRecoveryLocations(): ApiResult {
    const locations = REPLICATION_PAIRS.flatMap(([a, b]) => [a, b]).sort();
    return { status: 200, body: { disasterRecoveryLocations: locations.map(drLocation) } };
  }

  /** Workspace that holds the auxiliary copies for `ws`: the first one in the paired data centre. */
  private partnerWorkspace(ws: WorkspaceRecord): WorkspaceRecord {
    const pair = pairedLocation(ws.location);
    if (!pair) throw badRequest(`location ${ws.location} has no replication partner`);
    const partner = Object.values(this.data.workspaces)
      .filter((w) => w.location === pair)
      .sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id))[0];
    if (!partner) throw badRequest(`no workspace exists in ${pair}, the replication partner of ${ws.location}, to hold the auxiliary copy`);
    return partner;
  }

  // ---- pvm-instances ------------------------------------------------------------------

  private findIn<C extends 'vms' | 'volumes' | 'volumeGroups' | 'networks'>(
    c: C,
    ws: string,
    idOrName: string,
    what: string,
  ): Collections[C] {
    const table = this.data[c] as Record<string, Collections[C]>;
    let rec = table[idOrName];
    if (!rec || rec.workspace !== ws) {
      const id = this.nameTaken(c, ws, idOrName);
      rec = id ? table[id] : (undefined as unknown as Collections[C]);
    }
    if (!rec) throw notFound(`${what} ${idOrName} not found in cloud instance ${ws}`);
    return rec;
  }

  listVms(wsId: string): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    return { status: 200, body: { pvmInstances: this.membersOf('vms', ws.id).map((vm) => this.vmView(vm, now)) } };
  }

  getVm(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    return { status: 200, body: this.vmView(this.findIn('vms', ws.id, id, 'pvm-instance'), this.now()) };
  }

  createVm(wsId: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    const serverName = str(body, 'serverName', { max: 47 });
    const procType = enumOf(body, 'procType', PROC_TYPES, 'shared');
    const processors = num(body, 'processors', { min: 0.25, max: 240 });
    if (procType === 'dedicated' && !Number.isInteger(processors)) throw badRequest('processors must be a whole number for procType dedicated');
    const memory = num(body, 'memory', { min: 2, max: 32768 });
    const sysType = enumOf(body, 'sysType', MACHINE_TYPES, 's922');
    const imageID = str(body, 'imageID');
    const osType = osTypeOf(body, imageID);
    const storageType = enumOf(body, 'storageType', TIERS, 'tier1');
    const networksIn = body.networks;
    if (!Array.isArray(networksIn) || networksIn.length === 0) throw badRequest('networks must list at least one {networkID}');
    const volumeIDs = optStrings(body, 'volumeIDs') ?? [];
    if (this.nameTaken('vms', ws.id, serverName)) throw conflict(`a pvm-instance named "${serverName}" already exists in cloud instance ${ws.id}`);

    const taken = new Set<string>();
    const networks = networksIn.map((n, i) => {
      if (typeof n !== 'object' || n === null || typeof (n as Body).networkID !== 'string') throw badRequest(`networks[${i}].networkID must be a string`);
      const net = this.findIn('networks', ws.id, (n as Body).networkID as string, 'network');
      const want = (n as Body).ipAddress;
      const ipAddress = typeof want === 'string' && want ? this.claimIp(net, want, taken) : this.nextIp(net, taken);
      return { networkID: net.id, ipAddress };
    });
    const volumes = volumeIDs.map((v) => this.findIn('volumes', ws.id, v, 'volume'));
    for (const v of volumes) {
      if (v.pvmInstanceIDs.length > 0 && !v.shareable) throw conflict(`volume "${v.name}" is already attached to another pvm-instance`);
    }
    this.assertWritable(serverName, volumes.map((v) => v.id), now);

    const shape = { machineType: sysType, os: osType, memoryGb: memory, processors };
    const bootFails = this.takeBootFailure(serverName);
    const power: PowerPhase = bootFails
      ? { kind: 'build', sinceMs: now, buildEndMs: now + this.dur(VM_BUILD_SECONDS), readyMs: now + this.dur(vmBuildSeconds(shape)), bootFails }
      : { kind: 'build', sinceMs: now, buildEndMs: now + this.dur(VM_BUILD_SECONDS), readyMs: now + this.dur(vmBuildSeconds(shape)) };
    const vm: VmRecord = {
      id: this.newId(),
      workspace: ws.id,
      serverName,
      processors,
      procType,
      memory,
      sysType,
      osType,
      imageID,
      storageType,
      networks,
      volumeIDs: volumes.map((v) => v.id),
      createdMs: now,
      updatedMs: now,
      power,
    };
    this.put('vms', vm);
    for (const v of volumes) this.put('volumes', { ...v, pvmInstanceIDs: [...v.pvmInstanceIDs, vm.id], updatedMs: now });
    this.event('vm.created', ws, { kind: 'pvm-instance', id: vm.id, name: serverName }, {
      effectiveAtMs: power.readyMs,
      outcome: bootFails ? 'failed' : 'completed',
    });
    return { status: 202, body: [this.vmView(vm, now)] };
  }

  updateVm(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const vm = this.findIn('vms', ws.id, id, 'pvm-instance');
    const now = this.now();
    const state = vmState(vm.power, now);
    if (state.busy) throw conflict(`pvm-instance "${vm.serverName}" is ${state.busy}; try again when it settles`);
    const serverName = body.serverName === undefined ? vm.serverName : str(body, 'serverName', { max: 47 });
    if (serverName !== vm.serverName && this.nameTaken('vms', ws.id, serverName)) {
      throw conflict(`a pvm-instance named "${serverName}" already exists in cloud instance ${ws.id}`);
    }
    const procType = body.procType === undefined ? vm.procType : enumOf(body, 'procType', PROC_TYPES, vm.procType);
    const processors = body.processors === undefined ? vm.processors : num(body, 'processors', { min: 0.25, max: 240 });
    if (procType === 'dedicated' && !Number.isInteger(processors)) throw badRequest('processors must be a whole number for procType dedicated');
    const memory = body.memory === undefined ? vm.memory : num(body, 'memory', { min: 2, max: 32768 });
    const next: VmRecord = { ...vm, serverName, procType, processors, memory, updatedMs: now };
    this.put('vms', next);
    this.event('vm.updated', ws, { kind: 'pvm-instance', id: vm.id, name: serverName });
    return { status: 202, body: this.vmView(next, now) };
  }

  deleteVm(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const vm = this.findIn('vms', ws.id, id, 'pvm-instance');
    const now = this.now();
    for (const vid of vm.volumeIDs) {
      const v = this.data.volumes[vid];
      if (v) this.put('volumes', { ...v, pvmInstanceIDs: v.pvmInstanceIDs.filter((x) => x !== vm.id), updatedMs: now });
    }
    this.del('vms', vm.id);
    this.event('vm.deleted', ws, { kind: 'pvm-instance', id: vm.id, name: vm.serverName }, { effectiveAtMs: now });
    return { status: 200, body: {} };
  }

  vmAction(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const vm = this.findIn('vms', ws.id, id, 'pvm-instance');
    const action = enumOf(body, 'action', VM_ACTIONS, undefined);
    const now = this.now();
    const state = vmState(vm.power, now);
    const who = `pvm-instance "${vm.serverName}"`;
    const shape = { machineType: vm.sysType, os: vm.osType, memoryGb: vm.memory, processors: vm.processors };
    let power: PowerPhase;
    let eventType: string;
    switch (action) {
      case 'start':
        if (state.busy) throw conflict(`${who} is ${state.busy}`);
        if (state.status === 'ACTIVE') throw conflict(`${who} is already running`);
        this.assertWritable(vm.serverName, vm.volumeIDs, now);
        power = this.bootPhase(vm, now, vmBootSeconds(shape));
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
          readyMs: state.status === 'ERROR' ? now : now + this.dur(action === 'stop' ? vmShutdownSeconds(shape) : IMMEDIATE_SHUTDOWN_SECONDS),
        };
        eventType = 'vm.stop';
        break;
      case 'hard-reboot':
      case 'soft-reboot':
        if (state.busy) throw conflict(`${who} is ${state.busy}`);
        if (state.status === 'SHUTOFF') throw conflict(`${who} is stopped; start it instead`);
        this.assertWritable(vm.serverName, vm.volumeIDs, now);
        power = this.bootPhase(vm, now, (action === 'soft-reboot' ? vmShutdownSeconds(shape) : 0) + vmBootSeconds(shape));
        eventType = 'vm.reboot';
        break;
      case 'reset-state':
        if (state.status !== 'ERROR') throw conflict(`${who} is not in ERROR state`);
        power = { kind: 'off', sinceMs: now, readyMs: now };
        eventType = 'vm.reset-state';
        break;
    }
    this.put('vms', { ...vm, power, updatedMs: now });
    const outcome = power.bootFails ? 'failed' : 'completed';
    const task = this.task(ws, {
      component: 'pvm-instance',
      componentID: vm.id,
      componentName: vm.serverName,
      operation: action,
      doneMs: power.readyMs,
      outcome,
      statusDetail: power.bootFails ? `${vm.serverName} failed to boot` : `${action} of ${vm.serverName}`,
    });
    this.event(eventType, ws, { kind: 'pvm-instance', id: vm.id, name: vm.serverName }, {
      effectiveAtMs: power.readyMs,
      outcome,
      detail: { action },
    });
    return { status: 202, body: { taskID: task.id, summary: `${action} of pvm-instance ${vm.serverName} accepted` } };
  }

  /**
   * A VM cannot boot from a volume that is the read-only target of replication: the
   * auxiliary copy while copying master → aux (or the primary while failing back aux →
   * master), or the non-primary side of a group stopped without access.
   */
  private assertWritable(vmName: string, volumeIDs: readonly string[], now: number): void {
    for (const id of volumeIDs) {
      const v = this.data.volumes[id];
      if (!v?.replicationEnabled) continue;
      const group = v.groupID ? this.data.volumeGroups[v.groupID] : undefined;
      const cg = group ? this.data.consistencyGroups[group.consistencyGroupName] : undefined;
      const view = cg ? replicationView(cg, now, this.opts.instant) : undefined;
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

  private bootPhase(vm: VmRecord, now: number, seconds: number): PowerPhase {
    const bootFails = this.takeBootFailure(vm.serverName);
    const readyMs = now + this.dur(seconds);
    return bootFails ? { kind: 'on', sinceMs: now, readyMs, bootFails } : { kind: 'on', sinceMs: now, readyMs };
  }

  private vmView(vm: VmRecord, now: number): Body {
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
      storageType: vm.storageType,
      status: state.status,
      // No `...(cond ? {…} : {})`: V8 builds a spread slowly, and a list builds thousands of these.
      health: state.busy ? { status: state.health, lastUpdate: iso(now), reason: state.busy } : { status: state.health, lastUpdate: iso(now) },
      progress: state.progress,
      networks: vm.networks.map((n) => ({
        networkID: n.networkID,
        networkName: this.data.networks[n.networkID]?.name,
        ipAddress: n.ipAddress,
        type: 'fixed',
      })),
      networkIDs: vm.networks.map((n) => n.networkID),
      volumeIDs: vm.volumeIDs,
      creationDate: iso(vm.createdMs),
      updatedDate: iso(vm.updatedMs),
    };
    if (state.status === 'ERROR') view.fault = { code: 500, message: `${vm.serverName} failed to boot`, created: iso(vm.power.readyMs) };
    return view;
  }

  /** The next free host address, scanning on from the last one handed out (wrapping once). */
  private nextIp(net: NetworkRecord, taken: Set<string>): string {
    const { base, size } = parseCidr(net.cidr);
    const used = this.usedIps.get(net.id);
    const span = size - 3; // hosts .2 up to the one before broadcast
    const start = this.ipCursor.get(net.id) ?? 0;
    for (let k = 0; k < span; k++) {
      const ip = intToIp(base + 2 + ((start + k) % span));
      if (ip !== net.gateway && !used?.has(ip) && !taken.has(ip)) {
        this.ipCursor.set(net.id, (start + k + 1) % span);
        taken.add(ip);
        return ip;
      }
    }
    throw conflict(`network "${net.name}" has no free addresses`);
  }

  private claimIp(net: NetworkRecord, ip: string, taken: Set<string>): string {
    const { base, size } = parseCidr(net.cidr);
    const n = ipToInt(ip);
    if (n === undefined || n <= base || n >= base + size - 1) throw badRequest(`address ${ip} is not in network "${net.name}" (${net.cidr})`);
    if (ip === net.gateway || this.usedIps.get(net.id)?.has(ip) || taken.has(ip)) throw conflict(`address ${ip} in network "${net.name}" is already in use`);
    taken.add(ip);
    return ip;
  }

  // ---- volumes ------------------------------------------------------------------------

  listVolumes(wsId: string): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    return { status: 200, body: { volumes: this.membersOf('volumes', ws.id).map((v) => this.volumeView(v, now)) } };
  }

  getVolume(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    return { status: 200, body: this.volumeView(this.findIn('volumes', ws.id, id, 'volume'), this.now()) };
  }

  createVolume(wsId: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    const name = str(body, 'name', { max: 120 });
    const size = num(body, 'size', { min: 1, max: 32768 });
    const diskType = enumOf(body, 'diskType', TIERS, 'tier1');
    if (diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
    const shareable = bool(body, 'shareable', false);
    const replicationEnabled = bool(body, 'replicationEnabled', false);
    if (this.nameTaken('volumes', ws.id, name)) throw conflict(`a volume named "${name}" already exists in cloud instance ${ws.id}`);
    const vol: VolumeRecord = {
      id: this.newId(),
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
    const created = replicationEnabled ? this.enableReplication(ws, vol, now) : vol;
    if (!replicationEnabled) this.put('volumes', vol);
    this.event('volume.created', ws, { kind: 'volume', id: vol.id, name }, { detail: { size, diskType, replicationEnabled } });
    return { status: 202, body: this.volumeView(created, now) };
  }

  /** Creates the auxiliary copy in the partner workspace and links the pair. */
  private enableReplication(ws: WorkspaceRecord, vol: VolumeRecord, now: number): VolumeRecord {
    const partner = this.partnerWorkspace(ws);
    const auxName = `aux_${vol.name}`;
    if (this.nameTaken('volumes', partner.id, auxName)) throw conflict(`a volume named "${auxName}" already exists in cloud instance ${partner.id}`);
    const auxId = this.newId();
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
    this.put('volumes', primary);
    this.put('volumes', aux);
    return primary;
  }

  updateVolume(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    let vol = this.findIn('volumes', ws.id, id, 'volume');
    const now = this.now();
    const name = body.name === undefined ? vol.name : str(body, 'name', { max: 120 });
    if (name !== vol.name && this.nameTaken('volumes', ws.id, name)) throw conflict(`a volume named "${name}" already exists in cloud instance ${ws.id}`);
    const size = body.size === undefined ? vol.size : num(body, 'size', { min: 1, max: 32768 });
    if (size < vol.size) throw badRequest(`volume "${vol.name}" cannot shrink from ${vol.size} GB to ${size} GB`);
    if (vol.diskType === 'tier5k' && size > 200) throw badRequest('tier5k volumes are at most 200 GB');
    const wantReplication = body.replicationEnabled === undefined ? vol.replicationEnabled : bool(body, 'replicationEnabled', false);
    if (vol.auxiliary && wantReplication !== vol.replicationEnabled) throw badRequest(`volume "${vol.name}" is an auxiliary copy; change replication on its primary`);
    vol = { ...vol, name, size, updatedMs: now };
    if (wantReplication && !vol.replicationEnabled) {
      vol = this.enableReplication(ws, vol, now);
    } else if (!wantReplication && vol.replicationEnabled) {
      if (vol.groupID) throw conflict(`volume "${vol.name}" is in a volume group; remove it from the group first`);
      const aux = vol.peerVolumeID ? this.data.volumes[vol.peerVolumeID] : undefined;
      if (aux?.groupID) throw conflict(`the auxiliary copy of volume "${vol.name}" is in a volume group; remove it first`);
      if (aux && aux.pvmInstanceIDs.length) throw conflict(`the auxiliary copy of volume "${vol.name}" is attached to a pvm-instance`);
      if (aux) this.del('volumes', aux.id);
      const { peerVolumeID: _gone, ...rest } = vol;
      vol = { ...rest, replicationEnabled: false };
      this.put('volumes', vol);
    } else {
      this.put('volumes', vol);
      const peer = vol.peerVolumeID ? this.data.volumes[vol.peerVolumeID] : undefined;
      if (peer && peer.size !== size) this.put('volumes', { ...peer, size, updatedMs: now });
    }
    this.event('volume.updated', ws, { kind: 'volume', id: vol.id, name: vol.name });
    return { status: 202, body: this.volumeView(vol, now) };
  }

  deleteVolume(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const vol = this.findIn('volumes', ws.id, id, 'volume');
    if (vol.pvmInstanceIDs.length) throw conflict(`volume "${vol.name}" is attached to ${vol.pvmInstanceIDs.length} pvm-instance(s); detach it first`);
    if (vol.groupID) throw conflict(`volume "${vol.name}" is in a volume group; remove it from the group first`);
    const peer = vol.peerVolumeID ? this.data.volumes[vol.peerVolumeID] : undefined;
    if (peer && !vol.auxiliary) {
      // The auxiliary copy goes with its primary.
      if (peer.groupID) throw conflict(`the auxiliary copy of volume "${vol.name}" is in a volume group; remove it first`);
      if (peer.pvmInstanceIDs.length) throw conflict(`the auxiliary copy of volume "${vol.name}" is attached to a pvm-instance`);
      this.del('volumes', peer.id);
    } else if (peer) {
      const { peerVolumeID: _gone, ...rest } = peer;
      this.put('volumes', { ...rest, replicationEnabled: false, updatedMs: this.now() });
    }
    this.del('volumes', vol.id);
    this.event('volume.deleted', ws, { kind: 'volume', id: vol.id, name: vol.name });
    return { status: 200, body: {} };
  }

  cloneVolumes(wsId: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    const prefix = str(body, 'name', { max: 100 });
    const ids = optStrings(body, 'volumeIDs');
    if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one volume');
    const sources = ids.map((v) => this.findIn('volumes', ws.id, v, 'volume'));
    const readyMs = now + this.dur(VOLUME_CLONE_SECONDS);
    const names = sources.map((s) => `${prefix}-${s.name}`);
    for (const n of names) if (this.nameTaken('volumes', ws.id, n)) throw conflict(`a volume named "${n}" already exists in cloud instance ${ws.id}`);
    const clones = sources.map((src, i) => {
      const clone: VolumeRecord = {
        id: this.newId(),
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
      this.put('volumes', clone);
      return { source: src.id, clone: clone.id };
    });
    const task = this.task(ws, {
      component: 'volume',
      componentID: clones[0].clone,
      componentName: prefix,
      operation: 'clone',
      doneMs: readyMs,
      outcome: 'completed',
      statusDetail: `clone of ${sources.length} volume(s) as ${prefix}-*`,
      clones,
    });
    this.event('volume.cloned', ws, { kind: 'volume', id: clones[0].clone, name: prefix }, {
      effectiveAtMs: readyMs,
      outcome: 'completed',
      detail: { clones: clones.map((c, i) => ({ ...c, name: names[i] })) },
    });
    return { status: 202, body: { cloneTaskID: task.id } };
  }

  getCloneTask(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const task = this.data.tasks[id];
    if (!task || task.workspace !== ws.id || task.operation !== 'clone') throw notFound(`clone task ${id} not found in cloud instance ${ws.id}`);
    const now = this.now();
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

  private volumeView(v: VolumeRecord, now: number): Body {
    const group = v.groupID ? this.data.volumeGroups[v.groupID] : undefined;
    const cg = group ? this.data.consistencyGroups[group.consistencyGroupName] : undefined;
    const rv = cg ? replicationView(cg, now, this.opts.instant) : undefined;
    const peer = v.peerVolumeID ? this.data.volumes[v.peerVolumeID] : undefined;
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
      lastUpdateDate: iso(v.updatedMs),
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

  // ---- volume groups ------------------------------------------------------------------

  listVolumeGroups(wsId: string): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    return { status: 200, body: { volumeGroups: this.membersOf('volumeGroups', ws.id).map((g) => this.groupView(g, now)) } };
  }

  getVolumeGroup(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    return { status: 200, body: this.groupView(this.findIn('volumeGroups', ws.id, id, 'volume-group'), this.now()) };
  }

  private groupMb(cg: ConsistencyGroupRecord): number {
    const g = this.data.volumeGroups[cg.masterGroupID];
    return (g?.volumeIDs ?? []).reduce((mb, id) => mb + (this.data.volumes[id]?.size ?? 0) * 1024, 0);
  }

  private groupGb(g: VolumeGroupRecord): number {
    return g.volumeIDs.reduce((gb, id) => gb + (this.data.volumes[id]?.size ?? 0), 0);
  }

  /** Checks volumes that are to join a primary group; returns them with their auxiliary copies. */
  private joinable(ws: WorkspaceRecord, ids: readonly string[]): { primary: VolumeRecord; aux: VolumeRecord }[] {
    return ids.map((id) => {
      const v = this.findIn('volumes', ws.id, id, 'volume');
      if (!v.replicationEnabled) throw badRequest(`volume "${v.name}" is not replication-enabled`);
      if (v.auxiliary) throw badRequest(`volume "${v.name}" is an auxiliary copy; group volumes on the primary side`);
      if (v.groupID) throw conflict(`volume "${v.name}" is already in volume group ${this.data.volumeGroups[v.groupID]?.name ?? v.groupID}`);
      const aux = v.peerVolumeID ? this.data.volumes[v.peerVolumeID] : undefined;
      if (!aux) throw conflict(`volume "${v.name}" has no auxiliary copy`);
      return { primary: v, aux };
    });
  }

  createVolumeGroup(wsId: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    const name = str(body, 'name', { max: 120 });
    const ids = optStrings(body, 'volumeIDs');
    if (!ids || ids.length === 0) throw badRequest('volumeIDs must list at least one replication-enabled volume');
    if (new Set(ids).size !== ids.length) throw badRequest('volumeIDs lists a volume twice');
    if (this.nameTaken('volumeGroups', ws.id, name)) throw conflict(`a volume group named "${name}" already exists in cloud instance ${ws.id}`);
    const pairs = this.joinable(ws, ids);
    const auxWs = this.data.workspaces[pairs[0].aux.workspace];
    if (pairs.some((p) => p.aux.workspace !== auxWs.id)) throw badRequest('all volumes of a group must replicate to the same workspace');
    const masterId = this.newId();
    const auxId = this.newId();
    const cgName = `rccg-${masterId.replace(/-/g, '').slice(0, 4)}-${masterId.replace(/-/g, '').slice(-6)}`;
    if (this.nameTaken('volumeGroups', auxWs.id, cgName)) throw conflict(`a volume group named "${cgName}" already exists in cloud instance ${auxWs.id}`);
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
          syncMs: this.dur(copySeconds(totalMb, DEFAULT_BANDWIDTH_MBPS)),
        },
      ],
    };
    this.put('volumeGroups', master);
    this.put('volumeGroups', aux);
    this.put('consistencyGroups', cg);
    for (const p of pairs) {
      this.put('volumes', { ...p.primary, groupID: masterId, updatedMs: now });
      this.put('volumes', { ...p.aux, groupID: auxId, updatedMs: now });
    }
    this.event('volume-group.created', ws, { kind: 'volume-group', id: masterId, name }, { detail: { consistencyGroupName: cgName, auxWorkspace: auxWs.id } });
    this.reconcileLinks();
    return { status: 202, body: this.groupView(master, now) };
  }

  updateVolumeGroup(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const g = this.findIn('volumeGroups', ws.id, id, 'volume-group');
    const now = this.now();
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    if (cg && replicationView(cg, now, this.opts.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
    const name = body.name === undefined ? g.name : str(body, 'name', { max: 120 });
    if (name !== g.name && this.nameTaken('volumeGroups', ws.id, name)) throw conflict(`a volume group named "${name}" already exists in cloud instance ${ws.id}`);
    const add = optStrings(body, 'addVolumes') ?? [];
    const remove = optStrings(body, 'removeVolumes') ?? [];
    if ((add.length || remove.length) && g.auxiliary) throw badRequest(`volume group "${g.name}" is the auxiliary side; change its volumes on the primary side`);
    const other = cg ? this.data.volumeGroups[g.auxiliary ? cg.masterGroupID : cg.auxGroupID] : undefined;
    const removing = remove.map((r) => {
      const v = this.findIn('volumes', ws.id, r, 'volume');
      if (v.groupID !== g.id) throw badRequest(`volume "${v.name}" is not in volume group "${g.name}"`);
      return v;
    });
    const adding = this.joinable(ws, add);
    if (other && adding.some((p) => p.aux.workspace !== other.workspace)) throw badRequest('all volumes of a group must replicate to the same workspace');
    const removedIds = new Set(removing.map((v) => v.id));
    const removedAux = new Set(removing.map((v) => v.peerVolumeID).filter((x): x is string => !!x));
    const next: VolumeGroupRecord = {
      ...g,
      name,
      volumeIDs: [...g.volumeIDs.filter((v) => !removedIds.has(v)), ...adding.map((p) => p.primary.id)],
      updatedMs: now,
    };
    this.put('volumeGroups', next);
    if (other && (add.length || remove.length)) {
      this.put('volumeGroups', {
        ...other,
        volumeIDs: [...other.volumeIDs.filter((v) => !removedAux.has(v)), ...adding.map((p) => p.aux.id)],
        updatedMs: now,
      });
    }
    for (const v of removing) {
      const { groupID: _a, ...rest } = v;
      this.put('volumes', { ...rest, updatedMs: now });
      const aux = v.peerVolumeID ? this.data.volumes[v.peerVolumeID] : undefined;
      if (aux) {
        const { groupID: _b, ...auxRest } = aux;
        this.put('volumes', { ...auxRest, updatedMs: now });
      }
    }
    for (const p of adding) {
      this.put('volumes', { ...p.primary, groupID: g.id, updatedMs: now });
      if (other) this.put('volumes', { ...p.aux, groupID: other.id, updatedMs: now });
    }
    this.event('volume-group.updated', ws, { kind: 'volume-group', id: g.id, name }, { detail: { added: add, removed: remove } });
    return { status: 202, body: this.groupView(next, now) };
  }

  deleteVolumeGroup(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const g = this.findIn('volumeGroups', ws.id, id, 'volume-group');
    const now = this.now();
    if (g.volumeIDs.length) throw conflict(`volume group "${g.name}" still holds ${g.volumeIDs.length} volume(s); remove them first`);
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    if (cg && replicationView(cg, now, this.opts.instant).updating) throw conflict(`volume group "${g.name}" is updating; try again when it settles`);
    // Both sides of the consistency group go together.
    if (cg) {
      const other = this.data.volumeGroups[g.auxiliary ? cg.masterGroupID : cg.auxGroupID];
      if (other) {
        for (const vid of other.volumeIDs) {
          const v = this.data.volumes[vid];
          if (v) {
            const { groupID: _g, ...rest } = v;
            this.put('volumes', { ...rest, updatedMs: now });
          }
        }
        this.del('volumeGroups', other.id);
      }
      this.del('consistencyGroups', cg.name);
    }
    this.del('volumeGroups', g.id);
    this.event('volume-group.deleted', ws, { kind: 'volume-group', id: g.id, name: g.name });
    return { status: 200, body: {} };
  }

  volumeGroupAction(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const g = this.findIn('volumeGroups', ws.id, id, 'volume-group');
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    if (!cg) throw conflict(`volume group "${g.name}" has no consistency group`);
    const keys = Object.keys(body).filter((k) => ['start', 'stop', 'reset'].includes(k));
    if (keys.length !== 1) throw badRequest('the action body must hold exactly one of start, stop or reset');
    const action = keys[0] as 'start' | 'stop' | 'reset';
    const arg = body[action];
    if (typeof arg !== 'object' || arg === null) throw badRequest(`${action} must be an object`);
    const now = this.now();
    const view = replicationView(cg, now, this.opts.instant);
    const phase = phaseAt(cg, now);
    const who = `volume group "${g.name}"`;
    if (view.updating) throw conflict(`${who} is updating; try again when the current action completes`);
    const effective = now + this.dur(volumeGroupSwitchSeconds(this.groupGb(this.data.volumeGroups[cg.masterGroupID] ?? g)));
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
          syncMs: this.dur(copySeconds(Math.min(changedMb, this.groupMb(cg)), cg.bandwidthMBps)),
          ...(view.freezeMs !== undefined ? { carriedFreezeMs: view.freezeMs } : {}),
        };
      }
    }
    const phases = [...this.prunePhases(cg, now), next].sort((a, b) => a.sinceMs - b.sinceMs);
    this.put('consistencyGroups', { ...cg, phases });
    const doneMs = action === 'reset' ? now : effective;
    const task = this.task(ws, {
      component: 'volume-group',
      componentID: g.id,
      componentName: g.name,
      operation: action,
      doneMs,
      outcome,
      statusDetail: outcome === 'failed' ? `${action} of ${g.name} failed: the remote copy link is down` : `${action} of ${g.name}`,
    });
    this.event(`volume-group.${action}`, ws, { kind: 'volume-group', id: g.id, name: g.name }, { effectiveAtMs: doneMs, outcome, detail });
    return { status: 202, body: { taskID: task.id, summary: `${action} of volume group ${g.name} accepted` } };
  }

  /** Drops phases wholly in the past, keeping the one in force at `now`. */
  private prunePhases(cg: ConsistencyGroupRecord, now: number): ReplicationPhase[] {
    const current = phaseAt(cg, now);
    return cg.phases.filter((p) => p === current || p.sinceMs > now);
  }

  storageDetails(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const g = this.findIn('volumeGroups', ws.id, id, 'volume-group');
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    if (!cg) throw notFound(`volume group ${g.name} has no storage details`);
    const now = this.now();
    const v = replicationView(cg, now, this.opts.instant);
    return {
      status: 200,
      body: {
        consistencyGroupName: cg.name,
        cyclePeriodSeconds: this.opts.instant ? 0 : cg.cyclePeriodSeconds,
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

  remoteCopyRelationships(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const g = this.findIn('volumeGroups', ws.id, id, 'volume-group');
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    const now = this.now();
    const v = cg ? replicationView(cg, now, this.opts.instant) : undefined;
    const relationships = g.volumeIDs.map((vid) => {
      const vol = this.data.volumes[vid];
      const peer = vol?.peerVolumeID ? this.data.volumes[vol.peerVolumeID] : undefined;
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
  tuneReplication(nameOrGroup: string, body: Body): ConsistencyGroupRecord {
    const cg =
      this.data.consistencyGroups[nameOrGroup] ??
      Object.values(this.data.consistencyGroups).find((c) =>
        [c.masterGroupID, c.auxGroupID].some((gid) => gid === nameOrGroup || this.data.volumeGroups[gid]?.name === nameOrGroup),
      );
    if (!cg) throw notFound(`volume group ${nameOrGroup} not found`);
    const pick = (k: 'changeRateMBps' | 'cyclePeriodSeconds' | 'bandwidthMBps', min: number) =>
      body[k] === undefined ? cg[k] : num(body, k, { min, max: 1e9 });
    const next = { ...cg, changeRateMBps: pick('changeRateMBps', 0), cyclePeriodSeconds: pick('cyclePeriodSeconds', 1), bandwidthMBps: pick('bandwidthMBps', 0.001) };
    this.put('consistencyGroups', next);
    return next;
  }

  private groupView(g: VolumeGroupRecord, now: number): Body {
    const cg = this.data.consistencyGroups[g.consistencyGroupName];
    const v: ReplicationView | undefined = cg ? replicationView(cg, now, this.opts.instant) : undefined;
    const otherWs = cg ? this.data.workspaces[g.auxiliary ? cg.masterWorkspace : cg.auxWorkspace] : undefined;
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

  // ---- networks -----------------------------------------------------------------------

  listNetworks(wsId: string): ApiResult {
    const ws = this.workspace(wsId);
    return {
      status: 200,
      body: {
        networks: this.membersOf('networks', ws.id).map((n) => ({
          networkID: n.id,
          name: n.name,
          type: n.type,
          vlanID: n.vlanID,
          href: `/pcloud/v1/cloud-instances/${ws.id}/networks/${n.id}`,
        })),
      },
    };
  }

  getNetwork(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    return { status: 200, body: this.networkView(this.findIn('networks', ws.id, id, 'network')) };
  }

  createNetwork(wsId: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const now = this.now();
    const name = str(body, 'name', { max: 120 });
    const type = enumOf(body, 'type', ['vlan', 'pub-vlan'] as const, 'vlan');
    if (this.nameTaken('networks', ws.id, name)) throw conflict(`a network named "${name}" already exists in cloud instance ${ws.id}`);
    const existing = this.membersOf('networks', ws.id);
    const vlanID = existing.reduce((m, n) => Math.max(m, n.vlanID), 99) + 1;
    let cidr: string;
    if (type === 'vlan') {
      cidr = str(body, 'cidr');
      const parsed = tryParseCidr(cidr);
      if (!parsed || parsed.prefix < 8 || parsed.prefix > 30) throw badRequest(`cidr "${cidr}" is not an IPv4 network from /8 to /30`);
      cidr = `${intToIp(parsed.base)}/${parsed.prefix}`;
    } else {
      cidr = `192.168.${vlanID % 256}.0/29`;
    }
    const { base, size } = parseCidr(cidr);
    const gateway = body.gateway === undefined ? intToIp(base + 1) : str(body, 'gateway');
    const g = ipToInt(gateway);
    if (g === undefined || g <= base || g >= base + size - 1) throw badRequest(`gateway ${gateway} is not inside ${cidr}`);
    const dnsServers = optStrings(body, 'dnsServers') ?? ['127.0.0.1'];
    const mtu = body.mtu === undefined ? 1450 : num(body, 'mtu', { min: 1450, max: 9000 });
    const net: NetworkRecord = { id: this.newId(), workspace: ws.id, name, type, cidr, gateway, dnsServers, vlanID, mtu, createdMs: now };
    this.put('networks', net);
    this.event('network.created', ws, { kind: 'network', id: net.id, name }, { detail: { cidr, type } });
    return { status: 201, body: this.networkView(net) };
  }

  updateNetwork(wsId: string, id: string, body: Body): ApiResult {
    const ws = this.workspace(wsId);
    const net = this.findIn('networks', ws.id, id, 'network');
    const name = body.name === undefined ? net.name : str(body, 'name', { max: 120 });
    if (name !== net.name && this.nameTaken('networks', ws.id, name)) throw conflict(`a network named "${name}" already exists in cloud instance ${ws.id}`);
    const dnsServers = optStrings(body, 'dnsServers') ?? net.dnsServers;
    if (body.cidr !== undefined && body.cidr !== net.cidr) throw badRequest(`the cidr of network "${net.name}" cannot change; replace the network`);
    const next = { ...net, name, dnsServers };
    this.put('networks', next);
    this.event('network.updated', ws, { kind: 'network', id: net.id, name });
    return { status: 200, body: this.networkView(next) };
  }

  deleteNetwork(wsId: string, id: string): ApiResult {
    const ws = this.workspace(wsId);
    const net = this.findIn('networks', ws.id, id, 'network');
    const used = this.usedIps.get(net.id)?.size ?? 0;
    if (used > 0) throw conflict(`network "${net.name}" is in use by ${used} pvm-instance address(es)`);
    this.del('networks', net.id);
    this.event('network.deleted', ws, { kind: 'network', id: net.id, name: net.name });
    return { status: 200, body: {} };
  }

  private networkView(n: NetworkRecord): Body {
    const { base, size } = parseCidr(n.cidr);
    const used = this.usedIps.get(n.id)?.size ?? 0;
    const total = Math.max(0, size - 3);
    return {
      networkID: n.id,
      name: n.name,
      type: n.type,
      cidr: n.cidr,
      gateway: n.gateway,
      dnsServers: n.dnsServers,
      vlanID: n.vlanID,
      mtu: n.mtu,
      ipAddressRanges: [{ startingIPAddress: intToIp(base + 2), endingIPAddress: intToIp(base + size - 2) }],
      ipAddressMetrics: { available: total - used, used, total, utilization: total ? Math.round((used / total) * 100) : 0 },
    };
  }

  // ---- tasks, log, checks -------------------------------------------------------------

  getTask(id: string): ApiResult {
    const task = this.data.tasks[id];
    if (!task) throw notFound(`task ${id} not found`);
    const now = this.now();
    return {
      status: 200,
      body: {
        taskID: task.id,
        cloudInstanceID: task.workspace,
        component: task.component,
        componentID: task.componentID,
        componentName: task.componentName,
        operation: task.operation,
        status: now < task.doneMs ? 'in-progress' : task.outcome,
        statusDetail: task.statusDetail,
        creationDate: iso(task.createdMs),
        lastUpdateDate: iso(Math.min(now, task.doneMs)),
      },
    };
  }

  /** Model ms until a task settles (0 once it has); undefined for an unknown task. */
  taskDueInMs(id: string): number | undefined {
    const task = this.data.tasks[id];
    return task ? Math.max(0, task.doneMs - this.now()) : undefined;
  }

  /** Workspace a task belongs to (for site-down checks). */
  taskWorkspace(id: string): string | undefined {
    return this.data.tasks[id]?.workspace;
  }

  events(sinceSeq = 0): SimEvent[] {
    return this.data.events.filter((e) => e.seq > sinceSeq);
  }

  /** Cross-checks every reference in the world; an empty list means consistent. */
  checkConsistency(): string[] {
    const d = this.data;
    const problems: string[] = [];
    const wsOk = (ws: string, what: string) => {
      if (!d.workspaces[ws]) problems.push(`${what} is in unknown workspace ${ws}`);
    };
    const names = new Set<string>();
    const unique = (c: string, ws: string, name: string) => {
      const k = `${c}|${ws}|${name}`;
      if (names.has(k)) problems.push(`two ${c} named "${name}" in ${ws}`);
      names.add(k);
    };
    for (const vm of Object.values(d.vms)) {
      wsOk(vm.workspace, `vm ${vm.serverName}`);
      unique('vms', vm.workspace, vm.serverName);
      for (const n of vm.networks) if (d.networks[n.networkID]?.workspace !== vm.workspace) problems.push(`vm ${vm.serverName} uses missing network ${n.networkID}`);
      for (const v of vm.volumeIDs) if (!d.volumes[v]?.pvmInstanceIDs.includes(vm.id)) problems.push(`vm ${vm.serverName} lists volume ${v} that does not list it back`);
    }
    for (const v of Object.values(d.volumes)) {
      wsOk(v.workspace, `volume ${v.name}`);
      unique('volumes', v.workspace, v.name);
      for (const p of v.pvmInstanceIDs) if (!d.vms[p]?.volumeIDs.includes(v.id)) problems.push(`volume ${v.name} lists vm ${p} that does not list it back`);
      if (v.groupID && !d.volumeGroups[v.groupID]?.volumeIDs.includes(v.id)) problems.push(`volume ${v.name} names group ${v.groupID} that does not hold it`);
      if (v.peerVolumeID) {
        const peer = d.volumes[v.peerVolumeID];
        if (!peer) problems.push(`volume ${v.name} names missing peer ${v.peerVolumeID}`);
        else if (peer.peerVolumeID !== v.id || peer.auxiliary === v.auxiliary) problems.push(`volume ${v.name} and ${peer.name} are not a primary/aux pair`);
      } else if (v.replicationEnabled && !v.auxiliary) problems.push(`replicated volume ${v.name} has no auxiliary copy`);
    }
    for (const g of Object.values(d.volumeGroups)) {
      wsOk(g.workspace, `volume group ${g.name}`);
      unique('volumeGroups', g.workspace, g.name);
      for (const v of g.volumeIDs) if (d.volumes[v]?.groupID !== g.id) problems.push(`volume group ${g.name} holds volume ${v} that does not name it`);
      const cg = d.consistencyGroups[g.consistencyGroupName];
      if (!cg || ![cg.masterGroupID, cg.auxGroupID].includes(g.id)) problems.push(`volume group ${g.name} has no consistency group`);
    }
    for (const cg of Object.values(d.consistencyGroups)) {
      const m = d.volumeGroups[cg.masterGroupID];
      const a = d.volumeGroups[cg.auxGroupID];
      if (!m || !a) {
        problems.push(`consistency group ${cg.name} lacks a side`);
        continue;
      }
      const peers = m.volumeIDs.map((v) => d.volumes[v]?.peerVolumeID).sort();
      if (JSON.stringify(peers) !== JSON.stringify([...a.volumeIDs].sort())) problems.push(`consistency group ${cg.name}: aux side does not mirror the primary side`);
    }
    for (const n of Object.values(d.networks)) {
      wsOk(n.workspace, `network ${n.name}`);
      unique('networks', n.workspace, n.name);
    }
    for (let i = 1; i < d.events.length; i++) if (d.events[i].seq <= d.events[i - 1].seq) problems.push(`event log out of order at ${d.events[i].seq}`);
    return problems;
  }
}

// ---- derived VM state ---------------------------------------------------------------

function vmState(p: PowerPhase, t: number): VmState {
  const progress = p.readyMs > p.sinceMs ? Math.min(100, Math.floor(((t - p.sinceMs) / (p.readyMs - p.sinceMs)) * 100)) : 100;
  if (p.kind === 'build' && p.buildEndMs !== undefined && t < p.buildEndMs) return { status: 'BUILD', health: 'PENDING', progress, busy: 'building' };
  if (p.kind === 'off') {
    return t < p.readyMs ? { status: 'ACTIVE', health: 'WARNING', progress, busy: 'stopping' } : { status: 'SHUTOFF', health: 'CRITICAL', progress: 100 };
  }
  if (t < p.readyMs) return { status: 'ACTIVE', health: 'WARNING', progress, busy: 'booting' };
  return p.bootFails ? { status: 'ERROR', health: 'CRITICAL', progress: 100 } : { status: 'ACTIVE', health: 'OK', progress: 100 };
}

// ---- request validation -------------------------------------------------------------

function str(body: Body, key: string, o: { max?: number } = {}): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${key} is required and must be a non-empty string`);
  if (o.max !== undefined && v.length > o.max) throw badRequest(`${key} must be at most ${o.max} characters`);
  return v;
}

function num(body: Body, key: string, o: { min: number; max: number }): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${key} is required and must be a number`);
  if (v < o.min || v > o.max) throw badRequest(`${key} must be between ${o.min} and ${o.max}`);
  return v;
}

function bool(body: Body, key: string, dflt: boolean): boolean {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

function enumOf<T extends string>(body: Body, key: string, allowed: readonly T[], dflt: T | undefined): T {
  const v = body[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw badRequest(`${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function optStrings(body: Body, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw badRequest(`${key} must be a list of strings`);
  return v as string[];
}

/** The OS comes from `osType`, or from the stock image name (e.g. "7300-01-01" is AIX in PowerVS; here a prefix). */
function osTypeOf(body: Body, imageID: string): OsType {
  if (body.osType !== undefined) return enumOf(body, 'osType', OS_TYPES, undefined);
  // IBM's stock images: "7300-02-02" (AIX 7.3), "IBMi-75-03", "RHEL9-SP4", "SLES15-SP6".
  const stock = /^7[1-3]\d\d-/.test(imageID) ? 'aix' : undefined;
  const m = stock ? [stock, stock] : /^(aix|ibmi|rhel|sles)/i.exec(imageID);
  if (!m) throw badRequest(`imageID "${imageID}" does not name an OS (aix, ibmi, rhel, sles); give osType`);
  return m[1].toLowerCase() as OsType;
}

// ---- addresses ----------------------------------------------------------------------

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function tryParseCidr(cidr: string): { base: number; size: number; prefix: number } | undefined {
  const [ip, p] = cidr.split('/');
  const n = ipToInt(ip ?? '');
  const prefix = Number(p);
  if (n === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: n - (n % size), size, prefix };
}

function parseCidr(cidr: string): { base: number; size: number } {
  const p = tryParseCidr(cidr);
  if (!p) throw new Error(`bad cidr in world: ${cidr}`);
  return p;
}

// ---- small formatting helpers -------------------------------------------------------

/**
 * ISO text of a model time, as Date#toISOString writes it. A list of thousands of VMs formats
 * three times per VM, and toISOString was a fifth of serving the list: this is the civil-date
 * arithmetic of Howard Hinnant's days_from_civil, inverted, for years 0–9999.
 */
export function iso(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(h)}:${two(mi)}:${two(s)}.${String(milli).padStart(3, '0')}Z`;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

function rcName(volumeId: string): string {
  return `rcrel-${volumeId.replace(/-/g, '').slice(0, 12)}`;
}

function wwnOf(id: string): string {
  return `600507681${id.replace(/-/g, '').slice(0, 23).toUpperCase()}`;
}

function drLocation(location: string) {
  const pair = pairedLocation(location);
  return { location, replicationSites: pair ? [{ isActive: true, location: pair }] : [] };
}
