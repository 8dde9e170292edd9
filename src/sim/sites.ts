// Data centres that PowerVS Global Replication Services pairs 1:1 (IBM's published list).
// Kept as data so a new pair is one line.

export interface LocationInfo {
  readonly location: string;
  readonly region: string;
}

export const LOCATIONS: readonly LocationInfo[] = [
  { location: 'dal10', region: 'us-south' },
  { location: 'dal12', region: 'us-south' },
  { location: 'dal13', region: 'us-south' },
  { location: 'wdc04', region: 'us-east' },
  { location: 'wdc06', region: 'us-east' },
  { location: 'wdc07', region: 'us-east' },
  { location: 'mad02', region: 'eu-es' },
  { location: 'mad04', region: 'eu-es' },
  { location: 'fra04', region: 'eu-de' },
  { location: 'fra05', region: 'eu-de' },
  { location: 'tok04', region: 'jp-tok' },
  { location: 'osa21', region: 'jp-osa' },
  { location: 'lon04', region: 'lon' },
  { location: 'lon06', region: 'lon' },
  { location: 'syd04', region: 'syd' },
  { location: 'syd05', region: 'syd' },
  { location: 'sao01', region: 'sao' },
  { location: 'sao04', region: 'sao' },
  { location: 'mon01', region: 'mon' },
  { location: 'tor01', region: 'tor' },
];

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
