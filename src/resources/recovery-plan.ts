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
          post_check: g.postCheck,
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
    sensitiveAttributes: p.sensitive,
  };
}
