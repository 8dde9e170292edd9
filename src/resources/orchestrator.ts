// The DR orchestrator (KSYS): a small VM at its site, optionally with a standby copy at the
// other site. Its sizing changes in place on both; anything else about it replaces it.
import type { DrConfig, Orchestrator } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import type { VmSpec, VmState } from '../provider/index.js';
import {
  clean,
  createOrAdopt,
  num,
  obj,
  resourceDeps,
  str,
  type Applied,
  type DesiredResource,
  type KindContext,
  type Observed,
  type RefreshContext,
} from './kind.js';
import { networkIdAt } from './network.js';
// Direct, not the config facade: one small module of names, not the loader.
import { orchestratorCloudNames } from '../config/cloud-names.js';

export const forceNew: readonly string[] = ['site', 'workspace', 'machine_type', 'tier', 'standby_site', 'standby_workspace', 'network', 'standby_network'];

/** Why each of forceNew replaces the orchestrator, as the plan says it. */
export const forceNewReasons: Readonly<Record<string, string>> = {
  site: 'the orchestrator VM cannot move to another site in place',
  workspace: 'PowerVS cannot move a VM to another workspace',
  machine_type: 'PowerVS cannot move a VM to another host type in place',
  tier: "the storage tier of a VM's boot volume is chosen when it is created",
  standby_site: 'the standby orchestrator cannot move to another site in place',
  standby_workspace: 'PowerVS cannot move a VM to another workspace',
  network: "drctl cannot attach or detach a running VM's networks",
  standby_network: "drctl cannot attach or detach a running VM's networks",
};

/** The networks the orchestrator VMs are attached to: replacing one replaces the orchestrator. */
export function orchestratorAttachments(a: JsonObject): { readonly attribute: string; readonly address: string }[] {
  const out: { attribute: string; address: string }[] = [];
  if (typeof a.network === 'string') out.push({ attribute: 'network', address: a.network });
  if (typeof a.standby_network === 'string') out.push({ attribute: 'standby_network', address: a.standby_network });
  return out;
}

/** The orchestrator VM needs an address: the first network (by name) with a subnet at its site. */
export function orchestratorNetworkAt(config: DrConfig, site: string | undefined): string | undefined {
  return site === undefined
    ? undefined
    : [...config.networks.values()].sort((a, b) => (a.address < b.address ? -1 : 1)).find((n) => n.subnets[site.slice('site.'.length)])?.address;
}

export function desiredOrchestrator(o: Orchestrator, config: DrConfig, workspaceOf: (site: string) => string): DesiredResource {
  const network = orchestratorNetworkAt(config, o.site);
  const standbyNetwork = orchestratorNetworkAt(config, o.standbySite);
  return {
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
      network,
      standby_network: standbyNetwork,
    }),
    dependsOn: resourceDeps(o.dependsOn, [o.site, o.standbySite, network, standbyNetwork]),
    sensitiveAttributes: o.sensitive,
  };
}

export async function createOrchestrator(address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  const networkAtSite = (network: JsonValue | undefined, site: JsonValue | undefined) => {
    const id = networkIdAt(ctx.lookup(str(network)), str(site).slice('site.'.length));
    return id === undefined ? [] : [id];
  };
  const spec: VmSpec = {
    name: orchestratorCloudNames(address)[0],
    machineType: str(after.machine_type) as VmSpec['machineType'],
    processors: num(after.processors),
    procType: 'shared',
    memoryGb: num(after.memory_gb),
    os: 'rhel',
    storageTier: str(after.tier) as VmSpec['storageTier'],
    networkIds: networkAtSite(after.network, after.site),
  };
  const primary = (await createOrAdopt(ctx, 'vm', str(after.workspace), spec, address)) as VmState;
  const cloud: Record<string, JsonValue> = { id: primary.id };
  if (after.standby_workspace) {
    const standby = (await createOrAdopt(
      ctx,
      'vm',
      str(after.standby_workspace),
      { ...spec, name: orchestratorCloudNames(address)[1], networkIds: networkAtSite(after.standby_network, after.standby_site) },
      address,
      'standby',
    )) as VmState;
    cloud.standby_id = standby.id;
  }
  return { id: primary.id, cloud };
}

/** Sizing changes reach both orchestrator VMs; everything else about it forces a replacement. */
export async function updateOrchestrator(before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  const change: Record<string, JsonValue> = {};
  if (before.processors !== after.processors) change.processors = num(after.processors);
  if (before.memory_gb !== after.memory_gb) change.memoryGb = num(after.memory_gb);
  if (Object.keys(change).length) {
    await ctx.provider.update('vm', str(after.workspace), prior.id, change as never, { timeoutMs: ctx.timeoutMs });
    if (typeof prior.cloud.standby_id === 'string')
      await ctx.provider.update('vm', str(after.standby_workspace), prior.cloud.standby_id, change as never, { timeoutMs: ctx.timeoutMs });
  }
  return prior;
}

export async function deleteOrchestrator(before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  await ctx.provider.delete('vm', str(before.workspace), prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
  if (typeof prior.cloud.standby_id === 'string') await ctx.provider.delete('vm', str(before.standby_workspace), prior.cloud.standby_id, { missingOk: true });
}

export async function refreshOrchestrator(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined> {
  const vm = await ctx.provider.read('vm', str(r.attributes.workspace), r.id);
  if (!vm) return undefined;
  return { attributes: { processors: vm.processors, memory_gb: vm.memoryGb }, cloud: obj(r.attributes.cloud) };
}
