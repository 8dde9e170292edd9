// The PowerVS provider: the Provider interface over the PowerVS REST API (or the simulator,
// which speaks the same subset).
//
// Reliability rules:
// - 429, 5xx, resets, refused connections and timeouts are retried with exponential backoff
//   and full jitter (Retry-After is honoured up to the maximum delay).
// - A failure after which the server may have applied the change (5xx, reset, timeout on a
//   write) makes the call "ambiguous". Before re-sending a create, the provider looks the
//   resource up by name and adopts it, so a retry never makes a second VM. A 409 or 404
//   answered to a retried write is checked against the resource's state before it counts.
// - Long operations are polled until they settle or time out.

import { checkProviderConfig, DEFAULT_IAM_ENDPOINT, DEFAULT_RETRY, DEFAULTS, type ProviderConfig, type RetryPolicy } from '../config.js';
import { codeForStatus, ProviderError, type ProviderErrorCode } from '../errors.js';
import type {
  CloneResult,
  DeleteOptions,
  DisasterRecoverySite,
  NetworkSpec,
  NetworkState,
  OperationOptions,
  PowerOptions,
  Provider,
  ReplicationStatus,
  ResourceKind,
  ResourceSpecs,
  ResourceStates,
  ResourceUpdates,
  VmPowerAction,
  VmSpec,
  VmState,
  VolumeGroupSpec,
  VolumeGroupState,
  VolumeSpec,
  VolumeState,
} from '../types.js';
import { IamError, iamTokenSource, staticToken, workspaceCrn, type TokenSource } from './auth.js';
import { HttpTransport, TransportError, type HttpResponse } from './http.js';
import { errorMessageOf, toNetworkState, toReplicationStatus, toVmState, toVolumeGroupState, toVolumeState } from './mapping.js';

export interface ProviderDeps {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly tokenSource?: TokenSource;
}

interface Ctx {
  readonly operation: string;
  resource: string;
  readonly workspace: string;
  readonly cloudId: string;
  readonly zone?: string;
}

type Exchange = { readonly res: HttpResponse; readonly ambiguous: boolean; readonly attempts: number };

interface KindInfo {
  readonly label: string;
  readonly path: string;
  readonly listKey: string;
  readonly toState: (b: unknown) => ResourceStates[ResourceKind];
}

const KINDS: Readonly<Record<ResourceKind, KindInfo>> = {
  vm: { label: 'vm', path: 'pvm-instances', listKey: 'pvmInstances', toState: toVmState },
  volume: { label: 'volume', path: 'volumes', listKey: 'volumes', toState: toVolumeState },
  volume_group: { label: 'volume group', path: 'volume-groups', listKey: 'volumeGroups', toState: toVolumeGroupState },
  network: { label: 'network', path: 'networks', listKey: 'networks', toState: toNetworkState },
};

const ok = (status: number) => status >= 200 && status < 300;
/** Longest a long-polled task read is held (below the simulator's own cap of 30 s). */
const MAX_HELD_MS = 25_000;
const enc = encodeURIComponent;

export class PowerVsProvider implements Provider {
  readonly name = 'powervs';
  private readonly transport: HttpTransport;
  private readonly tokens: TokenSource;
  private readonly retry: RetryPolicy;
  private readonly pollIntervalMs: number;
  private readonly operationTimeoutMs: number;
  private readonly longPollTasks: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly config: ProviderConfig,
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
    this.transport = new HttpTransport(new URL(config.endpoint), {
      maxConcurrency: config.maxConcurrency ?? DEFAULTS.maxConcurrency,
      timeoutMs: config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    });
    this.tokens =
      deps.tokenSource ?? (config.token ? staticToken(config.token) : iamTokenSource(config.apiKey ?? '', config.iamEndpoint ?? DEFAULT_IAM_ENDPOINT));
    this.retry = { ...DEFAULT_RETRY, ...(config.retry ?? {}) };
    this.pollIntervalMs = config.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
    this.operationTimeoutMs = config.operationTimeoutMs ?? DEFAULTS.operationTimeoutMs;
    this.longPollTasks = config.longPollTasks === true;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  // ---- plumbing -----------------------------------------------------------------------

  private ctx(operation: string, workspace: string, resource: string): Ctx {
    const ref = this.config.workspaces?.[workspace];
    return { operation, resource, workspace, cloudId: ref?.id ?? workspace, zone: ref?.zone ?? this.config.zone };
  }

  private base(ctx: Ctx): string {
    return `/pcloud/v1/cloud-instances/${enc(ctx.cloudId)}`;
  }

  private async headers(ctx: Ctx): Promise<Record<string, string>> {
    let token: string;
    try {
      token = await this.tokens.token();
    } catch (e) {
      if (e instanceof IamError) throw this.error(ctx, 'unauthorized', e.message, e.status);
      throw this.error(ctx, 'network', `IBM Cloud IAM could not be reached: ${(e as Error).message}`);
    }
    const h: Record<string, string> = { authorization: `Bearer ${token}` };
    if (this.config.accountId && ctx.zone) h.crn = workspaceCrn(ctx.zone, this.config.accountId, ctx.cloudId);
    return h;
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
  private async request<T>(
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
        res = await this.transport.send(method, path, body, await this.headers(ctx), heldMs);
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
  private async exchange(ctx: Ctx, method: string, path: string, body?: unknown, heldMs = 0): Promise<Exchange> {
    return (await this.request<never>(ctx, method, path, body, undefined, heldMs)) as Exchange;
  }

  private error(ctx: Ctx, code: ProviderErrorCode, detail: string, status?: number, attempts?: number): ProviderError {
    return new ProviderError({ code, resource: ctx.resource, operation: ctx.operation, workspace: ctx.workspace, status, detail, attempts });
  }

  private responseError(ctx: Ctx, res: HttpResponse, attempts?: number): ProviderError {
    return this.error(ctx, codeForStatus(res.status), errorMessageOf(res.body, res.text, res.status), res.status, attempts);
  }

  private async getJson(ctx: Ctx, path: string, heldMs = 0): Promise<unknown | undefined> {
    const { res, attempts } = await this.exchange(ctx, 'GET', path, undefined, heldMs);
    if (res.status === 404) return undefined;
    if (!ok(res.status)) throw this.responseError(ctx, res, attempts);
    return res.body;
  }

  private async mustGet(ctx: Ctx, path: string, heldMs = 0): Promise<unknown> {
    const body = await this.getJson(ctx, path, heldMs);
    if (body === undefined) throw this.error(ctx, 'not_found', 'it does not exist', 404);
    return body;
  }

  private async poll<T>(
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

  // ---- generic CRUD -------------------------------------------------------------------

  async read<K extends ResourceKind>(kind: K, workspace: string, id: string): Promise<ResourceStates[K] | undefined> {
    const info = KINDS[kind];
    const ctx = this.ctx('read', workspace, `${info.label} ${id}`);
    const body = await this.getJson(ctx, `${this.base(ctx)}/${info.path}/${enc(id)}`);
    return body === undefined ? undefined : (info.toState(body) as ResourceStates[K]);
  }

  async list<K extends ResourceKind>(kind: K, workspace: string): Promise<ResourceStates[K][]> {
    const info = KINDS[kind];
    const ctx = this.ctx('list', workspace, `${info.label}s`);
    return this.listIn(ctx, kind);
  }

  private async listIn<K extends ResourceKind>(ctx: Ctx, kind: K): Promise<ResourceStates[K][]> {
    const info = KINDS[kind];
    const body = (await this.mustGet(ctx, `${this.base(ctx)}/${info.path}`)) as Record<string, unknown>;
    const items = Array.isArray(body?.[info.listKey]) ? (body[info.listKey] as unknown[]) : [];
    if (kind === 'network') {
      // The network list holds references only; fetch each for its cidr and gateway.
      const full = await Promise.all(
        items.map((it) => this.getJson(ctx, `${this.base(ctx)}/networks/${enc(String((it as Record<string, unknown>).networkID))}`)),
      );
      return full.filter((b) => b !== undefined).map((b) => info.toState(b) as ResourceStates[K]);
    }
    return items.map((b) => info.toState(b) as ResourceStates[K]);
  }

  async findByName<K extends ResourceKind>(kind: K, workspace: string, name: string): Promise<ResourceStates[K] | undefined> {
    const ctx = this.ctx('find', workspace, `${KINDS[kind].label} "${name}"`);
    return this.findIn(ctx, kind, name);
  }

  private async findIn<K extends ResourceKind>(ctx: Ctx, kind: K, name: string): Promise<ResourceStates[K] | undefined> {
    const matches = (await this.listIn(ctx, kind)).filter((r) => r.name === name);
    if (matches.length > 1) throw this.error(ctx, 'conflict', `${matches.length} resources share the name "${name}"; names must be unique for drctl`);
    return matches[0];
  }

  async create<K extends ResourceKind>(kind: K, workspace: string, spec: ResourceSpecs[K], opts?: OperationOptions): Promise<ResourceStates[K]> {
    const ctx = this.ctx('create', workspace, `${KINDS[kind].label} "${spec.name}"`);
    switch (kind) {
      case 'vm':
        return (await this.createVm(ctx, spec as VmSpec, opts)) as ResourceStates[K];
      case 'volume':
        return (await this.createVolume(ctx, spec as VolumeSpec)) as ResourceStates[K];
      case 'volume_group':
        return (await this.createVolumeGroup(ctx, spec as VolumeGroupSpec, opts)) as ResourceStates[K];
      case 'network':
        return (await this.createNetwork(ctx, spec as NetworkSpec)) as ResourceStates[K];
    }
    throw new Error(`unknown resource kind ${String(kind)}`);
  }

  /** POST, adopting a resource of the same name if an earlier attempt may have made it. */
  private async createOnce<K extends ResourceKind>(ctx: Ctx, kind: K, name: string, body: unknown): Promise<ResourceStates[K]> {
    const info = KINDS[kind];
    const find = () => this.findIn(ctx, kind, name);
    const path = `${this.base(ctx)}/${info.path}`;
    const out = await this.request(ctx, 'POST', path, body, find);
    if ('adopted' in out) return out.adopted;
    const { res, ambiguous, attempts } = out;
    if (ok(res.status)) {
      const created = Array.isArray(res.body) ? res.body[0] : res.body;
      return info.toState(created) as ResourceStates[K];
    }
    if ((res.status === 409 || res.status === 400) && ambiguous) {
      const existing = await find();
      if (existing) return existing;
    }
    throw this.responseError(ctx, res, attempts);
  }

  private async createVm(ctx: Ctx, spec: VmSpec, opts?: OperationOptions): Promise<VmState> {
    const body: Record<string, unknown> = {
      serverName: spec.name,
      processors: spec.processors,
      procType: spec.procType,
      memory: spec.memoryGb,
      sysType: spec.machineType,
      imageID: spec.imageId ?? `${spec.os}-stock`,
      storageType: spec.storageTier ?? 'tier1',
      networks: spec.networkIds.map((networkID) => ({ networkID })),
      ...(spec.volumeIds?.length ? { volumeIDs: spec.volumeIds } : {}),
      ...(spec.imageId ? {} : { osType: spec.os }),
    };
    const vm = await this.createOnce(ctx, 'vm', spec.name, body);
    if (opts?.wait === false || vm.ready) return vm;
    const up = await this.waitVm(ctx, vm.id, (s) => s.ready, 'become ACTIVE and healthy', opts);
    reportCloudTime(opts, up.createdAt, up.updatedAt);
    return up;
  }

  private waitVm(ctx: Ctx, id: string, settled: (s: VmState) => boolean, goal: string, opts?: OperationOptions): Promise<VmState> {
    return this.poll(
      ctx,
      async () => toVmState(await this.mustGet(ctx, `${this.base(ctx)}/pvm-instances/${enc(id)}`)),
      settled,
      (s) => (s.status === 'ERROR' && !settled(s) ? { code: 'boot_failed', detail: `it went into ERROR${s.fault ? `: ${s.fault}` : ''}` } : undefined),
      (s) => `${s.status}/${s.health}`,
      goal,
      opts,
    );
  }

  private createVolume(ctx: Ctx, spec: VolumeSpec): Promise<VolumeState> {
    return this.createOnce(ctx, 'volume', spec.name, {
      name: spec.name,
      size: spec.sizeGb,
      diskType: spec.tier,
      shareable: spec.shareable ?? false,
      replicationEnabled: spec.replicationEnabled ?? false,
    });
  }

  private async createVolumeGroup(ctx: Ctx, spec: VolumeGroupSpec, opts?: OperationOptions): Promise<VolumeGroupState> {
    const g = await this.createOnce(ctx, 'volume_group', spec.name, { name: spec.name, volumeIDs: spec.volumeIds });
    if (opts?.wait === false) return g;
    return this.waitGroupSettled(ctx, g.id, opts);
  }

  private createNetwork(ctx: Ctx, spec: NetworkSpec): Promise<NetworkState> {
    return this.createOnce(ctx, 'network', spec.name, {
      name: spec.name,
      type: spec.type,
      ...(spec.cidr ? { cidr: spec.cidr } : {}),
      ...(spec.gateway ? { gateway: spec.gateway } : {}),
      ...(spec.dnsServers ? { dnsServers: spec.dnsServers } : {}),
    });
  }

  private async readIn<K extends ResourceKind>(ctx: Ctx, kind: K, id: string): Promise<ResourceStates[K]> {
    const info = KINDS[kind];
    const state = info.toState(await this.mustGet(ctx, `${this.base(ctx)}/${info.path}/${enc(id)}`)) as ResourceStates[K];
    ctx.resource = `${info.label} "${state.name}"`;
    return state;
  }

  async update<K extends ResourceKind>(
    kind: K,
    workspace: string,
    id: string,
    change: ResourceUpdates[K],
    opts?: OperationOptions,
  ): Promise<ResourceStates[K]> {
    const info = KINDS[kind];
    const ctx = this.ctx('update', workspace, `${info.label} ${id}`);
    const cur = await this.readIn(ctx, kind, id);
    const path = `${this.base(ctx)}/${info.path}/${enc(id)}`;
    let body: Record<string, unknown>;
    let reached: (s: ResourceStates[K]) => boolean;
    switch (kind) {
      case 'vm': {
        const c = change as ResourceUpdates['vm'];
        body = { serverName: c.name, processors: c.processors, procType: c.procType, memory: c.memoryGb };
        reached = (s) => {
          const v = s as VmState;
          return (c.name ?? v.name) === v.name && (c.processors ?? v.processors) === v.processors && (c.memoryGb ?? v.memoryGb) === v.memoryGb;
        };
        break;
      }
      case 'volume': {
        const c = change as ResourceUpdates['volume'];
        body = { name: c.name, size: c.sizeGb, replicationEnabled: c.replicationEnabled };
        reached = (s) => {
          const v = s as VolumeState;
          return (
            (c.name ?? v.name) === v.name && (c.sizeGb ?? v.sizeGb) === v.sizeGb && (c.replicationEnabled ?? v.replicationEnabled) === v.replicationEnabled
          );
        };
        break;
      }
      case 'volume_group': {
        const c = change as ResourceUpdates['volume_group'];
        const g = cur as VolumeGroupState;
        const want = c.volumeIds ? new Set(c.volumeIds) : undefined;
        const add = want ? [...want].filter((v) => !g.volumeIds.includes(v)) : [];
        const remove = want ? g.volumeIds.filter((v) => !want.has(v)) : [];
        body = { name: c.name, ...(add.length ? { addVolumes: add } : {}), ...(remove.length ? { removeVolumes: remove } : {}) };
        reached = (s) => {
          const v = s as VolumeGroupState;
          return (c.name ?? v.name) === v.name && (!want || (v.volumeIds.length === want.size && v.volumeIds.every((x) => want.has(x))));
        };
        break;
      }
      case 'network': {
        const c = change as ResourceUpdates['network'];
        body = { name: c.name, dnsServers: c.dnsServers };
        reached = (s) => (c.name ?? s.name) === s.name;
        break;
      }
      default:
        throw new Error(`unknown resource kind ${String(kind)}`);
    }
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    if (Object.keys(body).length > 0) {
      const { res, ambiguous, attempts } = await this.exchange(ctx, 'PUT', path, body);
      if (!ok(res.status)) {
        // A retried PUT may meet its own earlier success (e.g. "name already taken").
        const now = ambiguous && res.status < 500 ? await this.readIn(ctx, kind, id) : undefined;
        if (!now || !reached(now)) throw this.responseError(ctx, res, attempts);
      }
    }
    if (kind === 'volume_group' && opts?.wait !== false) return (await this.waitGroupSettled(ctx, id, opts)) as ResourceStates[K];
    return this.readIn(ctx, kind, id);
  }

  async delete(kind: ResourceKind, workspace: string, id: string, opts?: DeleteOptions): Promise<void> {
    const info = KINDS[kind];
    const ctx = this.ctx('delete', workspace, `${info.label} ${id}`);
    const path = `${this.base(ctx)}/${info.path}/${enc(id)}`;
    const body = await this.getJson(ctx, path);
    if (body === undefined) {
      if (opts?.missingOk) return;
      throw this.error(ctx, 'not_found', 'it does not exist', 404);
    }
    const cur = info.toState(body);
    ctx.resource = `${info.label} "${cur.name}"`;
    if (kind === 'volume_group') {
      const g = cur as VolumeGroupState;
      if (g.volumeIds.length && !g.auxiliary) {
        // PowerVS deletes only empty groups: release the volumes first.
        const out = await this.exchange(ctx, 'PUT', path, { removeVolumes: g.volumeIds });
        if (!ok(out.res.status)) {
          const again = toVolumeGroupState(await this.mustGet(ctx, path));
          if (again.volumeIds.length) throw this.responseError(ctx, out.res, out.attempts);
        }
        await this.waitGroupSettled(ctx, id, opts);
      }
    }
    const { res, ambiguous, attempts } = await this.exchange(ctx, 'DELETE', path);
    if (!ok(res.status) && !(res.status === 404 && ambiguous)) throw this.responseError(ctx, res, attempts);
    if (opts?.wait === false) return;
    await this.poll(
      ctx,
      () => this.getJson(ctx, path),
      (b) => b === undefined,
      () => undefined,
      () => 'still present',
      'disappear',
      opts,
    );
  }

  // ---- DR actions ---------------------------------------------------------------------

  /**
   * POSTs an action; after an ambiguous failure, a 409 counts if `alreadyDone` says so. The
   * action is sent without reading the resource first; `name` reads it only to name it in an error.
   */
  private async act(ctx: Ctx, path: string, body: unknown, alreadyDone: () => Promise<boolean>, name: () => Promise<unknown>): Promise<string | undefined> {
    const { res, ambiguous, attempts } = await this.exchange(ctx, 'POST', path, body);
    if (ok(res.status)) {
      const taskID = (res.body as Record<string, unknown> | undefined)?.taskID;
      return typeof taskID === 'string' ? taskID : undefined;
    }
    if (res.status === 409 && ambiguous && (await alreadyDone())) return undefined;
    if (res.status !== 404) await name().catch(() => undefined);
    throw this.responseError(ctx, res, attempts);
  }

  /** Sends a VM power action: one request; the task id when the endpoint gives one. */
  private vmAction(ctx: Ctx, id: string, action: VmPowerAction): Promise<string | undefined> {
    const path = `${this.base(ctx)}/pvm-instances/${enc(id)}/action`;
    const alreadyDone = async () => {
      const s = await this.readIn(ctx, 'vm', id);
      return action === 'start' ? s.status === 'ACTIVE' : s.status === 'SHUTOFF' || s.health === 'WARNING';
    };
    return this.act(ctx, path, { action }, alreadyDone, () => this.readIn(ctx, 'vm', id));
  }

  async startVm(workspace: string, id: string, opts?: OperationOptions): Promise<VmState> {
    const ctx = this.ctx('start', workspace, `vm ${id}`);
    const taskID = await this.vmAction(ctx, id, 'start');
    if (opts?.wait !== false) await this.settleVm(ctx, id, taskID, 'start', opts);
    return this.readIn(ctx, 'vm', id);
  }

  async stopVm(workspace: string, id: string, opts?: OperationOptions & { readonly immediate?: boolean }): Promise<VmState> {
    const ctx = this.ctx('stop', workspace, `vm ${id}`);
    const action = opts?.immediate ? 'immediate-shutdown' : 'stop';
    const taskID = await this.vmAction(ctx, id, action);
    if (opts?.wait !== false) await this.settleVm(ctx, id, taskID, action, opts);
    return this.readIn(ctx, 'vm', id);
  }

  async powerVm(workspace: string, id: string, action: VmPowerAction, opts?: PowerOptions): Promise<void> {
    const ctx = this.ctx(action === 'start' ? 'start' : 'stop', workspace, `vm ${id}`);
    const taskID = await this.vmAction(ctx, id, action);
    await this.settleVm(ctx, id, taskID, action, opts);
  }

  /**
   * Waits for a VM power action to take effect: on its task where tasks long-poll (a VM task
   * there settles with the VM), otherwise by reading the VM, first when it is expected to be
   * done, then at intervals that start at 1% of that and double up to the poll interval.
   */
  private async settleVm(ctx: Ctx, id: string, taskID: string | undefined, action: VmPowerAction, opts?: PowerOptions): Promise<void> {
    const goal = action === 'start' ? 'become ACTIVE and healthy' : 'shut off';
    if (taskID && this.longPollTasks) {
      await this.waitTask(ctx, taskID, opts, (detail) => ({
        code: action === 'start' ? 'boot_failed' : 'operation_failed',
        detail: `it did not ${goal}: ${detail}`,
      }));
      return;
    }
    const settled = action === 'start' ? (s: VmState) => s.ready : (s: VmState) => s.status === 'SHUTOFF';
    const expectedMs = opts?.expectedMs ?? 0;
    let interval = expectedMs > 0 ? Math.min(this.pollIntervalMs, Math.max(1, expectedMs * 0.01)) : this.pollIntervalMs;
    if (expectedMs > interval) await this.sleep(expectedMs - interval);
    const timeoutMs = opts?.timeoutMs ?? this.operationTimeoutMs;
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const s = toVmState(await this.mustGet(ctx, `${this.base(ctx)}/pvm-instances/${enc(id)}`));
      if (settled(s)) return;
      if (s.status === 'ERROR') throw this.error(ctx, 'boot_failed', `it went into ERROR${s.fault ? `: ${s.fault}` : ''}`);
      if (this.now() >= deadline)
        throw this.error(ctx, 'timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting to ${goal} (last seen: ${s.status}/${s.health})`);
      await this.sleep(interval);
      interval = Math.min(this.pollIntervalMs, interval * 2);
    }
  }

  async startVolumeGroup(workspace: string, id: string, source: 'master' | 'aux', opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.groupAction('start', workspace, id, { start: { source } }, (r) => r.replicationEnabled, opts);
  }

  async stopVolumeGroup(workspace: string, id: string, access: boolean, opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.groupAction('stop', workspace, id, { stop: { access } }, (r) => !r.replicationEnabled, opts);
  }

  async resetVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.groupAction('reset', workspace, id, { reset: { status: 'available' } }, (r) => r.status !== 'error', opts);
  }

  private async groupAction(
    operation: string,
    workspace: string,
    id: string,
    body: unknown,
    done: (r: ReplicationStatus) => boolean,
    opts?: OperationOptions,
  ): Promise<ReplicationStatus> {
    const ctx = this.ctx(operation, workspace, `volume group ${id}`);
    const path = `${this.base(ctx)}/volume-groups/${enc(id)}/action`;
    const taskID = await this.act(
      ctx,
      path,
      body,
      async () => {
        const r = await this.replicationIn(ctx, id);
        return r.status === 'updating' || done(r);
      },
      () => this.readIn(ctx, 'volume_group', id),
    );
    if (opts?.wait === false) return this.replicationIn(ctx, id);
    if (taskID) await this.waitTask(ctx, taskID, opts);
    // Where tasks long-poll (the simulator), a finished task is a settled group.
    if (!taskID || !this.longPollTasks) await this.waitGroupSettled(ctx, id, opts);
    return this.replicationIn(ctx, id);
  }

  /**
   * Waits for a task to complete. Where tasks long-poll, each read is held by the endpoint until
   * the task settles (at most MAX_HELD_MS), so the answer comes as the task completes, in one
   * request; otherwise the task is polled.
   */
  private async waitTask(
    ctx: Ctx,
    taskID: string,
    opts?: OperationOptions,
    failure: (detail: string) => { code: ProviderErrorCode; detail: string } = (detail) => ({ code: 'operation_failed', detail }),
  ): Promise<void> {
    const path = `/pcloud/v1/tasks/${enc(taskID)}`;
    if (!this.longPollTasks) {
      const t = await this.poll(
        ctx,
        async () => (await this.mustGet(ctx, path)) as Record<string, unknown>,
        (t) => t.status === 'completed',
        (t) => (t.status === 'failed' ? failure(String(t.statusDetail ?? 'the task failed')) : undefined),
        (t) => String(t.status),
        'complete',
        opts,
      );
      reportCloudTime(opts, t.creationDate, t.lastUpdateDate);
      return;
    }
    const timeoutMs = opts?.timeoutMs ?? this.operationTimeoutMs;
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const heldMs = Math.max(1, Math.min(MAX_HELD_MS, deadline - this.now()));
      const asked = this.now();
      const t = (await this.mustGet(ctx, `${path}?waitMs=${Math.ceil(heldMs)}`, heldMs)) as Record<string, unknown>;
      if (t.status === 'completed') return reportCloudTime(opts, t.creationDate, t.lastUpdateDate);
      if (t.status === 'failed') {
        const f = failure(String(t.statusDetail ?? 'the task failed'));
        throw this.error(ctx, f.code, f.detail);
      }
      if (this.now() >= deadline)
        throw this.error(ctx, 'timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting to complete (last seen: ${String(t.status)})`);
      // An endpoint that did not hold the read is polled, not hammered.
      if (this.now() - asked < heldMs / 2) await this.sleep(this.pollIntervalMs);
    }
  }

  private waitGroupSettled(ctx: Ctx, id: string, opts?: OperationOptions): Promise<VolumeGroupState> {
    return this.poll(
      ctx,
      async () => toVolumeGroupState(await this.mustGet(ctx, `${this.base(ctx)}/volume-groups/${enc(id)}`)),
      (g) => g.status !== 'updating' && g.status !== 'creating',
      () => undefined,
      (g) => g.status,
      'settle',
      opts,
    );
  }

  async replicationStatus(workspace: string, volumeGroupId: string): Promise<ReplicationStatus> {
    const ctx = this.ctx('read replication of', workspace, `volume group ${volumeGroupId}`);
    return this.replicationIn(ctx, volumeGroupId);
  }

  private async replicationIn(ctx: Ctx, id: string): Promise<ReplicationStatus> {
    const path = `${this.base(ctx)}/volume-groups/${enc(id)}`;
    const [group, details, rels] = await Promise.all([
      this.mustGet(ctx, path),
      this.getJson(ctx, `${path}/storage-details`),
      this.getJson(ctx, `${path}/remote-copy-relationships`),
    ]);
    const g = toVolumeGroupState(group);
    ctx.resource = `volume group "${g.name}"`;
    return toReplicationStatus(g, details, rels);
  }

  async cloneVolumes(
    workspace: string,
    request: { readonly name: string; readonly volumeIds: readonly string[] },
    opts?: OperationOptions,
  ): Promise<CloneResult> {
    const ctx = this.ctx('clone', workspace, `volume clone "${request.name}"`);
    const sources = await Promise.all(request.volumeIds.map((id) => this.readIn(ctx, 'volume', id)));
    ctx.resource = `volume clone "${request.name}"`;
    const names = sources.map((s) => `${request.name}-${s.name}`);
    const adopt = async (): Promise<CloneResult | undefined> => {
      const all = await this.listIn(ctx, 'volume');
      const found = names.map((n) => all.find((v) => v.name === n));
      if (found.some((f) => !f)) return undefined;
      return { clones: sources.map((s, i) => ({ sourceId: s.id, cloneId: found[i]!.id, name: names[i] })) };
    };
    const out = await this.request(
      ctx,
      'POST',
      `/pcloud/v2/cloud-instances/${enc(ctx.cloudId)}/volumes/clone-async`,
      { name: request.name, volumeIDs: request.volumeIds },
      adopt,
    );
    let result: CloneResult;
    let taskID: string | undefined;
    if ('adopted' in out) result = out.adopted;
    else if (ok(out.res.status)) {
      taskID = String((out.res.body as Record<string, unknown>)?.cloneTaskID ?? '');
      result = { clones: [] };
    } else {
      const adopted = out.ambiguous && out.res.status === 409 ? await adopt() : undefined;
      if (!adopted) throw this.responseError(ctx, out.res, out.attempts);
      result = adopted;
    }
    if (taskID) {
      const read = async () =>
        (await this.mustGet(ctx, `/pcloud/v2/cloud-instances/${enc(ctx.cloudId)}/volumes/clone-tasks/${enc(taskID!)}`)) as Record<string, unknown>;
      const task =
        opts?.wait === false
          ? await read()
          : await this.poll(
              ctx,
              read,
              (t) => t.status === 'completed',
              (t) => (t.status === 'failed' ? { code: 'operation_failed', detail: String(t.failedReason ?? 'the clone task failed') } : undefined),
              (t) => `${String(t.status)} ${String(t.percentComplete ?? '')}%`,
              'finish cloning',
              opts,
            );
      const cloned = Array.isArray(task.clonedVolumes) ? (task.clonedVolumes as Record<string, unknown>[]) : [];
      result = {
        clones: cloned.map((c) => {
          const i = sources.findIndex((s) => s.id === c.sourceVolumeID);
          return { sourceId: String(c.sourceVolumeID), cloneId: String(c.clonedVolumeID), name: i >= 0 ? names[i] : undefined };
        }),
      };
      // A clone task carries no dates; its volumes do (created, then updated when they became
      // available), which is how long the clone took on the cloud's clock.
      if (opts?.onCloudTime)
        for (const v of await Promise.all(result.clones.map((c) => this.getJson(ctx, `${this.base(ctx)}/volumes/${enc(c.cloneId)}`))))
          reportCloudTime(opts, (v as Record<string, unknown> | undefined)?.creationDate, (v as Record<string, unknown> | undefined)?.lastUpdateDate);
    }
    return result;
  }

  async disasterRecoverySite(workspace: string): Promise<DisasterRecoverySite> {
    const ctx = this.ctx('read disaster-recovery site of', workspace, `workspace ${workspace}`);
    const b = (await this.mustGet(ctx, `${this.base(ctx)}/locations/disaster-recovery`)) as Record<string, unknown>;
    const sites = Array.isArray(b.replicationSites) ? (b.replicationSites as Record<string, unknown>[]) : [];
    return { location: String(b.location ?? ''), partners: sites.map((s) => String(s.location)) };
  }
}

function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const text = Array.isArray(v) ? v[0] : v;
  if (!text) return undefined;
  const secs = Number(text);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Tells `opts.onCloudTime` how long an operation took on the cloud's clock, from its two ISO dates. */
function reportCloudTime(opts: { readonly onCloudTime?: (seconds: number) => void } | undefined, from: unknown, to: unknown): void {
  if (!opts?.onCloudTime || typeof from !== 'string' || typeof to !== 'string') return;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) opts.onCloudTime(seconds);
}
