// A move of production from one site to the other: the heart of failover and failback.
// The order is a graph run by the engine's walk:
//   shut down at the source in reverse plan order → stop replication with access at the target
//   → boot at the target group by group (post_check, manual step) → reverse replication.
// Each VM's progress is its workgroup machine, persisted in the state file after every
// transition, so a run killed at any point resumes without redoing finished steps, and a VM
// never boots at the target before its source copy is confirmed off (or its site declared lost).
// The phases live in move/, one module each, sharing one run context (move/context.ts).
import { stateName } from './runner.js';
import type { DrSession } from './session.js';
import { openRun, siteSend } from './move/context.js';
import { walkMove } from './move/graph.js';
import { preflight } from './move/preflight.js';
import { concludeMove, finishMove } from './move/record.js';
import { resync } from './move/resync.js';
import { probeSource } from './move/shutdown.js';
import { startWorkgroups } from './move/workgroups.js';
import type { MoveOptions, MoveOutcome } from './move/types.js';

export { SITE_KEY } from './estate.js';
export { RUN_KEY } from './move/context.js';
export { runPostCheck, type PostCheckResult } from './move/post-check.js';
export type { GroupRecord, MoveOptions, MoveOutcome, RunRecord } from './move/types.js';

export async function runMove(dr: DrSession, opts: MoveOptions): Promise<MoveOutcome> {
  // Which move, whether it may start, the runbook, approval.
  const checked = await preflight(dr, opts);
  if (checked.done) return checked.done;
  const run = await openRun(dr, opts, checked.ready);
  startWorkgroups(run);

  // The site lifecycle takes the move on: a new one, a retry, or one accepted as it stands.
  if (!run.resuming)
    siteSend(run, opts.kind === 'failover' ? { type: 'FAILOVER', to: run.to, run: run.runId, unplanned: run.unplanned } : { type: 'FAILBACK', run: run.runId });
  else if (run.siteState === 'needs-attention') {
    if (opts.forcePast) {
      siteSend(run, { type: 'FORCE', run: run.runId });
      return finishMove(run, 'forced');
    }
    siteSend(run, { type: 'RETRY', run: run.runId });
  }

  if (run.unplanned) await probeSource(run);
  // Failback: fence stale copies at the target (left running by an unplanned move), then resync.
  if (opts.kind === 'failback' && stateName(run.site.actor.getSnapshot()) === 'resyncing' && !(await resync(run))) return finishMove(run, 'needs-attention');

  // Shutdowns → storage switch → boots group by group → reversal; then the record.
  const outcomes = await walkMove(run);
  return finishMove(run, concludeMove(run, outcomes));
}
