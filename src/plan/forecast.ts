// The predicted RTO of what state records, so a plan can say how a change moves it: the same
// prediction as the configuration's (config/recovery.ts), fed from the recorded attributes.
import { predictRecovery } from '../config/recovery.js';
import { parseDuration } from '../config/duration.js';
import { OS_SHUTDOWN_SECONDS, type OsType } from '../powervs/index.js';
import type { StateResource } from '../state/types.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const postCheckPath = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '(sensitive value)');

/** The recorded recovery plan's predicted seconds, or undefined when state has no such plan. */
export function recordedRecoverySeconds(address: string, resources: readonly StateResource[], parallelism: number): number | undefined {
  const by = new Map(resources.map((r) => [r.address, r]));
  const plan = by.get(address);
  if (!plan || plan.type !== 'recovery_plan' || !Array.isArray(plan.attributes.groups)) return undefined;
  const groups = (plan.attributes.groups as unknown[]).map((g) => {
    const o = (g ?? {}) as Record<string, unknown>;
    const seconds = (v: unknown) => (typeof v === 'string' ? parseDuration(v) : undefined);
    return {
      name: String(o.name ?? ''),
      vms: strings(o.vms),
      // A path, a list of a path and its arguments, or a keyed hash when sensitive: any of them is a post_check.
      ...(o.post_check !== undefined && o.post_check !== null ? { postCheck: postCheckPath(o.post_check), postCheckSeconds: seconds(o.post_check_time) } : {}),
      ...(typeof o.manual === 'string' ? { manual: o.manual, manualSeconds: seconds(o.manual_time) } : {}),
    };
  });
  const prediction = predictRecovery(
    address,
    groups,
    {
      bootSeconds: (vm) => {
        const b = by.get(vm)?.attributes.boot_seconds;
        return typeof b === 'number' ? b : undefined;
      },
      shutdownSeconds: (vm) => {
        const os = by.get(vm)?.attributes.os;
        return typeof os === 'string' && Object.hasOwn(OS_SHUTDOWN_SECONDS, os) ? OS_SHUTDOWN_SECONDS[os as OsType] : undefined;
      },
      volumeGroups: (vm) => strings(by.get(vm)?.attributes.volume_groups),
      volumeGroupGb: (vg) => {
        const volumes = by.get(vg)?.attributes.volumes;
        if (!Array.isArray(volumes)) return undefined;
        return volumes.reduce(
          (s: number, v) => s + (typeof (v as Record<string, unknown>)?.size_gb === 'number' ? ((v as Record<string, unknown>).size_gb as number) : 0),
          0,
        );
      },
    },
    parallelism,
  );
  return prediction.totalSeconds;
}
