// A VM: a PowerVS instance at its site, on its networks, with its volume groups' volumes. The
// one conversion between a VM's state attributes and the provider's spec is vmSpec: apply
// creates with it, and DR runs boot the same VM at the other site (or a drill clone) with it.
import type { Vm } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import type { VmSpec, VmState } from '../provider/index.js';
import {
  clean,
  cloudName,
  createOrAdopt,
  list,
  resourceDeps,
  siteKey,
  str,
  type Applied,
  type DesiredResource,
  type KindContext,
  type Observed,
  type RefreshContext,
} from './kind.js';
import { networkIdAt } from './network.js';
import { volumeIdsOf } from './volume-group.js';

/**
 * Attributes whose change cannot be made in place. Networks and volume groups are here because
 * the provider cannot attach or detach them on a running VM yet; an "update" that the cloud
 * never saw would be a plan that lies.
 */
export const forceNew: readonly string[] = ['site', 'workspace', 'machine_type', 'os', 'image', 'networks', 'volume_groups'];

/** Why each of forceNew replaces the VM, as the plan says it. */
export const forceNewReasons: Readonly<Record<string, string>> = {
  site: 'a VM moves to the other site only by a failover; in place, its site cannot change',
  workspace: 'PowerVS cannot move a VM to another workspace',
  machine_type: 'PowerVS cannot move a VM to another host type in place',
  os: 'the operating system is installed when the VM is created',
  image: 'the boot image is used only when the VM is created',
  networks: "drctl cannot attach or detach a running VM's networks",
  volume_groups: "drctl cannot attach or detach a running VM's volumes",
};

/** The networks and volume groups a VM is attached to: replacing one of them replaces the VM. */
export function vmAttachments(a: JsonObject): { readonly attribute: string; readonly address: string }[] {
  return [
    ...list(a.networks).map((address) => ({ attribute: 'networks', address })),
    ...list(a.volume_groups).map((address) => ({ attribute: 'volume_groups', address })),
  ];
}

/**
 * Sizing a VM's state record lacks (hand-edited or pushed state; drctl always writes both):
 * the smallest VM PowerVS accepts, rather than a spec it would refuse.
 */
export const VM_DEFAULTS = { processors: 1, memoryGb: 2, procType: 'dedicated', os: 'aix' } as const;

export function desiredVm(vm: Vm, workspaceOf: (site: string) => string): DesiredResource {
  return {
    address: vm.address,
    type: 'vm',
    name: vm.address.slice('vm.'.length),
    attributes: clean({
      site: vm.site,
      workspace: workspaceOf(vm.site),
      machine_type: vm.machineType,
      processors: vm.processors,
      proc_type: vm.procType,
      memory_gb: vm.memoryGb,
      os: vm.os,
      image: vm.image,
      networks: [...vm.networks],
      volume_groups: [...vm.volumeGroups],
      replication_policy: vm.replicationPolicy,
      boot_seconds: vm.bootSeconds,
    }),
    dependsOn: resourceDeps(vm.dependsOn, [vm.site, ...vm.networks, ...vm.volumeGroups, vm.replicationPolicy]),
    sensitiveAttributes: vm.sensitive,
  };
}

/** Processors, memory and processor type from state attributes, with VM_DEFAULTS for what is missing. */
function vmSizing(a: JsonObject): Pick<VmSpec, 'processors' | 'memoryGb' | 'procType'> {
  return {
    processors: typeof a.processors === 'number' ? a.processors : VM_DEFAULTS.processors,
    memoryGb: typeof a.memory_gb === 'number' ? a.memory_gb : VM_DEFAULTS.memoryGb,
    procType: (str(a.proc_type) || VM_DEFAULTS.procType) as VmSpec['procType'],
  };
}

export interface VmPlacement {
  /** The site it runs at: its own (apply), or the other one (a DR run). */
  readonly site: string;
  /** Other resources' state, for their cloud ids. */
  readonly lookup: (address: string) => StateResource | undefined;
  readonly volumeIds: readonly string[];
  /** Another cloud name (a drill clone). */
  readonly name?: string;
  /** Other networks (a drill's test networks) instead of the VM's own at `site`. */
  readonly networkIds?: readonly string[];
}

/** The provider spec of VM `address` from its state attributes, placed at `at.site`. */
export function vmSpec(address: string, a: JsonObject, at: VmPlacement): VmSpec {
  let networkIds = at.networkIds;
  if (networkIds === undefined) {
    const key = siteKey(at.site);
    const ids: string[] = [];
    for (const n of list(a.networks)) {
      const id = networkIdAt(at.lookup(n), key);
      if (id !== undefined) ids.push(id);
    }
    networkIds = ids;
  }
  const sizing = vmSizing(a);
  return {
    name: at.name ?? cloudName(address),
    machineType: str(a.machine_type) as VmSpec['machineType'],
    processors: sizing.processors,
    procType: sizing.procType,
    memoryGb: sizing.memoryGb,
    os: (str(a.os) || VM_DEFAULTS.os) as VmSpec['os'],
    imageId: a.image === undefined ? undefined : str(a.image),
    networkIds,
    volumeIds: at.volumeIds,
  };
}

/** The volumes a VM attaches where it was provisioned: every volume of its volume groups. */
export function vmVolumeIds(a: JsonObject, lookup: (address: string) => StateResource | undefined): string[] {
  const out: string[] = [];
  for (const g of list(a.volume_groups)) out.push(...Object.values(volumeIdsOf(lookup(g))));
  return out;
}

function vmCloud(vm: VmState): JsonObject {
  return { id: vm.id, status: vm.status };
}

export async function createVm(address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  const spec = vmSpec(address, after, { site: str(after.site), lookup: ctx.lookup, volumeIds: vmVolumeIds(after, ctx.lookup) });
  const vm = (await createOrAdopt(ctx, 'vm', str(after.workspace), spec, address)) as VmState;
  return { id: vm.id, cloud: vmCloud(vm) };
}

export async function updateVm(before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  const change: Record<string, JsonValue> = {};
  const spec = vmSizing(after);
  if (before.processors !== after.processors) change.processors = spec.processors;
  if (before.memory_gb !== after.memory_gb) change.memoryGb = spec.memoryGb;
  if (before.proc_type !== after.proc_type) change.procType = str(after.proc_type);
  const vm = Object.keys(change).length
    ? await ctx.provider.update('vm', str(after.workspace), prior.id, change as never, { timeoutMs: ctx.timeoutMs })
    : await ctx.provider.read('vm', str(after.workspace), prior.id);
  return { id: prior.id, cloud: vm ? vmCloud(vm) : prior.cloud };
}

/**
 * Deletes the VM, and the copy a DR run made of it at the other site (found by its identity:
 * the address and that site), which would otherwise be left holding the replicated volumes.
 */
export async function deleteVm(address: string, before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  await ctx.provider.delete('vm', str(before.workspace), prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
  for (const site of ctx.sites?.() ?? []) {
    const ws = str(site.attributes.workspace);
    if (site.address === str(before.site) || !ws) continue;
    const copy = await ctx.provider.findOwned('vm', ws, cloudName(address), ctx.owner(address, site.address).idTag);
    if (copy) {
      ctx.progress(`deleting its copy at ${site.address} (${ws}), made by a DR run`);
      await ctx.provider.delete('vm', ws, copy.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
    }
  }
}

export async function refreshVm(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined> {
  const vm = await ctx.provider.read('vm', str(r.attributes.workspace), r.id);
  if (!vm) return undefined;
  return { attributes: { processors: vm.processors, memory_gb: vm.memoryGb, proc_type: vm.procType }, cloud: vmCloud(vm) };
}
