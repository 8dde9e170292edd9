// How a move ends: the outcome from the walk (the site lifecycle told, the end announced), and
// the run record written, the progress kept for a resume or cleared, and everything closed.
import * as path from 'node:path';
import type { WalkOutcome } from '../../graph/walk.js';
import type { KsysEventName } from '../ksys.js';
import { isRunInterrupted, stateName } from '../runner.js';
import { writeRunRecord } from '../session.js';
import { message, RUN_KEY, siteSend, type MoveRun } from './context.js';
import type { MoveOutcome, RunRecord } from './types.js';

/** The move's outcome from the walk's: the first failure stops it in needs-attention. */
export function concludeMove(run: MoveRun, outcomes: ReadonlyMap<string, WalkOutcome>): RunRecord['outcome'] {
  const { opts, emit } = run;
  const ended = [...outcomes].filter(([, o]) => o.status === 'failed') as [string, Extract<WalkOutcome, { status: 'failed' }>][];
  // A step the interrupt (or an operator's abort at a manual step) stopped did not fail.
  const stopped = ended.filter(([, o]) => isRunInterrupted(o.error));
  const failed = ended.filter(([, o]) => !isRunInterrupted(o.error));
  for (const [id, o] of failed) run.failures.push(`${id}: ${message(o.error)}`);
  const interrupted = stopped.length > 0 || (opts.signal?.aborted === true && [...outcomes.values()].some((o) => o.status === 'cancelled'));
  if (failed.length) {
    const first = failed[0];
    const ev = (/^([A-Z_]+):/.exec(message(first[1].error))?.[1] ?? 'MOVE_FAILED') as KsysEventName;
    siteSend(run, { type: 'STEP_FAILED', event: ev, step: first[0], message: message(first[1].error) });
    emit({ name: 'MOVE_FAILED', subject: 'site', message: `${opts.kind} stopped at ${first[0]}: ${message(first[1].error)}` });
    emit({ name: 'NEEDS_ATTENTION', subject: 'site', message: `fix the cause, then run drctl ${opts.kind} again to retry (or --force-past to accept)` });
    return 'needs-attention';
  }
  if (interrupted) {
    const why = stopped.map(([, o]) => message(o.error)).find((m) => m !== 'interrupted');
    emit({
      name: 'run.step',
      severity: 'warning',
      subject: 'site',
      message: `${opts.kind} interrupted${why ? ` (${why})` : ''}: finished steps are kept; run drctl ${opts.kind} again to resume`,
    });
    return 'interrupted';
  }
  siteSend(run, { type: 'MOVED' });
  emit({ name: 'MOVE_COMPLETED', subject: 'site', message: `production runs at ${run.to}` });
  return 'succeeded';
}

/**
 * Ends the run: writes its record, keeps its progress for a resume (or clears it when the move
 * is done), stops the lifecycles and commits the state.
 */
export async function finishMove(run: MoveRun, outcome: RunRecord['outcome']): Promise<MoveOutcome> {
  await Promise.allSettled(run.storageSteps.values()); // those of groups a failure kept from booting
  const record = runRecord(run, outcome);
  const file = writeRunRecord(run.dr, run.runId, record);
  if (outcome === 'succeeded' || outcome === 'forced') await run.session.setLifecycle(RUN_KEY, undefined);
  else {
    // A resume goes on from here: the RTO so far, and when this attempt ended.
    run.progress.rto = { ...record.rto.breakdown, endedAt: run.wall().toISOString() };
    await run.saveProgress();
  }
  for (const lc of run.lifecycles.values()) await lc.stop();
  await run.site.stop();
  await run.session.commit();
  await run.channel.close();
  return { runbook: run.runbook, record, recordFile: file, ok: outcome === 'succeeded' || outcome === 'forced' };
}

/** The run record as things stand. */
export function runRecord(run: MoveRun, outcome: RunRecord['outcome']): RunRecord {
  const { progress, runbook, wall } = run;
  const breakdown = run.rto.result();
  const vms: Record<string, { state: string; activeOn: string | null; failure?: string }> = {};
  for (const [vm, lc] of run.lifecycles) {
    const s = lc.actor.getSnapshot();
    vms[vm] = {
      state: stateName(s),
      activeOn: s.context.activeOn,
      ...(s.context.failure ? { failure: `${s.context.failure.event}: ${s.context.failure.message}` } : {}),
    };
  }
  const predictedByGroup = new Map(runbook.phases.filter((p) => p.name.startsWith('group ')).map((p) => [p.name.slice(6), p.predictedSeconds]));
  const log = run.channel.log;
  return {
    run: run.runId,
    kind: run.opts.kind,
    plan: run.plan.address,
    from: run.from,
    to: run.to,
    unplanned: run.unplanned,
    startedAt: progress.startedAt,
    endedAt: wall().toISOString(),
    outcome,
    resumed: progress.resumed,
    groups: run.plan.groups.map((g) => {
      const s = run.groupStartMs.get(g.name);
      const e = run.groupEndMs.get(g.name);
      const wallSeconds = s !== undefined && e !== undefined ? (e - s) / 1000 : undefined;
      const seconds = wallSeconds === undefined ? undefined : (run.rto.stageSeconds(`boot ${g.name}`) ?? 0) + (run.rto.stageSeconds(`group ${g.name}`) ?? 0);
      return {
        name: g.name,
        vms: g.vms,
        ...(s !== undefined ? { startedMs: Math.round(s) } : {}),
        ...(e !== undefined ? { endedMs: Math.round(e) } : {}),
        ...(seconds !== undefined ? { seconds: Math.round(seconds * 10) / 10, wallSeconds } : {}),
        predictedSeconds: predictedByGroup.get(g.name) ?? 0,
        ...(progress.groups[g.name]?.postCheck ? { postCheck: progress.groups[g.name].postCheck } : {}),
        ...(progress.groups[g.name]?.manual ? { manual: progress.groups[g.name].manual } : {}),
      };
    }),
    rto: {
      achievedSeconds: breakdown.seconds,
      predictedSeconds: runbook.predictedSeconds,
      targetSeconds: runbook.targetSeconds,
      ...(runbook.targetSeconds !== undefined && outcome === 'succeeded' ? { met: breakdown.seconds <= runbook.targetSeconds } : {}),
      breakdown,
    },
    rpo: { atSwitch: { ...progress.rpo }, maxLagSeconds: Math.max(0, ...Object.values(progress.rpo)) },
    vms,
    failures: run.failures,
    events: { file: path.relative(run.dr.ctx.cwd, log.file), count: log.count, bySeverity: { ...log.bySeverity } },
    runbook,
  };
}
