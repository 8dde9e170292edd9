// The simulated world as stored on disk: plain JSON records keyed by id, and the journal
// operations that change them. Status that depends on time (a VM booting, replication lag)
// is not stored; it is derived from timestamps when read (see pvm-instances.ts, replication.ts).

import type { MachineType, OsType, ProcType, StorageTier } from '../powervs/index.js';

export interface WorkspaceRecord {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly createdMs: number;
}

/** One power phase of a VM: what was asked, when, and when it settles. */
export interface PowerPhase {
  readonly kind: 'build' | 'on' | 'off';
  readonly sinceMs: number;
  /** End of provisioning (build only); the boot follows. */
  readonly buildEndMs?: number;
  /** When the phase settles: booted (on/build) or shut off (off). */
  readonly readyMs: number;
  /** The boot ends in ERROR (a boot-fail fault was active when it began). */
  readonly bootFails?: boolean;
}

export interface VmNetworkRecord {
  readonly networkID: string;
  readonly ipAddress: string;
}

export interface VmRecord {
  readonly id: string;
  readonly workspace: string;
  /** Not unique: PowerVS lets two VMs of a workspace share a name. */
  readonly serverName: string;
  readonly processors: number;
  readonly procType: ProcType;
  readonly memory: number;
  readonly sysType: MachineType;
  /** The operating system of the image it was created from. */
  readonly osType: OsType;
  readonly imageID: string;
  readonly storageType: StorageTier;
  readonly networks: readonly VmNetworkRecord[];
  readonly volumeIDs: readonly string[];
  /** The volume it boots from: set by an attach with bootVolumeID (VMNoStorage), else none. */
  readonly bootVolumeID?: string;
  /** VMNoStorage: created without a boot volume, shut off, to boot from one attached later. */
  readonly deploymentType?: string;
  readonly userTags?: readonly string[];
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly power: PowerPhase;
}

export interface VolumeRecord {
  readonly id: string;
  readonly workspace: string;
  readonly name: string;
  readonly size: number;
  readonly diskType: StorageTier;
  readonly shareable: boolean;
  readonly replicationEnabled: boolean;
  /** True for the copy held in the paired site. */
  readonly auxiliary: boolean;
  /**
   * An auxiliary copy exists in the partner's storage from the start, but is part of that
   * workspace (listed, usable) only once onboarded there: false until then. Absent on primaries.
   */
  readonly onboarded?: boolean;
  /** The storage name of an auxiliary copy (the primary's `auxVolumeName`). */
  readonly auxVolumeName?: string;
  readonly bootable?: boolean;
  readonly userTags?: readonly string[];
  /** The other half of a replicated pair (aux id for a primary, primary id for an aux). */
  readonly peerVolumeID?: string;
  readonly groupID?: string;
  readonly pvmInstanceIDs: readonly string[];
  /** Clones are usable from this time on. */
  readonly readyMs: number;
  /** The volume a clone was made from (the simulator's own bookkeeping; never shown). */
  readonly clonedFrom?: string;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface VolumeGroupRecord {
  readonly id: string;
  readonly workspace: string;
  readonly name: string;
  readonly auxiliary: boolean;
  readonly consistencyGroupName: string;
  readonly volumeIDs: readonly string[];
  readonly createdMs: number;
  readonly updatedMs: number;
}

/** Replication settings of one consistency group over one stretch of time. */
export interface ReplicationPhase {
  readonly sinceMs: number;
  readonly enabled: boolean;
  readonly primaryRole: 'master' | 'aux';
  /** After a stop: true means both sides are writable (idling). */
  readonly access: boolean;
  /** Copying: when the (re)synchronisation began and how long it takes, in model ms. */
  readonly syncStartMs: number;
  readonly syncMs: number;
  /** Last consistent point before this phase, carried across stops and resyncs. */
  readonly carriedFreezeMs?: number;
  /** Stopped: the freeze time the auxiliary copy kept. */
  readonly frozenAtMs?: number;
  /** A failed action leaves the group in error until reset. */
  readonly error?: string;
}

export interface ConsistencyGroupRecord {
  readonly name: string;
  readonly masterWorkspace: string;
  readonly auxWorkspace: string;
  readonly masterGroupID: string;
  /** The volume group of the auxiliary side, once created there by consistency-group name. */
  readonly auxGroupID?: string;
  readonly cyclePeriodSeconds: number;
  readonly changeRateMBps: number;
  readonly bandwidthMBps: number;
  /** Ordered by sinceMs; the last one may lie in the future while an action is under way. */
  readonly phases: readonly ReplicationPhase[];
  /** The link is down since this time (a fault: broken link or a site down). */
  readonly linkDownSinceMs?: number;
}

export interface NetworkRecord {
  readonly id: string;
  readonly workspace: string;
  readonly name: string;
  readonly type: 'vlan' | 'pub-vlan';
  readonly cidr: string;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
  readonly vlanID: number;
  readonly mtu: number;
  readonly userTags?: readonly string[];
  readonly createdMs: number;
}

/** Asynchronous work the API reports on through its own route: a clone task or an onboarding. */
export interface TaskRecord {
  readonly id: string;
  readonly workspace: string;
  readonly operation: 'clone' | 'onboarding';
  readonly description: string;
  readonly createdMs: number;
  readonly doneMs: number;
  readonly outcome: 'completed' | 'failed';
  /** Clone tasks: source → clone volume ids. */
  readonly clones?: readonly { readonly source: string; readonly clone: string }[];
  /** Onboardings: the auxiliary volume names asked for, those onboarded (ids), and failures. */
  readonly inputVolumes?: readonly string[];
  readonly onboarded?: readonly string[];
  readonly failures?: readonly { readonly failureMessage: string; readonly volumes: readonly string[] }[];
}

/** One line of the ordered event log that DR tests read (boot order, never active twice). */
export interface SimEvent {
  readonly seq: number;
  readonly atMs: number;
  readonly at: string;
  readonly type: string;
  readonly workspace: string;
  readonly location: string;
  readonly resource: { readonly kind: string; readonly id: string; readonly name: string };
  /** When the change settles (a VM booted or shut off, a switch done). */
  readonly effectiveAtMs?: number;
  readonly effectiveAt?: string;
  readonly outcome?: 'completed' | 'failed';
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Collections {
  workspaces: WorkspaceRecord;
  vms: VmRecord;
  volumes: VolumeRecord;
  volumeGroups: VolumeGroupRecord;
  consistencyGroups: ConsistencyGroupRecord;
  networks: NetworkRecord;
  tasks: TaskRecord;
}
export type CollectionName = keyof Collections;

export const COLLECTIONS: readonly CollectionName[] = ['workspaces', 'vms', 'volumes', 'volumeGroups', 'consistencyGroups', 'networks', 'tasks'];

export interface WorldData {
  version: 1;
  /** Sequence of the last journal entry folded into this data. */
  seq: number;
  /** Latest model time seen; model time never runs backwards across restarts. */
  highWaterMs: number;
  eventSeq: number;
  workspaces: Record<string, WorkspaceRecord>;
  vms: Record<string, VmRecord>;
  volumes: Record<string, VolumeRecord>;
  volumeGroups: Record<string, VolumeGroupRecord>;
  consistencyGroups: Record<string, ConsistencyGroupRecord>;
  networks: Record<string, NetworkRecord>;
  tasks: Record<string, TaskRecord>;
  events: SimEvent[];
}

export type JournalOp =
  | { readonly t: 'put'; readonly c: CollectionName; readonly v: { readonly id?: string; readonly name?: string } }
  | { readonly t: 'del'; readonly c: CollectionName; readonly id: string }
  | { readonly t: 'event'; readonly v: SimEvent }
  | { readonly t: 'time'; readonly ms: number };

export interface JournalEntry {
  readonly seq: number;
  readonly ops: readonly JournalOp[];
}

export function emptyWorld(): WorldData {
  return {
    version: 1,
    seq: 0,
    highWaterMs: 0,
    eventSeq: 0,
    workspaces: {},
    vms: {},
    volumes: {},
    volumeGroups: {},
    consistencyGroups: {},
    networks: {},
    tasks: {},
    events: [],
  };
}

/** The key a record is stored under: consistency groups by name, the rest by id. */
export function recordKey(c: CollectionName, v: { readonly id?: string; readonly name?: string }): string {
  const key = c === 'consistencyGroups' ? v.name : v.id;
  if (!key) throw new Error(`record in ${c} has no key`);
  return key;
}

/** Replays one journal operation; the same function serves live mutation and recovery. */
export function applyOp(world: WorldData, op: JournalOp): void {
  switch (op.t) {
    case 'put':
      (world[op.c] as Record<string, unknown>)[recordKey(op.c, op.v)] = op.v;
      return;
    case 'del':
      delete (world[op.c] as Record<string, unknown>)[op.id];
      return;
    case 'event':
      world.events.push(op.v);
      world.eventSeq = Math.max(world.eventSeq, op.v.seq);
      return;
    case 'time':
      world.highWaterMs = Math.max(world.highWaterMs, op.ms);
      return;
  }
}
