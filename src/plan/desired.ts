// The desired resources: the typed configuration flattened into one record per address, with
// the attributes drctl manages (as they will be stored in state) and the dependencies the
// apply walk must respect. Each type's record is its resources/ module's; this puts them in
// address order and expands dependencies on counted blocks. Logical resources (sites, policies,
// plans, drills, notifications) have no cloud object but are tracked in state like the others,
// so their changes show in plans.
import type { DrConfig } from '../config/index.js';
import {
  desiredDrill,
  desiredNetwork,
  desiredNotification,
  desiredOrchestrator,
  desiredRecoveryPlan,
  desiredReplicationPolicy,
  desiredSite,
  desiredVm,
  desiredVolumeGroup,
  volumeGroupPlacement,
  type DesiredResource,
} from '../resources/index.js';

export type { DesiredResource } from '../resources/index.js';

export function desiredResources(config: DrConfig): DesiredResource[] {
  const out: DesiredResource[] = [];
  const workspaceOf = (site: string) => config.sites.get(site)?.workspace ?? site;
  const activeSite = [...config.sites.values()].find((s) => s.role === 'active')?.address;

  for (const s of config.sites.values()) out.push(desiredSite(s));
  for (const p of config.replicationPolicies.values()) out.push(desiredReplicationPolicy(p));
  for (const n of config.networks.values()) out.push(desiredNetwork(n, config, workspaceOf));
  const placement = volumeGroupPlacement(config);
  // A DR configuration pairs two sites: a group's auxiliary copies live at the other one.
  const otherSite = (site: string) => [...config.sites.keys()].find((s) => s !== site);
  for (const g of config.volumeGroups.values()) out.push(desiredVolumeGroup(g, placement, activeSite, workspaceOf, otherSite));
  for (const vm of config.vms.values()) out.push(desiredVm(vm, workspaceOf));
  for (const o of config.orchestrators.values()) out.push(desiredOrchestrator(o, config, workspaceOf));
  for (const p of config.recoveryPlans.values()) out.push(desiredRecoveryPlan(p));
  for (const d of config.drills.values()) out.push(desiredDrill(d));
  for (const n of config.notifications.values()) out.push(desiredNotification(n));
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  // Dependencies on counted blocks name the block; expand them to its instances.
  const addresses = new Set(out.map((r) => r.address));
  const instancesOf = new Map<string, string[]>();
  for (const a of addresses) {
    const m = /^(.*)\[\d+\]$/.exec(a);
    if (!m) continue;
    const list = instancesOf.get(m[1]);
    if (list) list.push(a);
    else instancesOf.set(m[1], [a]);
  }
  return out.map((r) => {
    if (r.dependsOn.every((d) => addresses.has(d))) return r;
    const deps = new Set<string>();
    for (const d of r.dependsOn) {
      if (addresses.has(d)) deps.add(d);
      else for (const i of instancesOf.get(d) ?? []) deps.add(i);
    }
    deps.delete(r.address);
    return Object.assign({}, r, { dependsOn: [...deps].sort() });
  });
}
