// Fault injection: what is broken (sites, links, boots) and how often requests fail.
// Random faults come from a seeded generator, so a run with the same seed and the same
// request order injects the same faults.

export interface SiteDownFault {
  readonly location: string;
  /** fail: requests get 503; timeout: requests hang until the client gives up. */
  readonly mode: 'fail' | 'timeout';
}

export interface FaultRates {
  readonly '429'?: number;
  readonly '500'?: number;
  readonly reset?: number;
  readonly slow?: number;
}

export interface FaultSpec {
  readonly sitesDown?: readonly SiteDownFault[];
  /** Volume-group names (either side) or consistency-group names whose link is broken. */
  readonly linksBroken?: readonly string[];
  /** VM names whose next boot ends in ERROR. */
  readonly bootFail?: readonly string[];
  readonly rates?: FaultRates;
  /** Delay of a "slow" response, real milliseconds (default 1000). */
  readonly slowMs?: number;
}

export type RequestFault =
  | { readonly kind: 'none' }
  | { readonly kind: '429' }
  | { readonly kind: '500' | 'reset'; readonly afterCommit: boolean }
  | { readonly kind: 'slow'; readonly ms: number };

/** mulberry32: small, fast, and good enough to pick faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws the fault for the next request. 500s and resets fall before or after the change is committed. */
export function drawRequestFault(spec: FaultSpec, random: () => number): RequestFault {
  const r = spec.rates;
  if (!r) return { kind: 'none' };
  const u = random();
  let edge = r['429'] ?? 0;
  if (u < edge) return { kind: '429' };
  edge += r['500'] ?? 0;
  if (u < edge) return { kind: '500', afterCommit: random() < 0.5 };
  edge += r.reset ?? 0;
  if (u < edge) return { kind: 'reset', afterCommit: random() < 0.5 };
  edge += r.slow ?? 0;
  if (u < edge) return { kind: 'slow', ms: spec.slowMs ?? 1000 };
  return { kind: 'none' };
}

export function siteDown(spec: FaultSpec, location: string): SiteDownFault | undefined {
  return spec.sitesDown?.find((s) => s.location === location);
}

/** Checks a spec from the admin endpoint; returns the problems found. */
export function validateFaultSpec(value: unknown): { spec?: FaultSpec; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: ['fault spec must be an object'] };
  const v = value as Record<string, unknown>;
  const known = new Set(['sitesDown', 'linksBroken', 'bootFail', 'rates', 'slowMs']);
  for (const k of Object.keys(v)) if (!known.has(k)) problems.push(`unknown field "${k}"`);
  const strings = (k: string) => {
    const x = v[k];
    if (x === undefined) return;
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string')) problems.push(`${k} must be a list of strings`);
  };
  strings('linksBroken');
  strings('bootFail');
  if (v.sitesDown !== undefined) {
    const ok =
      Array.isArray(v.sitesDown) &&
      v.sitesDown.every(
        (s) =>
          typeof s === 'object' && s !== null && typeof (s as SiteDownFault).location === 'string' && ['fail', 'timeout'].includes((s as SiteDownFault).mode),
      );
    if (!ok) problems.push('sitesDown must be a list of {location, mode: "fail"|"timeout"}');
  }
  if (v.rates !== undefined) {
    const rates = v.rates as Record<string, unknown>;
    if (typeof rates !== 'object' || rates === null) problems.push('rates must be an object');
    else {
      let sum = 0;
      for (const [k, r] of Object.entries(rates)) {
        if (!['429', '500', 'reset', 'slow'].includes(k)) problems.push(`unknown rate "${k}"`);
        else if (typeof r !== 'number' || r < 0 || r > 1) problems.push(`rate ${k} must be a number from 0 to 1`);
        else sum += r;
      }
      if (sum > 1) problems.push('fault rates add up to more than 1');
    }
  }
  if (v.slowMs !== undefined && (typeof v.slowMs !== 'number' || v.slowMs < 0)) problems.push('slowMs must be a non-negative number');
  return problems.length ? { problems } : { spec: v as FaultSpec, problems };
}

/**
 * Parses the CLI form: `--fault site-down=dal13[:timeout]`, `--fault link-broken=<vg>`,
 * `--fault boot-fail=<vm>` (each repeatable) and `--fault-rate 429=0.1,500=0.05,reset=0.05,slow=0.02`.
 */
export function parseFaultFlags(faults: readonly string[], rate?: string, slowMs?: number): FaultSpec {
  const sitesDown: SiteDownFault[] = [];
  const linksBroken: string[] = [];
  const bootFail: string[] = [];
  for (const f of faults) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new Error(`--fault ${f}: expected kind=value`);
    const kind = f.slice(0, eq);
    const value = f.slice(eq + 1);
    if (!value) throw new Error(`--fault ${f}: missing value`);
    if (kind === 'site-down') {
      const [location, mode = 'fail'] = value.split(':');
      if (mode !== 'fail' && mode !== 'timeout') throw new Error(`--fault ${f}: mode must be fail or timeout`);
      sitesDown.push({ location, mode });
    } else if (kind === 'link-broken') linksBroken.push(value);
    else if (kind === 'boot-fail') bootFail.push(value);
    else throw new Error(`--fault ${f}: unknown fault "${kind}" (site-down, link-broken, boot-fail)`);
  }
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = {};
  if (sitesDown.length) spec.sitesDown = sitesDown;
  if (linksBroken.length) spec.linksBroken = linksBroken;
  if (bootFail.length) spec.bootFail = bootFail;
  if (rate) spec.rates = parseFaultRates(rate);
  if (slowMs !== undefined) spec.slowMs = slowMs;
  const checked = validateFaultSpec(spec);
  if (!checked.spec) throw new Error(checked.problems.join('; '));
  return checked.spec;
}

export function parseFaultRates(text: string): FaultRates {
  const rates: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!['429', '500', 'reset', 'slow'].includes(k) || v === undefined || !Number.isFinite(n)) {
      throw new Error(`--fault-rate ${part}: expected 429|500|reset|slow=<0..1>`);
    }
    rates[k] = n;
  }
  return rates;
}
