// How each resource type is created, updated, deleted and refreshed through the provider.
// Logical types (site, policy, plan, drill, notification) touch no cloud object. The `cloud`
// record in state holds what the cloud assigned (ids, status) so later runs can find it again.
import type { Provider, ResourceKind, VmSpec, VmState } from '../provider/types.js';
import { isProviderError } from '../provider/errors.js';
import type { JsonObject, JsonValue } from '../state/json.js';
import type { StateResource } from '../state/types.js';
import { CLOUD_TYPES } from '../plan/desired.js';
import type { MachineType, OsType } from '../powervs/index.js';

export interface KindContext {
  readonly provider: Provider;
  /** The current state of another resource (for ids of networks and volume groups). */
  readonly lookup: (address: string) => StateResource | undefined;
  readonly progress: (message: string) => void;
  /** Real ms an operation may take before it is abandoned. */
  readonly timeoutMs?: number;
  /** The address of another resource whose state holds this cloud id, if any. */
  readonly ownerOf?: (cloudId: string) => string | undefined;
}

export interface Applied {
  readonly id: string;
  readonly cloud: JsonObject;
}

const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: JsonValue | undefined): number => (typeof v === 'number' ? v : 0);
const obj = (v: JsonValue | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The name a resource has in PowerVS: `vm.app[3]` → "app-3". */
export function cloudName(address: string): string {
  const name = address.slice(address.indexOf('.') + 1);
  return name.replace(/\[(\d+)\]$/, '-$1');
}

export function isCloudType(type: string): boolean {
  return CLOUD_TYPES.has(type);
}

/**
 * Creates, or adopts an object of the same name left by an interrupted run. Never adopts one
 * that state already records for another address (a `moved` resource keeps its cloud name, so
 * a new block with the old name would otherwise take over the moved VM).
 */
async function createOrAdopt<K extends ResourceKind>(ctx: KindContext, kind: K, workspace: string, spec: Parameters<Provider['create']>[2] & { name: string }): Promise<Awaited<ReturnType<Provider['read']>>> {
  const create = () => ctx.provider.create(kind, workspace, spec as never, { timeoutMs: ctx.timeoutMs });
  const adopt = async (existing: Awaited<ReturnType<Provider['read']>> & { id: string }) => {
    const owner = ctx.ownerOf?.(existing.id);
    if (owner) {
      throw new Error(`a ${kind} named "${spec.name}" already exists in ${workspace}, and it is ${owner} in state (renamed by a moved block?). Give this resource another name.`);
    }
    // What a failed create left behind (a VM that never booted) is not worth keeping: start over.
    if (kind === 'vm' && (existing as VmState).status === 'ERROR') {
      ctx.progress(`the existing vm "${spec.name}" is in ERROR (an earlier attempt failed); deleting it and creating it again`);
      await ctx.provider.delete(kind, workspace, existing.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
      return create();
    }
    ctx.progress(`adopted the existing ${kind} "${spec.name}" (an interrupted run created it)`);
    return existing;
  };
  // PowerVS lets two networks share a name, so a create cannot be refused as a duplicate: look
  // first, or a run killed between create and state write leaves an orphan network behind.
  if (kind === 'network') {
    const existing = await ctx.provider.findByName(kind, workspace, spec.name);
    if (existing) return adopt(existing);
  }
  try {
    return await create();
  } catch (e) {
    if (!isProviderError(e, 'conflict')) throw e;
    const existing = await ctx.provider.findByName(kind, workspace, spec.name);
    if (!existing) throw e;
    return adopt(existing);
  }
}

function vmSpec(address: string, a: JsonObject, ctx: KindContext): VmSpec {
  const site = str(a.site).slice('site.'.length);
  const networkIds: string[] = [];
  for (const n of list(a.networks)) {
    const id = obj(obj(ctx.lookup(n)?.attributes.cloud).ids)[site];
    if (typeof id === 'string') networkIds.push(id);
  }
  const volumeIds: string[] = [];
  for (const g of list(a.volume_groups)) {
    for (const id of Object.values(obj(obj(ctx.lookup(g)?.attributes.cloud).volume_ids))) if (typeof id === 'string') volumeIds.push(id);
  }
  return {
    name: cloudName(address),
    machineType: str(a.machine_type) as MachineType,
    processors: num(a.processors),
    procType: (str(a.proc_type) || 'dedicated') as VmSpec['procType'],
    memoryGb: num(a.memory_gb),
    os: (str(a.os) || 'aix') as OsType,
    imageId: a.image === undefined ? undefined : str(a.image),
    networkIds,
    volumeIds,
  };
}

function vmCloud(vm: VmState): JsonObject {
  return { id: vm.id, status: vm.status };
}

export async function createResource(type: string, address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  switch (type) {
    case 'vm': {
      const vm = (await createOrAdopt(ctx, 'vm', str(after.workspace), vmSpec(address, after, ctx))) as VmState;
      return { id: vm.id, cloud: vmCloud(vm) };
    }
    case 'orchestrator': {
      const networkAtSite = (network: JsonValue | undefined, site: JsonValue | undefined) => {
        const id = obj(obj(ctx.lookup(str(network))?.attributes.cloud).ids)[str(site).slice('site.'.length)];
        return typeof id === 'string' ? [id] : [];
      };
      const spec: VmSpec = { name: `${cloudName(address)}-ksys`, machineType: str(after.machine_type) as MachineType, processors: num(after.processors), procType: 'shared', memoryGb: num(after.memory_gb), os: 'rhel', storageTier: str(after.tier) as VmSpec['storageTier'], networkIds: networkAtSite(after.network, after.site) };
      const primary = (await createOrAdopt(ctx, 'vm', str(after.workspace), spec)) as VmState;
      const cloud: Record<string, JsonValue> = { id: primary.id };
      if (after.standby_workspace) {
        const standby = (await createOrAdopt(ctx, 'vm', str(after.standby_workspace), { ...spec, name: `${spec.name}-standby`, networkIds: networkAtSite(after.standby_network, after.standby_site) })) as VmState;
        cloud.standby_id = standby.id;
      }
      return { id: primary.id, cloud };
    }
    case 'network': {
      const ids: Record<string, string> = {};
      for (const [site, sub] of Object.entries(obj(after.subnets))) {
        const s = obj(sub);
        const net = (await createOrAdopt(ctx, 'network', str(s.workspace), {
          name: str(s.name),
          type: str(after.type) === 'public' ? 'pub-vlan' : 'vlan',
          cidr: str(s.cidr),
          gateway: s.gateway === undefined ? undefined : str(s.gateway),
        })) as { id: string };
        ids[site] = net.id;
      }
      return { id: Object.values(ids).join(','), cloud: { ids } };
    }
    case 'volume_group': {
      const workspace = str(after.workspace);
      const volumeIds: Record<string, string> = {};
      for (const v of Array.isArray(after.volumes) ? after.volumes : []) {
        const vo = obj(v);
        const vol = (await createOrAdopt(ctx, 'volume', workspace, {
          name: `${cloudName(address)}-${str(vo.name)}`,
          sizeGb: num(vo.size_gb),
          tier: str(vo.tier) as 'tier1',
          replicationEnabled: true,
          shareable: after.shareable === true,
        })) as { id: string };
        volumeIds[str(vo.name)] = vol.id;
      }
      const group = (await createOrAdopt(ctx, 'volume_group', workspace, { name: cloudName(address), volumeIds: Object.values(volumeIds) })) as { id: string };
      return { id: group.id, cloud: { id: group.id, volume_ids: volumeIds } };
    }
    default:
      return { id: address, cloud: {} };
  }
}

export async function updateResource(type: string, address: string, before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  switch (type) {
    case 'orchestrator': {
      // Sizing changes reach both orchestrator VMs; everything else about it forces a replacement.
      const change: Record<string, JsonValue> = {};
      if (before.processors !== after.processors) change.processors = num(after.processors);
      if (before.memory_gb !== after.memory_gb) change.memoryGb = num(after.memory_gb);
      if (Object.keys(change).length) {
        await ctx.provider.update('vm', str(after.workspace), prior.id, change as never, { timeoutMs: ctx.timeoutMs });
        if (typeof prior.cloud.standby_id === 'string') await ctx.provider.update('vm', str(after.standby_workspace), prior.cloud.standby_id, change as never, { timeoutMs: ctx.timeoutMs });
      }
      return prior;
    }
    case 'vm': {
      const change: Record<string, JsonValue> = {};
      if (before.processors !== after.processors) change.processors = num(after.processors);
      if (before.memory_gb !== after.memory_gb) change.memoryGb = num(after.memory_gb);
      if (before.proc_type !== after.proc_type) change.procType = str(after.proc_type);
      const vm = Object.keys(change).length
        ? await ctx.provider.update('vm', str(after.workspace), prior.id, change as never, { timeoutMs: ctx.timeoutMs })
        : await ctx.provider.read('vm', str(after.workspace), prior.id);
      return { id: prior.id, cloud: vm ? vmCloud(vm) : prior.cloud };
    }
    case 'network': {
      const ids = { ...(obj(prior.cloud.ids) as Record<string, string>) };
      const beforeSubs = obj(before.subnets);
      const afterSubs = obj(after.subnets);
      for (const [site, sub] of Object.entries(afterSubs)) {
        const s = obj(sub);
        const old = obj(beforeSubs[site]);
        if (!ids[site]) {
          const net = (await createOrAdopt(ctx, 'network', str(s.workspace), { name: str(s.name), type: str(after.type) === 'public' ? 'pub-vlan' : 'vlan', cidr: str(s.cidr) })) as { id: string };
          ids[site] = net.id;
        } else if (old.cidr !== s.cidr) {
          await ctx.provider.delete('network', str(old.workspace), ids[site], { missingOk: true });
          const net = (await createOrAdopt(ctx, 'network', str(s.workspace), { name: str(s.name), type: str(after.type) === 'public' ? 'pub-vlan' : 'vlan', cidr: str(s.cidr) })) as { id: string };
          ids[site] = net.id;
        } else if (old.name !== s.name) {
          await ctx.provider.update('network', str(s.workspace), ids[site], { name: str(s.name) });
        }
      }
      for (const [site, sub] of Object.entries(beforeSubs)) {
        if (!(site in afterSubs) && ids[site]) {
          await ctx.provider.delete('network', str(obj(sub).workspace), ids[site], { missingOk: true });
          delete ids[site];
        }
      }
      return { id: Object.values(ids).join(','), cloud: { ids } };
    }
    case 'volume_group': {
      const workspace = str(after.workspace);
      const volumeIds = { ...(obj(prior.cloud.volume_ids) as Record<string, string>) };
      const beforeVols = new Map((Array.isArray(before.volumes) ? before.volumes : []).map((v) => [str(obj(v).name), obj(v)]));
      const afterVols = Array.isArray(after.volumes) ? after.volumes.map(obj) : [];
      for (const v of afterVols) {
        const name = str(v.name);
        const old = beforeVols.get(name);
        if (!old || !volumeIds[name]) {
          const vol = (await createOrAdopt(ctx, 'volume', workspace, { name: `${cloudName(address)}-${name}`, sizeGb: num(v.size_gb), tier: str(v.tier) as 'tier1', replicationEnabled: true, shareable: after.shareable === true })) as { id: string };
          volumeIds[name] = vol.id;
        } else if (num(old.size_gb) !== num(v.size_gb)) {
          await ctx.provider.update('volume', workspace, volumeIds[name], { sizeGb: num(v.size_gb) });
        }
      }
      const keep = new Set(afterVols.map((v) => str(v.name)));
      const removed = Object.keys(volumeIds).filter((n) => !keep.has(n));
      const membership = Object.entries(volumeIds).filter(([n]) => keep.has(n)).map(([, id]) => id);
      await ctx.provider.update('volume_group', workspace, prior.id, { volumeIds: membership }, { timeoutMs: ctx.timeoutMs });
      for (const n of removed) {
        await ctx.provider.delete('volume', workspace, volumeIds[n], { missingOk: true });
        delete volumeIds[n];
      }
      return { id: prior.id, cloud: { id: prior.id, volume_ids: volumeIds } };
    }
    default:
      return prior;
  }
}

export async function deleteResource(type: string, before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  switch (type) {
    case 'vm':
      await ctx.provider.delete('vm', str(before.workspace), prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
      return;
    case 'orchestrator':
      await ctx.provider.delete('vm', str(before.workspace), prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
      if (typeof prior.cloud.standby_id === 'string') await ctx.provider.delete('vm', str(before.standby_workspace), prior.cloud.standby_id, { missingOk: true });
      return;
    case 'network':
      for (const [site, id] of Object.entries(obj(prior.cloud.ids))) {
        if (typeof id === 'string') await ctx.provider.delete('network', str(obj(obj(before.subnets)[site]).workspace), id, { missingOk: true });
      }
      return;
    case 'volume_group': {
      const workspace = str(before.workspace);
      if (prior.id && prior.id !== '') await ctx.provider.delete('volume_group', workspace, prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
      for (const id of Object.values(obj(prior.cloud.volume_ids))) if (typeof id === 'string') await ctx.provider.delete('volume', workspace, id, { missingOk: true });
      return;
    }
    default:
      return;
  }
}

export interface Observed {
  /** Config-managed attributes as the cloud reports them (only those the cloud knows). */
  readonly attributes: JsonObject;
  readonly cloud: JsonObject;
}

/** Reads a resource's cloud objects; undefined when they are gone. Logical types return their state. */
export async function refreshResource(r: StateResource, ctx: { readonly provider: Pick<Provider, 'read'> }): Promise<Observed | undefined | 'unchanged'> {
  const a = r.attributes;
  const cloud = obj(a.cloud);
  switch (r.type) {
    case 'vm': {
      const vm = await ctx.provider.read('vm', str(a.workspace), r.id);
      if (!vm) return undefined;
      return { attributes: { processors: vm.processors, memory_gb: vm.memoryGb, proc_type: vm.procType }, cloud: vmCloud(vm) };
    }
    case 'orchestrator': {
      const vm = await ctx.provider.read('vm', str(a.workspace), r.id);
      if (!vm) return undefined;
      return { attributes: { processors: vm.processors, memory_gb: vm.memoryGb }, cloud };
    }
    case 'network': {
      const subs = obj(a.subnets);
      const observedSubs: Record<string, JsonValue> = {};
      for (const [site, id] of Object.entries(obj(cloud.ids))) {
        const s = obj(subs[site]);
        const net = typeof id === 'string' ? await ctx.provider.read('network', str(s.workspace), id) : undefined;
        if (!net) return undefined;
        // PowerVS assigns a public network's range itself, so only a private cidr can drift.
        observedSubs[site] = { ...s, cidr: str(a.type) === 'public' ? s.cidr : net.cidr, name: net.name };
      }
      return { attributes: { subnets: observedSubs }, cloud };
    }
    case 'volume_group': {
      const g = await ctx.provider.read('volume_group', str(a.workspace), r.id);
      if (!g) return undefined;
      return { attributes: {}, cloud };
    }
    default:
      return 'unchanged';
  }
}
