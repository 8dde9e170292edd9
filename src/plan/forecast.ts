// The predicted RTO of what state records, so a plan can say how a change moves it: the same
// prediction as the configuration's (config/recovery.ts), fed from the recorded attributes.
import { predictRecovery } from '../config/recovery.js';
import type { StateResource } from '../state/types.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The recorded recovery plan's predicted seconds, or undefined when state has no such plan. */
export function recordedRecoverySeconds(address: string, resources: readonly StateResource[], parallelism: number): number | undefined {
  const by = new Map(resources.map((r) => [r.address, r]));
  const plan = by.get(address);
  if (!plan || plan.type !== 'recovery_plan' || !Array.isArray(plan.attributes.groups)) return undefined;
  const groups = (plan.attributes.groups as unknown[]).map((g) => {
    const o = (g ?? {}) as Record<string, unknown>;
    return { name: String(o.name ?? ''), vms: strings(o.vms) };
  });
  const prediction = predictRecovery(
    address,
    groups,
    {
      bootSeconds: (vm) => {
        const b = by.get(vm)?.attributes.boot_seconds;
        return typeof b === 'number' ? b : undefined;
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
