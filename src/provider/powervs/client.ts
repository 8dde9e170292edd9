// The plumbing under the PowerVS provider: one HTTP connection pool per region (PowerVS has one
// endpoint per region, and a site's zone decides which), the bearer token and the CRN header on
// every workspace request, retries with backoff, and polling.
//
// Reliability rules:
// - 429, 5xx, resets, refused connections and timeouts are retried with exponential backoff
//   and full jitter (Retry-After is honoured up to the maximum delay).
// - A failure after which the server may have applied the change (5xx, reset, timeout on a
//   write) makes the call "ambiguous": the caller's `beforeAmbiguousRetry` looks for what the
//   lost attempt made before the write is sent again.

import {
  checkProviderConfig,
  DEFAULT_IAM_ENDPOINT,
  DEFAULT_RETRY,
  DEFAULTS,
  endpointFor,
  regionOfWorkspace,
  type ProviderConfig,
  type RetryPolicy,
} from '../config.js';
import { codeForStatus, ProviderError, type ProviderErrorCode } from '../errors.js';
import type { OperationOptions } from '../types.js';
import { IamError, iamTokenSource, staticToken, workspaceCrn, type TokenSource } from './auth.js';
import { HttpTransport, TransportError, type HttpResponse } from './http.js';
import { errorMessageOf } from './mapping.js';

export interface ProviderDeps {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly tokenSource?: TokenSource;
}

/** One call's context: what it does to what, where, and through which regional endpoint. */
export interface Ctx {
  readonly operation: string;
  resource: string;
  readonly workspace: string;
  readonly cloudId: string;
  readonly crn?: string;
  readonly transport: HttpTransport;
}

export type Exchange = { readonly res: HttpResponse; readonly ambiguous: boolean; readonly attempts: number };

export const ok = (status: number) => status >= 200 && status < 300;
export const enc = encodeURIComponent;

export class PowerVsClient {
  private readonly transports = new Map<string, HttpTransport>();
  private readonly tokens: TokenSource;
  private readonly retry: RetryPolicy;
  readonly pollIntervalMs: number;
  readonly operationTimeoutMs: number;
  readonly settledReads: boolean;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;

  constructor(
    readonly config: ProviderConfig,
    deps: ProviderDeps = {},
  ) {
    const problems = checkProviderConfig(config);
    if (problems.length && !deps.tokenSource) {
      throw new ProviderError({
        code: 'config',
        resource: 'PowerVS provider',
        operation: 'configure',
        detail: problems.map((p) => `${p.summary}: ${p.detail ?? ''}`).join('; '),
      });
    }
    this.tokens =
      deps.tokenSource ?? (config.token ? staticToken(config.token) : iamTokenSource(config.apiKey ?? '', config.iamEndpoint ?? DEFAULT_IAM_ENDPOINT));
    this.retry = { ...DEFAULT_RETRY, ...(config.retry ?? {}) };
    this.pollIntervalMs = config.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
    this.operationTimeoutMs = config.operationTimeoutMs ?? DEFAULTS.operationTimeoutMs;
    this.settledReads = config.settledReads === true;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
  }

  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  /** The connection pool of a region's endpoint, made on first use. */
  private transportFor(region: string | undefined): HttpTransport {
    const base = endpointFor(this.config.endpoint, region);
    let t = this.transports.get(base);
    if (!t) {
      t = new HttpTransport(new URL(base), {
        maxConcurrency: this.config.maxConcurrency ?? DEFAULTS.maxConcurrency,
        timeoutMs: this.config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      });
      this.transports.set(base, t);
    }
    return t;
  }

  /** The regions connected so far (tests: one per region the workspaces span). */
  connectedEndpoints(): string[] {
    return [...this.transports.keys()];
  }

  ctx(operation: string, workspace: string, resource: string): Ctx {
    const ref = this.config.workspaces?.[workspace];
    const cloudId = ref?.id ?? workspace;
    const zone = ref?.zone ?? this.config.zone;
    const crn = ref?.crn ?? (this.config.accountId && zone ? workspaceCrn(zone, this.config.accountId, cloudId) : undefined);
    const region = regionOfWorkspace(ref, this.config.zone, this.config.region);
    return { operation, resource, workspace, cloudId, crn, transport: this.transportFor(region) };
  }

  /** `/pcloud/v1/cloud-instances/<id>` (or v2) of the call's workspace. */
  base(ctx: Ctx, version: 1 | 2 = 1): string {
    return `/pcloud/v${version}/cloud-instances/${enc(ctx.cloudId)}`;
  }

  private async headers(ctx: Ctx): Promise<Record<string, string>> {
    let token: string;
    try {
      token = await this.tokens.token();
    } catch (e) {
      if (e instanceof IamError) throw this.error(ctx, 'unauthorized', e.message, e.status);
      throw this.error(ctx, 'network', `IBM Cloud IAM could not be reached: ${(e as Error).message}`);
    }
    if (!ctx.crn) {
      throw this.error(
        ctx,
        'config',
        `no CRN for workspace ${ctx.workspace}: PowerVS needs one on every request; set the account (DRCTL_POWERVS_ACCOUNT) and the site's location, or give the workspace's CRN`,
      );
    }
    return { authorization: `Bearer ${token}`, crn: ctx.crn };
  }

  /** Full-jitter exponential backoff; attempt counts retries from 1. */
  backoffMs(retry: number, retryAfterMs?: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1));
    const jitter = this.random() * cap;
    return retryAfterMs !== undefined ? Math.max(jitter, Math.min(retryAfterMs, this.retry.maxDelayMs)) : jitter;
  }

  /**
   * Sends one request, retrying what is worth retrying. `beforeAmbiguousRetry` runs before a
   * write is re-sent after an ambiguous failure; a value it returns ends the call (adopted).
   */
  async request<T>(
    ctx: Ctx,
    method: string,
    path: string,
    body?: unknown,
    beforeAmbiguousRetry?: () => Promise<T | undefined>,
    heldMs = 0,
  ): Promise<Exchange | { readonly adopted: T; readonly attempts: number }> {
    let ambiguous = false;
    let refreshed = false;
    let last: HttpResponse | TransportError | undefined;
    let retryAfterMs: number | undefined;
    let attempt = 0;
    while (attempt < this.retry.maxAttempts) {
      attempt++;
      if (attempt > 1) {
        await this.sleep(this.backoffMs(attempt - 1, retryAfterMs));
        retryAfterMs = undefined;
        if (ambiguous && beforeAmbiguousRetry) {
          const found = await beforeAmbiguousRetry();
          if (found !== undefined) return { adopted: found, attempts: attempt - 1 };
        }
      }
      let res: HttpResponse;
      try {
        res = await ctx.transport.send(method, path, body, await this.headers(ctx), heldMs);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (e.kind !== 'refused' && method !== 'GET') ambiguous = true;
        last = e;
        continue;
      }
      if (res.status === 401 && !refreshed && this.tokens.invalidate()) {
        refreshed = true;
        attempt--;
        continue;
      }
      if (res.status === 429) {
        last = res;
        retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        continue;
      }
      if (res.status >= 500) {
        if (method !== 'GET') ambiguous = true;
        last = res;
        continue;
      }
      return { res, ambiguous, attempts: attempt };
    }
    if (last instanceof TransportError) {
      throw this.error(ctx, last.kind === 'timeout' ? 'timeout' : 'network', last.message, undefined, attempt);
    }
    if (last) throw this.responseError(ctx, last, attempt);
    throw this.error(ctx, 'network', 'no attempt was made');
  }

  /** A request whose outcome must be a plain response (no adoption). */
  async exchange(ctx: Ctx, method: string, path: string, body?: unknown, heldMs = 0): Promise<Exchange> {
    return (await this.request<never>(ctx, method, path, body, undefined, heldMs)) as Exchange;
  }

  error(ctx: Ctx, code: ProviderErrorCode, detail: string, status?: number, attempts?: number): ProviderError {
    return new ProviderError({ code, resource: ctx.resource, operation: ctx.operation, workspace: ctx.workspace, status, detail, attempts });
  }

  responseError(ctx: Ctx, res: HttpResponse, attempts?: number): ProviderError {
    return this.error(ctx, codeForStatus(res.status), errorMessageOf(res.body, res.text, res.status), res.status, attempts);
  }

  /** The answer to a GET, or undefined for a 404. */
  async getResponse(ctx: Ctx, path: string, heldMs = 0): Promise<HttpResponse | undefined> {
    const { res, attempts } = await this.exchange(ctx, 'GET', path, undefined, heldMs);
    if (res.status === 404) return undefined;
    if (!ok(res.status)) throw this.responseError(ctx, res, attempts);
    return res;
  }

  async getJson(ctx: Ctx, path: string, heldMs = 0): Promise<unknown | undefined> {
    return (await this.getResponse(ctx, path, heldMs))?.body;
  }

  /** The answer to a GET that must be there: a 404 is an error with the endpoint's own words. */
  async mustGet(ctx: Ctx, path: string, heldMs = 0): Promise<unknown> {
    const { res, attempts } = await this.exchange(ctx, 'GET', path, undefined, heldMs);
    if (!ok(res.status)) throw this.responseError(ctx, res, attempts);
    return res.body;
  }

  async poll<T>(
    ctx: Ctx,
    read: () => Promise<T>,
    settled: (t: T) => boolean,
    failed: (t: T) => { code: ProviderErrorCode; detail: string } | undefined,
    describe: (t: T) => string,
    goal: string,
    opts: OperationOptions | undefined,
  ): Promise<T> {
    const timeoutMs = opts?.timeoutMs ?? this.operationTimeoutMs;
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const t = await read();
      const f = failed(t);
      if (f) throw this.error(ctx, f.code, f.detail);
      if (settled(t)) return t;
      if (this.now() >= deadline) {
        throw this.error(ctx, 'timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting to ${goal} (last seen: ${describe(t)})`);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }
}

/** The time an answer was made (its Date header), in epoch ms. */
export function dateOf(res: HttpResponse | undefined): number | undefined {
  const d = res?.headers.date;
  const ms = typeof d === 'string' ? Date.parse(d) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const text = Array.isArray(v) ? v[0] : v;
  if (!text) return undefined;
  const secs = Number(text);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
