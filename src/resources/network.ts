// A network: one PowerVS network per site (a subnet each), plus the isolated test subnet drills
// boot clones on. State keeps the cloud id of each site's network under `cloud.ids`.
import type { DrConfig, Network } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import type { NetworkSpec, NetworkState } from '../provider/index.js';
import {
  clean,
  createOrAdopt,
  obj,
  resourceDeps,
  str,
  type Applied,
  type DesiredResource,
  type KindContext,
  type Observed,
  type RefreshContext,
} from './kind.js';

/** A network's type cannot change in place; nor can a subnet's cidr or gateway (networkReplacements). */
export const forceNew: readonly string[] = ['type'];

export const forceNewReasons: Readonly<Record<string, string>> = {
  type: 'PowerVS cannot turn a private network into a public one, or back',
};

/**
 * What in `subnets` cannot change in place: PowerVS never changes a network's CIDR, and drctl
 * changes only a subnet's name in place. A site's subnet added or removed is an update (its
 * network is created or deleted); a changed CIDR or gateway replaces the network, and with it
 * the VMs attached to it.
 */
export function networkReplacements(before: JsonObject, after: JsonObject): { readonly attribute: string; readonly reason: string }[] {
  const out: { attribute: string; reason: string }[] = [];
  const b = obj(before.subnets);
  const a = obj(after.subnets);
  for (const site of Object.keys(a).sort()) {
    if (!(site in b)) continue;
    const was = obj(b[site]);
    const now = obj(a[site]);
    if (str(was.cidr) !== str(now.cidr))
      out.push({
        attribute: 'subnets',
        reason: `PowerVS cannot change a network's CIDR (${site}: ${str(was.cidr)} -> ${str(now.cidr)}); the network is created again`,
      });
    else if (str(was.gateway) !== str(now.gateway))
      out.push({
        attribute: 'subnets',
        reason: `drctl cannot change a subnet's gateway in place (${site}: ${str(was.gateway) || 'default'} -> ${str(now.gateway) || 'default'}); the network is created again`,
      });
  }
  return out;
}

export function desiredNetwork(n: Network, config: DrConfig, workspaceOf: (site: string) => string): DesiredResource {
  const subnets: Record<string, JsonValue> = {};
  for (const [siteName, sub] of Object.entries(n.subnets).sort(([a], [b]) => (a < b ? -1 : 1))) {
    subnets[siteName] = clean({ cidr: sub.cidr, name: sub.name, gateway: sub.gateway, workspace: workspaceOf(`site.${siteName}`) });
  }
  return {
    address: n.address,
    type: 'network',
    name: n.name,
    attributes: clean({
      type: n.type,
      subnets,
      test: n.test ? clean({ cidr: n.test.cidr, name: n.test.name, gateway: n.test.gateway }) : undefined,
      static_ips: Object.keys(n.staticIps).length ? { ...n.staticIps } : undefined,
    }),
    dependsOn: resourceDeps(
      n.dependsOn,
      Object.keys(n.subnets).map((s) => (config.sites.has(`site.${s}`) ? `site.${s}` : undefined)),
    ),
    sensitiveAttributes: n.sensitive,
  };
}

/** The provider spec of one site's network, from the network's state attributes and that site's subnet. */
export function networkSpec(attributes: JsonObject, subnet: JsonObject): NetworkSpec {
  return {
    name: str(subnet.name),
    type: str(attributes.type) === 'public' ? 'pub-vlan' : 'vlan',
    cidr: str(subnet.cidr),
    gateway: subnet.gateway === undefined ? undefined : str(subnet.gateway),
  };
}

/** The cloud id of a network at a site (by site key), as state records it. */
export function networkIdAt(network: StateResource | undefined, key: string): string | undefined {
  const id = obj(obj(network?.attributes.cloud).ids)[key];
  return typeof id === 'string' ? id : undefined;
}

async function createAt(ctx: KindContext, address: string, site: string, after: JsonObject, s: JsonObject): Promise<string> {
  return ((await createOrAdopt(ctx, 'network', str(s.workspace), networkSpec(after, s), address, site)) as NetworkState).id;
}

export async function createNetwork(address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  const ids: Record<string, string> = {};
  for (const [site, sub] of Object.entries(obj(after.subnets))) ids[site] = await createAt(ctx, address, site, after, obj(sub));
  return { id: Object.values(ids).join(','), cloud: { ids } };
}

export async function updateNetwork(address: string, before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  const ids = { ...(obj(prior.cloud.ids) as Record<string, string>) };
  const beforeSubs = obj(before.subnets);
  const afterSubs = obj(after.subnets);
  for (const [site, sub] of Object.entries(afterSubs)) {
    const s = obj(sub);
    const old = obj(beforeSubs[site]);
    if (!ids[site]) {
      ids[site] = await createAt(ctx, address, site, after, s);
    } else if (old.cidr !== s.cidr) {
      await ctx.provider.delete('network', str(old.workspace), ids[site], { missingOk: true });
      ids[site] = await createAt(ctx, address, site, after, s);
    } else if (old.name !== s.name) {
      await ctx.provider.update('network', str(s.workspace), ids[site], { name: str(s.name) });
    }
  }
  for (const [site, sub] of Object.entries(beforeSubs)) {
    if (!(site in afterSubs) && ids[site]) {
      await ctx.provider.delete('network', str(obj(sub).workspace), ids[site], { missingOk: true });
      delete ids[site];
    }
  }
  return { id: Object.values(ids).join(','), cloud: { ids } };
}

export async function deleteNetwork(before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  for (const [site, id] of Object.entries(obj(prior.cloud.ids))) {
    if (typeof id === 'string') await ctx.provider.delete('network', str(obj(obj(before.subnets)[site]).workspace), id, { missingOk: true });
  }
}

export async function refreshNetwork(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined> {
  const a = r.attributes;
  const cloud = obj(a.cloud);
  const subs = obj(a.subnets);
  const observedSubs: Record<string, JsonValue> = {};
  for (const [site, id] of Object.entries(obj(cloud.ids))) {
    const s = obj(subs[site]);
    const net = typeof id === 'string' ? await ctx.provider.read('network', str(s.workspace), id) : undefined;
    if (!net) return undefined;
    // PowerVS assigns a public network's range itself, so only a private cidr can drift.
    observedSubs[site] = { ...s, cidr: str(a.type) === 'public' ? s.cidr : net.cidr, name: net.name };
  }
  return { attributes: { subnets: observedSubs }, cloud };
}
