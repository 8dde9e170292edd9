// What the engine asks of a cloud: create, read, update and delete for each resource kind,
// and the DR actions the lifecycles need. `workspace` is the workspace name used in the DR
// configuration (site.workspace); the provider maps it to a cloud instance id.

import type { MachineType, OsType, ProcType, StorageTier } from '../powervs/index.js';

// The specs speak PowerVS's vocabulary; provider users get its types from here too.
export type { ProcType, StorageTier } from '../powervs/index.js';
export type ResourceKind = 'vm' | 'volume' | 'volume_group' | 'network';

/**
 * Who a resource belongs to: PowerVS names are not unique, so drctl tells its own resources by
 * user tags it writes on create. `idTag` alone says "this configuration's resource at this
 * address" (a hash of the state lineage and the address); `tags` is everything written, idTag
 * included (the lineage and the address for people).
 */
export interface Ownership {
  readonly idTag: string;
  readonly tags: readonly string[];
  /** The address in the configuration, for messages. */
  readonly address: string;
}

export interface VmSpec {
  readonly name: string;
  readonly machineType: MachineType;
  readonly processors: number;
  readonly procType: ProcType;
  readonly memoryGb: number;
  readonly os: OsType;
  /** Boot image, by id or name; without one, the workspace's stock image for `os`. */
  readonly imageId?: string;
  /**
   * Boot from this (attached) volume instead of an image: IBM's way to bring a VM up from a
   * replicated boot volume. The VM is deployed VMNoStorage with the OS's -EMPTY image, the
   * volumes are attached with this one as boot volume, and the VM is started.
   */
  readonly bootVolumeId?: string;
  readonly storageTier?: StorageTier;
  readonly networkIds: readonly string[];
  readonly volumeIds?: readonly string[];
  readonly owner?: Ownership;
}

export type VmStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR' | (string & {});

export interface VmState {
  readonly id: string;
  readonly name: string;
  readonly status: VmStatus;
  readonly health: string;
  /** ACTIVE with health OK: booted and answering. */
  readonly ready: boolean;
  readonly machineType: string;
  readonly processors: number;
  readonly procType: string;
  readonly memoryGb: number;
  readonly os?: string;
  readonly imageId?: string;
  readonly storageTier?: string;
  readonly networks: readonly { readonly id: string; readonly ipAddress?: string }[];
  readonly volumeIds: readonly string[];
  readonly fault?: string;
  /** Only from a read of the VM itself: the list does not carry tags. */
  readonly userTags?: readonly string[];
}

export interface VolumeSpec {
  readonly name: string;
  readonly sizeGb: number;
  readonly tier: StorageTier;
  readonly replicationEnabled?: boolean;
  readonly shareable?: boolean;
  readonly owner?: Ownership;
}

export interface VolumeState {
  readonly id: string;
  readonly name: string;
  readonly sizeGb: number;
  readonly tier: string;
  readonly state: string;
  readonly shareable: boolean;
  readonly replicationEnabled: boolean;
  readonly replicationStatus?: string;
  readonly auxiliary: boolean;
  /** The storage name of the auxiliary copy (on both sides of a pair): what onboarding names. */
  readonly auxVolumeName?: string;
  readonly primaryRole?: string;
  readonly mirroringState?: string;
  readonly groupId?: string;
  readonly consistencyGroupName?: string;
  readonly attachedTo: readonly string[];
  readonly userTags?: readonly string[];
}

export interface VolumeGroupSpec {
  /** A new group (primary side), which makes a new consistency group. */
  readonly name: string;
  /**
   * The auxiliary side instead: the group of an existing consistency group, in the partner
   * workspace, from its onboarded auxiliary volumes (PowerVS names it after the group).
   */
  readonly consistencyGroupName?: string;
  readonly volumeIds: readonly string[];
  /** PowerVS has no tags on groups: a group is ours when its volumes are (they carry the tags). */
  readonly owner?: Ownership;
}

export interface VolumeGroupState {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly replicationStatus: string;
  readonly consistencyGroupName: string;
  readonly auxiliary: boolean;
  readonly volumeIds: readonly string[];
  /** Data centres of the other side. */
  readonly replicationSites: readonly string[];
}

export interface NetworkSpec {
  readonly name: string;
  readonly type: 'vlan' | 'pub-vlan';
  readonly cidr?: string;
  readonly gateway?: string;
  readonly dnsServers?: readonly string[];
  readonly owner?: Ownership;
}

export interface NetworkState {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly cidr: string;
  readonly gateway?: string;
  readonly dnsServers: readonly string[];
  readonly vlanId?: number;
  /** Only from a read of the network itself: the list does not carry tags. */
  readonly userTags?: readonly string[];
}

export interface ResourceSpecs {
  vm: VmSpec;
  volume: VolumeSpec;
  volume_group: VolumeGroupSpec;
  network: NetworkSpec;
}

export interface ResourceStates {
  vm: VmState;
  volume: VolumeState;
  volume_group: VolumeGroupState;
  network: NetworkState;
}

/** The changes each kind accepts in place; anything else means replace. */
export interface ResourceUpdates {
  vm: Partial<Pick<VmSpec, 'name' | 'processors' | 'procType' | 'memoryGb'>>;
  volume: Partial<Pick<VolumeSpec, 'name' | 'sizeGb' | 'replicationEnabled'>>;
  /** volumeIds is the desired membership; the provider works out what to add and remove. */
  volume_group: Partial<Pick<VolumeGroupSpec, 'volumeIds'>>;
  network: Partial<Pick<NetworkSpec, 'name' | 'dnsServers'>>;
}

export interface ReplicationStatus {
  readonly volumeGroupId: string;
  readonly name: string;
  readonly consistencyGroupName: string;
  /** available | updating | error */
  readonly status: string;
  readonly auxiliary: boolean;
  /** Copying (replicationStatus enabled) or stopped. */
  readonly replicationEnabled: boolean;
  /** consistent_copying, inconsistent_copying, idling, consistent_stopped, …_disconnected */
  readonly state: string;
  readonly primaryRole: 'master' | 'aux' | (string & {});
  readonly cyclePeriodSeconds?: number;
  /** Of the running copy or cycle, 0–100 (the least of the volumes'). */
  readonly progress?: number;
  /** The auxiliary copy is consistent as of this time (the oldest of the volumes'); absent when it holds no consistent copy. */
  readonly freezeTime?: string;
  /** The RPO exposure: the cloud's time (the answer's Date) minus the freeze time, in seconds. */
  readonly lagSeconds?: number;
  readonly volumes: readonly {
    readonly masterVolumeName?: string;
    readonly auxVolumeName?: string;
    readonly state?: string;
    readonly freezeTime?: string;
  }[];
}

export interface DisasterRecoverySite {
  readonly location: string;
  readonly partners: readonly string[];
}

export interface CloneResult {
  readonly clones: readonly { readonly sourceId: string; readonly cloneId: string; readonly name?: string }[];
}

export interface OperationOptions {
  /** Wait for the operation to settle (default true). */
  readonly wait?: boolean;
  /** Real milliseconds to wait before giving up. */
  readonly timeoutMs?: number;
  /**
   * Told when the resource is still busy with an earlier operation (a group updating, a VM
   * booting) and the call waits that out before acting: progress for the run to show.
   */
  readonly onWait?: (message: string) => void;
  /** Told when a create found the resource already made for its owner (an interrupted run's) and took it. */
  readonly onAdopt?: () => void;
}

/** The VM power actions a DR run sends. */
export type VmPowerAction = 'start' | 'stop' | 'immediate-shutdown';

export interface PowerOptions {
  /** Real ms the action should take (the modelled boot or shutdown): the first look waits that long. */
  readonly expectedMs?: number;
  /** Real milliseconds to wait before giving up. */
  readonly timeoutMs?: number;
  readonly onWait?: (message: string) => void;
}

export interface DeleteOptions extends OperationOptions {
  /** Treat "already gone" as success. */
  readonly missingOk?: boolean;
}

export interface Provider {
  readonly name: string;
  create<K extends ResourceKind>(kind: K, workspace: string, spec: ResourceSpecs[K], opts?: OperationOptions): Promise<ResourceStates[K]>;
  /** undefined when the resource does not exist. */
  read<K extends ResourceKind>(kind: K, workspace: string, id: string): Promise<ResourceStates[K] | undefined>;
  /**
   * The resource of this name that carries `idTag` (the one drctl created for an address), or
   * undefined. Names are not unique in PowerVS; the tag is what tells.
   */
  findOwned<K extends ResourceKind>(kind: K, workspace: string, name: string, idTag: string): Promise<ResourceStates[K] | undefined>;
  list<K extends ResourceKind>(kind: K, workspace: string): Promise<ResourceStates[K][]>;
  update<K extends ResourceKind>(kind: K, workspace: string, id: string, change: ResourceUpdates[K], opts?: OperationOptions): Promise<ResourceStates[K]>;
  delete(kind: ResourceKind, workspace: string, id: string, opts?: DeleteOptions): Promise<void>;

  /** Starts a VM and (by default) waits until it is ACTIVE and healthy. */
  startVm(workspace: string, id: string, opts?: OperationOptions): Promise<VmState>;
  /** Stops a VM (immediate: no OS shutdown) and waits until it is SHUTOFF. */
  stopVm(workspace: string, id: string, opts?: OperationOptions & { readonly immediate?: boolean }): Promise<VmState>;
  /**
   * Sends a power action and waits until it took effect (start: ACTIVE and healthy; stop and
   * immediate-shutdown: SHUTOFF) in as few requests as the endpoint allows: the action, then its
   * task held open where tasks long-poll, else reads of the VM from `expectedMs` on. For runs
   * where each boot is on the critical path; it returns no state (read the VM for that). A VM
   * already there, or busy, is a conflict error; a boot that ends in ERROR is boot_failed.
   */
  powerVm(workspace: string, id: string, action: VmPowerAction, opts?: PowerOptions): Promise<void>;
  /** Starts replication from `source` (master: primary → aux; aux: fail back aux → primary). */
  startVolumeGroup(workspace: string, id: string, source: 'master' | 'aux', opts?: OperationOptions): Promise<ReplicationStatus>;
  /** Stops replication; access true makes the auxiliary side writable (failover). */
  stopVolumeGroup(workspace: string, id: string, access: boolean, opts?: OperationOptions): Promise<ReplicationStatus>;
  /**
   * Waits until a volume group is no longer updating (an earlier action still under way),
   * telling `opts.onWait` while it waits; returns its replication then. Never a failure in itself.
   */
  settleVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus>;
  /** Clears the error state of a volume group. */
  resetVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus>;
  /**
   * Clones volumes (FlashCopy, v2 clone API) for drills, unreplicated, each clone carrying
   * `tags`; which clone is of which volume comes from the clone task. A retry after a lost answer
   * first deletes the clones that carry `tags` (the lost task's), so none is left behind.
   */
  cloneVolumes(
    workspace: string,
    request: { readonly name: string; readonly volumeIds: readonly string[]; readonly tags: readonly string[] },
    opts?: OperationOptions,
  ): Promise<CloneResult>;
  /**
   * Makes auxiliary copies part of `workspace` (POST volumes/onboarding, with the CRN of the
   * workspace of their primaries), named and tagged as asked; copies already there are taken as
   * they are. Returns them in the order asked.
   */
  onboardVolumes(
    workspace: string,
    request: {
      readonly sourceWorkspace: string;
      readonly volumes: readonly { readonly auxVolumeName: string; readonly name?: string }[];
      readonly tags?: readonly string[];
    },
    opts?: OperationOptions,
  ): Promise<VolumeState[]>;
  /** The volume group of a consistency group in `workspace` (its auxiliary side, on the partner), if there is one. */
  findVolumeGroup(workspace: string, consistencyGroupName: string): Promise<VolumeGroupState | undefined>;
  replicationStatus(workspace: string, volumeGroupId: string): Promise<ReplicationStatus>;
  /** Replication partners of the workspace's data centre. */
  disasterRecoverySite(workspace: string): Promise<DisasterRecoverySite>;
  close(): Promise<void>;
}
