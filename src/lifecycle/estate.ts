// The estate in DR terms, read from the configuration and the state: the site pair, each VM's
// cloud ids per site, each volume group's groups on both sides, and each network's ids. Every
// cloud lookup a run makes goes through here, so failover, failback, drill and verify agree on
// where things are. What a resource type itself knows (names, specs, the site pair) is its
// resources/ module's; it is re-exported here as the runs' vocabulary.
import type { DrConfig, RecoveryPlan } from '../config/index.js';
import type { Ownership, Provider, ReplicationStatus, VmSpec, VolumeGroupState } from '../provider/index.js';
import type { StateResource } from '../state/index.js';
import { UserError } from '../diag/index.js';
import { auxOf, cloudName, consistencyGroupOf, ownership, vmSpec, workspaceOf } from '../resources/index.js';

export { cloudName, planVolumeGroups, siteKey, sitePair, stateSitePair, workspaceOf, SITE_KEY, type SitePair } from '../resources/index.js';

/** The recovery plan a run follows: the named one, or the only one. */
export function choosePlan(config: DrConfig, name?: string): RecoveryPlan {
  if (name) {
    const p = config.recoveryPlans.get(name.startsWith('recovery_plan.') ? name : `recovery_plan.${name}`);
    if (!p) throw new UserError(`No recovery plan "${name}".`, [`Plans: ${[...config.recoveryPlans.keys()].join(', ') || 'none'}.`]);
    return p;
  }
  const plans = [...config.recoveryPlans.values()];
  if (plans.length === 0) throw new UserError('The configuration has no recovery_plan: a DR run needs one to know the boot order.');
  if (plans.length > 1)
    throw new UserError(`The configuration has ${plans.length} recovery plans; choose one with --plan.`, [`Plans: ${plans.map((p) => p.name).join(', ')}.`]);
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
  const site = r.attributes.site;
  return { [typeof site === 'string' ? site : '']: r.id };
}

/** Group ids found so far, by "vg@site": they never change, and a run asks often. */
export type GroupCache = Map<string, string>;

/**
 * The volume group of a `volume_group` resource on a given site's side. The primary side is the
 * group state records; the other side is the group of the same consistency group there, found by
 * the consistency group's name (state keeps it), so it is found even when the primary site does
 * not answer.
 */
export async function groupAt(
  provider: Provider,
  config: DrConfig,
  state: EstateState,
  vg: string,
  site: string,
  cache?: GroupCache,
): Promise<VolumeGroupState> {
  const r = requireResource(state, vg);
  const primarySite = typeof r.attributes.site === 'string' ? r.attributes.site : '';
  const ws = workspaceOf(config, site);
  const cloud = (r.attributes.cloud ?? {}) as Record<string, never>;
  const known = site === primarySite ? r.id : (cache?.get(`${vg}@${site}`) ?? auxOf(cloud)?.group_id);
  if (known) {
    const g = await provider.read('volume_group', ws, known);
    if (g) {
      cache?.set(`${vg}@${site}`, g.id);
      return g;
    }
    if (site === primarySite) throw new Error(`volume group ${cloudName(vg)} is gone from ${ws}`);
  }
  const cg = consistencyGroupOf(r);
  if (!cg)
    throw new Error(`the auxiliary side of volume group ${cloudName(vg)} is not set up in ${ws}: run drctl apply (it onboards the replicated volumes there)`);
  const g = await provider.findVolumeGroup(ws, cg);
  if (!g) throw new Error(`no volume group of consistency group ${cg} (${cloudName(vg)}) in ${ws}: run drctl apply (it onboards the replicated volumes there)`);
  cache?.set(`${vg}@${site}`, g.id);
  return g;
}

/**
 * The identity of VM `vm` at `site`: the one apply made at its own site, or the copy a DR run
 * made at the other (tagged with that site).
 */
export function vmOwnerAt(state: EstateState & { readonly lineage: string }, vm: string, site: string): Ownership {
  const home = requireResource(state, vm).attributes.site;
  return site === home ? ownership(state.lineage, vm) : ownership(state.lineage, vm, site);
}

export async function replicationAt(
  provider: Provider,
  config: DrConfig,
  state: EstateState,
  vg: string,
  site: string,
  cache?: GroupCache,
): Promise<{ group: VolumeGroupState; status: ReplicationStatus }> {
  const group = await groupAt(provider, config, state, vg, site, cache);
  return { group, status: await provider.replicationStatus(workspaceOf(config, site), group.id) };
}

/** The spec of a VM as created at another site: same shape, that site's networks and volumes. */
export function vmSpecAt(
  config: DrConfig,
  state: EstateState,
  vm: string,
  site: string,
  volumeIds: readonly string[],
  opts: { name?: string; networkIds?: readonly string[]; owner?: Ownership } = {},
): VmSpec {
  const r = requireResource(state, vm);
  const spec = vmSpec(vm, r.attributes, { site, lookup: (a) => state.resource(a), volumeIds, name: opts.name, networkIds: opts.networkIds });
  return opts.owner ? { ...spec, owner: opts.owner } : spec;
}
