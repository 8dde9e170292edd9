// The predicted RTO of a recovery plan: the same phases a run goes through, timed by the model
// of src/powervs/timing.ts, so a prediction and a run (its achieved RTO, lifecycle/rto.ts) can be
// compared phase by phase. A move shuts the source down group by group in reverse plan order,
// switches every volume group at once, then boots group after group; a drill clones the volume
// groups one after another, then boots its clones. Inside a group, VMs boot (or shut down) at most
// `parallelism` at a time, the slowest first, as the engine starts them; a VM moved to a site for
// the first time (every drill clone) is built there first. A group's post_check and manual step
// take the time the plan declares for them (post_check_time, manual_time), and nothing when it
// declares none; a manual step no one is asked about (CI) is not timed.
import { IMMEDIATE_SHUTDOWN_SECONDS, VM_BUILD_SECONDS, VOLUME_CLONE_SECONDS, vmShutdownSeconds, volumeGroupSwitchSeconds } from '../powervs/index.js';
import type { DrConfig, RecoveryPlan } from './model.js';

export interface GroupPrediction {
  readonly name: string;
  readonly vms: readonly string[];
  /** The group's boots (builds included) under the parallelism limit. */
  readonly bootSeconds: number;
  /** The slowest single boot (build included): the group's lower bound however wide the parallelism. */
  readonly slowestBootSeconds: number;
  readonly postCheckSeconds: number;
  readonly manualSeconds: number;
  /** Boots, post_check and manual step: the group's share of the RTO. */
  readonly seconds: number;
  readonly manual?: string;
}

export interface RecoveryPrediction {
  readonly plan: string;
  readonly kind: 'move' | 'drill';
  /** Shutdowns at the source, group by group in reverse plan order (a move). */
  readonly shutdownSeconds: number;
  readonly storageSwitchSeconds: number;
  /** Cloning the volume groups at the standby site, one after another (a drill). */
  readonly cloneSeconds: number;
  /** VMs built at the target before they boot. */
  readonly built: number;
  readonly groups: readonly GroupPrediction[];
  readonly totalSeconds: number;
  readonly targetSeconds?: number;
}

export interface PredictOptions {
  /** A move (failover or failback: the default) or a drill. */
  readonly kind?: 'move' | 'drill';
  /** An unplanned move: the source VMs that answer are stopped at once, not shut down. */
  readonly unplanned?: boolean;
  /**
   * Whether a VM is built at the target before it boots: a VM's first move to a site. Default:
   * every VM (the first failover, as a configuration alone describes it); a drill builds all.
   */
  readonly built?: (vm: string) => boolean;
  /** Whether manual steps are performed, so timed (a person is asked); default true. Never in a drill. */
  readonly manualSteps?: boolean;
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

/** The order the engine starts a group's VMs in: the slowest first, ties in the order listed. */
export function slowestFirst<T>(items: readonly T[], seconds: (item: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i, s: seconds(item) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.item);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** What a prediction needs to know about the VMs and volume groups a plan names. */
export interface RecoveryLookup {
  bootSeconds(vm: string): number | undefined;
  /** An orderly (planned) shutdown of the VM at the source. */
  shutdownSeconds(vm: string): number | undefined;
  volumeGroups(vm: string): readonly string[];
  /** The volume group's size in GB, or undefined when it is unknown. */
  volumeGroupGb(vg: string): number | undefined;
}

/** A recovery group as a prediction sees it (the configuration's, or the one state records). */
export interface PredictedGroupInput {
  readonly name: string;
  readonly vms: readonly string[];
  readonly manual?: string;
  readonly postCheck?: string;
  readonly postCheckSeconds?: number;
  readonly manualSeconds?: number;
}

/**
 * The prediction from a plan's groups and lookups: the one computation behind the configuration's
 * prediction and the one a plan makes of what state records (the RTO before a change).
 */
export function predictRecovery(
  address: string,
  planGroups: readonly PredictedGroupInput[],
  lookup: RecoveryLookup,
  parallelism: number,
  targetSeconds?: number,
  opts: PredictOptions = {},
): RecoveryPrediction {
  const kind = opts.kind ?? 'move';
  const built = kind === 'drill' ? () => true : (opts.built ?? (() => true));
  const manualSteps = kind !== 'drill' && opts.manualSteps !== false;
  const vgs = new Set<string>();
  let builds = 0;
  const groups: GroupPrediction[] = planGroups.map((g) => {
    const boots = g.vms.map((a) => {
      for (const vg of lookup.volumeGroups(a)) vgs.add(vg);
      const build = built(a) ? VM_BUILD_SECONDS : 0;
      if (build) builds++;
      return build + (lookup.bootSeconds(a) ?? 0);
    });
    const bootSeconds = makespan(
      slowestFirst(boots, (s) => s),
      parallelism,
    );
    const postCheckSeconds = g.postCheck ? (g.postCheckSeconds ?? 0) : 0;
    const manualSeconds = g.manual && manualSteps ? (g.manualSeconds ?? 0) : 0;
    return {
      name: g.name,
      vms: g.vms,
      bootSeconds: round1(bootSeconds),
      slowestBootSeconds: boots.length ? Math.max(...boots) : 0,
      postCheckSeconds,
      manualSeconds,
      seconds: round1(bootSeconds + postCheckSeconds + manualSeconds),
      manual: g.manual,
    };
  });
  let storageSwitchSeconds = 0;
  for (const addr of vgs) {
    const gb = lookup.volumeGroupGb(addr);
    if (gb === undefined) continue;
    storageSwitchSeconds = Math.max(storageSwitchSeconds, volumeGroupSwitchSeconds(gb));
  }
  // Shutdowns run in reverse plan order, a group's VMs in the order listed, parallelism at a time.
  const shutdownSeconds =
    kind === 'drill'
      ? 0
      : [...planGroups].reverse().reduce((sum, g) => {
          const stops = g.vms.map((a) => (opts.unplanned ? IMMEDIATE_SHUTDOWN_SECONDS : (lookup.shutdownSeconds(a) ?? 0)));
          return sum + makespan(stops, parallelism);
        }, 0);
  const cloneSeconds = kind === 'drill' ? VOLUME_CLONE_SECONDS * vgs.size : 0;
  const switchSeconds = kind === 'drill' ? 0 : storageSwitchSeconds;
  const totalSeconds = round1(shutdownSeconds + switchSeconds + cloneSeconds + groups.reduce((s, g) => s + g.seconds, 0));
  return {
    plan: address,
    kind,
    shutdownSeconds,
    storageSwitchSeconds: switchSeconds,
    cloneSeconds,
    built: builds,
    groups,
    totalSeconds,
    targetSeconds,
  };
}

export function predictRecoveryPlan(plan: RecoveryPlan, config: DrConfig, parallelism: number, opts: PredictOptions = {}): RecoveryPrediction {
  const lookup: RecoveryLookup = {
    bootSeconds: (vm) => config.vms.get(vm)?.bootSeconds,
    shutdownSeconds: (vm) => {
      const v = config.vms.get(vm);
      return v ? vmShutdownSeconds(v) : undefined;
    },
    volumeGroups: (vm) => config.vms.get(vm)?.volumeGroups ?? [],
    volumeGroupGb: (vg) => {
      const g = config.volumeGroups.get(vg);
      return g ? g.volumes.reduce((s, v) => s + v.sizeGb, 0) : undefined;
    },
  };
  return predictRecovery(plan.address, plan.groups, lookup, parallelism, plan.rtoSeconds, opts);
}
