// The last phase: replication of each volume group restarted the other way, target → source.
import { replicationAt, workspaceOf } from '../estate.js';
import { message, waiting, type MoveRun } from './context.js';

/**
 * Starts replication of a volume group from the target (once per run). A failure is reported
 * and does not fail the move: production already runs, and failback resyncs first.
 */
export async function reverse(run: MoveRun, vg: string): Promise<void> {
  const { config, provider, progress, emit, from, to } = run;
  if (progress.done[`reverse ${vg}`]) return;
  const ws = workspaceOf(config, to);
  try {
    let { group, status } = await replicationAt(provider, config, run.session, vg, to, run.cache);
    const role = group.auxiliary ? 'aux' : 'master';
    const wait = { timeoutMs: run.realMs(1800), onWait: waiting(run, vg) };
    if (status.status === 'updating') status = await provider.settleVolumeGroup(ws, group.id, wait);
    if (status.status === 'error') status = await provider.resetVolumeGroup(ws, group.id);
    if (!status.replicationEnabled) await provider.startVolumeGroup(ws, group.id, role, wait);
    emit({ name: 'REPLICATION_REVERSED', subject: vg, message: `${vg} now replicates ${to} → ${from}` });
    progress.done[`reverse ${vg}`] = true;
    await run.saveProgress();
  } catch (e) {
    // The old site may be gone (unplanned): production runs; failback resyncs first.
    emit({ name: 'REPLICATION_REVERSE_FAILED', subject: vg, message: `cannot reverse ${vg} yet: ${message(e)}; drctl failback resyncs it first` });
  }
}
