// A drill: a scheduled rehearsal of a recovery plan on clones, with its pass criteria.
// Logical: it lives in state only, so its changes show in plans.
import { formatDuration, type Drill } from '../config/index.js';
import { clean, resourceDeps, type DesiredResource } from './kind.js';

export function desiredDrill(d: Drill): DesiredResource {
  return {
    address: d.address,
    type: 'drill',
    name: d.name,
    attributes: clean({
      plan: d.plan,
      schedule: d.schedule,
      network: d.network,
      cleanup_after: formatDuration(d.cleanupAfterSeconds),
      pass: clean({
        max_rto: d.pass.maxRtoSeconds === undefined ? undefined : formatDuration(d.pass.maxRtoSeconds),
        require_post_checks: d.pass.requirePostChecks,
      }),
    }),
    dependsOn: resourceDeps(d.dependsOn, [d.plan]),
    sensitiveAttributes: d.sensitive,
  };
}
