// The monthly cost estimate of what drctl manages, over every billed dimension: PowerVS cores (by
// host type and processor mode) and memory for each VM at its site, DR Automation's per-core fee
// for each DR-managed VM, replicated storage by tier (a copy at each site of the pair), and the
// orchestrator's VMs (two when highly available). One computation over resource records, so the
// plan's cost line (configuration against state) and `drctl cost` give the same figures.
import {
  CORE_USD_PER_HOUR,
  DR_USD_PER_CORE_HOUR,
  HOURS_PER_MONTH,
  MEMORY_USD_PER_GB_HOUR,
  STORAGE_TIERS,
  STORAGE_TIER_NAMES,
  drPartnerOf,
  type MachineType,
  type ProcType,
  type StorageTier,
} from '../powervs/index.js';
import { compareAddressesForDisplay } from '../review/address-order.js';

/** A resource as the estimate reads it: a desired resource (the configuration) or a state record. */
export interface BilledResource {
  readonly address: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type CostDimension = 'cores' | 'memory' | 'dr_automation' | 'storage';

export const COST_DIMENSIONS: readonly CostDimension[] = ['cores', 'memory', 'dr_automation', 'storage'];

/** One billed line: a quantity of one dimension of one resource at one site. */
export interface CostItem {
  /** The resource billed (`vm.db01`, `volume_group.erp_db`, `orchestrator.ksys`). */
  readonly address: string;
  readonly type: string;
  /** Where it is billed (a site address); a volume group's replica is billed at the partner site. */
  readonly site: string;
  readonly dimension: CostDimension;
  readonly quantity: number;
  readonly unit: 'core' | 'GB';
  /** USD per unit per month. */
  readonly rateUsd: number;
  /** USD per month, rounded to the cent; totals add these up. */
  readonly usd: number;
  readonly machineType?: string;
  readonly procType?: string;
  readonly tier?: StorageTier;
  /** The standby copy (an HA orchestrator's second VM, a volume group's replica). */
  readonly replica?: boolean;
}

export interface SiteCost {
  readonly site: string;
  readonly usd: number;
  readonly byDimension: Readonly<Record<CostDimension, number>>;
}

export interface TierCost {
  readonly tier: StorageTier;
  /** GB at both sites together. */
  readonly gb: number;
  readonly usd: number;
}

export interface ResourceCost {
  readonly address: string;
  readonly type: string;
  readonly usd: number;
}

export interface CostBreakdown {
  readonly totalUsd: number;
  /** Every billed line, by resource address (display order), then site and dimension. */
  readonly items: readonly CostItem[];
  readonly sites: readonly SiteCost[];
  /** Every tier, in the catalogue's order, unused ones at zero. */
  readonly tiers: readonly TierCost[];
  readonly resources: readonly ResourceCost[];
}

const MONTH = HOURS_PER_MONTH;
const toCents = (usd: number) => Math.round(usd * 100);
const fromCents = (cents: number) => cents / 100;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Rates for a VM's cores: unknown host types or modes (a state from elsewhere) bill at the dearest known rate, never at zero. */
function coreRate(machineType: string, procType: string): number {
  const byMode = CORE_USD_PER_HOUR[machineType as MachineType] ?? CORE_USD_PER_HOUR.e1080;
  return byMode[procType as ProcType] ?? byMode.dedicated;
}

/** The monthly cost of the given resources, line by line and summed per site, tier and resource. */
export function costBreakdown(resources: Iterable<BilledResource>): CostBreakdown {
  const list = [...resources];
  const locations = new Map<string, string>();
  for (const r of list) if (r.type === 'site') locations.set(r.address, str(r.attributes.location));
  const partnerOf = (site: string): string => {
    const loc = drPartnerOf(locations.get(site) ?? '');
    for (const [address, location] of locations) if (location === loc && address !== site) return address;
    const others = [...locations.keys()].filter((a) => a !== site);
    return others.length === 1 ? others[0] : `${site || 'unknown'} (partner)`;
  };

  const items: CostItem[] = [];
  const resourceCosts: ResourceCost[] = [];
  // Sums in cents, so every total is exactly the sum of the lines shown.
  let total = 0;
  const sites = new Map<string, Record<CostDimension, number>>();
  const tierGb = new Map<StorageTier, number>();
  const tierCents = new Map<StorageTier, number>();
  // Lines of one resource, put in order (site, dimension, tier) before joining the rest.
  // Object literals, not spreads: a plan builds these for thousands of VMs on both sides.
  let local: CostItem[] = [];
  const add = (
    r: BilledResource,
    site: string,
    dimension: CostDimension,
    quantity: number,
    unit: 'core' | 'GB',
    rateUsd: number,
    machineType?: string,
    procType?: string,
    tier?: StorageTier,
    replica?: true,
  ) => {
    if (quantity <= 0) return;
    local.push({
      address: r.address,
      type: r.type,
      site,
      dimension,
      quantity,
      unit,
      rateUsd,
      usd: fromCents(toCents(quantity * rateUsd)),
      machineType,
      procType,
      tier,
      replica,
    });
  };
  const compute = (r: BilledResource, site: string, machineType: string, procType: string, replica?: true) => {
    add(r, site, 'cores', num(r.attributes.processors), 'core', coreRate(machineType, procType) * MONTH, machineType, procType, undefined, replica);
    add(r, site, 'memory', num(r.attributes.memory_gb), 'GB', MEMORY_USD_PER_GB_HOUR * MONTH, machineType, undefined, undefined, replica);
  };
  const rank = (d: CostDimension) => COST_DIMENSIONS.indexOf(d);
  const tierRank = (t: StorageTier | undefined) => (t === undefined ? -1 : STORAGE_TIER_NAMES.indexOf(t));
  const lineOrder = (x: CostItem, y: CostItem) =>
    (x.site < y.site ? -1 : x.site > y.site ? 1 : 0) || rank(x.dimension) - rank(y.dimension) || tierRank(x.tier) - tierRank(y.tier);

  for (const r of [...list].sort((x, y) => compareAddressesForDisplay(x.address, y.address))) {
    const a = r.attributes;
    local = [];
    if (r.type === 'vm') {
      const site = str(a.site);
      compute(r, site, str(a.machine_type), str(a.proc_type) || 'dedicated');
      add(r, site, 'dr_automation', num(a.processors), 'core', DR_USD_PER_CORE_HOUR * MONTH);
    } else if (r.type === 'orchestrator') {
      // The orchestrator runs on shared cores (apply/kinds.ts creates it so); an HA pair is two VMs.
      compute(r, str(a.site), str(a.machine_type), 'shared');
      if (str(a.standby_site)) compute(r, str(a.standby_site), str(a.machine_type), 'shared', true);
    } else if (r.type === 'volume_group' && Array.isArray(a.volumes)) {
      const site = str(a.site);
      const gb = new Map<StorageTier, number>();
      for (const v of a.volumes as unknown[]) {
        const vo = (v ?? {}) as Record<string, unknown>;
        const tier = str(vo.tier) as StorageTier;
        if (STORAGE_TIERS[tier]) gb.set(tier, (gb.get(tier) ?? 0) + num(vo.size_gb));
      }
      for (const tier of STORAGE_TIER_NAMES) {
        const size = gb.get(tier) ?? 0;
        const rateUsd = STORAGE_TIERS[tier].usdPerGbMonth;
        // Replicated volumes exist at both sites of the pair.
        add(r, site, 'storage', size, 'GB', rateUsd, undefined, undefined, tier);
        add(r, partnerOf(site), 'storage', size, 'GB', rateUsd, undefined, undefined, tier, true);
      }
    }
    if (local.length === 0) continue;
    if (local.length > 1) local.sort(lineOrder);
    let resourceCents = 0;
    for (const it of local) {
      items.push(it);
      const c = toCents(it.usd);
      resourceCents += c;
      let site = sites.get(it.site);
      if (!site) sites.set(it.site, (site = { cores: 0, memory: 0, dr_automation: 0, storage: 0 }));
      site[it.dimension] += c;
      if (it.tier) {
        tierGb.set(it.tier, (tierGb.get(it.tier) ?? 0) + it.quantity);
        tierCents.set(it.tier, (tierCents.get(it.tier) ?? 0) + c);
      }
    }
    total += resourceCents;
    resourceCosts.push({ address: r.address, type: r.type, usd: fromCents(resourceCents) });
  }

  return {
    totalUsd: fromCents(total),
    items,
    sites: [...sites.entries()]
      .sort(([a], [b]) => compareAddressesForDisplay(a, b))
      .map(([site, d]) => ({
        site,
        usd: fromCents(d.cores + d.memory + d.dr_automation + d.storage),
        byDimension: { cores: fromCents(d.cores), memory: fromCents(d.memory), dr_automation: fromCents(d.dr_automation), storage: fromCents(d.storage) },
      })),
    tiers: STORAGE_TIER_NAMES.map((tier) => ({ tier, gb: tierGb.get(tier) ?? 0, usd: fromCents(tierCents.get(tier) ?? 0) })),
    resources: resourceCosts,
  };
}

export interface SiteCostChange {
  readonly site: string;
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly deltaUsd: number;
}

export interface CostChange {
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly deltaUsd: number;
  /** Per site, every site either side bills at. */
  readonly sites: readonly SiteCostChange[];
}

/** Before (state) against after (configuration; null when everything is destroyed). */
export function compareCosts(before: CostBreakdown, after: CostBreakdown | null): CostChange {
  const afterSites = new Map((after?.sites ?? []).map((s) => [s.site, s.usd]));
  const beforeSites = new Map(before.sites.map((s) => [s.site, s.usd]));
  const names = [...new Set([...beforeSites.keys(), ...afterSites.keys()])].sort(compareAddressesForDisplay);
  const delta = (b: number, a: number) => fromCents(toCents(a) - toCents(b));
  const afterUsd = after?.totalUsd ?? 0;
  return {
    beforeUsd: before.totalUsd,
    afterUsd,
    deltaUsd: delta(before.totalUsd, afterUsd),
    sites: names.map((site) => {
      const b = beforeSites.get(site) ?? 0;
      const a = afterSites.get(site) ?? 0;
      return { site, beforeUsd: b, afterUsd: a, deltaUsd: delta(b, a) };
    }),
  };
}

/** "$8,262.36". Not toLocaleString: its first call loads ICU data, a noticeable share of a small plan. */
export function formatUsd(n: number): string {
  const [whole, cents] = Math.abs(n).toFixed(2).split('.');
  return `${n < 0 ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** "+$12.00", "-$3.50", "±$0.00": a change. */
export function formatUsdDelta(n: number): string {
  const sign = n > 0 ? '+' : n < 0 ? '-' : '±';
  return sign + formatUsd(Math.abs(n));
}
