// PowerVS vocabulary: what the cloud offers (host types and limits, OS and processor types,
// storage tiers, replication pairs, prices) and how long its operations take. A leaf: it imports
// nothing of drctl's own, so config, provider and the simulator can all speak it.

export {
  MACHINE_TYPES,
  MACHINE_TYPE_NAMES,
  OS_TYPES,
  PROC_TYPES,
  STORAGE_TIERS,
  STORAGE_TIER_NAMES,
  DR_USD_PER_CORE_HOUR,
  HOURS_PER_MONTH,
  CORE_USD_PER_HOUR,
  MEMORY_USD_PER_GB_HOUR,
  DR_LOCATION_PAIRS,
  resolveMachineType,
  drPartnerOf,
  knownLocations,
  type MachineType,
  type MachineLimits,
  type OsType,
  type ProcType,
  type StorageTier,
  type TierInfo,
} from './catalog.js';
export {
  OS_BOOT_BASE_SECONDS,
  MACHINE_BOOT_FACTOR,
  BOOT_SECONDS_PER_GB,
  BOOT_SECONDS_PER_CORE,
  OS_SHUTDOWN_SECONDS,
  IMMEDIATE_SHUTDOWN_SECONDS,
  VM_BUILD_SECONDS,
  VOLUME_GROUP_SWITCH_SECONDS,
  VOLUME_GROUP_SWITCH_SECONDS_PER_GB,
  VOLUME_CLONE_SECONDS,
  vmBootSeconds,
  vmShutdownSeconds,
  vmBuildSeconds,
  volumeGroupSwitchSeconds,
  type VmShape,
} from './timing.js';
export { parseTimeScale, formatTimeScale } from './time-scale.js';
