// The typed DR configuration that every later layer (graph, plan, apply, lifecycle) reads.
// Plain data: no methods, no AST; ranges are kept so later errors can still point at source.
import type { Range } from '../diag/types.js';
import type { Value } from '../hcl/value.js';
import type { MachineType, OsType, ProcType, StorageTier } from '../powervs/index.js';

export type ResourceType = 'site' | 'orchestrator' | 'replication_policy' | 'network' | 'volume_group' | 'vm' | 'recovery_plan' | 'drill' | 'notification';

export const RESOURCE_TYPES: readonly ResourceType[] = [
  'site',
  'orchestrator',
  'replication_policy',
  'network',
  'volume_group',
  'vm',
  'recovery_plan',
  'drill',
  'notification',
];

/** A site's part in DR: where the workload runs, or where it recovers to. */
export type SiteRole = 'active' | 'standby';
export const SITE_ROLES: readonly SiteRole[] = ['active', 'standby'];

export interface Declared {
  /** `vm.db01`, or `vm.web[2]` for an instance of a counted block. */
  readonly address: string;
  readonly name: string;
  /** The whole block, and its header (type and labels) for pointing at the declaration. */
  readonly range: Range;
  readonly declRange: Range;
  /** Addresses this one depends on: references plus depends_on. */
  readonly dependsOn: readonly string[];
  /** The value range of each argument as written, so later checks can point at it. */
  readonly attrRanges: Readonly<Record<string, Range>>;
  /** Arguments whose values came from sensitive variables: redacted wherever they are shown. */
  readonly sensitive: readonly string[];
}

export interface Site extends Declared {
  readonly location: string;
  readonly workspace: string;
  readonly role: SiteRole;
  readonly description?: string;
}

export interface Orchestrator extends Declared {
  readonly site: string;
  readonly machineType: MachineType;
  readonly tier: StorageTier;
  readonly processors: number;
  readonly memoryGb: number;
  /** The standby site of a highly available orchestrator pair. */
  readonly standbySite?: string;
}

export type ReplicationType = 'global';

export interface ReplicationPolicy extends Declared {
  readonly type: ReplicationType;
  readonly rpoSeconds: number;
  readonly tier: StorageTier;
  readonly cyclePeriodSeconds: number;
}

export interface Subnet {
  readonly cidr: string;
  readonly name: string;
  readonly gateway?: string;
  readonly range: Range;
}

export interface Network extends Declared {
  readonly type: 'private' | 'public';
  /** Subnets keyed by site name. */
  readonly subnets: Readonly<Record<string, Subnet>>;
  /** The isolated network drills boot clones on. */
  readonly test?: Subnet;
  /** Production IP → DR IP, kept across a move. */
  readonly staticIps: Readonly<Record<string, string>>;
}

export interface Volume {
  readonly name: string;
  readonly sizeGb: number;
  readonly tier: StorageTier;
}

export interface VolumeGroup extends Declared {
  readonly policy: string;
  readonly volumes: readonly Volume[];
}

export interface Vm extends Declared {
  readonly site: string;
  readonly machineType: MachineType;
  readonly processors: number;
  readonly procType: ProcType;
  readonly memoryGb: number;
  readonly os: OsType;
  readonly networks: readonly string[];
  readonly volumeGroups: readonly string[];
  readonly replicationPolicy?: string;
  readonly image?: string;
  /** Predicted boot time in model seconds (powervs/timing.ts), or the block's override. */
  readonly bootSeconds: number;
}

export interface RecoveryGroup {
  readonly name: string;
  readonly vms: readonly string[];
  readonly timeoutSeconds?: number;
  /** The post_check script: a path inside the configuration directory (run as a program, never through a shell). */
  readonly postCheck?: string;
  /** How long the post_check takes (post_check_time), for the predicted RTO; untimed when absent. */
  readonly postCheckSeconds?: number;
  /** Its arguments, as written after the path. */
  readonly postCheckArgs?: readonly string[];
  /** Variables added to its minimal environment (post_check_env): how a credential reaches it, by name. */
  readonly postCheckEnv?: Readonly<Record<string, string>>;
  readonly manual?: string;
  /** How long a person takes for the manual step (manual_time), for the predicted RTO; untimed when absent. */
  readonly manualSeconds?: number;
  readonly range: Range;
}

export interface RecoveryPlan extends Declared {
  readonly groups: readonly RecoveryGroup[];
  readonly rtoSeconds?: number;
}

export interface DrillCriteria {
  readonly maxRtoSeconds?: number;
  readonly requirePostChecks: boolean;
}

export interface Drill extends Declared {
  readonly plan: string;
  readonly schedule?: string;
  /** Which network subnet key the clones boot on (normally "test"). */
  readonly network: string;
  readonly cleanupAfterSeconds: number;
  readonly pass: DrillCriteria;
}

export interface Notification extends Declared {
  readonly webhook: string;
  readonly events: readonly string[];
  /** A link-local or cloud metadata address was allowed explicitly (allow_link_local = true). */
  readonly allowLinkLocal?: boolean;
}

/** Where state is stored: `backend "local"` (the default) or `backend "pg"` ("postgres" is accepted too). */
export type BackendSettings =
  | {
      readonly type: 'local';
      readonly path?: string;
      /** No backend block was written (then DRCTL_PG_CONN_STR alone may choose pg). */
      readonly implicit?: boolean;
    }
  | {
      readonly type: 'pg';
      /** The connection string written in the configuration (better: connStrEnv or DRCTL_PG_CONN_STR). */
      readonly connStr?: string;
      /** The environment variable that holds the connection string. */
      readonly connStrEnv?: string;
      readonly schema?: string;
    };

/** One key: a key file, or an environment variable holding a passphrase. */
export interface EncryptionKeySettings {
  readonly keyFile?: string;
  readonly passphraseEnv?: string;
}

export interface EncryptionSettings extends EncryptionKeySettings {
  /** Refuse plaintext state and plan files on read. */
  readonly enforced?: boolean;
  /** Older keys, tried in order for reading (key rotation); writes use the primary. */
  readonly fallbacks?: readonly EncryptionKeySettings[];
}

export interface Settings {
  readonly parallelism?: number;
  /** "embedded" (the default) starts the simulator in-process; otherwise a URL. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly backend: BackendSettings;
  /** Encryption at rest of state and plan files; absent: off (DRCTL_ENCRYPTION may still turn it on). */
  readonly encryption?: EncryptionSettings;
  readonly workspaces: Readonly<Record<string, string>>;
  readonly range?: Range;
}

export interface Variable {
  readonly name: string;
  readonly value: Value;
  readonly sensitive: boolean;
  readonly description?: string;
  readonly range: Range;
}

export interface Output {
  readonly name: string;
  readonly value: Value;
  readonly sensitive: boolean;
  readonly description?: string;
  readonly range: Range;
}

export interface DrConfig {
  readonly dir: string;
  /** Source text by filename, for rendering diagnostics. */
  readonly sources: ReadonlyMap<string, string>;
  readonly settings: Settings;
  readonly variables: ReadonlyMap<string, Variable>;
  readonly locals: ReadonlyMap<string, Value>;
  readonly outputs: ReadonlyMap<string, Output>;
  readonly sites: ReadonlyMap<string, Site>;
  readonly orchestrators: ReadonlyMap<string, Orchestrator>;
  readonly replicationPolicies: ReadonlyMap<string, ReplicationPolicy>;
  readonly networks: ReadonlyMap<string, Network>;
  readonly volumeGroups: ReadonlyMap<string, VolumeGroup>;
  readonly vms: ReadonlyMap<string, Vm>;
  readonly recoveryPlans: ReadonlyMap<string, RecoveryPlan>;
  readonly drills: ReadonlyMap<string, Drill>;
  readonly notifications: ReadonlyMap<string, Notification>;
  /** `moved { from = vm.old  to = vm.new }`: renames applied to state before planning. */
  readonly moves: readonly MovedBlock[];
  /**
   * The text of every sensitive value: strings (and numbers, as decimal text) from sensitive
   * variables and everything computed from them, in variables, locals, outputs and resource
   * arguments. What a redaction layer replaces with "(sensitive value)" in anything drctl writes.
   */
  readonly sensitiveStrings: ReadonlySet<string>;
}

export interface MovedBlock {
  readonly from: string;
  readonly to: string;
  readonly range: Range;
}
