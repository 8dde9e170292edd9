// What PowerVS offers, as data: host types and their limits, operating systems, processor
// types, storage tiers, the data-centre pairs replication runs between, and the prices the cost
// estimate uses. docs/language.md cites the sources.

export type MachineType = 's922' | 'e980' | 'e1080';
export type OsType = 'aix' | 'ibmi' | 'rhel' | 'sles';
export type ProcType = 'dedicated' | 'shared' | 'capped';
export type StorageTier = 'tier0' | 'tier1' | 'tier3' | 'tier5k';

export interface MachineLimits {
  readonly label: string;
  readonly models: readonly string[];
  readonly maxCores: number;
  readonly maxMemoryGb: number;
  /** IBM i is licensed per core and capped lower on scale-out hosts. */
  readonly maxIbmiCores?: number;
}

// IBM Cloud docs, "Pricing for Power Virtual Server": theoretical maximums per host.
export const MACHINE_TYPES: Readonly<Record<MachineType, MachineLimits>> = {
  s922: { label: 'S922', models: ['9009-22A', '9009-22G'], maxCores: 15, maxMemoryGb: 942, maxIbmiCores: 4 },
  e980: { label: 'E980', models: ['9080-M9S'], maxCores: 143, maxMemoryGb: 15_307 },
  e1080: { label: 'E1080', models: ['9080-HEX'], maxCores: 240, maxMemoryGb: 64 * 1024 },
};

export const MACHINE_TYPE_NAMES: readonly MachineType[] = ['s922', 'e980', 'e1080'];
export const OS_TYPES: readonly OsType[] = ['aix', 'ibmi', 'rhel', 'sles'];
export const PROC_TYPES: readonly ProcType[] = ['dedicated', 'shared', 'capped'];

/** `e980`, `E980` or a model number such as `9080-M9S`; undefined when it is none of them. */
export function resolveMachineType(written: string): MachineType | undefined {
  const lower = written.toLowerCase();
  if (lower in MACHINE_TYPES) return lower as MachineType;
  for (const [type, limits] of Object.entries(MACHINE_TYPES) as [MachineType, MachineLimits][]) {
    if (limits.models.some((m) => m.toLowerCase() === lower)) return type;
  }
  return undefined;
}

export interface TierInfo {
  /** IOPS per GB, or a fixed IOPS figure for tier5k. */
  readonly iopsPerGb?: number;
  readonly fixedIops?: number;
  readonly maxVolumeGb?: number;
  /** Illustrative list price, USD per GB-month. */
  readonly usdPerGbMonth: number;
}

// Tiers per the DR Automation architecture (seeds/architecture.md). Prices are illustrative:
// IBM's own example bills standard storage at $0.216/GB-month; the other tiers are scaled from it.
export const STORAGE_TIERS: Readonly<Record<StorageTier, TierInfo>> = {
  tier0: { iopsPerGb: 25, usdPerGbMonth: 0.324 },
  tier1: { iopsPerGb: 10, usdPerGbMonth: 0.216 },
  tier3: { iopsPerGb: 3, usdPerGbMonth: 0.108 },
  tier5k: { fixedIops: 5000, maxVolumeGb: 200, usdPerGbMonth: 0.27 },
};

export const STORAGE_TIER_NAMES: readonly StorageTier[] = ['tier0', 'tier1', 'tier3', 'tier5k'];

/** DR Automation bills each DR-managed core at this rate (IBM's published figure). */
export const DR_USD_PER_CORE_HOUR = 0.06849;
export const HOURS_PER_MONTH = 730;

/**
 * PowerVS bills a VM's cores by host type and processor mode. Illustrative list prices: IBM
 * publishes no fixed rates (its estimator quotes per region and agreement), so these keep the
 * catalogue's ordering (capped < shared uncapped < dedicated; enterprise hosts above scale-out)
 * at magnitudes of IBM's worked example. docs/language.md says so.
 */
export const CORE_USD_PER_HOUR: Readonly<Record<MachineType, Readonly<Record<ProcType, number>>>> = {
  s922: { capped: 0.11, shared: 0.14, dedicated: 0.28 },
  e980: { capped: 0.19, shared: 0.24, dedicated: 0.48 },
  e1080: { capped: 0.21, shared: 0.27, dedicated: 0.54 },
};

/**
 * Memory, per GB-hour, on every host type. From IBM's pricing example ("Pricing for Power Virtual
 * Server", monthly usage): 8 GB more on the same VM raised it from $250.57 to $339.45 a month,
 * $11.11 per GB-month over 730 hours.
 */
export const MEMORY_USD_PER_GB_HOUR = 0.015219;

/** Replication pairs data centres one to one. */
export const DR_LOCATION_PAIRS: readonly (readonly [string, string])[] = [
  ['dal13', 'wdc04'],
  ['dal12', 'wdc06'],
  ['mad02', 'fra04'],
  ['mad04', 'fra05'],
  ['tok04', 'osa21'],
  ['lon04', 'lon06'],
  ['syd04', 'syd05'],
  ['sao01', 'sao04'],
  ['tor01', 'mon01'],
  ['che01', 'mum01'],
];

export function drPartnerOf(location: string): string | undefined {
  for (const [a, b] of DR_LOCATION_PAIRS) {
    if (a === location) return b;
    if (b === location) return a;
  }
  return undefined;
}

export function knownLocations(): string[] {
  return DR_LOCATION_PAIRS.flat().sort();
}

/**
 * The region of a data centre, as IBM's Go client derives it (power-go-client ibmpisession,
 * costructRegionFromZone): the zone without its trailing number, so dal13 → dal, wdc04 → wdc.
 * Each region has its own API endpoint, https://<region>.power-iaas.cloud.ibm.com.
 */
export function regionOfZone(zone: string): string {
  return zone.includes('-') ? zone.replace(/-[0-9]+$/, '') : zone.replace(/[0-9]+$/, '');
}
