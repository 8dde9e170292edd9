// One home per resource type: for each, its desired attributes from config, the conversion
// between its state attributes and provider specs, which attributes force a replacement, and
// how it is refreshed, created, updated and deleted. plan, apply and the DR runs all ask here.
// Logical types (site, replication_policy, recovery_plan, drill, notification) touch no cloud
// object; the `cloud` record in state holds what the cloud assigned (ids, status).
import type { JsonObject, StateResource } from '../state/index.js';
import type { Applied, KindContext, Observed, RefreshContext } from './kind.js';
import * as site from './site.js';
import * as network from './network.js';
import * as volumeGroup from './volume-group.js';
import * as vm from './vm.js';
import * as orchestrator from './orchestrator.js';

export { cloudName, siteKey, type Applied, type DesiredResource, type KindContext, type Observed, type RefreshContext } from './kind.js';
export { desiredSite, sitePair, stateSitePair, workspaceOf, SITE_KEY, type SitePair } from './site.js';
export { desiredNetwork, networkIdAt, networkSpec } from './network.js';
export { volumeName, volumeSpec } from './volume.js';
export {
  auxOf,
  consistencyGroupOf,
  desiredVolumeGroup,
  planVolumeGroups,
  volumeGroupPlacement,
  volumeIdsOf,
  type AuxRecord,
  type VolumeGroupPlacement,
} from './volume-group.js';
export { drillOwnership, drillTag, idTag, ownership } from './identity.js';
export { desiredVm, vmSpec, vmVolumeIds, VM_DEFAULTS, type VmPlacement } from './vm.js';
export { desiredOrchestrator, orchestratorNetworkAt } from './orchestrator.js';
export { desiredReplicationPolicy } from './replication-policy.js';
export { desiredRecoveryPlan } from './recovery-plan.js';
export { desiredDrill } from './drill.js';
export { desiredNotification } from './notification.js';

/** Types whose resources are objects in PowerVS; the rest live only in state. */
export const CLOUD_TYPES: ReadonlySet<string> = new Set(['network', 'volume_group', 'vm', 'orchestrator']);

/** Attributes whose change cannot be made in place, per type: changing one replaces the resource. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  site: site.forceNew,
  vm: vm.forceNew,
  orchestrator: orchestrator.forceNew,
  network: network.forceNew,
  volume_group: volumeGroup.forceNew,
};

const FORCE_NEW_REASONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  site: site.forceNewReasons,
  vm: vm.forceNewReasons,
  orchestrator: orchestrator.forceNewReasons,
  network: network.forceNewReasons,
  volume_group: volumeGroup.forceNewReasons,
};

/** An attribute whose change the cloud (or drctl's provider) cannot make in place, and why. */
export interface Replacement {
  readonly attribute: string;
  readonly reason: string;
}

/**
 * Why changing `changed` (top-level attribute names that differ) cannot be made in place:
 * empty when it can. Each type says what its update really does, so a plan never shows as an
 * update what apply could only fail at (a network's CIDR, a shrinking volume).
 */
export function replacementsOf(type: string, before: JsonObject, after: JsonObject, changed: readonly string[]): Replacement[] {
  const out: Replacement[] = [];
  const forcing = FORCE_NEW[type];
  if (forcing) {
    for (const k of changed) {
      if (forcing.includes(k)) out.push({ attribute: k, reason: FORCE_NEW_REASONS[type]?.[k] ?? `${k} cannot change in place` });
    }
  }
  if (type === 'network' && changed.includes('subnets')) out.push(...network.networkReplacements(before, after));
  if (type === 'volume_group' && (changed.includes('volumes') || changed.includes('shareable')))
    out.push(...volumeGroup.volumeGroupReplacements(before, after));
  return out;
}

/** The resources (networks, volume groups) a VM or orchestrator is attached to, by attribute. */
export function attachmentsOf(type: string, attributes: JsonObject): { readonly attribute: string; readonly address: string }[] {
  if (type === 'vm') return vm.vmAttachments(attributes);
  if (type === 'orchestrator') return orchestrator.orchestratorAttachments(attributes);
  return [];
}

// The dispatchers hand back the type's own promise (no async wrapper): refresh runs once per
// resource in state.
export function createResource(type: string, address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  switch (type) {
    case 'vm':
      return vm.createVm(address, after, ctx);
    case 'orchestrator':
      return orchestrator.createOrchestrator(address, after, ctx);
    case 'network':
      return network.createNetwork(address, after, ctx);
    case 'volume_group':
      return volumeGroup.createVolumeGroup(address, after, ctx);
    default:
      return Promise.resolve({ id: address, cloud: {} });
  }
}

export function updateResource(type: string, address: string, before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  switch (type) {
    case 'orchestrator':
      return orchestrator.updateOrchestrator(before, after, prior, ctx);
    case 'vm':
      return vm.updateVm(before, after, prior, ctx);
    case 'network':
      return network.updateNetwork(address, before, after, prior, ctx);
    case 'volume_group':
      return volumeGroup.updateVolumeGroup(address, before, after, prior, ctx);
    default:
      return Promise.resolve(prior);
  }
}

export function deleteResource(type: string, address: string, before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  switch (type) {
    case 'vm':
      return vm.deleteVm(address, before, prior, ctx);
    case 'orchestrator':
      return orchestrator.deleteOrchestrator(before, prior, ctx);
    case 'network':
      return network.deleteNetwork(before, prior, ctx);
    case 'volume_group':
      return volumeGroup.deleteVolumeGroup(before, prior, ctx);
    default:
      return Promise.resolve();
  }
}

/** Reads a resource's cloud objects; undefined when they are gone. Logical types return 'unchanged'. */
export function refreshResource(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined | 'unchanged'> {
  switch (r.type) {
    case 'vm':
      return vm.refreshVm(r, ctx);
    case 'orchestrator':
      return orchestrator.refreshOrchestrator(r, ctx);
    case 'network':
      return network.refreshNetwork(r, ctx);
    case 'volume_group':
      return volumeGroup.refreshVolumeGroup(r, ctx);
    default:
      return Promise.resolve('unchanged');
  }
}
