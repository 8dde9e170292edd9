// A recovery plan: the ordered groups a move boots, with timeouts, post_checks and manual
// steps, and the RTO target. Logical: it lives in state only, so its changes show in plans.
import { formatDuration, type RecoveryPlan } from '../config/index.js';
import { clean, resourceDeps, type DesiredResource } from './kind.js';

export function desiredRecoveryPlan(p: RecoveryPlan): DesiredResource {
  return {
    address: p.address,
    type: 'recovery_plan',
    name: p.name,
    attributes: clean({
      rto: p.rtoSeconds === undefined ? undefined : formatDuration(p.rtoSeconds),
      groups: p.groups.map((g) =>
        clean({
          name: g.name,
          vms: [...g.vms],
          timeout: g.timeoutSeconds === undefined ? undefined : formatDuration(g.timeoutSeconds),
          post_check: g.postCheckArgs?.length ? [g.postCheck!, ...g.postCheckArgs] : g.postCheck,
          post_check_env: g.postCheckEnv ? { ...g.postCheckEnv } : undefined,
          manual: g.manual,
          // What the predicted RTO counts for them, so a plan can compare with what state records.
          post_check_time: g.postCheckSeconds === undefined ? undefined : formatDuration(g.postCheckSeconds),
          manual_time: g.manualSeconds === undefined ? undefined : formatDuration(g.manualSeconds),
        }),
      ),
    }),
    dependsOn: resourceDeps(
      p.dependsOn,
      p.groups.flatMap((g) => g.vms),
    ),
    // A sensitive argument of a group is marked on every group (the configuration marks them by
    // name), as an attribute path state keeps a keyed hash at: `groups.0.post_check_env`.
    sensitiveAttributes: p.sensitive.flatMap((n) => (GROUP_ARGUMENTS.has(n) ? p.groups.map((_, i) => `groups.${i}.${n}`) : [n])),
  };
}

const GROUP_ARGUMENTS = new Set(['vms', 'timeout', 'post_check', 'post_check_env', 'post_check_time', 'manual', 'manual_time']);
