// A volume: one disk of a volume group, replicated with it. Volumes have no block of their own:
// a volume group's `volumes` list declares them, and its state keeps their ids under
// `cloud.volume_ids` by volume name. Each is replication-enabled: PowerVS keeps its auxiliary
// copy in the partner data centre, named in the volume's `auxVolumeName`, and the copy joins the
// partner workspace only when onboarded there (volume-group.ts does that).
import type { JsonObject } from '../state/index.js';
import type { VolumeSpec, VolumeState } from '../provider/index.js';
// Direct, not the config facade: one small module of names, not the loader.
import { volumeCloudName } from '../config/cloud-names.js';
import { createOrAdopt, num, str, type KindContext } from './kind.js';

/** The cloud name of volume `volume` of group `group`: `volume_group.erp_db`, "data" → "erp_db-data". */
export function volumeName(group: string, volume: string): string {
  return volumeCloudName(group, volume);
}

/** The provider spec of one entry of a volume group's `volumes` (state attributes). */
export function volumeSpec(group: string, volume: JsonObject, shareable: boolean): VolumeSpec {
  return {
    name: volumeName(group, str(volume.name)),
    sizeGb: num(volume.size_gb),
    tier: str(volume.tier) as VolumeSpec['tier'],
    replicationEnabled: true,
    shareable,
  };
}

export async function createVolume(ctx: KindContext, workspace: string, group: string, volume: JsonObject, shareable: boolean): Promise<VolumeState> {
  return (await createOrAdopt(ctx, 'volume', workspace, volumeSpec(group, volume, shareable), group, str(volume.name))) as VolumeState;
}

/** Volumes grow in place. */
export async function resizeVolume(ctx: KindContext, workspace: string, id: string, volume: JsonObject): Promise<void> {
  await ctx.provider.update('volume', workspace, id, { sizeGb: num(volume.size_gb) });
}

export async function deleteVolume(ctx: KindContext, workspace: string, id: string): Promise<void> {
  await ctx.provider.delete('volume', workspace, id, { missingOk: true });
}
