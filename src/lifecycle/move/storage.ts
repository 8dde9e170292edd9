// The storage switch: when every VM is off, replication of every volume group of the plan is
// stopped with access at the target, all at once, outside the VM parallelism; then each VM's
// workgroup machine records it (its storage step), paced so the boots are not held up.
import { replicationAt, workspaceOf } from '../estate.js';
import type { StepInput } from '../workgroup.js';
import { message, waiting, type MoveRun } from './context.js';
import { driveVm } from './drive.js';

/** Stops replication of a volume group with access at `target`, after `first` (once per run). */
export async function switchGroup(run: MoveRun, vg: string, target: string, first: Promise<unknown> = Promise.resolve()): Promise<void> {
  let p = run.switches.get(vg);
  if (!p) {
    p = (async () => {
      const { config, provider, emit } = run;
      const ws = workspaceOf(config, target);
      let { group, status } = await replicationAt(provider, config, run.session, vg, target, run.cache);
      await first;
      // An action still under way (the reversal that ended the last move) is waited out.
      if (status.status === 'updating') status = await provider.settleVolumeGroup(ws, group.id, { timeoutMs: run.realMs(3600), onWait: waiting(run, vg) });
      if (status.status === 'error') status = await provider.resetVolumeGroup(ws, group.id);
      if (!status.replicationEnabled) return; // already stopped with access by an earlier attempt
      emit({
        name: 'VG_REVERSAL_STARTED',
        subject: vg,
        message: `stop replication of ${vg} with access at ${target} (lag ${Math.round(status.lagSeconds ?? 0)}s)`,
        detail: { lagSeconds: status.lagSeconds ?? null },
      });
      run.progress.rpo[vg] = status.lagSeconds ?? 0;
      // The lag at the switch is written while the switch runs, not before it: the boots wait
      // for the switch, and the write is durable long before the switch ends.
      const saved = run.saveProgress();
      await provider.stopVolumeGroup(ws, group.id, true, { timeoutMs: run.realMs(1800), onWait: waiting(run, vg) });
      await saved;
      emit({ name: 'VG_REVERSAL_COMPLETED', subject: vg, message: `${vg} writable at ${target}` });
    })();
    run.switches.set(vg, p);
    p.catch(() => run.switches.delete(vg));
  }
  return p;
}

/** A VM's storage step (its workgroup machine's actor): each of its volume groups switched. */
export async function switchStorage(run: MoveRun, input: StepInput): Promise<void> {
  for (const vg of run.config.vms.get(input.vm)?.volumeGroups ?? []) await switchGroup(run, vg, input.to);
}

/**
 * Switches every volume group of the plan at once, once every VM's shutdown is durable in
 * state; fails naming each group that failed.
 */
export async function switchAllStorage(run: MoveRun): Promise<void> {
  // The groups' states are read while the shutdowns are made durable; nothing is switched before.
  const durable = Promise.all([...run.lifecycles.values()].map((lc) => lc.flush()));
  durable.catch(() => undefined); // reported through the switches that wait for it
  await switchEveryGroup(run, durable);
  paceStorageSteps(run);
}

async function switchEveryGroup(run: MoveRun, first: Promise<unknown>): Promise<void> {
  const { vgs, to, emit } = run;
  const results = await Promise.allSettled(vgs.map((vg) => switchGroup(run, vg, to, first)));
  await first; // a failed state write is the error, not the switches it held back
  const failed: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    failed.push(`${vgs[i]}: ${message(r.reason)}`);
    emit({ name: 'VG_REVERSAL_FAILED', subject: vgs[i], message: `cannot stop replication of ${vgs[i]} at ${to}: ${message(r.reason)}` });
  });
  if (failed.length) throw new Error(`VG_REVERSAL_FAILED: ${failed.join('; ')}`);
}

/** A VM's modelled boot time, which orders the boots of a group (longest first). */
export const bootSeconds = (run: MoveRun, vm: string): number => run.config.vms.get(vm)?.bootSeconds ?? 1;

/**
 * Once storage is switched, each VM's lifecycle records it (its storage step): bookkeeping in
 * promise callbacks, outside the walk. Run as walk steps they took a boot slot each and, being
 * ready long before their boots, ran hundreds at a time in the tail of the group before,
 * holding the event loop and with it the answers of the boots in flight. Here they run one a
 * turn of the loop, in the order the boots will start; a boot waits for its own VM's step only.
 */
function paceStorageSteps(run: MoveRun): void {
  let previous: Promise<unknown> = Promise.resolve();
  for (const g of run.plan.groups) {
    const order = [...g.vms].sort((a, b) => bootSeconds(run, b) - bootSeconds(run, a));
    for (const vm of order) {
      const step = previous
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => {
          if (run.opts.signal?.aborted) throw new Error('interrupted');
          return driveVm(run, vm, 'storage');
        });
      step.catch(() => undefined); // a boot that waits for it reports it
      run.storageSteps.set(vm, step);
      previous = step.catch(() => undefined);
    }
  }
}
