// Failback's first phase: fence the copies an unplanned move left running at the target, then
// resynchronise every volume group from the site production runs at, before anything moves.
import { replicationAt, workspaceOf } from '../estate.js';
import { message, siteSend, waiting, type MoveRun } from './context.js';

/** Fences and resyncs; false (the site lifecycle in needs-attention) when that failed. */
export async function resync(run: MoveRun): Promise<boolean> {
  try {
    await fenceAndResync(run);
    siteSend(run, { type: 'RESYNCED' });
    return true;
  } catch (e) {
    run.failures.push(`resync: ${message(e)}`);
    run.emit({ name: 'REPLICATION_BROKEN', subject: 'resync', message: `resync ${run.from} → ${run.to} failed: ${message(e)}` });
    siteSend(run, { type: 'STEP_FAILED', event: 'REPLICATION_BROKEN', step: 'resync', message: message(e) });
    return false;
  }
}

async function fenceAndResync(run: MoveRun): Promise<void> {
  const { config, provider, session, emit, from, to } = run;
  const toWs = workspaceOf(config, to);
  for (const [vm, lc] of run.lifecycles) {
    const id = lc.actor.getSnapshot().context.placement[to];
    const found = id ? await provider.read('vm', toWs, id) : undefined;
    if (found && found.status !== 'SHUTOFF') {
      emit({ name: 'SPLIT_BRAIN_PREVENTED', subject: vm, message: `${vm} was still running at ${to} (left by an unplanned move); stopping it before resync` });
      await provider.stopVm(toWs, found.id, { immediate: true, onWait: waiting(run, vm) });
    }
  }
  const fromWs = workspaceOf(config, from);
  for (const vg of run.vgs) {
    let { group, status } = await replicationAt(provider, config, session, vg, from, run.cache);
    const fromRole = group.auxiliary ? 'aux' : 'master';
    const wait = { timeoutMs: run.realMs(3600), onWait: waiting(run, vg) };
    // The failover's reversal may still be under way: wait it out, it is what resync starts with.
    if (status.status === 'updating') status = await provider.settleVolumeGroup(fromWs, group.id, wait);
    if (status.status === 'error') status = await provider.resetVolumeGroup(fromWs, group.id);
    if (status.replicationEnabled && status.primaryRole !== fromRole) {
      await provider.stopVolumeGroup(fromWs, group.id, true, { ...wait, timeoutMs: run.realMs(1800) });
      status = await provider.replicationStatus(fromWs, group.id);
    }
    if (!status.replicationEnabled) status = await provider.startVolumeGroup(fromWs, group.id, fromRole, wait);
    const deadline = Date.now() + run.realMs(3600);
    while (status.state !== 'consistent_copying') {
      if (Date.now() > deadline) throw new Error(`${vg} did not reach consistent_copying (state ${status.state})`);
      await new Promise((r) => setTimeout(r, Math.max(20, Math.min(2000, 10_000 * run.scale))));
      status = await provider.replicationStatus(fromWs, group.id);
    }
    emit({ name: 'RESYNC_COMPLETED', subject: vg, message: `${vg} resynchronised ${from} → ${to}` });
  }
}
