// What every phase of a move shares: the facts the preflight settled, and the run's context
// once it started (its event log, its persisted progress, the VMs' lifecycles and the
// bookkeeping the record is made from). One object, passed to each phase, instead of closures.
import type { Actor } from 'xstate';
import type { RecoveryPlan } from '../../config/model.js';
import type { GroupCache } from '../estate.js';
import type { EventLog } from '../events-log.js';
import type { Runbook } from '../../plan/runbook.js';
import { stateName, type Lifecycle } from '../runner.js';
import { openRunChannel, type DrSession, type RunChannel } from '../session.js';
import type { SiteMachine, SiteState } from '../site.js';
import type { WorkgroupMachine } from '../workgroup.js';
import type { GroupRecord, MoveOptions } from './types.js';

export const RUN_KEY = 'run';

/** What is persisted under the `run` key: the run id and the steps done that no machine tracks. */
export interface RunProgress {
  readonly id: string;
  readonly kind: 'failover' | 'failback';
  readonly unplanned: boolean;
  readonly plan: string;
  readonly from: string;
  readonly to: string;
  readonly startedAt: string;
  readonly resumed: number;
  readonly done: Record<string, true>;
  readonly rpo: Record<string, number>;
  readonly groups: Record<string, { startedAt?: string; endedAt?: string; postCheck?: GroupRecord['postCheck']; manual?: GroupRecord['manual'] }>;
}

/** What the preflight settled: which move this is, and that it may start. */
export interface Preflight {
  /** The site lifecycle, started; whoever ends the run stops it. */
  readonly site: Lifecycle<SiteMachine>;
  /** The site lifecycle's state before this run changed it. */
  readonly siteState: SiteState;
  readonly from: string;
  readonly to: string;
  readonly unplanned: boolean;
  readonly resuming: boolean;
  readonly runId: string;
  readonly plan: RecoveryPlan;
  /** The volume groups of the plan's VMs. */
  readonly vgs: readonly string[];
  readonly cache: GroupCache;
  readonly runbook: Runbook;
  /** The progress an earlier attempt persisted, if any. */
  readonly progressSaved?: RunProgress;
}

/** A started move: the preflight's facts and what the phases read and write. */
export interface MoveRun extends Preflight {
  readonly dr: DrSession;
  readonly opts: MoveOptions;
  readonly config: DrSession['config'];
  readonly session: DrSession['state'];
  readonly provider: DrSession['provider'];
  readonly wall: () => Date;
  readonly channel: RunChannel;
  readonly emit: EventLog['emit'];
  readonly progress: RunProgress;
  saveProgress(): Promise<void>;
  /** dr.ctx.now() when the run started (after its progress was first saved). */
  readonly t0: number;
  readonly scale: number;
  /** Real ms to allow for something the model says takes this long (at least 10 s). */
  realMs(modelSeconds: number): number;
  onTransition(key: string, from: string, to: string): void;
  /** One workgroup lifecycle per VM of the plan, in plan order. */
  readonly lifecycles: Map<string, Lifecycle<WorkgroupMachine>>;
  /** ms since t0 at which each group's first boot started, and at which the group was up. */
  readonly groupStartMs: Map<string, number>;
  readonly groupEndMs: Map<string, number>;
  readonly failures: string[];
  /** Unplanned: the source site did not answer, so its VMs cannot be shut down. */
  sourceLost: boolean;
  /** Each volume group's switch, once started (once per run). */
  readonly switches: Map<string, Promise<void>>;
  /** Each VM's storage step once storage is switched (see paceStorageSteps). */
  readonly storageSteps: Map<string, Promise<void>>;
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The progress callback for calls that may meet a resource still busy with an earlier operation
 * (a group updating, a VM booting): the wait is shown as a step of the run, never a failure.
 */
export function waiting(run: Pick<MoveRun, 'emit'>, subject: string): (message: string) => void {
  return (msg) => run.emit({ name: 'run.step', subject, message: `waiting: ${msg}` });
}

/**
 * Starts the run: opens its event log, persists its progress (continued from an earlier
 * attempt of the same run) and announces it.
 */
export async function openRun(dr: DrSession, opts: MoveOptions, pre: Preflight): Promise<MoveRun> {
  const { config, state: session, provider } = dr;
  const wall = dr.ctx.wall ?? (() => new Date());
  const { runId, resuming, unplanned, from, to, plan, runbook } = pre;
  const saved = pre.progressSaved;
  const channel = openRunChannel(dr, runId);
  const emit = channel.log.emit;
  const progress: RunProgress =
    resuming && saved?.id === runId
      ? { ...saved, resumed: saved.resumed + 1, done: { ...saved.done }, rpo: { ...saved.rpo }, groups: { ...saved.groups } }
      : { id: runId, kind: opts.kind, unplanned, plan: plan.address, from, to, startedAt: wall().toISOString(), resumed: 0, done: {}, rpo: {}, groups: {} };
  const saveProgress = () => session.setLifecycle(RUN_KEY, progress);
  await saveProgress();
  const t0 = dr.ctx.now();
  const scale = dr.timeScale;
  const run: MoveRun = {
    ...pre,
    dr,
    opts,
    config,
    session,
    provider,
    wall,
    channel,
    emit,
    progress,
    saveProgress,
    t0,
    scale,
    realMs: (modelSeconds) => (scale > 0 ? Math.max(10_000, modelSeconds * 1000 * scale) : Math.max(10_000, modelSeconds * 1000)),
    onTransition: (key, a, b) => emit({ name: 'machine.transition', subject: key, message: `${key}: ${a || '(new)'} → ${b}`, detail: { from: a, to: b } }),
    lifecycles: new Map(),
    groupStartMs: new Map(),
    groupEndMs: new Map(),
    failures: [],
    sourceLost: false,
    switches: new Map(),
    storageSteps: new Map(),
  };
  emit({
    name: resuming ? 'MOVE_RESUMED' : 'MOVE_STARTED',
    subject: 'site',
    message: `${unplanned ? 'unplanned ' : ''}${opts.kind} ${from} → ${to}, plan ${plan.name}${resuming ? ` (resume ${progress.resumed})` : ''}`,
    detail: { from, to, unplanned },
  });
  if (unplanned)
    emit({
      name: 'DATA_LOSS_WINDOW',
      subject: 'site',
      message: `up to ${Math.round(runbook.dataLossWindowSeconds)}s of writes at ${from} may be lost`,
      detail: { seconds: runbook.dataLossWindowSeconds },
    });
  return run;
}

/** Sends the site lifecycle an event, reporting its transition like the machines' own. */
export function siteSend(run: MoveRun, e: Parameters<Actor<SiteMachine>['send']>[0]): void {
  const before = stateName(run.site.actor.getSnapshot());
  run.site.actor.send(e);
  const after = stateName(run.site.actor.getSnapshot());
  if (before !== after) run.onTransition('site', before, after);
}
