// Boot at the target, group by group: each VM's boot step (its workgroup machine's actor), then
// the group's post_check and manual step, after which the next group may boot.
import type { RecoveryGroup } from '../../config/model.js';
import { ProviderError } from '../../provider/errors.js';
import { cloudName, groupAt, vmOwnerAt, vmSpecAt, workspaceOf } from '../estate.js';
import type { StepInput } from '../workgroup.js';
import type { MoveRun } from './context.js';
import { RunInterrupted } from '../runner.js';
import { driveVm } from './drive.js';
import { runPostCheck } from './post-check.js';
import { settleVm } from './settle.js';

/** Boots a VM at the target: the copy there, or, on its first move there, one built from the replicated volumes. */
export async function bootVm(run: MoveRun, input: StepInput): Promise<{ id: string }> {
  const { config, provider } = run;
  const ws = workspaceOf(config, input.to);
  const known = input.placement[input.to];
  if (known && (await startAndSettle(run, ws, known, input.vm))) return { id: known };
  // Names are not unique: the copy at this site is the one carrying its identity.
  const owner = vmOwnerAt(run.session, input.vm, input.to);
  const vm = await provider.findOwned('vm', ws, cloudName(input.vm), owner.idTag);
  if (!vm) {
    // First move to this site: build the VM there, attached to the replicated volumes (the
    // auxiliary copies onboarded there, writable since the storage switch).
    const volumeIds: string[] = [];
    for (const vg of config.vms.get(input.vm)?.volumeGroups ?? [])
      volumeIds.push(...(await groupAt(provider, config, run.session, vg, input.to, run.cache)).volumeIds);
    const created = await provider.create('vm', ws, vmSpecAt(config, run.session, input.vm, input.to, volumeIds, { owner }), {
      timeoutMs: run.realMs(3600),
      onWait: (message) => run.emit({ name: 'run.step', subject: input.vm, message }),
    });
    return { id: created.id };
  }
  if (!vm.ready) await startAndSettle(run, ws, vm.id, input.vm);
  return { id: vm.id };
}

/**
 * Starts a VM by id and waits for it; false when no VM has that id there. A boot is the
 * critical path of a move, so it is one request to start and one held task read to learn it
 * is up (the provider's powerVm), with no read first: a VM already starting or running (an
 * earlier attempt's request landed) answers 409, after which it is waited for by reads.
 */
async function startAndSettle(run: MoveRun, ws: string, id: string, vm: string): Promise<boolean> {
  const modelSeconds = run.config.vms.get(vm)?.bootSeconds ?? 0;
  try {
    await run.provider.powerVm(ws, id, 'start', {
      expectedMs: modelSeconds * 1000 * run.scale,
      timeoutMs: run.realMs(3600),
      onWait: (message) => run.emit({ name: 'run.step', subject: vm, message }),
    });
    return true;
  } catch (e) {
    if (e instanceof ProviderError && e.code === 'not_found') return false;
    if (!(e instanceof ProviderError && e.code === 'conflict')) throw e;
  }
  await settleVm(run, ws, id, (s) => s.ready, modelSeconds, 'become ACTIVE and healthy');
  return true;
}

/** The walk's boot of a VM: notes its group's start, then boots it once its storage step is done. */
export function bootInGroup(run: MoveRun, vm: string, g: RecoveryGroup): Promise<void> {
  if (!run.groupStartMs.has(g.name)) run.groupStartMs.set(g.name, run.dr.ctx.now() - run.t0);
  const gp = (run.progress.groups[g.name] ??= {});
  gp.startedAt ??= run.wall().toISOString();
  return run.storageSteps.get(vm)!.then(() => driveVm(run, vm, 'boot'));
}

/**
 * A group whose VMs are up: its post_check and manual step (each done once per run, across
 * resumes), then the group is complete and the next may boot.
 */
export async function runGroup(run: MoveRun, g: RecoveryGroup): Promise<void> {
  const { progress, opts, emit, to } = run;
  const key = `group ${g.name}`;
  const gp = (progress.groups[g.name] ??= {});
  if (g.postCheck && !progress.done[`${key} post_check`]) {
    const r = await runPostCheck(
      run.config.dir,
      g,
      { run: run.runId, site: to, kind: opts.kind, drill: false, redact: run.dr.redactor },
      run.realMs(g.timeoutSeconds ?? 900),
      opts.signal,
    );
    // Killed by the interrupt: the check did not fail; it runs again on resume.
    if (!r.ok && opts.signal?.aborted) throw new RunInterrupted();
    gp.postCheck = { script: g.postCheck, ok: r.ok, output: r.output.slice(-2000) };
    if (!r.ok) {
      emit({ name: 'POST_CHECK_FAILED', subject: key, message: `post_check ${g.postCheck} failed: ${r.reason}` });
      await run.saveProgress();
      throw new Error(`POST_CHECK_FAILED: ${g.postCheck}: ${r.reason}`);
    }
    emit({ name: 'POST_CHECK_PASSED', subject: key, message: `post_check ${g.postCheck} passed` });
    progress.done[`${key} post_check`] = true;
    await run.saveProgress();
  }
  if (g.manual && !progress.done[`${key} manual`]) {
    emit({ name: 'MANUAL_STEP', subject: key, message: g.manual });
    const ask = opts.confirmManual;
    const confirmed = ask ? await run.rto.human(() => ask(g.name, g.manual!)) : false;
    // Not confirmed: the operator stopped the run here (it asks again on resume).
    if (opts.confirmManual && !confirmed) throw new RunInterrupted(`stopped at the manual step of group ${g.name}`);
    gp.manual = { text: g.manual, confirmed };
    progress.done[`${key} manual`] = true;
  }
  gp.endedAt ??= run.wall().toISOString();
  run.groupEndMs.set(g.name, run.dr.ctx.now() - run.t0);
  if (g === run.plan.groups[run.plan.groups.length - 1]) run.rto.stop(); // recovered: production is up
  emit({ name: 'GROUP_COMPLETED', subject: key, message: `group ${g.name} is up at ${to}` });
  // The next group boots once this group's VMs are durably up (their lifecycles). The group's
  // end time is bookkeeping a resume redoes, so it is waited for only with a confirmed manual
  // step, which must never be asked again: one journal sync at a handover, not two.
  const saved = run.saveProgress();
  if (g.manual) await saved;
  else saved.catch(() => undefined); // a failed write fails every later one, which are awaited
  await Promise.all(g.vms.map((vm) => run.lifecycles.get(vm)!.flush()));
}
