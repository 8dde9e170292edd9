// The timing model shared by the predicted RTO (config layer), the DR runs and the PowerVS
// simulator, so a plan's prediction and a simulated run agree. Figures are seconds of real
// (unscaled) time. docs/timing.md explains where each number comes from.

import type { MachineType, OsType } from './catalog.js';

/** Time from "start" to the OS answering, before any memory or core adjustments. */
export const OS_BOOT_BASE_SECONDS: Readonly<Record<OsType, number>> = {
  rhel: 120,
  sles: 130,
  aix: 240,
  ibmi: 540,
};

/** Firmware and hypervisor overhead differs by host class. */
export const MACHINE_BOOT_FACTOR: Readonly<Record<MachineType, number>> = {
  s922: 1.0,
  e980: 1.15,
  e1080: 0.9,
};

/** Memory is initialised and verified at activation: a quarter second per GB. */
export const BOOT_SECONDS_PER_GB = 0.25;
/** Each core adds a little to partition activation. */
export const BOOT_SECONDS_PER_CORE = 2;

export const OS_SHUTDOWN_SECONDS: Readonly<Record<OsType, number>> = {
  rhel: 30,
  sles: 30,
  aix: 60,
  ibmi: 180,
};

/** An immediate shutdown skips the OS shutdown; a few seconds of partition teardown remain. */
export const IMMEDIATE_SHUTDOWN_SECONDS = 5;

/** Provisioning an LPAR (before its first boot). */
export const VM_BUILD_SECONDS = 180;

/** Stopping or starting replication on a volume group, plus a little per GB of metadata. */
export const VOLUME_GROUP_SWITCH_SECONDS = 30;
export const VOLUME_GROUP_SWITCH_SECONDS_PER_GB = 0.02;

/** Cloning a volume for a drill (FlashCopy): near constant. */
export const VOLUME_CLONE_SECONDS = 45;

export interface VmShape {
  readonly machineType: MachineType;
  readonly os: OsType;
  readonly memoryGb: number;
  readonly processors: number;
}

export function vmBootSeconds(vm: VmShape): number {
  const base = OS_BOOT_BASE_SECONDS[vm.os] * MACHINE_BOOT_FACTOR[vm.machineType];
  return round1(base + vm.memoryGb * BOOT_SECONDS_PER_GB + vm.processors * BOOT_SECONDS_PER_CORE);
}

export function vmShutdownSeconds(vm: Pick<VmShape, 'os'>): number {
  return OS_SHUTDOWN_SECONDS[vm.os];
}

export function vmBuildSeconds(vm: VmShape): number {
  return round1(VM_BUILD_SECONDS + vmBootSeconds(vm));
}

export function volumeGroupSwitchSeconds(totalGb: number): number {
  return round1(VOLUME_GROUP_SWITCH_SECONDS + totalGb * VOLUME_GROUP_SWITCH_SECONDS_PER_GB);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
