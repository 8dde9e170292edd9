// A replication policy: how a volume group is mirrored between the sites (type, RPO, tier,
// cycle period). Logical: it lives in state only, so its changes show in plans.
import { formatDuration, type ReplicationPolicy } from '../config/index.js';
import { resourceDeps, type DesiredResource } from './kind.js';

export function desiredReplicationPolicy(p: ReplicationPolicy): DesiredResource {
  return {
    address: p.address,
    type: 'replication_policy',
    name: p.name,
    attributes: { type: p.type, rpo: formatDuration(p.rpoSeconds), tier: p.tier, cycle_period: formatDuration(p.cyclePeriodSeconds) },
    dependsOn: resourceDeps(p.dependsOn),
    sensitiveAttributes: p.sensitive,
  };
}
