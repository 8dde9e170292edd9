// The monthly cost estimate of what drctl manages: DR Automation's per-core fee for every
// DR-managed VM, plus replicated storage (a copy at each site of the pair) by tier.
import { DR_USD_PER_CORE_HOUR, HOURS_PER_MONTH, STORAGE_TIERS, type StorageTier } from '../powervs/index.js';
import type { DrConfig } from './model.js';

export interface CostEstimate {
  readonly cores: number;
  readonly coreUsd: number;
  readonly storageGbByTier: Readonly<Record<StorageTier, number>>;
  readonly storageUsd: number;
  readonly totalUsd: number;
}

const cents = (n: number) => Math.round(n * 100) / 100;

export function coreMonthlyUsd(cores: number): number {
  return cores * DR_USD_PER_CORE_HOUR * HOURS_PER_MONTH;
}

export function estimateMonthlyCost(config: Pick<DrConfig, 'vms' | 'volumeGroups'>): CostEstimate {
  let cores = 0;
  for (const vm of config.vms.values()) cores += vm.processors;
  const gb: Record<StorageTier, number> = { tier0: 0, tier1: 0, tier3: 0, tier5k: 0 };
  for (const vg of config.volumeGroups.values()) for (const v of vg.volumes) gb[v.tier] += v.sizeGb;
  let storageUsd = 0;
  for (const [tier, size] of Object.entries(gb) as [StorageTier, number][]) {
    // Replicated volumes exist at both sites.
    storageUsd += size * 2 * STORAGE_TIERS[tier].usdPerGbMonth;
  }
  const coreUsd = coreMonthlyUsd(cores);
  return { cores, coreUsd: cents(coreUsd), storageGbByTier: gb, storageUsd: cents(storageUsd), totalUsd: cents(coreUsd + storageUsd) };
}
