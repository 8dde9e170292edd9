// Waiting for a VM action an earlier attempt already sent: shutdowns and boots both meet it.
import type { VmState } from '../../provider/types.js';
import type { MoveRun } from './context.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for a VM whose action an earlier attempt already sent (its own answered 409): it may
 * be done, or anywhere in its modelled duration, so it is read at once, then at intervals that
 * start at 1% of that duration and double up to 2 s.
 */
export function settleVm(run: MoveRun, ws: string, id: string, settled: (s: VmState) => boolean, modelSeconds: number, goal: string): Promise<VmState> {
  // Waiting on the cloud: model time in the RTO.
  return run.rto.cloud(() => settle(run, ws, id, settled, modelSeconds, goal));
}

async function settle(run: MoveRun, ws: string, id: string, settled: (s: VmState) => boolean, modelSeconds: number, goal: string): Promise<VmState> {
  let intervalMs = Math.min(2000, Math.max(1, modelSeconds * 1000 * run.scale * 0.01));
  const deadline = Date.now() + run.realMs(3600);
  for (;;) {
    const s = await run.provider.read('vm', ws, id);
    if (!s) throw new Error(`${id} is gone from ${ws}`);
    if (settled(s)) return s;
    if (s.status === 'ERROR') throw new Error(`it went into ERROR${s.fault ? `: ${s.fault}` : ''}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting to ${goal} (last seen: ${s.status}/${s.health})`);
    await sleep(intervalMs);
    intervalMs = Math.min(2000, intervalMs * 2);
  }
}
