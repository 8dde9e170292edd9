// What the engine asks of a cloud: create, read, update and delete for each resource kind,
// and the DR actions the lifecycles need. `workspace` is the workspace name used in the DR
// configuration (site.workspace); the provider maps it to a cloud instance id.

import type { MachineType, OsType, ProcType, StorageTier } from '../powervs/index.js';

// The specs speak PowerVS's vocabulary; provider users get its types from here too.
export type { ProcType, StorageTier } from '../powervs/index.js';
export type ResourceKind = 'vm' | 'volume' | 'volume_group' | 'network';

export interface VmSpec {
  readonly name: string;
  readonly machineType: MachineType;
  readonly processors: number;
  readonly procType: ProcType;
  readonly memoryGb: number;
  readonly os: OsType;
  /** Boot image; required by a real endpoint. The simulator derives the OS from `os` when absent. */
  readonly imageId?: string;
  readonly storageTier?: StorageTier;
  readonly networkIds: readonly string[];
  readonly volumeIds?: readonly string[];
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
  /** The cloud's creationDate and updatedDate (ISO), where it gives them. */
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export interface VolumeSpec {
  readonly name: string;
  readonly sizeGb: number;
  readonly tier: StorageTier;
  readonly replicationEnabled?: boolean;
  readonly shareable?: boolean;
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
  readonly auxVolumeName?: string;
  readonly primaryRole?: string;
  readonly mirroringState?: string;
  readonly groupId?: string;
  readonly attachedTo: readonly string[];
}

export interface VolumeGroupSpec {
  readonly name: string;
  readonly volumeIds: readonly string[];
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
}

export interface NetworkState {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly cidr: string;
  readonly gateway?: string;
  readonly dnsServers: readonly string[];
  readonly vlanId?: number;
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
  volume_group: Partial<Pick<VolumeGroupSpec, 'name' | 'volumeIds'>>;
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
  readonly progress?: number;
  /** The auxiliary copy is consistent as of this time; absent when it holds no consistent copy. */
  readonly freezeTime?: string;
  /** The RPO exposure: seconds of writes the auxiliary copy lacks. */
  readonly lagSeconds?: number;
  readonly volumes: readonly {
    readonly masterVolumeName?: string;
    readonly auxVolumeName?: string;
    readonly state?: string;
    readonly freezeTime?: string;
    readonly lagSeconds?: number;
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
   * Told, once the operation took effect, how long it took on the cloud's own clock, where the
   * cloud says (a task's creation to its last update; a VM's creation to its last update): the
   * DR runs' RTO counts the operation at that time, without the latency of learning it ended.
   */
  readonly onCloudTime?: (seconds: number) => void;
}

/** The VM power actions a DR run sends. */
export type VmPowerAction = 'start' | 'stop' | 'immediate-shutdown';

export interface PowerOptions {
  /** Real ms the action should take (the modelled boot or shutdown): the first look waits that long. */
  readonly expectedMs?: number;
  /** Real milliseconds to wait before giving up. */
  readonly timeoutMs?: number;
  /** As OperationOptions.onCloudTime. */
  readonly onCloudTime?: (seconds: number) => void;
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
  findByName<K extends ResourceKind>(kind: K, workspace: string, name: string): Promise<ResourceStates[K] | undefined>;
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
  /** Clears the error state of a volume group. */
  resetVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus>;
  /** Clones volumes (FlashCopy) as `<name>-<source name>`, for drills. */
  cloneVolumes(workspace: string, request: { readonly name: string; readonly volumeIds: readonly string[] }, opts?: OperationOptions): Promise<CloneResult>;
  replicationStatus(workspace: string, volumeGroupId: string): Promise<ReplicationStatus>;
  /** Replication partners of the workspace's data centre. */
  disasterRecoverySite(workspace: string): Promise<DisasterRecoverySite>;
  close(): Promise<void>;
}
