// A volume group: a consistency group of volumes, replicated and moved as one, set up for Global
// Replication as IBM documents it: replication-enabled volumes in a group at the site of its
// first VM (else the active site), their auxiliary copies onboarded into the other site's
// workspace, and there the group of the same consistency group made from them. Its volumes are
// shareable when more than one VM attaches them. State keeps the group id, its volumes' ids
// (`cloud.volume_ids`), the consistency group's name, and the auxiliary side's ids (`cloud.aux`).
import type { DrConfig, VolumeGroup } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import type { VolumeGroupState, VolumeState } from '../provider/index.js';
import {
  clean,
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
export const forceNew: readonly string[] = ['site', 'workspace', 'aux_workspace'];

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
  otherSite: (site: string) => string | undefined,
): DesiredResource {
  const site = placement.site.get(g.address) ?? activeSite ?? '';
  const aux = otherSite(site);
  return {
    address: g.address,
    type: 'volume_group',
    name: g.name,
    attributes: clean({
      policy: g.policy,
      site,
      workspace: workspaceOf(site),
      // Where the auxiliary copies are onboarded: the workspace of the other site.
      aux_workspace: aux ? workspaceOf(aux) : undefined,
      volumes: g.volumes.map((v) => ({ name: v.name, size_gb: v.sizeGb, tier: v.tier })),
      // Volumes attach to several VMs only when shareable (a cluster's shared disks).
      shareable: (placement.users.get(g.address) ?? 0) > 1,
    }),
    dependsOn: resourceDeps(g.dependsOn, [site || undefined, aux]),
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

/** The auxiliary side as state keeps it: its workspace, group id and volume ids by volume name. */
export interface AuxRecord {
  readonly workspace: string;
  readonly group_id?: string;
  readonly volume_ids: Record<string, string>;
}

export function auxOf(cloud: JsonObject): AuxRecord | undefined {
  const a = obj(cloud.aux);
  if (typeof a.workspace !== 'string') return undefined;
  return {
    workspace: a.workspace,
    group_id: typeof a.group_id === 'string' ? a.group_id : undefined,
    volume_ids: Object.fromEntries(Object.entries(obj(a.volume_ids)).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}

/** The consistency group of a volume group in state (what finds its auxiliary side). */
export function consistencyGroupOf(group: StateResource | undefined): string | undefined {
  const cg = obj(group?.attributes.cloud).consistency_group;
  return typeof cg === 'string' ? cg : undefined;
}

/**
 * The auxiliary side: every volume's copy onboarded into `auxWs` (under the volume's own name),
 * and the group of the consistency group made there from them. Idempotent: what is there is
 * taken as it is.
 */
async function setUpAuxiliary(
  address: string,
  ctx: KindContext,
  primaryWs: string,
  auxWs: string,
  group: VolumeGroupState,
  volumes: readonly VolumeState[],
): Promise<{ record: AuxRecord; consistencyGroup: string }> {
  const consistencyGroup = group.consistencyGroupName;
  const owner = ctx.owner(address, 'aux');
  const onboarded = await ctx.provider.onboardVolumes(
    auxWs,
    { sourceWorkspace: primaryWs, volumes: volumes.map((v) => ({ auxVolumeName: v.auxVolumeName ?? '', name: v.name })), tags: owner.tags },
    { timeoutMs: ctx.timeoutMs },
  );
  const ids: Record<string, string> = {};
  volumes.forEach((v, i) => (ids[v.name] = onboarded[i].id));
  const existing = await ctx.provider.findVolumeGroup(auxWs, consistencyGroup);
  const aux =
    existing ??
    (await ctx.provider.create(
      'volume_group',
      auxWs,
      { name: consistencyGroup, consistencyGroupName: consistencyGroup, volumeIds: onboarded.map((v) => v.id), owner },
      { timeoutMs: ctx.timeoutMs },
    ));
  ctx.progress(`auxiliary copies of ${volumes.length} volume(s) onboarded in ${auxWs}; consistency group ${consistencyGroup}`);
  return { record: { workspace: auxWs, group_id: aux.id, volume_ids: ids }, consistencyGroup };
}

function byVolumeName(ids: Record<string, string>, group: string): Record<string, string> {
  // State keys volumes by their name in the configuration; the cloud by their cloud name.
  const out: Record<string, string> = {};
  for (const [name, id] of Object.entries(ids)) out[name.startsWith(`${cloudName(group)}-`) ? name.slice(cloudName(group).length + 1) : name] = id;
  return out;
}

export async function createVolumeGroup(address: string, after: JsonObject, ctx: KindContext): Promise<Applied> {
  const workspace = str(after.workspace);
  const volumeIds: Record<string, string> = {};
  const made: VolumeState[] = [];
  for (const v of Array.isArray(after.volumes) ? after.volumes : []) {
    const vo = obj(v);
    const vol = await createVolume(ctx, workspace, address, vo, after.shareable === true);
    volumeIds[str(vo.name)] = vol.id;
    made.push(vol);
  }
  const group = (await createOrAdopt(
    ctx,
    'volume_group',
    workspace,
    { name: cloudName(address), volumeIds: Object.values(volumeIds) },
    address,
  )) as VolumeGroupState;
  const cloud: Record<string, JsonValue> = { id: group.id, volume_ids: volumeIds, consistency_group: group.consistencyGroupName };
  if (typeof after.aux_workspace === 'string' && made.length) {
    const aux = await setUpAuxiliary(address, ctx, workspace, after.aux_workspace, group, made);
    cloud.aux = { workspace: aux.record.workspace, group_id: aux.record.group_id ?? null, volume_ids: byVolumeName(aux.record.volume_ids, address) };
  }
  return { id: group.id, cloud };
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
      volumeIds[name] = (await createVolume(ctx, workspace, address, v, after.shareable === true)).id;
    } else if (num(old.size_gb) !== num(v.size_gb)) {
      await resizeVolume(ctx, workspace, volumeIds[name], v);
    }
  }
  const keep = new Set(afterVols.map((v) => str(v.name)));
  const removed = Object.keys(volumeIds).filter((n) => !keep.has(n));
  const membership = Object.entries(volumeIds)
    .filter(([n]) => keep.has(n))
    .map(([, id]) => id);
  const group = await ctx.provider.update('volume_group', workspace, prior.id, { volumeIds: membership }, { timeoutMs: ctx.timeoutMs });
  const auxPrior = auxOf(prior.cloud);
  for (const n of removed) {
    await deleteVolume(ctx, workspace, volumeIds[n]);
    if (auxPrior?.volume_ids[n]) await deleteVolume(ctx, auxPrior.workspace, auxPrior.volume_ids[n]);
    delete volumeIds[n];
  }
  const cloud: Record<string, JsonValue> = { id: prior.id, volume_ids: volumeIds, consistency_group: group.consistencyGroupName };
  if (typeof after.aux_workspace === 'string' && membership.length) {
    // New volumes (and a state from before onboarding) get their copies onboarded; the rest are found as they are.
    const volumes = await Promise.all(membership.map((id) => ctx.provider.read('volume', workspace, id)));
    const present = volumes.filter((v): v is VolumeState => v !== undefined);
    const aux = await setUpAuxiliary(address, ctx, workspace, after.aux_workspace, group, present);
    cloud.aux = { workspace: aux.record.workspace, group_id: aux.record.group_id ?? null, volume_ids: byVolumeName(aux.record.volume_ids, address) };
  }
  return { id: prior.id, cloud };
}

/**
 * Deletes the group (its volumes released first; the primary side takes the consistency group
 * with it), then the auxiliary side if it is still there, then the volumes and their onboarded
 * copies.
 */
export async function deleteVolumeGroup(before: JsonObject, prior: Applied, ctx: KindContext): Promise<void> {
  const workspace = str(before.workspace);
  const aux = auxOf(prior.cloud);
  if (prior.id && prior.id !== '') await ctx.provider.delete('volume_group', workspace, prior.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
  if (aux?.group_id) await ctx.provider.delete('volume_group', aux.workspace, aux.group_id, { missingOk: true, timeoutMs: ctx.timeoutMs });
  for (const id of Object.values(obj(prior.cloud.volume_ids))) if (typeof id === 'string') await deleteVolume(ctx, workspace, id);
  for (const id of Object.values(aux?.volume_ids ?? {})) await deleteVolume(ctx, aux!.workspace, id);
}

export async function refreshVolumeGroup(r: StateResource, ctx: RefreshContext): Promise<Observed | undefined> {
  const g = await ctx.provider.read('volume_group', str(r.attributes.workspace), r.id);
  if (!g) return undefined;
  return { attributes: {}, cloud: obj(r.attributes.cloud) };
}
