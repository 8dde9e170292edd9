// Before anything changes: which move this is (new, or an earlier one resumed), whether the
// site lifecycle allows it, the replication picture at the target, the runbook, and approval.
import { UserError } from '../../diag/errors.js';
import { choosePlan, planVolumeGroups, replicationAt, sitePair, stateSitePair, type GroupCache, type SitePair } from '../estate.js';
import { SITE_KEY } from '../estate.js';
import { makeRunbook, type ReplicationLag } from '../../plan/runbook.js';
import { startLifecycle, stateName, type LifecycleStore } from '../runner.js';
import { newRunId, type DrSession } from '../session.js';
import { siteMachine, type SiteState } from '../site.js';
import { message, RUN_KEY, type Preflight, type RunProgress } from './context.js';
import type { MoveOptions, MoveOutcome } from './types.js';

/** The busy site states a run of this kind may resume. */
export function resumable(kind: 'failover' | 'failback', state: SiteState, interrupted: string | undefined): boolean {
  if (kind === 'failover') return state === 'failing-over' || (state === 'needs-attention' && interrupted === 'failing-over');
  return state === 'resyncing' || state === 'failing-back' || (state === 'needs-attention' && (interrupted === 'resyncing' || interrupted === 'failing-back'));
}

/** Either the move may start (`ready`), or it ends here with nothing done (`done`). */
export type PreflightResult = { readonly ready: Preflight; readonly done?: undefined } | { readonly done: MoveOutcome; readonly ready?: undefined };

/** The site lifecycle as the move finds it, and the move it makes. */
export type SiteCheck = Omit<Preflight, 'plan' | 'vgs' | 'cache' | 'runbook'> & { readonly needsResync: boolean };

export async function preflight(dr: DrSession, opts: MoveOptions): Promise<PreflightResult> {
  const { config, state: session } = dr;
  // Roles as last applied: the configuration's may already be flipped for a declarative move.
  const pair = stateSitePair(config, session.resources) ?? sitePair(config);
  const plan = choosePlan(config, opts.plan);
  const checked = await checkSite(session, dr.ctx.wall ?? (() => new Date()), opts, pair);
  if (checked.done) return checked;
  const { needsResync, ...found } = checked.site;
  const { site, from, to, unplanned, resuming, runId } = found;
  const cache: GroupCache = new Map();
  const vgs = planVolumeGroups(
    config,
    plan.groups.flatMap((g) => g.vms),
  );
  const replication = lagsFromRecord(await replicationPicture(dr, vgs, to, cache), resuming ? found.progressSaved : undefined);
  const runbook = makeRunbook({
    kind: opts.kind,
    run: runId,
    config,
    plan,
    from,
    to,
    unplanned,
    resuming,
    parallelism: dr.parallelism,
    replication,
    resync: needsResync,
    // As the run will do it: a VM not yet placed at the target is built there; a person is asked at manual steps.
    built: (vm) => !placedAt(session, vm, to),
    manualSteps: opts.confirmManual !== undefined,
  });
  if (runbook.blockers.length && !opts.force) {
    await site.stop();
    throw new UserError(`The planned ${opts.kind} is blocked:\n  ${runbook.blockers.join('\n  ')}`, [
      'Wait for replication to catch up (drctl verify), or pass --force to move anyway.',
    ]);
  }
  if (opts.approve && !(await opts.approve(runbook))) {
    await site.stop();
    return { done: { runbook, cancelled: true, ok: false } };
  }
  return { ready: { ...found, plan, vgs, cache, runbook } };
}

/**
 * Starts the site lifecycle (from `store`) and decides: a new move, the resumption of an
 * unfinished one of the same kind, nothing to do (production already where the move would take
 * it; the site lifecycle is stopped), or refusal (a UserError).
 */
export async function checkSite(
  store: LifecycleStore,
  wall: () => Date,
  opts: MoveOptions,
  pair: SitePair,
): Promise<{ readonly site: SiteCheck; readonly done?: undefined } | { readonly done: MoveOutcome; readonly site?: undefined }> {
  const site = startLifecycle(siteMachine, SITE_KEY, store, { active: pair.active, standby: pair.standby });
  const snap = site.actor.getSnapshot();
  const sState = stateName(snap) as SiteState;
  const progressSaved = store.lifecycle(RUN_KEY) as unknown as RunProgress | undefined;
  const resuming = resumable(opts.kind, sState, snap.context.interrupted);
  if (!resuming) {
    const other =
      sState === 'drilling' || sState === 'cleaning-up' ? 'A drill is unfinished: run drctl drill (it cleans up first) or drctl cleanup.' : undefined;
    if (other) throw new UserError(other);
    if (opts.kind === 'failover' && sState !== 'ready' && sState !== 'replicating') {
      if (sState === 'recovered') {
        await site.stop();
        return { done: { ok: true, message: `Production already runs at ${snap.context.active}; nothing to fail over. To move it back, run drctl failback.` } };
      }
      throw new UserError(`A failback is unfinished (site lifecycle: ${sState}).`, ['Run drctl failback to finish it.']);
    }
    if (opts.kind === 'failback' && sState !== 'recovered') {
      if (sState === 'ready' || sState === 'replicating') {
        await site.stop();
        return { done: { ok: true, message: `Production runs at ${snap.context.active}, its home; nothing to fail back.` } };
      }
      throw new UserError(`A failover is unfinished (site lifecycle: ${sState}).`, ['Run drctl failover to finish it.']);
    }
  }
  const from = snap.context.active;
  const to = snap.context.standby;
  if (opts.expect && (opts.expect.from !== from || opts.expect.to !== to)) {
    await site.stop();
    throw new UserError(
      `The planned move was ${opts.expect.from} → ${opts.expect.to}, but the site lifecycle in state moves ${from} → ${to} (state ${sState}).`,
      ['Make a new plan: drctl plan'],
    );
  }
  const unplanned = resuming ? (progressSaved?.unplanned ?? snap.context.unplanned === true) : opts.unplanned === true;
  const runId = resuming && progressSaved?.kind === opts.kind ? progressSaved.id : newRunId(opts.kind, wall());
  const needsResync = opts.kind === 'failback' && (sState === 'recovered' || sState === 'resyncing' || snap.context.interrupted === 'resyncing');
  return { site: { site, siteState: sState, from, to, unplanned, resuming, runId, needsResync, progressSaved } };
}

/**
 * A resumed run's data-loss window is the one its record holds: the lag of each group when its
 * switch began. Read now, a stopped group's lag also counts the switch itself, so a resume
 * would ask the operator to accept a window the record never had.
 */
export function lagsFromRecord(replication: readonly ReplicationLag[], saved: RunProgress | undefined): ReplicationLag[] {
  return replication.map((r) => {
    const recorded = saved?.rpo[r.volumeGroup];
    return recorded === undefined ? r : { ...r, state: `${r.state} (lag at the switch, from the run record)`, lagSeconds: recorded };
  });
}

/** The VM's id at `site`, as its workgroup lifecycle (or, at home, its resource) records it. */
function placedAt(session: DrSession['state'], vm: string, site: string): string | undefined {
  const snap = session.lifecycle(vm) as { context?: { placement?: Record<string, string> } } | undefined;
  const r = session.resources.find((x) => x.address === vm);
  return snap?.context?.placement?.[site] ?? (r?.attributes.site === site ? r.id : undefined);
}

/** The replication picture now, read at the target (it answers when the source is gone). */
export async function replicationPicture(dr: DrSession, vgs: readonly string[], to: string, cache: GroupCache): Promise<ReplicationLag[]> {
  const { config, state: session, provider } = dr;
  const replication: ReplicationLag[] = [];
  for (const vg of vgs) {
    const policy = config.replicationPolicies.get(config.volumeGroups.get(vg)?.policy ?? '');
    try {
      const { status } = await replicationAt(provider, config, session, vg, to, cache);
      replication.push({ volumeGroup: vg, state: status.state, lagSeconds: status.lagSeconds, rpoSeconds: policy?.rpoSeconds });
    } catch (e) {
      replication.push({ volumeGroup: vg, state: `unknown (${message(e)})`, rpoSeconds: policy?.rpoSeconds });
    }
  }
  return replication;
}
