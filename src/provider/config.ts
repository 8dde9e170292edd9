// Provider configuration: where the PowerVS API is, which workspaces it holds, how to
// authenticate, and how patient to be. The config layer maps the `drctl` settings block onto
// this type; environment variables fill in or override (providerConfigFromEnv).

import { errorDiag, type Diagnostic } from '../diag/types.js';

export interface WorkspaceRef {
  /** The cloud instance id (GUID) of the workspace. */
  readonly id: string;
  /** Data centre of the workspace, e.g. dal13; needed for its CRN. */
  readonly zone?: string;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ProviderConfig {
  /** Base URL, e.g. https://us-south.power-iaas.cloud.ibm.com or a simulator URL. */
  readonly endpoint: string;
  readonly region?: string;
  /** Default data centre for CRNs of workspaces that do not give one. */
  readonly zone?: string;
  /** IBM Cloud account id; with a zone it yields the CRN header PowerVS expects. */
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
   * The endpoint holds a task read (`?waitMs=`) until the task settles, and a VM power task
   * settles when the VM does: the simulator. PowerVS answers task reads at once, and its VM
   * actions give no task, so without this the provider reads the VM instead.
   */
  readonly longPollTasks?: boolean;
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
  return `https://${region}.power-iaas.cloud.ibm.com`;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the provider configuration from environment variables over `base`:
 *   DRCTL_POWERVS_ENDPOINT, DRCTL_POWERVS_REGION, DRCTL_POWERVS_ZONE, DRCTL_POWERVS_ACCOUNT,
 *   DRCTL_POWERVS_WORKSPACES ("name=id[@zone],…"), DRCTL_POWERVS_TOKEN,
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
  const endpoint = get('DRCTL_POWERVS_ENDPOINT') ?? base.endpoint ?? (region ? endpointForRegion(region) : undefined);
  let workspaces = base.workspaces;
  const wsText = get('DRCTL_POWERVS_WORKSPACES');
  if (wsText) {
    const parsed: Record<string, WorkspaceRef> = { ...(workspaces ?? {}) };
    for (const item of wsText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(item);
      if (!m) {
        diagnostics.push(
          errorDiag(
            'Invalid provider setting',
            `DRCTL_POWERVS_WORKSPACES entry "${item}" must look like name=cloud-instance-id or name=cloud-instance-id@zone.`,
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
    out.push(errorDiag('No PowerVS endpoint', 'Set the endpoint (or region) in the drctl settings block, or DRCTL_POWERVS_ENDPOINT / DRCTL_POWERVS_REGION.'));
  } else {
    let url: URL | undefined;
    try {
      url = new URL(c.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      out.push(errorDiag('Invalid PowerVS endpoint', `"${c.endpoint}" is not an http(s) URL.`));
    }
  }
  if (!c.token && !c.apiKey) {
    out.push(errorDiag('No PowerVS credentials', 'Set an API key (IBMCLOUD_API_KEY) to exchange at IBM Cloud IAM, or a bearer token (DRCTL_POWERVS_TOKEN).'));
  }
  return out;
}

/** A configuration for the embedded simulator, with polling paced to its time scale. */
export function providerConfigForSimulator(
  sim: { readonly url: string; readonly token: string; readonly timeScale: number },
  overrides: Partial<ProviderConfig> = {},
): ProviderConfig {
  const scale = sim.timeScale;
  return {
    endpoint: sim.url,
    token: sim.token,
    maxConcurrency: 32,
    requestTimeoutMs: 10_000,
    retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 },
    // A poll every ~10 model seconds, within 20 ms–2 s of real time.
    pollIntervalMs: Math.min(2_000, Math.max(20, Math.round(10_000 * scale))),
    // The cloud's 45 minutes in model time, but at least 30 real seconds.
    operationTimeoutMs: Math.max(30_000, Math.round(45 * 60_000 * scale)),
    longPollTasks: true,
    ...overrides,
  };
}
