// Where a resource sits in the progress tree: site → recovery group (or resource type). Events
// carry only addresses, so the tree's shape comes from the plan, read once before the run.
import type { PlannedChange } from '../../plan/index.js';

export interface Placement {
  /** Site name ("home"); '' for resources that belong to no site (policies, plans, drills). */
  readonly site: string;
  /** Recovery group name for VMs in a recovery plan, otherwise the resource type. */
  readonly group: string;
}

export type PlaceResource = (address: string) => Placement;

/** The type part of an address: "vm.web[2]" → "vm". */
export function typeOf(address: string): string {
  const dot = address.indexOf('.');
  return dot < 0 ? address : address.slice(0, dot);
}

function siteName(ref: unknown): string {
  return typeof ref === 'string' ? ref.replace(/^site\./, '') : '';
}

/** Placement by address alone: no site, grouped by type. */
export const placeByType: PlaceResource = (address) => ({ site: '', group: typeOf(address) });

/** Placement from a plan: VM sites from their attributes, VM groups from the recovery plans. */
export function placementFromPlan(plan: { readonly changes: readonly Pick<PlannedChange, 'address' | 'type' | 'name' | 'after' | 'before'>[] }): PlaceResource {
  const site = new Map<string, string>();
  const group = new Map<string, string>();
  for (const c of plan.changes) {
    const attrs = c.after ?? c.before;
    if (!attrs) continue;
    const s = siteName(attrs.site);
    if (s) site.set(c.address, s);
    else if (c.type === 'site') site.set(c.address, c.name);
    if (c.type === 'recovery_plan' && Array.isArray(attrs.groups)) {
      for (const g of attrs.groups) {
        if (!g || typeof g !== 'object' || Array.isArray(g)) continue;
        const name = typeof g.name === 'string' ? g.name : '';
        const vms = Array.isArray(g.vms) ? g.vms : [];
        for (const vm of vms) if (typeof vm === 'string' && name && !group.has(vm)) group.set(vm, name);
      }
    }
  }
  const placeOf = (address: string): Placement => {
    let g = group.get(address);
    // A counted VM's instances belong to the group that names the block.
    if (g === undefined) {
      const block = /^(.*)\[[^\]]*\]$/.exec(address)?.[1];
      if (block) g = group.get(block);
    }
    return { site: site.get(address) ?? '', group: g ?? typeOf(address) };
  };
  return placeOf;
}
