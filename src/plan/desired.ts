// The desired resources: the typed configuration flattened into one record per address, with
// the attributes drctl manages (as they will be stored in state) and the dependencies the
// apply walk must respect. Logical resources (sites, policies, plans, drills, notifications)
// have no cloud object but are tracked in state like the others, so their changes show in plans.
import type { DrConfig, ResourceType } from '../config/model.js';
import { formatDuration } from '../config/duration.js';
import type { JsonObject, JsonValue } from '../state/json.js';

export interface DesiredResource {
  readonly address: string;
  readonly type: ResourceType;
  readonly name: string;
  /** Config-managed attributes, JSON data, as stored in state (minus the `cloud` record). */
  readonly attributes: JsonObject;
  /** Resource addresses this one needs first (sorted). */
  readonly dependsOn: readonly string[];
  /** Top-level attribute names whose values are sensitive. */
  readonly sensitiveAttributes: readonly string[];
}

/** Types whose resources are objects in PowerVS; the rest live only in state. */
export const CLOUD_TYPES: ReadonlySet<string> = new Set(['network', 'volume_group', 'vm', 'orchestrator']);

/**
 * Attributes whose change cannot be made in place, per type: changing one replaces the resource.
 * A VM's networks and volume groups are here because the provider cannot attach or detach them
 * on a running VM yet; an "update" that the cloud never saw would be a plan that lies.
 */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  site: ['location', 'workspace'],
  vm: ['site', 'workspace', 'machine_type', 'os', 'image', 'networks', 'volume_groups'],
  orchestrator: ['site', 'workspace', 'machine_type', 'tier', 'standby_site'],
  network: ['type'],
  volume_group: ['site', 'workspace'],
};

function clean(o: Record<string, JsonValue | undefined>): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function resourceDeps(deps: readonly string[], extra: readonly (string | undefined)[] = []): string[] {
  const set = new Set<string>();
  for (const d of [...deps, ...extra]) {
    if (!d) continue;
    // Instances of counted blocks depend on what their block depends on.
    if (/^(var|local|output)\./.test(d)) continue;
    set.add(d);
  }
  return [...set].sort();
}

export function desiredResources(config: DrConfig): DesiredResource[] {
  const out: DesiredResource[] = [];
  const workspaceOf = (site: string) => config.sites.get(site)?.workspace ?? site;
  const activeSite = [...config.sites.values()].find((s) => s.role === 'active')?.address;

  for (const s of config.sites.values()) {
    out.push({
      address: s.address,
      type: 'site',
      name: s.name,
      attributes: clean({ location: s.location, workspace: s.workspace, role: s.role, description: s.description }),
      dependsOn: resourceDeps(s.dependsOn),
      sensitiveAttributes: s.sensitive,
    });
  }
  for (const p of config.replicationPolicies.values()) {
    out.push({
      address: p.address,
      type: 'replication_policy',
      name: p.name,
      attributes: { type: p.type, rpo: formatDuration(p.rpoSeconds), tier: p.tier, cycle_period: formatDuration(p.cyclePeriodSeconds) },
      dependsOn: resourceDeps(p.dependsOn),
      sensitiveAttributes: p.sensitive,
    });
  }
  for (const n of config.networks.values()) {
    const subnets: Record<string, JsonValue> = {};
    for (const [siteName, sub] of Object.entries(n.subnets).sort(([a], [b]) => (a < b ? -1 : 1))) {
      subnets[siteName] = clean({ cidr: sub.cidr, name: sub.name, gateway: sub.gateway, workspace: workspaceOf(`site.${siteName}`) });
    }
    out.push({
      address: n.address,
      type: 'network',
      name: n.name,
      attributes: clean({
        type: n.type,
        subnets,
        test: n.test ? clean({ cidr: n.test.cidr, name: n.test.name, gateway: n.test.gateway }) : undefined,
        static_ips: Object.keys(n.staticIps).length ? { ...n.staticIps } : undefined,
      }),
      dependsOn: resourceDeps(n.dependsOn, Object.keys(n.subnets).map((s) => (config.sites.has(`site.${s}`) ? `site.${s}` : undefined))),
      sensitiveAttributes: n.sensitive,
    });
  }
  const vgSite = new Map<string, string>();
  const vgUsers = new Map<string, number>();
  for (const vm of config.vms.values()) {
    for (const vg of vm.volumeGroups) {
      if (!vgSite.has(vg)) vgSite.set(vg, vm.site);
      vgUsers.set(vg, (vgUsers.get(vg) ?? 0) + 1);
    }
  }
  for (const g of config.volumeGroups.values()) {
    const site = vgSite.get(g.address) ?? activeSite ?? '';
    out.push({
      address: g.address,
      type: 'volume_group',
      name: g.name,
      attributes: {
        policy: g.policy,
        site,
        workspace: workspaceOf(site),
        volumes: g.volumes.map((v) => ({ name: v.name, size_gb: v.sizeGb, tier: v.tier })),
        // Volumes attach to several VMs only when shareable (a cluster's shared disks).
        shareable: (vgUsers.get(g.address) ?? 0) > 1,
      },
      dependsOn: resourceDeps(g.dependsOn, [site || undefined]),
      sensitiveAttributes: g.sensitive,
    });
  }
  for (const vm of config.vms.values()) {
    out.push({
      address: vm.address,
      type: 'vm',
      name: vm.address.slice('vm.'.length),
      attributes: clean({
        site: vm.site,
        workspace: workspaceOf(vm.site),
        machine_type: vm.machineType,
        processors: vm.processors,
        proc_type: vm.procType,
        memory_gb: vm.memoryGb,
        os: vm.os,
        image: vm.image,
        networks: [...vm.networks],
        volume_groups: [...vm.volumeGroups],
        replication_policy: vm.replicationPolicy,
        boot_seconds: vm.bootSeconds,
      }),
      dependsOn: resourceDeps(vm.dependsOn, [vm.site, ...vm.networks, ...vm.volumeGroups, vm.replicationPolicy]),
      sensitiveAttributes: vm.sensitive,
    });
  }
  // The orchestrator VM needs an address: the first network (by name) with a subnet at its site.
  const networkAt = (site: string | undefined) =>
    site === undefined ? undefined : [...config.networks.values()].sort((a, b) => (a.address < b.address ? -1 : 1)).find((n) => n.subnets[site.slice('site.'.length)])?.address;
  for (const o of config.orchestrators.values()) {
    out.push({
      address: o.address,
      type: 'orchestrator',
      name: o.name,
      attributes: clean({
        site: o.site,
        workspace: workspaceOf(o.site),
        machine_type: o.machineType,
        tier: o.tier,
        processors: o.processors,
        memory_gb: o.memoryGb,
        standby_site: o.standbySite,
        standby_workspace: o.standbySite ? workspaceOf(o.standbySite) : undefined,
        network: networkAt(o.site),
        standby_network: networkAt(o.standbySite),
      }),
      dependsOn: resourceDeps(o.dependsOn, [o.site, o.standbySite, networkAt(o.site), networkAt(o.standbySite)]),
      sensitiveAttributes: o.sensitive,
    });
  }
  for (const p of config.recoveryPlans.values()) {
    out.push({
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
          }),
        ),
      }),
      dependsOn: resourceDeps(p.dependsOn, p.groups.flatMap((g) => g.vms)),
      sensitiveAttributes: p.sensitive,
    });
  }
  for (const d of config.drills.values()) {
    out.push({
      address: d.address,
      type: 'drill',
      name: d.name,
      attributes: clean({
        plan: d.plan,
        schedule: d.schedule,
        network: d.network,
        cleanup_after: formatDuration(d.cleanupAfterSeconds),
        pass: clean({ max_rto: d.pass.maxRtoSeconds === undefined ? undefined : formatDuration(d.pass.maxRtoSeconds), require_post_checks: d.pass.requirePostChecks }),
      }),
      dependsOn: resourceDeps(d.dependsOn, [d.plan]),
      sensitiveAttributes: d.sensitive,
    });
  }
  for (const n of config.notifications.values()) {
    out.push({
      address: n.address,
      type: 'notification',
      name: n.name,
      attributes: { webhook: n.webhook, events: [...n.events] },
      dependsOn: resourceDeps(n.dependsOn),
      sensitiveAttributes: n.sensitive,
    });
  }
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
