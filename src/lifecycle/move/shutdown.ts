// Shutdown at the source: each VM's shutdown step (its workgroup machine's actor), and for an
// unplanned move the probe that decides whether the source site is there to shut down at all.
import { IMMEDIATE_SHUTDOWN_SECONDS, vmShutdownSeconds } from '../../powervs/index.js';
import { ProviderError } from '../../provider/errors.js';
import { cloudName, vmOwnerAt, workspaceOf } from '../estate.js';
import type { StepInput } from '../workgroup.js';
import { message, type MoveRun } from './context.js';
import { settleVm } from './settle.js';

/** Shuts a VM off at the source (immediately when unplanned); a VM already off is done. */
export async function shutdownVm(run: MoveRun, input: StepInput): Promise<void> {
  const { config, provider, unplanned } = run;
  const ws = workspaceOf(config, input.from);
  const id = input.placement[input.from];
  const vm = id
    ? await provider.read('vm', ws, id)
    : await provider.findOwned('vm', ws, cloudName(input.vm), vmOwnerAt(run.session, input.vm, input.from).idTag);
  if (!vm || vm.status === 'SHUTOFF') return;
  const spec = config.vms.get(input.vm);
  const modelSeconds = unplanned ? IMMEDIATE_SHUTDOWN_SECONDS : spec ? vmShutdownSeconds(spec) : 60;
  try {
    await provider.powerVm(ws, vm.id, unplanned ? 'immediate-shutdown' : 'stop', {
      expectedMs: modelSeconds * 1000 * run.scale,
      timeoutMs: run.realMs(3600),
      onWait: (message) => run.emit({ name: 'run.step', subject: input.vm, message }),
    });
  } catch (e) {
    // Already stopping (an earlier attempt's request landed): wait for it like any other.
    if (!(e instanceof ProviderError && e.code === 'conflict')) throw e;
    await settleVm(run, ws, vm.id, (s) => s.status === 'SHUTOFF', modelSeconds, 'shut off');
  }
}

/**
 * Unplanned: is the source site there at all? If it answers, its VMs are shut down as usual
 * (split-brain protection); if not, nothing can be fenced and the move goes on without it.
 */
export async function probeSource(run: MoveRun): Promise<void> {
  const { config, provider, from, opts } = run;
  const fromWs = workspaceOf(config, from);
  try {
    await Promise.race([
      provider.list('vm', fromWs),
      new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${opts.probeTimeoutMs ?? 5000} ms`)), opts.probeTimeoutMs ?? 5000).unref()),
    ]);
  } catch (e) {
    run.sourceLost = true;
    run.emit({ name: 'VM_SOURCE_UNREACHABLE', subject: from, message: `${from} (${fromWs}) does not answer: ${message(e)}; its VMs cannot be shut down` });
  }
}
