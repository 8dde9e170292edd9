// Bearer tokens for the PowerVS API: either given as is, or obtained from IBM Cloud IAM by
// exchanging an API key (POST https://iam.cloud.ibm.com/identity/token with
// grant_type=urn:ibm:params:oauth:grant-type:apikey), cached until shortly before expiry.
// The IAM exchange follows IBM's public API documentation; it is tested against the
// simulator's IAM stand-in, not against the live cloud.

export interface TokenSource {
  token(): Promise<string>;
  /** Forget the cached token (after a 401); false when there is nothing to refresh. */
  invalidate(): boolean;
}

export function staticToken(token: string): TokenSource {
  return { token: () => Promise.resolve(token), invalidate: () => false };
}

export class IamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'IamError';
  }
}

interface IamResponse {
  readonly access_token?: string;
  readonly expires_in?: number;
  readonly expiration?: number;
  readonly errorMessage?: string;
  readonly errorCode?: string;
}

export function iamTokenSource(apiKey: string, iamEndpoint: string, now: () => number = Date.now): TokenSource {
  let cached: { token: string; refreshAtMs: number } | undefined;
  let inflight: Promise<string> | undefined;
  const exchange = async (): Promise<string> => {
    const res = await fetch(iamEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json().catch(() => ({}))) as IamResponse;
    if (!res.ok || !body.access_token) {
      const why = body.errorMessage ?? `HTTP ${res.status}`;
      throw new IamError(`IBM Cloud IAM refused the API key: ${why}${body.errorCode ? ` (${body.errorCode})` : ''}`, res.status);
    }
    const lifetimeMs = (body.expires_in ?? 3600) * 1000;
    // Refresh at 80% of the lifetime, as IBM's SDKs do.
    cached = { token: body.access_token, refreshAtMs: now() + lifetimeMs * 0.8 };
    return body.access_token;
  };
  return {
    token: () => {
      if (cached && now() < cached.refreshAtMs) return Promise.resolve(cached.token);
      inflight ??= exchange().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate: () => {
      cached = undefined;
      return true;
    },
  };
}

/** The CRN header PowerVS expects for a workspace. */
export function workspaceCrn(zone: string, accountId: string, cloudInstanceId: string): string {
  return `crn:v1:bluemix:public:power-iaas:${zone}:a/${accountId}:${cloudInstanceId}::`;
}
