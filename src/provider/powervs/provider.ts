// The PowerVS provider: the Provider interface over IBM's PowerVS REST API (or the simulator,
// which mirrors it). Routes, bodies and statuses are those of IBM's Go client (power-go-client);
// the contract tests hold both sides to them. The DR actions live in actions.ts, the ownership
// lookup in ownership.ts, the plumbing (regions, CRN, retries) in client.ts.

import type { ProviderConfig } from '../config.js';
import type {
  CloneResult,
  DeleteOptions,
  DisasterRecoverySite,
  NetworkSpec,
  NetworkState,
  OperationOptions,
  Ownership,
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
import { DrActions } from './actions.js';
import { enc, ok, PowerVsClient, type Ctx, type ProviderDeps } from './client.js';
import { toNetworkState, toVmState, toVolumeGroupState, toVolumeState } from './mapping.js';
import { Inventory } from './ownership.js';

export type { ProviderDeps } from './client.js';

interface KindInfo {
  readonly label: string;
  readonly path: string;
  /** The list route's path and key; volume groups list their details, which carry members. */
  readonly listPath: string;
  readonly listKey: string;
  /** The read route's suffix after the id (a group's details carry its volumes). */
  readonly readSuffix: string;
  readonly toState: (b: unknown) => ResourceStates[ResourceKind];
}

const KINDS: Readonly<Record<ResourceKind, KindInfo>> = {
  vm: { label: 'vm', path: 'pvm-instances', listPath: 'pvm-instances', listKey: 'pvmInstances', readSuffix: '', toState: toVmState },
  volume: { label: 'volume', path: 'volumes', listPath: 'volumes', listKey: 'volumes', readSuffix: '', toState: toVolumeState },
  volume_group: {
    label: 'volume group',
    path: 'volume-groups',
    listPath: 'volume-groups/details',
    listKey: 'volumeGroups',
    readSuffix: '/details',
    toState: toVolumeGroupState,
  },
  network: { label: 'network', path: 'networks', listPath: 'networks', listKey: 'networks', readSuffix: '', toState: toNetworkState },
};

/** The -EMPTY stock image of each OS: what a VMNoStorage deployment names (IBM's terraform provider docs). */
const EMPTY_IMAGE: Readonly<Record<string, string>> = { aix: 'AIX-EMPTY', ibmi: 'IBMI-EMPTY', rhel: 'RHEL-EMPTY', sles: 'SLES-EMPTY' };

interface ImageInfo {
  readonly id: string;
  readonly name: string;
  readonly os?: string;
}

export class PowerVsProvider implements Provider {
  readonly name = 'powervs';
  private readonly client: PowerVsClient;
  private readonly inventory: Inventory;
  private readonly actions: DrActions;
  /** The stock image catalogue per workspace, read once. */
  private readonly images = new Map<string, Promise<ImageInfo[]>>();

  constructor(config: ProviderConfig, deps: ProviderDeps = {}) {
    this.client = new PowerVsClient(config, deps);
    this.inventory = new Inventory({ list: (ctx, kind) => this.listIn(ctx, kind), read: (ctx, kind, id) => this.readOrUndefined(ctx, kind, id) });
    this.actions = new DrActions(this.client, {
      readVm: (ctx, id) => this.readIn(ctx, 'vm', id),
      readVolume: (ctx, id) => this.readIn(ctx, 'volume', id),
      listVolumes: (ctx) => this.listIn(ctx, 'volume'),
      listGroups: (ctx) => this.listIn(ctx, 'volume_group'),
      deleteVolume: (ctx, id) => this.delete('volume', ctx.workspace, id, { missingOk: true }),
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }

  /** Full-jitter exponential backoff of the n-th retry (tests). */
  backoffMs(retry: number, retryAfterMs?: number): number {
    return this.client.backoffMs(retry, retryAfterMs);
  }

  /** Base URLs connected so far: one per region the calls reached. */
  connectedEndpoints(): string[] {
    return this.client.connectedEndpoints();
  }

  // ---- reading ------------------------------------------------------------------------

  async read<K extends ResourceKind>(kind: K, workspace: string, id: string): Promise<ResourceStates[K] | undefined> {
    const ctx = this.client.ctx('read', workspace, `${KINDS[kind].label} ${id}`);
    return this.readOrUndefined(ctx, kind, id);
  }

  private async readOrUndefined<K extends ResourceKind>(ctx: Ctx, kind: K, id: string): Promise<ResourceStates[K] | undefined> {
    const info = KINDS[kind];
    const body = await this.client.getJson(ctx, `${this.client.base(ctx)}/${info.path}/${enc(id)}${info.readSuffix}`);
    return body === undefined ? undefined : (info.toState(body) as ResourceStates[K]);
  }

  private async readIn<K extends ResourceKind>(ctx: Ctx, kind: K, id: string): Promise<ResourceStates[K]> {
    const info = KINDS[kind];
    const state = info.toState(await this.client.mustGet(ctx, `${this.client.base(ctx)}/${info.path}/${enc(id)}${info.readSuffix}`)) as ResourceStates[K];
    ctx.resource = `${info.label} "${state.name}"`;
    return state;
  }

  async list<K extends ResourceKind>(kind: K, workspace: string): Promise<ResourceStates[K][]> {
    const ctx = this.client.ctx('list', workspace, `${KINDS[kind].label}s`);
    return this.listIn(ctx, kind);
  }

  private async listIn<K extends ResourceKind>(ctx: Ctx, kind: K): Promise<ResourceStates[K][]> {
    const info = KINDS[kind];
    const body = (await this.client.mustGet(ctx, `${this.client.base(ctx)}/${info.listPath}`)) as Record<string, unknown>;
    const items = Array.isArray(body?.[info.listKey]) ? (body[info.listKey] as unknown[]) : [];
    if (kind === 'network') {
      // The network list holds references only; fetch each for its cidr and gateway.
      const full = await Promise.all(
        items.map((it) => this.client.getJson(ctx, `${this.client.base(ctx)}/networks/${enc(String((it as Record<string, unknown>).networkID))}`)),
      );
      return full.filter((b) => b !== undefined).map((b) => info.toState(b) as ResourceStates[K]);
    }
    return items.map((b) => info.toState(b) as ResourceStates[K]);
  }

  async findOwned<K extends ResourceKind>(kind: K, workspace: string, name: string, idTag: string): Promise<ResourceStates[K] | undefined> {
    const ctx = this.client.ctx('find', workspace, `${KINDS[kind].label} "${name}"`);
    const same = (await this.listIn(ctx, kind)).filter((r) => r.name === name);
    for (const s of same) {
      const full = kind === 'vm' || kind === 'network' ? await this.readOrUndefined(ctx, kind, s.id) : s;
      if (full && ((full as { userTags?: readonly string[] }).userTags ?? []).includes(idTag)) return full;
    }
    return undefined;
  }

  // ---- creating -----------------------------------------------------------------------

  async create<K extends ResourceKind>(kind: K, workspace: string, spec: ResourceSpecs[K], opts?: OperationOptions): Promise<ResourceStates[K]> {
    const ctx = this.client.ctx('create', workspace, `${KINDS[kind].label} "${spec.name || (spec as VolumeGroupSpec).consistencyGroupName}"`);
    switch (kind) {
      case 'vm':
        return (await this.createVm(ctx, spec as VmSpec, opts)) as ResourceStates[K];
      case 'volume':
        return (await this.createVolume(ctx, spec as VolumeSpec, opts)) as ResourceStates[K];
      case 'volume_group':
        return (await this.createVolumeGroup(ctx, spec as VolumeGroupSpec, opts)) as ResourceStates[K];
      case 'network':
        return (await this.createNetwork(ctx, spec as NetworkSpec, opts)) as ResourceStates[K];
    }
    throw new Error(`unknown resource kind ${String(kind)}`);
  }

  /**
   * POST a create. With an owner, the resource is first looked up by its identity (an
   * interrupted run may have made it) and adopted if found; the same before a retry whose lost
   * attempt may have landed. Without one (tests), the create is sent as is.
   */
  private async createOnce<K extends ResourceKind>(
    ctx: Ctx,
    kind: K,
    name: string,
    owner: Ownership | undefined,
    members: readonly string[] | undefined,
    path: string,
    body: unknown,
    pick: (resBody: unknown) => Promise<ResourceStates[K]>,
    opts: OperationOptions | undefined,
  ): Promise<ResourceStates[K]> {
    const find = async (fresh: boolean) => {
      const found = owner ? await this.inventory.owned(ctx, kind, name, owner, members, fresh) : undefined;
      if (found) opts?.onAdopt?.();
      return found;
    };
    const existing = await find(false);
    if (existing) return existing;
    const out = await this.client.request(ctx, 'POST', path, body, () => find(true));
    if ('adopted' in out) return out.adopted;
    const { res, ambiguous, attempts } = out;
    if (ok(res.status)) {
      const made = await pick(res.body);
      this.inventory.created(ctx, kind, made);
      return made;
    }
    if ((res.status === 409 || res.status === 400) && ambiguous) {
      const again = await find(true);
      if (again) return again;
    }
    throw this.client.responseError(ctx, res, attempts);
  }

  /** The image a VM boots from: the one named (by id or name), else the stock image of its OS. */
  private async imageFor(ctx: Ctx, spec: VmSpec, empty: boolean): Promise<string> {
    let p = this.images.get(ctx.workspace);
    if (!p) {
      p = this.client.mustGet(ctx, `${this.client.base(ctx)}/stock-images`).then((b) => {
        const list = Array.isArray((b as Record<string, unknown>)?.images) ? ((b as Record<string, unknown>).images as Record<string, unknown>[]) : [];
        return list.map((i) => ({
          id: String(i.imageID),
          name: String(i.name),
          os:
            typeof (i.specifications as Record<string, unknown>)?.operatingSystem === 'string'
              ? String((i.specifications as Record<string, unknown>).operatingSystem)
              : undefined,
        }));
      });
      this.images.set(ctx.workspace, p);
      p.catch(() => this.images.delete(ctx.workspace));
    }
    const images = await p;
    if (empty) {
      const want = EMPTY_IMAGE[spec.os];
      const found = images.find((i) => i.name === want);
      if (!found)
        throw this.client.error(ctx, 'bad_request', `workspace ${ctx.workspace} offers no ${want} image, which a VM booting from a replicated volume needs`);
      return found.id;
    }
    if (spec.imageId) return images.find((i) => i.id === spec.imageId || i.name === spec.imageId)?.id ?? spec.imageId;
    const stock = images.filter((i) => i.os === spec.os && !i.name.endsWith('-EMPTY')).sort((a, b) => (a.name < b.name ? 1 : -1));
    if (!stock.length)
      throw this.client.error(ctx, 'bad_request', `workspace ${ctx.workspace} offers no stock image for ${spec.os}; name one with image = "…"`);
    return stock[0].id;
  }

  private async createVm(ctx: Ctx, spec: VmSpec, opts?: OperationOptions): Promise<VmState> {
    const fromVolume = spec.bootVolumeId !== undefined;
    const imageID = await this.imageFor(ctx, spec, fromVolume);
    const body: Record<string, unknown> = {
      serverName: spec.name,
      processors: spec.processors,
      procType: spec.procType,
      memory: spec.memoryGb,
      sysType: spec.machineType,
      imageID,
      storageType: spec.storageTier ?? 'tier1',
      networks: spec.networkIds.map((networkID) => ({ networkID })),
    };
    if (fromVolume) body.deploymentType = 'VMNoStorage';
    else if (spec.volumeIds?.length) body.volumeIDs = spec.volumeIds;
    if (spec.owner) body.userTags = spec.owner.tags;
    let adopted = false;
    const vm = await this.createOnce(
      ctx,
      'vm',
      spec.name,
      spec.owner,
      undefined,
      `${this.client.base(ctx)}/pvm-instances`,
      body,
      async (b) => toVmState(Array.isArray(b) ? b[0] : b),
      {
        ...opts,
        onAdopt: () => {
          adopted = true;
          opts?.onAdopt?.();
        },
      },
    );
    ctx.resource = `vm "${vm.name}"`;
    if (vm.status === 'ERROR') {
      // An adopted VM that failed to boot is the caller's to judge (it may start over).
      if (adopted) return vm;
      throw this.client.error(ctx, 'boot_failed', `it went into ERROR${vm.fault ? `: ${vm.fault}` : ''}`);
    }
    if (fromVolume) return this.actions.bootFromVolume(ctx, vm, spec.bootVolumeId!, spec.volumeIds ?? [spec.bootVolumeId!], opts);
    if (opts?.wait === false || vm.ready) return vm;
    return this.actions.waitVm(ctx, vm.id, (s) => s.ready, 'become ACTIVE and healthy', opts);
  }

  private createVolume(ctx: Ctx, spec: VolumeSpec, opts?: OperationOptions): Promise<VolumeState> {
    const body: Record<string, unknown> = {
      name: spec.name,
      size: spec.sizeGb,
      diskType: spec.tier,
      shareable: spec.shareable ?? false,
      replicationEnabled: spec.replicationEnabled ?? false,
    };
    if (spec.owner) body.userTags = spec.owner.tags;
    return this.createOnce(ctx, 'volume', spec.name, spec.owner, undefined, `${this.client.base(ctx)}/volumes`, body, async (b) => toVolumeState(b), opts);
  }

  private async createVolumeGroup(ctx: Ctx, spec: VolumeGroupSpec, opts?: OperationOptions): Promise<VolumeGroupState> {
    const auxiliary = spec.consistencyGroupName !== undefined;
    const body = auxiliary ? { consistencyGroupName: spec.consistencyGroupName, volumeIDs: spec.volumeIds } : { name: spec.name, volumeIDs: spec.volumeIds };
    // PowerVS names the auxiliary side after its consistency group.
    const name = auxiliary ? spec.consistencyGroupName! : spec.name;
    const g = await this.createOnce(
      ctx,
      'volume_group',
      name,
      spec.owner,
      spec.volumeIds,
      `${this.client.base(ctx)}/volume-groups`,
      body,
      (b) => this.readIn(ctx, 'volume_group', String((b as Record<string, unknown>)?.id)),
      opts,
    );
    if (opts?.wait === false) return g;
    await this.actions.waitGroup(ctx, g.id, opts);
    return this.readIn(ctx, 'volume_group', g.id);
  }

  private createNetwork(ctx: Ctx, spec: NetworkSpec, opts?: OperationOptions): Promise<NetworkState> {
    const body: Record<string, unknown> = { name: spec.name, type: spec.type };
    if (spec.cidr) body.cidr = spec.cidr;
    if (spec.gateway) body.gateway = spec.gateway;
    if (spec.dnsServers) body.dnsServers = spec.dnsServers;
    if (spec.owner) body.userTags = spec.owner.tags;
    return this.createOnce(ctx, 'network', spec.name, spec.owner, undefined, `${this.client.base(ctx)}/networks`, body, async (b) => toNetworkState(b), opts);
  }

  // ---- updating -----------------------------------------------------------------------

  async update<K extends ResourceKind>(
    kind: K,
    workspace: string,
    id: string,
    change: ResourceUpdates[K],
    opts?: OperationOptions,
  ): Promise<ResourceStates[K]> {
    const info = KINDS[kind];
    const ctx = this.client.ctx('update', workspace, `${info.label} ${id}`);
    const cur = await this.readIn(ctx, kind, id);
    const path = `${this.client.base(ctx)}/${info.path}/${enc(id)}`;
    const puts: { method: string; path: string; body: Record<string, unknown> }[] = [];
    let reached: (s: ResourceStates[K]) => boolean;
    switch (kind) {
      case 'vm': {
        const c = change as ResourceUpdates['vm'];
        puts.push({ method: 'PUT', path, body: { serverName: c.name, processors: c.processors, procType: c.procType, memory: c.memoryGb } });
        reached = (s) => {
          const v = s as VmState;
          return (c.name ?? v.name) === v.name && (c.processors ?? v.processors) === v.processors && (c.memoryGb ?? v.memoryGb) === v.memoryGb;
        };
        break;
      }
      case 'volume': {
        const c = change as ResourceUpdates['volume'];
        puts.push({ method: 'PUT', path, body: { name: c.name, size: c.sizeGb } });
        // Replication is switched by an action, not an update.
        if (c.replicationEnabled !== undefined && c.replicationEnabled !== (cur as VolumeState).replicationEnabled) {
          puts.push({ method: 'POST', path: `${path}/action`, body: { replicationEnabled: c.replicationEnabled } });
        }
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
        const body: Record<string, unknown> = {};
        if (add.length) body.addVolumes = add;
        if (remove.length) body.removeVolumes = remove;
        puts.push({ method: 'PUT', path, body });
        reached = (s) => {
          const v = s as VolumeGroupState;
          return !want || (v.volumeIds.length === want.size && v.volumeIds.every((x) => want.has(x)));
        };
        if (Object.keys(body).length) await this.actions.waitGroupIdle(ctx, id, opts);
        break;
      }
      case 'network': {
        const c = change as ResourceUpdates['network'];
        puts.push({ method: 'PUT', path, body: { name: c.name, dnsServers: c.dnsServers } });
        reached = (s) => (c.name ?? s.name) === s.name;
        break;
      }
      default:
        throw new Error(`unknown resource kind ${String(kind)}`);
    }
    for (const put of puts) {
      for (const k of Object.keys(put.body)) if (put.body[k] === undefined) delete put.body[k];
      if (Object.keys(put.body).length === 0) continue;
      const { res, ambiguous, attempts } = await this.client.exchange(ctx, put.method, put.path, put.body);
      if (!ok(res.status)) {
        // A retried write may meet its own earlier success.
        const now = ambiguous && res.status < 500 ? await this.readIn(ctx, kind, id) : undefined;
        if (!now || !reached(now)) throw this.client.responseError(ctx, res, attempts);
      }
    }
    if (kind === 'volume_group' && opts?.wait !== false) await this.actions.waitGroup(ctx, id, opts);
    return this.readIn(ctx, kind, id);
  }

  // ---- deleting -----------------------------------------------------------------------

  async delete(kind: ResourceKind, workspace: string, id: string, opts?: DeleteOptions): Promise<void> {
    const info = KINDS[kind];
    const ctx = this.client.ctx('delete', workspace, `${info.label} ${id}`);
    const path = `${this.client.base(ctx)}/${info.path}/${enc(id)}`;
    const body = await this.client.getJson(ctx, `${path}${info.readSuffix}`);
    if (body === undefined) {
      this.inventory.deleted(ctx, kind, id);
      if (opts?.missingOk) return;
      throw this.client.error(ctx, 'not_found', 'it does not exist', 404);
    }
    const cur = info.toState(body);
    ctx.resource = `${info.label} "${cur.name}"`;
    if (kind === 'volume_group') {
      const g = cur as VolumeGroupState;
      if (g.volumeIds.length && !g.auxiliary) {
        // PowerVS deletes only empty groups: release the volumes first.
        await this.actions.waitGroupIdle(ctx, id, opts);
        const out = await this.client.exchange(ctx, 'PUT', path, { removeVolumes: g.volumeIds });
        if (!ok(out.res.status)) {
          const again = await this.readIn(ctx, 'volume_group', id);
          if (again.volumeIds.length) throw this.client.responseError(ctx, out.res, out.attempts);
        }
        await this.actions.waitGroup(ctx, id, opts);
      }
    }
    const { res, ambiguous, attempts } = await this.client.exchange(ctx, 'DELETE', path);
    if (!ok(res.status) && !(res.status === 404 && ambiguous)) throw this.client.responseError(ctx, res, attempts);
    this.inventory.deleted(ctx, kind, id);
    if (opts?.wait === false) return;
    await this.client.poll(
      ctx,
      () => this.client.getJson(ctx, path),
      (b) => b === undefined,
      () => undefined,
      () => 'still present',
      'disappear',
      opts,
    );
  }

  // ---- DR actions (actions.ts) ----------------------------------------------------------

  async startVm(workspace: string, id: string, opts?: OperationOptions): Promise<VmState> {
    const ctx = this.client.ctx('start', workspace, `vm ${id}`);
    await this.actions.power(ctx, id, 'start', opts);
    return this.readIn(ctx, 'vm', id);
  }

  async stopVm(workspace: string, id: string, opts?: OperationOptions & { readonly immediate?: boolean }): Promise<VmState> {
    const ctx = this.client.ctx('stop', workspace, `vm ${id}`);
    await this.actions.power(ctx, id, opts?.immediate ? 'immediate-shutdown' : 'stop', opts);
    return this.readIn(ctx, 'vm', id);
  }

  powerVm(workspace: string, id: string, action: VmPowerAction, opts?: PowerOptions): Promise<void> {
    const ctx = this.client.ctx(action === 'start' ? 'start' : 'stop', workspace, `vm ${id}`);
    return this.actions.power(ctx, id, action, opts);
  }

  startVolumeGroup(workspace: string, id: string, source: 'master' | 'aux', opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.actions.groupAction(this.client.ctx('start', workspace, `volume group ${id}`), id, { start: { source } }, (r) => r.replicationEnabled, opts);
  }

  stopVolumeGroup(workspace: string, id: string, access: boolean, opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.actions.groupAction(this.client.ctx('stop', workspace, `volume group ${id}`), id, { stop: { access } }, (r) => !r.replicationEnabled, opts);
  }

  async settleVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus> {
    const ctx = this.client.ctx('wait for', workspace, `volume group ${id}`);
    await this.actions.waitGroupIdle(ctx, id, opts);
    return this.actions.replication(ctx, id);
  }

  resetVolumeGroup(workspace: string, id: string, opts?: OperationOptions): Promise<ReplicationStatus> {
    return this.actions.groupAction(
      this.client.ctx('reset', workspace, `volume group ${id}`),
      id,
      { reset: { status: 'available' } },
      (r) => r.status !== 'error',
      opts,
    );
  }

  replicationStatus(workspace: string, volumeGroupId: string): Promise<ReplicationStatus> {
    return this.actions.replication(this.client.ctx('read replication of', workspace, `volume group ${volumeGroupId}`), volumeGroupId);
  }

  cloneVolumes(
    workspace: string,
    request: { readonly name: string; readonly volumeIds: readonly string[]; readonly tags: readonly string[] },
    opts?: OperationOptions,
  ): Promise<CloneResult> {
    return this.actions.clone(this.client.ctx('clone', workspace, `volume clone "${request.name}"`), request, opts);
  }

  onboardVolumes(
    workspace: string,
    request: {
      readonly sourceWorkspace: string;
      readonly volumes: readonly { readonly auxVolumeName: string; readonly name?: string }[];
      readonly tags?: readonly string[];
    },
    opts?: OperationOptions,
  ): Promise<VolumeState[]> {
    const ctx = this.client.ctx('onboard', workspace, `auxiliary volumes of ${request.sourceWorkspace}`);
    const source = this.client.ctx('onboard', request.sourceWorkspace, 'source workspace');
    if (!source.crn) throw this.client.error(ctx, 'config', `no CRN for the source workspace ${request.sourceWorkspace}`);
    return this.actions.onboard(ctx, source.crn, request, opts);
  }

  async findVolumeGroup(workspace: string, consistencyGroupName: string): Promise<VolumeGroupState | undefined> {
    const ctx = this.client.ctx('find', workspace, `volume group of consistency group ${consistencyGroupName}`);
    return (await this.listIn(ctx, 'volume_group')).find((g) => g.consistencyGroupName === consistencyGroupName);
  }

  async disasterRecoverySite(workspace: string): Promise<DisasterRecoverySite> {
    const ctx = this.client.ctx('read disaster-recovery site of', workspace, `workspace ${workspace}`);
    const b = (await this.client.mustGet(ctx, `${this.client.base(ctx)}/locations/disaster-recovery`)) as Record<string, unknown>;
    const sites = Array.isArray(b.replicationSites) ? (b.replicationSites as Record<string, unknown>[]) : [];
    return { location: String(b.location ?? ''), partners: sites.map((s) => String(s.location)) };
  }
}
