// Removing drill leftovers: every VM, volume and network a drill of this configuration made, at
// both sites, known by the drill tag it carries (clones are named by the cloud, and a name says
// nothing about who made something). Idempotent: what is already gone is skipped, so running it
// twice, or after a drill that cleaned up itself, changes nothing and succeeds.
import type { DrConfig } from '../config/index.js';
import type { NetworkState, Provider, VmState, VolumeState } from '../provider/index.js';
import { drillTag } from '../resources/index.js';
import { SITE_KEY, sitePair, workspaceOf } from './estate.js';
import { newRunId, openRunChannel, writeRunRecord, type DrSession } from './session.js';
import { siteMachine } from './site.js';
import { startLifecycle, stateName } from './runner.js';

export const DRILL_PREFIX = 'drill-';

export interface CleanupResult {
  readonly removed: { readonly vms: readonly string[]; readonly volumes: readonly string[]; readonly networks: readonly string[] };
}

const tagged = (tag: string) => (r: { userTags?: readonly string[] }) => (r.userTags ?? []).includes(tag);

/**
 * The drill leftovers in a workspace: volumes by the drill tag (their list carries tags); VMs and
 * networks (whose list does not) by drctl's drill name prefix, then read to confirm the tag.
 */
export async function drillLeftovers(
  provider: Provider,
  ws: string,
  tag: string,
): Promise<{ vms: VmState[]; volumes: VolumeState[]; networks: NetworkState[] }> {
  const [vmList, volumes, networks] = await Promise.all([provider.list('vm', ws), provider.list('volume', ws), provider.list('network', ws)]);
  const vms = (await Promise.all(vmList.filter((v) => v.name.startsWith(DRILL_PREFIX)).map((v) => provider.read('vm', ws, v.id)))).filter(
    (v): v is VmState => v !== undefined && tagged(tag)(v),
  );
  return { vms, volumes: volumes.filter(tagged(tag)), networks: networks.filter(tagged(tag)) };
}

/** Deletes the drill leftovers (by tag) in the given workspaces: VMs first (they hold the volumes), then volumes, then networks. */
export async function removeDrillLeftovers(
  provider: Provider,
  workspaces: readonly string[],
  tag: string,
  onRemoved?: (kind: string, name: string) => void,
): Promise<CleanupResult> {
  const removed = { vms: [] as string[], volumes: [] as string[], networks: [] as string[] };
  for (const ws of workspaces) {
    const { vms } = await drillLeftovers(provider, ws, tag);
    await Promise.all(
      vms.map(async (v) => {
        await provider.delete('vm', ws, v.id, { missingOk: true });
        removed.vms.push(v.name);
        onRemoved?.('vm', v.name);
      }),
    );
    const volumes = (await provider.list('volume', ws)).filter(tagged(tag));
    await Promise.all(
      volumes.map(async (v) => {
        await provider.delete('volume', ws, v.id, { missingOk: true });
        removed.volumes.push(v.name);
        onRemoved?.('volume', v.name);
      }),
    );
    const networks = (await provider.list('network', ws)).filter(tagged(tag));
    for (const n of networks) {
      await provider.delete('network', ws, n.id, { missingOk: true });
      removed.networks.push(n.name);
      onRemoved?.('network', n.name);
    }
  }
  return { removed };
}

export function siteWorkspaces(config: DrConfig): string[] {
  const p = sitePair(config);
  return [workspaceOf(config, p.active), workspaceOf(config, p.standby)];
}

/** `drctl cleanup` on an open session: remove the leftovers, end an interrupted drill's lifecycles, record the run. */
export async function runCleanup(dr: DrSession): Promise<{ result: CleanupResult; recordFile: string }> {
  const run = newRunId('cleanup', (dr.ctx.wall ?? (() => new Date()))());
  const channel = openRunChannel(dr, run);
  const result = await removeDrillLeftovers(dr.provider, siteWorkspaces(dr.config), drillTag(dr.state.lineage), (kind, name) =>
    channel.log.emit({ name: 'run.step', subject: name, message: `removed drill ${kind} ${name}` }),
  );
  // An interrupted drill's lifecycles end here.
  for (const key of Object.keys(dr.state.lifecycles)) if (key.startsWith('drill.')) await dr.state.setLifecycle(key, undefined);
  if (dr.state.lifecycle(SITE_KEY) !== undefined) {
    const p = sitePair(dr.config);
    const site = startLifecycle(siteMachine, SITE_KEY, dr.state, { active: p.active, standby: p.standby });
    if (stateName(site.actor.getSnapshot()) === 'drilling') site.actor.send({ type: 'DRILL_ENDED' });
    if (stateName(site.actor.getSnapshot()) === 'cleaning-up') site.actor.send({ type: 'CLEANED' });
    await site.stop();
  }
  channel.log.emit({
    name: 'DRILL_CLEANUP_COMPLETED',
    subject: 'cleanup',
    message: `removed ${result.removed.vms.length} VM(s), ${result.removed.volumes.length} volume(s), ${result.removed.networks.length} network(s)`,
  });
  await dr.state.commit();
  await channel.close();
  const recordFile = writeRunRecord(dr, run, { run, kind: 'cleanup', removed: result.removed, events: channel.log.count });
  return { result, recordFile };
}
