// The recovery order and predicted RTO of a recovery plan. Groups run one after another; the VMs
// of a group boot in parallel, at most `parallelism` at a time, started in the order listed (as
// the engine starts them). Storage is switched first, all volume groups at once.
import { volumeGroupSwitchSeconds } from '../powervs/index.js';
import type { DrConfig, RecoveryPlan } from './model.js';

export interface GroupPrediction {
  readonly name: string;
  readonly vms: readonly string[];
  /** Wall time for the group's boots under the parallelism limit. */
  readonly seconds: number;
  /** The slowest single boot: the group's lower bound however wide the parallelism. */
  readonly slowestBootSeconds: number;
  readonly manual?: string;
}

export interface RecoveryPrediction {
  readonly plan: string;
  readonly storageSwitchSeconds: number;
  readonly groups: readonly GroupPrediction[];
  readonly totalSeconds: number;
  readonly targetSeconds?: number;
}

/** Wall time of list scheduling: each job starts on the earliest free slot, in the given order. */
export function makespan(durations: readonly number[], parallelism: number): number {
  if (durations.length === 0) return 0;
  const slots = Math.max(1, Math.min(parallelism, durations.length));
  const free = new Array<number>(slots).fill(0);
  let end = 0;
  for (const d of durations) {
    let best = 0;
    for (let i = 1; i < slots; i++) if (free[i] < free[best]) best = i;
    free[best] += d;
    if (free[best] > end) end = free[best];
  }
  return end;
}

/** What a prediction needs to know about the VMs and volume groups a plan names. */
export interface RecoveryLookup {
  bootSeconds(vm: string): number | undefined;
  volumeGroups(vm: string): readonly string[];
  /** The volume group's size in GB, or undefined when it is unknown. */
  volumeGroupGb(vg: string): number | undefined;
}

/**
 * The prediction from a plan's groups and lookups: the one computation behind the configuration's
 * prediction and the one a plan makes of what state records (the RTO before a change).
 */
export function predictRecovery(
  address: string,
  planGroups: readonly { readonly name: string; readonly vms: readonly string[]; readonly manual?: string }[],
  lookup: RecoveryLookup,
  parallelism: number,
  targetSeconds?: number,
): RecoveryPrediction {
  const vgs = new Set<string>();
  const groups: GroupPrediction[] = planGroups.map((g) => {
    const boots = g.vms.map((a) => {
      for (const vg of lookup.volumeGroups(a)) vgs.add(vg);
      return lookup.bootSeconds(a) ?? 0;
    });
    return {
      name: g.name,
      vms: g.vms,
      seconds: makespan(boots, parallelism),
      slowestBootSeconds: boots.length ? Math.max(...boots) : 0,
      manual: g.manual,
    };
  });
  let storageSwitchSeconds = 0;
  for (const addr of vgs) {
    const gb = lookup.volumeGroupGb(addr);
    if (gb === undefined) continue;
    storageSwitchSeconds = Math.max(storageSwitchSeconds, volumeGroupSwitchSeconds(gb));
  }
  const totalSeconds = Math.round((storageSwitchSeconds + groups.reduce((s, g) => s + g.seconds, 0)) * 10) / 10;
  return { plan: address, storageSwitchSeconds, groups, totalSeconds, targetSeconds };
}

export function predictRecoveryPlan(plan: RecoveryPlan, config: DrConfig, parallelism: number): RecoveryPrediction {
  const lookup: RecoveryLookup = {
    bootSeconds: (vm) => config.vms.get(vm)?.bootSeconds,
    volumeGroups: (vm) => config.vms.get(vm)?.volumeGroups ?? [],
    volumeGroupGb: (vg) => {
      const g = config.volumeGroups.get(vg);
      return g ? g.volumes.reduce((s, v) => s + v.sizeGb, 0) : undefined;
    },
  };
  return predictRecovery(plan.address, plan.groups, lookup, parallelism, plan.rtoSeconds);
}
