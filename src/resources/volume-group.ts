// A volume group: a consistency group of volumes, replicated and moved as one. It lives at the
// site of the first VM that uses it (else the active site); its volumes are shareable when more
// than one VM attaches them. State keeps the group id and its volumes' ids (`cloud.volume_ids`).
import type { DrConfig, VolumeGroup } from '../config/index.js';
import type { JsonObject, StateResource } from '../state/index.js';
import type { VolumeGroupState } from '../provider/index.js';
import {
  createOrAdopt,
  cloudName,
  obj,
  num,
  resourceDeps,
  str,
  type Applied,
  type DesiredResource,
  type KindContext,
  type Observed,
  type RefreshContext,
} from './kind.js';
import { createVolume, deleteVolume, resizeVolume } from './volume.js';

/** A volume group cannot move between sites or workspaces in place; what its volumes allow is volumeGroupReplacements'. */
export const forceNew: readonly string[] = ['site', 'workspace'];

export const forceNewReasons: Readonly<Record<string, string>> = {
  site: "a volume group lives at its first VM's site, and PowerVS cannot move volumes to another site in place",
  workspace: 'PowerVS cannot move volumes to another workspace',
};

/**
 * What in `volumes` and `shareable` cannot change in place: a volume only grows in place.
 * Shrinking one, another tier, or a volume added or removed replaces the group (drctl cannot
 * attach a volume to, or detach one from, its running VMs), and with it the VMs that use it.
 */
export function volumeGroupReplacements(before: JsonObject, after: JsonObject): { readonly attribute: string; readonly reason: string }[] {
  const out: { attribute: string; reason: string }[] = [];
  const vols = (a: JsonObject) => new Map((Array.isArray(a.volumes) ? a.volumes : []).map((v) => [str(obj(v).name), obj(v)]));
  const b = vols(before);
  const a = vols(after);
  for (const [name, now] of a) {
    const was = b.get(name);
    if (!was) {
      out.push({ attribute: 'volumes', reason: `drctl cannot add a volume to running VMs (new volume "${name}")` });
      continue;
    }
    if (num(now.size_gb) < num(was.size_gb))
      out.push({ attribute: 'volumes', reason: `PowerVS cannot shrink a volume ("${name}": ${num(was.size_gb)} GB -> ${num(now.size_gb)} GB)` });
    if (str(now.tier) !== str(was.tier))
      out.push({
        attribute: 'volumes',
        reason: `drctl cannot move a replicated volume to another tier in place ("${name}": ${str(was.tier)} -> ${str(now.tier)})`,
      });
  }
  for (const name of b.keys())
    if (!a.has(name)) out.push({ attribute: 'volumes', reason: `drctl cannot detach a volume from running VMs (volume "${name}" removed)` });
  if (before.shareable !== undefined && before.shareable !== after.shareable)
    out.push({ attribute: 'shareable', reason: 'drctl cannot change whether volumes are shared by several VMs in place' });
  return out;
}

export interface VolumeGroupPlacement {
  /** The site of each volume group's first VM. */
  readonly site: ReadonlyMap<string, string>;
  /** How many VMs use each volume group. */
  readonly users: ReadonlyMap<string, number>;
}

export function volumeGroupPlacement(config: DrConfig): VolumeGroupPlacement {
  const site = new Map<string, string>();
  const users = new Map<string, number>();
  for (const vm of config.vms.values()) {
    for (const vg of vm.volumeGroups) {
      if (!site.has(vg)) site.set(vg, vm.site);
      users.set(vg, (users.get(vg) ?? 0) + 1);
    }
  }
  return { site, users };
}

export function desiredVolumeGroup(
  g: VolumeGroup,
  placement: VolumeGroupPlacement,
  activeSite: string | undefined,
  workspaceOf: (site: string) => string,
): DesiredResource {
  const site = placement.site.get(g.address) ?? activeSite ?? '';
  return {
    address: g.address,
    type: 'volume_group',
    name: g.name,
    attributes: {
      policy: g.policy,
      site,
      workspace: workspaceOf(site),
      volumes: g.volumes.map((v) => ({ name: v.name, size_gb: v.sizeGb, tier: v.tier })),
      // Volumes attach to several VMs only when shareable (a cluster's shared disks).
      shareable: (placement.users.get(g.address) ?? 0) > 1,
    },
    dependsOn: resourceDeps(g.dependsOn, [site || undefined]),
    sensitiveAttributes: g.sensitive,
  };
}

/** The volume groups the VMs of a plan use, in first-use order. */
export function planVolumeGroups(config: DrConfig, vms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const a of vms) for (const vg of config.vms.get(a)?.volumeGroups ?? []) out.add(vg);
  return [...out];
}

/** The volume ids of a volume group in state, by volume name. */
export function volumeIdsOf(group: StateResource | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, id] of Object.entries(obj(obj(group?.attributes.cloud).volume_ids))) if (typeof id === 'string') out[name] = id;
  return out;
}

export async function createVolumeGroup(address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  const workspace = str(after.workspace);
  const volumeIds: Record<string, string> = {};
  for (const v of Array.isArray(after.volumes) ? after.volumes : []) {
    const vo = obj(v);
    volumeIds[str(vo.name)] = await createVolume(ctx, workspace, address, vo, after.shareable === true);
  }
  const group = (await createOrAdopt(ctx, 'volume_group', workspace, { name: cloudName(address), volumeIds: Object.values(volumeIds) })) as VolumeGroupState;
  return { id: group.id, cloud: { id: group.id, volume_ids: volumeIds } };
}

export async function updateVolumeGroup(address: string, before: JsonObject, after: JsonObject, prior: Applied, ctx: KindContext): Promise<Applied> {
  const workspace = str(after.workspace);
  const volumeIds = { ...(obj(prior.cloud.volume_ids) as Record<string, string>) };
  const beforeVols = new Map((Array.isArray(before.volumes) ? before.volumes : []).map((v) => [str(obj(v).name), obj(v)]));
  const afterVols = Array.isArray(after.volumes) ? after.volumes.map(obj) : [];
  for (const v of afterVols) {
    const name = str(v.name);
    const old = beforeVols.get(name);
    if (!old || !volumeIds[name]) {
      volumeIds[name] = await createVolume(ctx, workspace, address, v, after.shareable === true);
    } else if (num(old.size_gb) !== num(v.size_gb)) {
      await resizeVolume(ctx, workspace, volumeIds[name], v);
    }
  }
  const keep = new Set(afterVols.map((v) => str(v.name)));
  const removed = Object.keys(volumeIds).filter((n) => !keep.has(n));
  const membership = Object.entries(volumeIds)
    .filter(([n]) => keep.has(n))
    .map(([, id]) => id);
  await ctx.provider.update('volume_group', workspace, prior.id, { volumeIds: membership }, { timeoutMs: ctx.timeoutMs });
  for (const n of removed) {
    await deleteVolume(ctx, workspace, volumeIds[n]);
    delete volumeIds[n];
  }
  return { id: prior.id, cloud: { id: prior.id, volume_ids: volumeIds } };
}

export async function deleteVolumeGroup(before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  const workspace = str(before.workspace);
  if (prior.id && prior.id !== '') await ctx.provider.delete('volume_group', workspace, prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
  for (const id of Object.values(obj(prior.cloud.volume_ids))) if (typeof id === 'string') await deleteVolume(ctx, workspace, id);
}

export async function refreshVolumeGroup(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined> {
  const g = await ctx.provider.read('volume_group', str(r.attributes.workspace), r.id);
  if (!g) return undefined;
  return { attributes: {}, cloud: obj(r.attributes.cloud) };
}
