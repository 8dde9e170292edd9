// Data centres that PowerVS Global Replication Services pairs 1:1 (IBM's published list), and
// the region each belongs to. Kept as data so a new pair is one line.
import { regionOfZone } from '../powervs/index.js';

export interface LocationInfo {
  readonly location: string;
  /** The API region serving it: the data centre without its number (dal13 → dal). */
  readonly region: string;
}

const ZONES = [
  'dal10',
  'dal12',
  'dal13',
  'wdc04',
  'wdc06',
  'wdc07',
  'mad02',
  'mad04',
  'fra04',
  'fra05',
  'tok04',
  'osa21',
  'lon04',
  'lon06',
  'syd04',
  'syd05',
  'sao01',
  'sao04',
  'mon01',
  'tor01',
] as const;

export const LOCATIONS: readonly LocationInfo[] = ZONES.map((location) => ({ location, region: regionOfZone(location) }));

/** Every region the simulator serves, each under its own path prefix (`/<region>/pcloud/…`). */
export const REGIONS: readonly string[] = [...new Set(LOCATIONS.map((l) => l.region))].sort();

/** Replication pairs, each listed once. */
export const REPLICATION_PAIRS: readonly (readonly [string, string])[] = [
  ['wdc04', 'dal13'],
  ['wdc06', 'dal12'],
  ['wdc07', 'dal10'],
  ['mad02', 'fra04'],
  ['mad04', 'fra05'],
  ['osa21', 'tok04'],
  ['lon04', 'lon06'],
  ['syd04', 'syd05'],
  ['sao01', 'sao04'],
  ['mon01', 'tor01'],
];

export function pairedLocation(location: string): string | undefined {
  for (const [a, b] of REPLICATION_PAIRS) {
    if (a === location) return b;
    if (b === location) return a;
  }
  return undefined;
}

export function regionOf(location: string): string | undefined {
  return LOCATIONS.find((l) => l.location === location)?.region;
}

export function isKnownLocation(location: string): boolean {
  return LOCATIONS.some((l) => l.location === location);
}
