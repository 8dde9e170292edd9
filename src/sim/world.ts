// The simulated PowerVS world: the API operations on workspaces, VMs, volumes, volume
// groups, networks and tasks. Operations run synchronously on in-memory records, record
// their changes as journal operations (taken by the server and made durable before it
// answers), and throw SimApiError for 400/404/409. Time-dependent status is derived from
// timestamps when read, so a manual clock makes every transition deterministic.
//
// World is the one face the server and tests call. The operations live one file per API
// collection (workspaces, stock images, pvm-instances, volumes, volume-groups, networks), each a
// set of functions of the shared core (world-core.ts: time, journal, indexes, events, faults).

import { checkConsistency } from './consistency.js';
import type { FaultSpec } from './faults.js';
import { createNetwork, deleteNetwork, getNetwork, listNetworks, updateNetwork } from './networks.js';
import { getStockImage, listStockImages } from './images.js';
import { attachVolumes, createVm, deleteVm, getVm, listVms, updateVm, vmAction, vmSettleDueMs } from './pvm-instances.js';
import type { ConsistencyGroupRecord, JournalEntry, SimEvent, WorkspaceRecord, WorldData } from './records.js';
import type { Body } from './request.js';
import {
  createVolumeGroup,
  deleteVolumeGroup,
  getVolumeGroup,
  getVolumeGroupDetails,
  groupSettleDueMs,
  listVolumeGroupDetails,
  listVolumeGroups,
  reconcileLinks,
  remoteCopyRelationships,
  storageDetails,
  tuneReplication,
  updateVolumeGroup,
  volumeGroupAction,
} from './volume-groups.js';
import {
  cloneVolumes,
  createVolume,
  deleteVolume,
  getCloneTask,
  getOnboarding,
  getVolume,
  listOnboardings,
  listVolumes,
  onboardVolumes,
  updateVolume,
  volumeAction,
} from './volumes.js';
import { disasterRecoveryLocation, disasterRecoveryLocations, ensureWorkspace, listWorkspaces, workspaceCrnOf } from './workspaces.js';
import { WorldCore, type ApiResult, type WorldOptions } from './world-core.js';

export { iso } from './iso-time.js';
export type { ApiResult, WorldOptions } from './world-core.js';

export class World {
  private readonly core: WorldCore;

  constructor(
    readonly data: WorldData,
    opts: WorldOptions,
  ) {
    this.core = new WorldCore(data, opts);
  }

  // ---- time and journal ---------------------------------------------------------------

  /** Model time; never earlier than anything already recorded, and fixed during one operation. */
  now(): number {
    return this.core.now();
  }

  /** Runs one API operation at a single instant of model time. */
  atOneInstant<T>(op: () => T): T {
    return this.core.atOneInstant(op);
  }

  /** The changes made since the last call, as one journal entry (undefined if none). */
  takeEntry(): JournalEntry | undefined {
    return this.core.takeEntry();
  }

  // ---- faults and the replication link --------------------------------------------------

  getFaults(): FaultSpec {
    return this.core.faults;
  }

  /** Installs a fault spec and brings every replication link in line with it. */
  setFaults(spec: FaultSpec): void {
    this.core.faults = spec;
    reconcileLinks(this.core);
  }

  reconcileLinks(): void {
    reconcileLinks(this.core);
  }

  // ---- workspaces and disaster-recovery locations -------------------------------------------

  ensureWorkspace(id: string, location: string, name?: string): WorkspaceRecord {
    return ensureWorkspace(this.core, id, location, name);
  }

  workspace(id: string): WorkspaceRecord {
    return this.core.workspace(id);
  }

  listWorkspaces(): WorkspaceRecord[] {
    return listWorkspaces(this.core);
  }

  /** The CRN a client sends with every request to this workspace. */
  workspaceCrn(id: string): string {
    return workspaceCrnOf(this.core, this.core.workspace(id));
  }

  get account(): string {
    return this.core.account;
  }

  disasterRecoveryLocation(wsId: string): ApiResult {
    return disasterRecoveryLocation(this.core, wsId);
  }

  disasterRecoveryLocations(): ApiResult {
    return disasterRecoveryLocations();
  }

  // ---- stock images -------------------------------------------------------------------

  listStockImages(wsId: string): ApiResult {
    return listStockImages(this.core, wsId);
  }

  getStockImage(wsId: string, id: string): ApiResult {
    return getStockImage(this.core, wsId, id);
  }

  // ---- pvm-instances ------------------------------------------------------------------

  listVms(wsId: string): ApiResult {
    return listVms(this.core, wsId);
  }

  getVm(wsId: string, id: string): ApiResult {
    return getVm(this.core, wsId, id);
  }

  createVm(wsId: string, body: Body): ApiResult {
    return createVm(this.core, wsId, body);
  }

  updateVm(wsId: string, id: string, body: Body): ApiResult {
    return updateVm(this.core, wsId, id, body);
  }

  deleteVm(wsId: string, id: string): ApiResult {
    return deleteVm(this.core, wsId, id);
  }

  vmAction(wsId: string, id: string, body: Body): ApiResult {
    return vmAction(this.core, wsId, id, body);
  }

  attachVolumes(wsId: string, id: string, body: Body): ApiResult {
    return attachVolumes(this.core, wsId, id, body);
  }

  /** Model ms until the VM is out of transition (0 when it is). */
  vmSettleDueMs(wsId: string, id: string): number {
    return vmSettleDueMs(this.core, wsId, id);
  }

  // ---- volumes ------------------------------------------------------------------------

  listVolumes(wsId: string): ApiResult {
    return listVolumes(this.core, wsId);
  }

  getVolume(wsId: string, id: string): ApiResult {
    return getVolume(this.core, wsId, id);
  }

  createVolume(wsId: string, body: Body): ApiResult {
    return createVolume(this.core, wsId, body);
  }

  updateVolume(wsId: string, id: string, body: Body): ApiResult {
    return updateVolume(this.core, wsId, id, body);
  }

  deleteVolume(wsId: string, id: string): ApiResult {
    return deleteVolume(this.core, wsId, id);
  }

  volumeAction(wsId: string, id: string, body: Body): ApiResult {
    return volumeAction(this.core, wsId, id, body);
  }

  onboardVolumes(wsId: string, body: Body): ApiResult {
    return onboardVolumes(this.core, wsId, body);
  }

  getOnboarding(wsId: string, id: string): ApiResult {
    return getOnboarding(this.core, wsId, id);
  }

  listOnboardings(wsId: string): ApiResult {
    return listOnboardings(this.core, wsId);
  }

  cloneVolumes(wsId: string, body: Body): ApiResult {
    return cloneVolumes(this.core, wsId, body);
  }

  getCloneTask(wsId: string, id: string): ApiResult {
    return getCloneTask(this.core, wsId, id);
  }

  // ---- volume groups ------------------------------------------------------------------

  listVolumeGroups(wsId: string): ApiResult {
    return listVolumeGroups(this.core, wsId);
  }

  getVolumeGroup(wsId: string, id: string): ApiResult {
    return getVolumeGroup(this.core, wsId, id);
  }

  getVolumeGroupDetails(wsId: string, id: string): ApiResult {
    return getVolumeGroupDetails(this.core, wsId, id);
  }

  listVolumeGroupDetails(wsId: string): ApiResult {
    return listVolumeGroupDetails(this.core, wsId);
  }

  /** Model ms until the group is no longer updating (0 when it is not). */
  groupSettleDueMs(wsId: string, id: string): number {
    return groupSettleDueMs(this.core, wsId, id);
  }

  createVolumeGroup(wsId: string, body: Body): ApiResult {
    return createVolumeGroup(this.core, wsId, body);
  }

  updateVolumeGroup(wsId: string, id: string, body: Body): ApiResult {
    return updateVolumeGroup(this.core, wsId, id, body);
  }

  deleteVolumeGroup(wsId: string, id: string): ApiResult {
    return deleteVolumeGroup(this.core, wsId, id);
  }

  volumeGroupAction(wsId: string, id: string, body: Body): ApiResult {
    return volumeGroupAction(this.core, wsId, id, body);
  }

  storageDetails(wsId: string, id: string): ApiResult {
    return storageDetails(this.core, wsId, id);
  }

  remoteCopyRelationships(wsId: string, id: string): ApiResult {
    return remoteCopyRelationships(this.core, wsId, id);
  }

  /** Adjusts the replication model of a group (admin): change rate, cycle period, bandwidth. */
  tuneReplication(nameOrGroup: string, body: Body): ConsistencyGroupRecord {
    return tuneReplication(this.core, nameOrGroup, body);
  }

  // ---- networks -----------------------------------------------------------------------

  listNetworks(wsId: string): ApiResult {
    return listNetworks(this.core, wsId);
  }

  getNetwork(wsId: string, id: string): ApiResult {
    return getNetwork(this.core, wsId, id);
  }

  createNetwork(wsId: string, body: Body): ApiResult {
    return createNetwork(this.core, wsId, body);
  }

  updateNetwork(wsId: string, id: string, body: Body): ApiResult {
    return updateNetwork(this.core, wsId, id, body);
  }

  deleteNetwork(wsId: string, id: string): ApiResult {
    return deleteNetwork(this.core, wsId, id);
  }

  // ---- log, checks -------------------------------------------------------------------

  events(sinceSeq = 0): SimEvent[] {
    return this.data.events.filter((e) => e.seq > sinceSeq);
  }

  /** Cross-checks every reference in the world; an empty list means consistent. */
  checkConsistency(): string[] {
    return checkConsistency(this.data);
  }
}
