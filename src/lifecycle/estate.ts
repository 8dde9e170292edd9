// The estate in DR terms, read from the configuration and the state: the site pair, each VM's
// cloud ids per site, each volume group's groups on both sides, and each network's ids. Every
// cloud lookup a run makes goes through here, so failover, failback, drill and verify agree on
// where things are.
import type { DrConfig, RecoveryPlan } from '../config/model.js';
import type { Provider, ReplicationStatus, VmSpec, VolumeGroupState } from '../provider/types.js';
import type { StateResource } from '../state/types.js';
import type { JsonObject, JsonValue } from '../state/json.js';
import type { MachineType, OsType } from '../powervs/index.js';
import { UserError } from '../diag/errors.js';

const obj = (v: JsonValue | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** `vm.app[3]` → "app-3": the name a resource has in PowerVS (as the apply engine names it). */
export function cloudName(address: string): string {
  return address.slice(address.indexOf('.') + 1).replace(/\[(\d+)\]$/, '-$1');
}

export interface SitePair {
  /** The site the configuration calls active, and the other one. */
  readonly active: string;
  readonly standby: string;
}

export function sitePair(config: DrConfig): SitePair {
  const sites = [...config.sites.values()];
  const active = sites.find((s) => s.role === 'active');
  const standby = sites.find((s) => s.address !== active?.address);
  if (!active || !standby) throw new UserError('DR runs need two sites, one with role = "active".', ['Declare a site "home" (role = "active") and a site "dr" (role = "standby").']);
  return { active: active.address, standby: standby.address };
}

/**
 * The site pair as state records it (the roles last applied), when state holds both sites of
 * the configuration: a configuration whose roles were flipped but not yet applied still moves
 * production from where it runs.
 */
export function stateSitePair(config: DrConfig, resources: readonly Pick<StateResource, 'address' | 'type' | 'attributes'>[]): SitePair | undefined {
  const sites = resources.filter((r) => r.type === 'site' && config.sites.has(r.address));
  const active = sites.find((r) => r.attributes.role === 'active');
  const standby = sites.find((r) => r.address !== active?.address);
  return active && standby ? { active: active.address, standby: standby.address } : undefined;
}

export function workspaceOf(config: DrConfig, site: string): string {
  const s = config.sites.get(site);
  if (!s) throw new UserError(`No site ${site} in the configuration.`);
  return s.workspace;
}

export function siteKey(site: string): string {
  return site.slice('site.'.length);
}

/** The recovery plan a run follows: the named one, or the only one. */
export function choosePlan(config: DrConfig, name?: string): RecoveryPlan {
  if (name) {
    const p = config.recoveryPlans.get(name.startsWith('recovery_plan.') ? name : `recovery_plan.${name}`);
    if (!p) throw new UserError(`No recovery plan "${name}".`, [`Plans: ${[...config.recoveryPlans.keys()].join(', ') || 'none'}.`]);
    return p;
  }
  const plans = [...config.recoveryPlans.values()];
  if (plans.length === 0) throw new UserError('The configuration has no recovery_plan: a DR run needs one to know the boot order.');
  if (plans.length > 1) throw new UserError(`The configuration has ${plans.length} recovery plans; choose one with --plan.`, [`Plans: ${plans.map((p) => p.name).join(', ')}.`]);
  return plans[0];
}

export interface EstateState {
  resource(address: string): StateResource | undefined;
}

export function requireResource(state: EstateState, address: string): StateResource {
  const r = state.resource(address);
  if (!r) throw new UserError(`${address} is not in the state: apply the configuration before a DR run.`, ['Run: drctl apply']);
  return r;
}

/** Where a VM was provisioned (its `site` in state) and its id there. */
export function homePlacement(state: EstateState, vm: string): Record<string, string> {
  const r = requireResource(state, vm);
  return { [str(r.attributes.site)]: r.id };
}

/** Group ids found so far, by "vg@site": they never change, and a run asks often. */
export type GroupCache = Map<string, string>;

/**
 * The volume group objects of a `volume_group` resource on a given site's side. The auxiliary
 * side is found through its volumes (`aux_<volume name>`), so it is found even when the primary
 * site does not answer.
 */
export async function groupAt(provider: Provider, config: DrConfig, state: EstateState, vg: string, site: string, cache?: GroupCache): Promise<VolumeGroupState> {
  const r = requireResource(state, vg);
  const primarySite = str(r.attributes.site);
  const ws = workspaceOf(config, site);
  const known = site === primarySite ? r.id : cache?.get(`${vg}@${site}`);
  if (known) {
    const g = await provider.read('volume_group', ws, known);
    if (g) return g;
    if (site === primarySite) throw new Error(`volume group ${cloudName(vg)} is gone from ${ws}`);
  }
  const volumeNames = Object.keys(obj(obj(r.attributes.cloud).volume_ids)).map((n) => `aux_${cloudName(vg)}-${n}`);
  const volumes = await provider.list('volume', ws);
  const aux = volumes.find((v) => volumeNames.includes(v.name) && v.groupId);
  if (!aux?.groupId) throw new Error(`no auxiliary copy of volume group ${cloudName(vg)} in ${ws}`);
  const g = await provider.read('volume_group', ws, aux.groupId);
  if (!g) throw new Error(`no auxiliary copy of volume group ${cloudName(vg)} in ${ws}`);
  cache?.set(`${vg}@${site}`, g.id);
  return g;
}

export async function replicationAt(provider: Provider, config: DrConfig, state: EstateState, vg: string, site: string, cache?: GroupCache): Promise<{ group: VolumeGroupState; status: ReplicationStatus }> {
  const group = await groupAt(provider, config, state, vg, site, cache);
  return { group, status: await provider.replicationStatus(workspaceOf(config, site), group.id) };
}

/** The volume groups the VMs of a plan use, in first-use order. */
export function planVolumeGroups(config: DrConfig, vms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const a of vms) for (const vg of config.vms.get(a)?.volumeGroups ?? []) out.add(vg);
  return [...out];
}

/** The spec of a VM as created at another site: same shape, that site's networks and volumes. */
export function vmSpecAt(config: DrConfig, state: EstateState, vm: string, site: string, volumeIds: readonly string[], opts: { name?: string; networkIds?: readonly string[] } = {}): VmSpec {
  const r = requireResource(state, vm);
  const a = r.attributes;
  const key = siteKey(site);
  const networkIds: string[] = [];
  for (const n of Array.isArray(a.networks) ? a.networks : []) {
    const id = obj(obj(state.resource(str(n))?.attributes.cloud).ids)[key];
    if (typeof id === 'string') networkIds.push(id);
  }
  return {
    name: opts.name ?? cloudName(vm),
    machineType: str(a.machine_type) as MachineType,
    processors: typeof a.processors === 'number' ? a.processors : 1,
    procType: (str(a.proc_type) || 'dedicated') as VmSpec['procType'],
    memoryGb: typeof a.memory_gb === 'number' ? a.memory_gb : 2,
    os: (str(a.os) || 'aix') as OsType,
    imageId: a.image === undefined ? undefined : str(a.image),
    networkIds: opts.networkIds ?? networkIds,
    volumeIds,
  };
}
