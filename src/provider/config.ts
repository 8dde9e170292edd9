// Provider configuration: where the PowerVS API is (one endpoint per region), which workspaces
// it holds (their GUIDs or CRNs, and zones), how to authenticate, and how patient to be. The
// config layer maps the `drctl` settings block onto this type; environment variables fill in or
// override (providerConfigFromEnv).

import { errorDiag, type Diagnostic } from '../diag/types.js';
import { regionOfZone } from '../powervs/index.js';

export interface WorkspaceRef {
  /** The cloud instance id (GUID) of the workspace. */
  readonly id: string;
  /** Data centre of the workspace, e.g. dal13: its region's endpoint serves it, and it is in its CRN. */
  readonly zone?: string;
  /** The workspace's CRN as IBM Cloud gives it; otherwise built from the account, zone and id. */
  readonly crn?: string;
}

/** PowerVS's regional endpoints: `{region}` is the data centre without its number (dal13 → dal). */
export const REGIONAL_ENDPOINT = 'https://{region}.power-iaas.cloud.ibm.com';

/** The fields of a workspace CRN, `crn:v1:bluemix:public:power-iaas:<zone>:a/<account>:<guid>::`. */
export function parseWorkspaceCrn(crn: string): { zone: string; account: string; id: string } | undefined {
  const p = crn.split(':');
  if (p.length < 8 || p[0] !== 'crn' || p[1] !== 'v1' || p[4] !== 'power-iaas' || !p[5] || !p[6]?.startsWith('a/') || !p[7]) return undefined;
  return { zone: p[5], account: p[6].slice(2), id: p[7] };
}

/** The base URL of a region: the endpoint with `{region}` filled in (an endpoint without it serves every region). */
export function endpointFor(endpoint: string, region: string | undefined): string {
  return endpoint.includes('{region}') ? endpoint.replaceAll('{region}', region ?? '') : endpoint;
}

/** The region a workspace is served from, from its zone. */
export function regionOfWorkspace(ref: WorkspaceRef | undefined, fallbackZone?: string, fallbackRegion?: string): string | undefined {
  const zone = ref?.zone ?? (ref?.crn ? parseWorkspaceCrn(ref.crn)?.zone : undefined) ?? fallbackZone;
  return zone ? regionOfZone(zone) : fallbackRegion;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ProviderConfig {
  /**
   * Base URL, with `{region}` where the region goes: REGIONAL_ENDPOINT for IBM Cloud, or
   * `http://127.0.0.1:PORT/{region}` for the simulator. One connection is made per region.
   */
  readonly endpoint: string;
  /** Region of workspaces whose zone is unknown. */
  readonly region?: string;
  /** Default data centre of workspaces that do not give one. */
  readonly zone?: string;
  /** IBM Cloud account id: with each workspace's zone and GUID it makes the CRN header PowerVS expects on every request. */
  readonly accountId?: string;
  /** Workspace name (as in the DR configuration) → cloud instance. Unlisted names are used as ids. */
  readonly workspaces?: Readonly<Record<string, WorkspaceRef>>;
  /** A bearer token to use as is (the simulator, or a token obtained elsewhere). */
  readonly token?: string;
  /** An IBM Cloud API key, exchanged at IAM for a bearer token. */
  readonly apiKey?: string;
  readonly iamEndpoint?: string;
  /** Requests in flight per endpoint (default 16). */
  readonly maxConcurrency?: number;
  /** Real ms one HTTP request may take (default 30 s). */
  readonly requestTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Real ms between polls of a long operation (default 2 s). */
  readonly pollIntervalMs?: number;
  /** Real ms a long operation may take (default 45 min). */
  readonly operationTimeoutMs?: number;
  /**
   * The endpoint has the simulator's held reads (`/sim/v1/…/settled?waitMs=`), which answer once
   * a VM or volume group settles: one request instead of polling. PowerVS has none; without this
   * the provider polls the resource's status, as against PowerVS.
   */
  readonly settledReads?: boolean;
}

export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com/identity/token';
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 10_000 };
export const DEFAULTS = {
  maxConcurrency: 16,
  requestTimeoutMs: 30_000,
  pollIntervalMs: 2_000,
  operationTimeoutMs: 45 * 60_000,
} as const;

export function endpointForRegion(region: string): string {
  return endpointFor(REGIONAL_ENDPOINT, region);
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the provider configuration from environment variables over `base`:
 *   DRCTL_POWERVS_ENDPOINT (a URL, `{region}` for the region), DRCTL_POWERVS_REGION,
 *   DRCTL_POWERVS_ZONE, DRCTL_POWERVS_ACCOUNT,
 *   DRCTL_POWERVS_WORKSPACES ("name=guid[@zone],…" or "name=crn:v1:…,…"), DRCTL_POWERVS_TOKEN,
 *   IBMCLOUD_API_KEY (or IC_API_KEY), DRCTL_IAM_ENDPOINT, DRCTL_POWERVS_MAX_CONCURRENCY,
 *   DRCTL_POWERVS_REQUEST_TIMEOUT_MS, DRCTL_POWERVS_POLL_INTERVAL_MS,
 *   DRCTL_POWERVS_OPERATION_TIMEOUT_MS, DRCTL_POWERVS_MAX_ATTEMPTS.
 * Returns the merged config, or diagnostics saying what is missing or malformed.
 */
export function providerConfigFromEnv(env: Env, base: Partial<ProviderConfig> = {}): { config?: ProviderConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const get = (k: string) => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (k: string, fallback: number | undefined): number | undefined => {
    const v = get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      diagnostics.push(errorDiag('Invalid provider setting', `${k} must be a positive whole number, not "${v}".`));
      return fallback;
    }
    return n;
  };

  const region = get('DRCTL_POWERVS_REGION') ?? base.region;
  const endpoint = get('DRCTL_POWERVS_ENDPOINT') ?? base.endpoint ?? REGIONAL_ENDPOINT;
  let workspaces = base.workspaces;
  const wsText = get('DRCTL_POWERVS_WORKSPACES');
  if (wsText) {
    const parsed: Record<string, WorkspaceRef> = { ...(workspaces ?? {}) };
    for (const item of wsText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const eq = item.indexOf('=');
      const crn = eq > 0 ? parseWorkspaceCrn(item.slice(eq + 1)) : undefined;
      if (crn) {
        parsed[item.slice(0, eq)] = { id: crn.id, zone: crn.zone, crn: item.slice(eq + 1) };
        continue;
      }
      const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(item);
      if (!m) {
        diagnostics.push(
          errorDiag(
            'Invalid provider setting',
            `DRCTL_POWERVS_WORKSPACES entry "${item}" must look like name=cloud-instance-id, name=cloud-instance-id@zone or name=<workspace CRN>.`,
          ),
        );
        continue;
      }
      parsed[m[1]] = m[3] ? { id: m[2], zone: m[3] } : { id: m[2] };
    }
    workspaces = parsed;
  }
  const retryBase = { ...DEFAULT_RETRY, ...(base.retry ?? {}) };
  const config: ProviderConfig = {
    ...base,
    endpoint: endpoint ?? '',
    region,
    zone: get('DRCTL_POWERVS_ZONE') ?? base.zone,
    accountId: get('DRCTL_POWERVS_ACCOUNT') ?? base.accountId,
    workspaces,
    token: get('DRCTL_POWERVS_TOKEN') ?? base.token,
    apiKey: get('IBMCLOUD_API_KEY') ?? get('IC_API_KEY') ?? base.apiKey,
    iamEndpoint: get('DRCTL_IAM_ENDPOINT') ?? base.iamEndpoint,
    maxConcurrency: int('DRCTL_POWERVS_MAX_CONCURRENCY', base.maxConcurrency),
    requestTimeoutMs: int('DRCTL_POWERVS_REQUEST_TIMEOUT_MS', base.requestTimeoutMs),
    pollIntervalMs: int('DRCTL_POWERVS_POLL_INTERVAL_MS', base.pollIntervalMs),
    operationTimeoutMs: int('DRCTL_POWERVS_OPERATION_TIMEOUT_MS', base.operationTimeoutMs),
    retry: { ...retryBase, maxAttempts: int('DRCTL_POWERVS_MAX_ATTEMPTS', retryBase.maxAttempts) ?? retryBase.maxAttempts },
  };
  diagnostics.push(...checkProviderConfig(config));
  return diagnostics.length ? { diagnostics } : { config, diagnostics };
}

/** Problems that make a configuration unusable. */
export function checkProviderConfig(c: Partial<ProviderConfig>): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!c.endpoint) {
    out.push(errorDiag('No PowerVS endpoint', `Set the endpoint in the drctl settings block or DRCTL_POWERVS_ENDPOINT (IBM Cloud: ${REGIONAL_ENDPOINT}).`));
  } else {
    let url: URL | undefined;
    try {
      url = new URL(endpointFor(c.endpoint, 'region'));
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      out.push(errorDiag('Invalid PowerVS endpoint', `"${c.endpoint}" is not an http(s) URL (write {region} where the region goes).`));
    }
  }
  // PowerVS wants a CRN header naming the workspace on every request to it.
  const noCrn = Object.entries(c.workspaces ?? {})
    .filter(([, ref]) => !ref.crn && !(c.accountId && (ref.zone ?? c.zone)))
    .map(([name]) => name);
  if (noCrn.length) {
    out.push(
      errorDiag(
        'No CRN for a workspace',
        `PowerVS needs the CRN of the workspace on every request, and drctl cannot make one for ${noCrn.join(', ')}: set the account (DRCTL_POWERVS_ACCOUNT) and the site's location, or give the workspace's CRN (DRCTL_POWERVS_WORKSPACES=name=crn:v1:…, or the drctl block's workspaces).`,
      ),
    );
  }
  if (!c.token && !c.apiKey) {
    out.push(errorDiag('No PowerVS credentials', 'Set an API key (IBMCLOUD_API_KEY) to exchange at IBM Cloud IAM, or a bearer token (DRCTL_POWERVS_TOKEN).'));
  }
  return out;
}

/** A configuration for the embedded simulator, with polling paced to its time scale. */
export function providerConfigForSimulator(
  sim: { readonly url: string; readonly token: string; readonly timeScale: number; readonly account?: string },
  overrides: Partial<ProviderConfig> = {},
): ProviderConfig {
  const scale = sim.timeScale;
  return {
    // One prefix per region: the simulator serves each region as PowerVS serves it, apart.
    endpoint: `${sim.url}/{region}`,
    accountId: sim.account,
    token: sim.token,
    maxConcurrency: 32,
    requestTimeoutMs: 10_000,
    retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 },
    // A poll every ~10 model seconds, within 20 ms–2 s of real time.
    pollIntervalMs: Math.min(2_000, Math.max(20, Math.round(10_000 * scale))),
    // The cloud's 45 minutes in model time, but at least 30 real seconds.
    operationTimeoutMs: Math.max(30_000, Math.round(45 * 60_000 * scale)),
    settledReads: true,
    ...overrides,
  };
}
