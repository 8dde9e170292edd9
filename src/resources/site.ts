// A site: a PowerVS workspace in a data centre with a role (active or standby). Sites are
// logical (no cloud object of their own); DR runs read the pair from the configuration and
// the roles last applied from state.
import type { DrConfig, Site } from '../config/index.js';
import type { StateResource } from '../state/index.js';
import { UserError } from '../diag/index.js';
import { clean, resourceDeps, type DesiredResource } from './kind.js';

/** Changing one of these replaces the site (and with it, what lives in the workspace). */
export const forceNew: readonly string[] = ['location', 'workspace'];

export const forceNewReasons: Readonly<Record<string, string>> = {
  location: 'a site is its data centre: another location is another site, and what runs there must be created again',
  workspace: 'a site is its PowerVS workspace: another workspace is another site, and what runs there must be created again',
};

/** Where the site lifecycle's persisted snapshot lives in state. */
export const SITE_KEY = 'sites';

export function desiredSite(s: Site): DesiredResource {
  return {
    address: s.address,
    type: 'site',
    name: s.name,
    attributes: clean({ location: s.location, workspace: s.workspace, role: s.role, description: s.description }),
    dependsOn: resourceDeps(s.dependsOn),
    sensitiveAttributes: s.sensitive,
  };
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
  if (!active || !standby)
    throw new UserError('DR runs need two sites, one with role = "active".', ['Declare a site "home" (role = "active") and a site "dr" (role = "standby").']);
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

/** The workspace of a site the configuration declares (a DR run needs it to exist). */
export function workspaceOf(config: DrConfig, site: string): string {
  const s = config.sites.get(site);
  if (!s) throw new UserError(`No site ${site} in the configuration.`);
  return s.workspace;
}
