// A move of production from one site to the other: the heart of failover and failback.
// The order is a graph run by the engine's walk:
//   shut down at the source in reverse plan order → stop replication with access at the target
//   → boot at the target group by group (post_check, manual step) → reverse replication.
// Each VM's progress is its workgroup machine, persisted in the state file after every
// transition, so a run killed at any point resumes without redoing finished steps, and a VM
// never boots at the target before its source copy is confirmed off (or its site declared lost).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecoveryGroup } from '../config/model.js';
import { Graph } from '../graph/graph.js';
import { walk, type WalkOutcome } from '../graph/walk.js';
import { UserError } from '../diag/errors.js';
import { fromPromise, type Actor } from 'xstate';
import { workgroupMachine, type StepInput, type WorkgroupMachine, type WorkgroupState } from './workgroup.js';
import { siteMachine, type SiteMachine, type SiteState } from './site.js';
import { startLifecycle, stateName, until, type Lifecycle } from './runner.js';
import { SITE_KEY } from './estate.js';
import { choosePlan, cloudName, stateSitePair, groupAt, homePlacement, planVolumeGroups, replicationAt, requireResource, sitePair, vmSpecAt, workspaceOf, type GroupCache } from './estate.js';
import { makeRunbook, type ReplicationLag, type Runbook } from '../plan/runbook.js';
import { newRunId, openRunChannel, writeRunRecord, type DrSession } from './session.js';
import type { KsysEventName } from './ksys.js';
import { ProviderError } from '../provider/errors.js';
import type { VmState } from '../provider/types.js';
import { vmShutdownSeconds, volumeGroupSwitchSeconds } from '../config/timing.js';

/** The simulator's (and PowerVS's rough) time for an immediate shutdown. */
const IMMEDIATE_SHUTDOWN_SECONDS = 5;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { SITE_KEY } from './estate.js';
export const RUN_KEY = 'run';

export interface MoveOptions {
  readonly kind: 'failover' | 'failback';
  readonly unplanned?: boolean;
  readonly plan?: string;
  /** Asked with the runbook before anything changes; absent means approved (-auto-approve). */
  readonly approve?: (runbook: Runbook) => Promise<boolean>;
  /** Asked at a manual step; absent (CI) lists the step and carries on. */
  readonly confirmManual?: (group: string, text: string) => Promise<boolean>;
  /** Start a planned move despite blockers (RPO breached, replication not consistent). */
  readonly force?: boolean;
  /** Accept a move stuck in needs-attention as done (failed VMs stay failed, listed in the record). */
  readonly forcePast?: boolean;
  readonly signal?: AbortSignal;
  /** Real ms a reachability probe of the source site may take (unplanned). */
  readonly probeTimeoutMs?: number;
  /** Refuse to start unless the move goes between these sites (a declarative move's plan). */
  readonly expect?: { readonly from: string; readonly to: string };
}

export interface GroupRecord {
  readonly name: string;
  readonly vms: readonly string[];
  readonly startedMs?: number;
  readonly endedMs?: number;
  readonly seconds?: number;
  readonly modelSeconds?: number;
  readonly predictedSeconds: number;
  readonly postCheck?: { readonly script: string; readonly ok: boolean; readonly output: string };
  readonly manual?: { readonly text: string; readonly confirmed: boolean };
}

export interface RunRecord {
  readonly run: string;
  readonly kind: 'failover' | 'failback' | 'drill' | 'cleanup';
  readonly plan: string;
  readonly from: string;
  readonly to: string;
  readonly unplanned: boolean;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly outcome: 'succeeded' | 'needs-attention' | 'interrupted' | 'failed' | 'cancelled' | 'nothing-to-do' | 'forced';
  readonly resumed: number;
  readonly groups: readonly GroupRecord[];
  readonly rto: { readonly achievedSeconds: number; readonly achievedModelSeconds: number; readonly predictedSeconds: number; readonly targetSeconds?: number; readonly met?: boolean };
  readonly rpo: { readonly atSwitch: Readonly<Record<string, number>>; readonly maxLagSeconds: number };
  readonly vms: Readonly<Record<string, { readonly state: string; readonly activeOn: string | null; readonly failure?: string }>>;
  readonly failures: readonly string[];
  readonly events: { readonly file: string; readonly count: number; readonly bySeverity: Readonly<Record<string, number>> };
  readonly runbook: Runbook;
}

export interface MoveOutcome {
  readonly runbook?: Runbook;
  readonly record?: RunRecord;
  readonly recordFile?: string;
  readonly cancelled?: boolean;
  readonly ok: boolean;
  readonly message?: string;
}

/** What is persisted under the `run` key: the run id and the steps done that no machine tracks. */
interface RunProgress {
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

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The busy site states a run of this kind may resume. */
function resumable(kind: 'failover' | 'failback', state: SiteState, interrupted: string | undefined): boolean {
  if (kind === 'failover') return state === 'failing-over' || (state === 'needs-attention' && interrupted === 'failing-over');
  return state === 'resyncing' || state === 'failing-back' || (state === 'needs-attention' && (interrupted === 'resyncing' || interrupted === 'failing-back'));
}

export async function runMove(dr: DrSession, opts: MoveOptions): Promise<MoveOutcome> {
  const { config, state: session, provider } = dr;
  const wall = dr.ctx.wall ?? (() => new Date());
  // Roles as last applied: the configuration's may already be flipped for a declarative move.
  const pair = stateSitePair(config, session.resources) ?? sitePair(config);
  const plan = choosePlan(config, opts.plan);
  const site = startLifecycle(siteMachine, SITE_KEY, session, { active: pair.active, standby: pair.standby });
  const snap = site.actor.getSnapshot();
  const sState = stateName(snap) as SiteState;
  const progressSaved = session.lifecycle(RUN_KEY) as unknown as RunProgress | undefined;
  const resuming = resumable(opts.kind, sState, snap.context.interrupted);
  if (!resuming) {
    const other = sState === 'drilling' || sState === 'cleaning-up' ? 'A drill is unfinished: run drctl drill (it cleans up first) or drctl cleanup.' : undefined;
    if (other) throw new UserError(other);
    if (opts.kind === 'failover' && sState !== 'ready' && sState !== 'replicating') {
      if (sState === 'recovered') {
        await site.stop();
        return { ok: true, message: `Production already runs at ${snap.context.active}; nothing to fail over. To move it back, run drctl failback.` };
      }
      throw new UserError(`A failback is unfinished (site lifecycle: ${sState}).`, ['Run drctl failback to finish it.']);
    }
    if (opts.kind === 'failback' && sState !== 'recovered') {
      if (sState === 'ready' || sState === 'replicating') {
        await site.stop();
        return { ok: true, message: `Production runs at ${snap.context.active}, its home; nothing to fail back.` };
      }
      throw new UserError(`A failover is unfinished (site lifecycle: ${sState}).`, ['Run drctl failover to finish it.']);
    }
  }
  const from = snap.context.active;
  const to = snap.context.standby;
  if (opts.expect && (opts.expect.from !== from || opts.expect.to !== to)) {
    await site.stop();
    throw new UserError(`The planned move was ${opts.expect.from} → ${opts.expect.to}, but the site lifecycle in state moves ${from} → ${to} (state ${sState}).`, ['Make a new plan: drctl plan']);
  }
  const unplanned = resuming ? (progressSaved?.unplanned ?? snap.context.unplanned === true) : opts.unplanned === true;
  const runId = resuming && progressSaved?.kind === opts.kind ? progressSaved.id : newRunId(opts.kind, wall());
  const cache: GroupCache = new Map();
  const vgs = planVolumeGroups(config, plan.groups.flatMap((g) => g.vms));

  // The replication picture now, read at the target (it answers when the source is gone).
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
  const needsResync = opts.kind === 'failback' && (sState === 'recovered' || sState === 'resyncing' || snap.context.interrupted === 'resyncing');
  const runbook = makeRunbook({ kind: opts.kind, run: runId, config, plan, from, to, unplanned, resuming, parallelism: dr.parallelism, replication, resync: needsResync });
  if (runbook.blockers.length && !opts.force) {
    await site.stop();
    throw new UserError(`The planned ${opts.kind} is blocked:\n  ${runbook.blockers.join('\n  ')}`, ['Wait for replication to catch up (drctl verify), or pass --force to move anyway.']);
  }
  if (opts.approve && !(await opts.approve(runbook))) {
    await site.stop();
    return { runbook, cancelled: true, ok: false };
  }

  const channel = openRunChannel(dr, runId);
  const emit = channel.log.emit;
  const progress: RunProgress = resuming && progressSaved?.id === runId
    ? { ...progressSaved, resumed: progressSaved.resumed + 1, done: { ...progressSaved.done }, rpo: { ...progressSaved.rpo }, groups: { ...progressSaved.groups } }
    : { id: runId, kind: opts.kind, unplanned, plan: plan.address, from, to, startedAt: wall().toISOString(), resumed: 0, done: {}, rpo: {}, groups: {} };
  const saveProgress = () => session.setLifecycle(RUN_KEY, progress);
  await saveProgress();
  const t0 = dr.ctx.now();
  const lifecycles = new Map<string, Lifecycle<WorkgroupMachine>>();
  const groupStartMs = new Map<string, number>();
  const groupEndMs = new Map<string, number>();
  const failures: string[] = [];
  const groups = plan.groups;
  const onTransition = (key: string, a: string, b: string) => emit({ name: 'machine.transition', subject: key, message: `${key}: ${a || '(new)'} → ${b}`, detail: { from: a, to: b } });
  emit({ name: resuming ? 'MOVE_RESUMED' : 'MOVE_STARTED', subject: 'site', message: `${unplanned ? 'unplanned ' : ''}${opts.kind} ${from} → ${to}, plan ${plan.name}${resuming ? ` (resume ${progress.resumed})` : ''}`, detail: { from, to, unplanned } });
  if (unplanned) emit({ name: 'DATA_LOSS_WINDOW', subject: 'site', message: `up to ${Math.round(runbook.dataLossWindowSeconds)}s of writes at ${from} may be lost`, detail: { seconds: runbook.dataLossWindowSeconds } });

  const siteSend = (e: Parameters<Actor<SiteMachine>['send']>[0]) => {
    const before = stateName(site.actor.getSnapshot());
    site.actor.send(e);
    const after = stateName(site.actor.getSnapshot());
    if (before !== after) onTransition('site', before, after);
  };
  // One workgroup machine per VM, restored from the state file when it was persisted.
  const groupOf = new Map<string, RecoveryGroup>();
  for (const g of plan.groups) for (const v of g.vms) groupOf.set(v, g);
  const scale = dr.timeScale;
  const realMs = (modelSeconds: number) => (scale > 0 ? Math.max(10_000, modelSeconds * 1000 * scale) : Math.max(10_000, modelSeconds * 1000));
  const unplannedFlag = unplanned;
  const sourceLost = { value: false };
  const switches = new Map<string, Promise<void>>();
  /** Each VM's storage step once storage is switched (see paceStorageSteps). */
  const storageSteps = new Map<string, Promise<void>>();

  const stepActors = {
    shutdownVm: async ({ input }: { input: StepInput }) => {
      const ws = workspaceOf(config, input.from);
      const id = input.placement[input.from];
      const vm = id ? await provider.read('vm', ws, id) : await provider.findByName('vm', ws, cloudName(input.vm));
      if (!vm || vm.status === 'SHUTOFF') return;
      const spec = config.vms.get(input.vm);
      const modelSeconds = unplannedFlag ? IMMEDIATE_SHUTDOWN_SECONDS : spec ? vmShutdownSeconds(spec) : 60;
      try {
        await provider.powerVm(ws, vm.id, unplannedFlag ? 'immediate-shutdown' : 'stop', { expectedMs: modelSeconds * 1000 * scale, timeoutMs: realMs(3600) });
      } catch (e) {
        // Already stopping (an earlier attempt's request landed): wait for it like any other.
        if (!(e instanceof ProviderError && e.code === 'conflict')) throw e;
        await settleVm(ws, vm.id, (s) => s.status === 'SHUTOFF', modelSeconds, 'shut off');
      }
    },
    switchStorage: async ({ input }: { input: StepInput }) => {
      for (const vg of config.vms.get(input.vm)?.volumeGroups ?? []) await switchGroup(vg, input.to);
    },
    bootVm: async ({ input }: { input: StepInput }) => {
      const ws = workspaceOf(config, input.to);
      const known = input.placement[input.to];
      if (known && (await startAndSettle(ws, known, input.vm))) return { id: known };
      const vm = await provider.findByName('vm', ws, cloudName(input.vm));
      if (!vm) {
        // First move to this site: build the VM there from the replicated (auxiliary) volumes.
        const volumeIds: string[] = [];
        for (const vg of config.vms.get(input.vm)?.volumeGroups ?? []) volumeIds.push(...(await groupAt(provider, config, session, vg, input.to, cache)).volumeIds);
        const created = await provider.create('vm', ws, vmSpecAt(config, session, input.vm, input.to, volumeIds), { timeoutMs: realMs(3600) });
        return { id: created.id };
      }
      if (!vm.ready) await startAndSettle(ws, vm.id, input.vm);
      return { id: vm.id };
    },
  };

  /**
   * Starts a VM by id and waits for it; false when no VM has that id there. A boot is the
   * critical path of a move, so it is one request to start and one held task read to learn it
   * is up (the provider's powerVm), with no read first: a VM already starting or running (an
   * earlier attempt's request landed) answers 409, after which it is waited for by reads.
   */
  async function startAndSettle(ws: string, id: string, vm: string): Promise<boolean> {
    const modelSeconds = config.vms.get(vm)?.bootSeconds ?? 0;
    try {
      await provider.powerVm(ws, id, 'start', { expectedMs: modelSeconds * 1000 * scale, timeoutMs: realMs(3600) });
      return true;
    } catch (e) {
      if (e instanceof ProviderError && e.code === 'not_found') return false;
      if (!(e instanceof ProviderError && e.code === 'conflict')) throw e;
    }
    await settleVm(ws, id, (s) => s.ready, modelSeconds, 'become ACTIVE and healthy');
    return true;
  }

  /**
   * Waits for a VM whose action an earlier attempt already sent (its own answered 409): it may
   * be done, or anywhere in its modelled duration, so it is read at once, then at intervals that
   * start at 1% of that duration and double up to 2 s.
   */
  async function settleVm(ws: string, id: string, settled: (s: VmState) => boolean, modelSeconds: number, goal: string): Promise<VmState> {
    let intervalMs = Math.min(2000, Math.max(1, modelSeconds * 1000 * scale * 0.01));
    const deadline = Date.now() + realMs(3600);
    for (;;) {
      const s = await provider.read('vm', ws, id);
      if (!s) throw new Error(`${id} is gone from ${ws}`);
      if (settled(s)) return s;
      if (s.status === 'ERROR') throw new Error(`it went into ERROR${s.fault ? `: ${s.fault}` : ''}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting to ${goal} (last seen: ${s.status}/${s.health})`);
      await sleep(intervalMs);
      intervalMs = Math.min(2000, intervalMs * 2);
    }
  }

  /** Stops replication of a volume group with access at `target`, after `first` (once per run). */
  async function switchGroup(vg: string, target: string, first: Promise<unknown> = Promise.resolve()): Promise<void> {
    let p = switches.get(vg);
    if (!p) {
      p = (async () => {
        const ws = workspaceOf(config, target);
        let { group, status } = await replicationAt(provider, config, session, vg, target, cache);
        await first;
        if (status.status === 'error') status = await provider.resetVolumeGroup(ws, group.id);
        if (!status.replicationEnabled) return; // already stopped with access by an earlier attempt
        emit({ name: 'VG_REVERSAL_STARTED', subject: vg, message: `stop replication of ${vg} with access at ${target} (lag ${Math.round(status.lagSeconds ?? 0)}s)`, detail: { lagSeconds: status.lagSeconds ?? null } });
        progress.rpo[vg] = status.lagSeconds ?? 0;
        // The lag at the switch is written while the switch runs, not before it: the boots wait
        // for the switch, and the write is durable long before the switch ends.
        const saved = saveProgress();
        await provider.stopVolumeGroup(ws, group.id, true, { timeoutMs: realMs(1800) });
        await saved;
        emit({ name: 'VG_REVERSAL_COMPLETED', subject: vg, message: `${vg} writable at ${target}` });
      })();
      switches.set(vg, p);
      p.catch(() => switches.delete(vg));
    }
    return p;
  }

  const provided = workgroupMachine.provide({
    actors: {
      shutdownVm: fromPromise<void, StepInput>(stepActors.shutdownVm),
      switchStorage: fromPromise<void, StepInput>(stepActors.switchStorage),
      bootVm: fromPromise<{ id: string }, StepInput>(stepActors.bootVm),
    },
  });
  for (const g of plan.groups) {
    for (const vm of g.vms) {
      requireResource(session, vm);
      const lc = startLifecycle(provided, vm, session, { vm, from, to, placement: homePlacement(session, vm), bootTimeoutMs: realMs(g.timeoutSeconds ?? 3600) }, { onTransition });
      const s = lc.actor.getSnapshot();
      // A VM that finished an earlier move the other way turns around for this one.
      if (stateName(s) === 'active-on-target' && s.context.to !== to) lc.actor.send({ type: 'REVERSE' });
      if (stateName(lc.actor.getSnapshot()) === 'unmanaged') lc.actor.send({ type: 'DISCOVER' });
      if (stateName(lc.actor.getSnapshot()) === 'discovered') lc.actor.send({ type: 'READY' });
      lifecycles.set(vm, lc);
    }
  }

  if (!resuming) siteSend(opts.kind === 'failover' ? { type: 'FAILOVER', to, run: runId, unplanned } : { type: 'FAILBACK', run: runId });
  else if (sState === 'needs-attention') {
    if (opts.forcePast) {
      siteSend({ type: 'FORCE', run: runId });
      const record = await finish('forced');
      return { runbook, record: record.record, recordFile: record.file, ok: true };
    }
    siteSend({ type: 'RETRY', run: runId });
  }

  // Unplanned: is the source site there at all? If it answers, its VMs are shut down as usual
  // (split-brain protection); if not, nothing can be fenced and the move goes on without it.
  if (unplanned) {
    const fromWs = workspaceOf(config, from);
    try {
      await Promise.race([provider.list('vm', fromWs), new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${opts.probeTimeoutMs ?? 5000} ms`)), opts.probeTimeoutMs ?? 5000).unref())]);
    } catch (e) {
      sourceLost.value = true;
      emit({ name: 'VM_SOURCE_UNREACHABLE', subject: from, message: `${from} (${fromWs}) does not answer: ${message(e)}; its VMs cannot be shut down` });
    }
  }

  // Failback: fence stale copies at the target (left running by an unplanned move), then resync.
  if (opts.kind === 'failback' && stateName(site.actor.getSnapshot()) === 'resyncing') {
    try {
      await fenceAndResync();
      siteSend({ type: 'RESYNCED' });
    } catch (e) {
      failures.push(`resync: ${message(e)}`);
      emit({ name: 'REPLICATION_BROKEN', subject: 'resync', message: `resync ${from} → ${to} failed: ${message(e)}` });
      siteSend({ type: 'STEP_FAILED', event: 'REPLICATION_BROKEN', step: 'resync', message: message(e) });
      const r = await finish('needs-attention');
      return { runbook, record: r.record, recordFile: r.file, ok: false };
    }
  }

  async function fenceAndResync(): Promise<void> {
    const toWs = workspaceOf(config, to);
    for (const [vm, lc] of lifecycles) {
      const id = lc.actor.getSnapshot().context.placement[to];
      const found = id ? await provider.read('vm', toWs, id) : undefined;
      if (found && found.status !== 'SHUTOFF') {
        emit({ name: 'SPLIT_BRAIN_PREVENTED', subject: vm, message: `${vm} was still running at ${to} (left by an unplanned move); stopping it before resync` });
        await provider.stopVm(toWs, found.id, { immediate: true });
      }
    }
    const fromWs = workspaceOf(config, from);
    for (const vg of vgs) {
      let { group, status } = await replicationAt(provider, config, session, vg, from, cache);
      const fromRole = group.auxiliary ? 'aux' : 'master';
      if (status.status === 'error') status = await provider.resetVolumeGroup(fromWs, group.id);
      if (status.replicationEnabled && status.primaryRole !== fromRole) {
        await provider.stopVolumeGroup(fromWs, group.id, true, { timeoutMs: realMs(1800) });
        status = await provider.replicationStatus(fromWs, group.id);
      }
      if (!status.replicationEnabled) status = await provider.startVolumeGroup(fromWs, group.id, fromRole, { timeoutMs: realMs(3600) });
      const deadline = Date.now() + realMs(3600);
      while (status.state !== 'consistent_copying') {
        if (Date.now() > deadline) throw new Error(`${vg} did not reach consistent_copying (state ${status.state})`);
        await new Promise((r) => setTimeout(r, Math.max(20, Math.min(2000, 10_000 * scale))));
        status = await provider.replicationStatus(fromWs, group.id);
      }
      emit({ name: 'RESYNC_COMPLETED', subject: vg, message: `${vg} resynchronised ${from} → ${to}` });
    }
  }

  // --- The graph: shutdowns (reverse order) → every volume group switched at once → boots
  // group by group → reverse. Each VM's own storage step runs beside the graph (see paceStorageSteps). ---
  type Step =
    | { kind: 'shutdown' | 'boot'; vm: string }
    | { kind: 'barrier' | 'switch' }
    | { kind: 'group'; group: RecoveryGroup }
    | { kind: 'reverse'; vg: string };
  const graph = new Graph<Step>();
  for (const g of groups) graph.addNode(`shutdown-done ${g.name}`, { kind: 'barrier' });
  groups.forEach((g, i) => {
    for (const vm of g.vms) {
      graph.addNode(`shutdown ${vm}`, { kind: 'shutdown', vm });
      graph.addEdge(`shutdown-done ${g.name}`, `shutdown ${vm}`);
      if (i + 1 < groups.length) graph.addEdge(`shutdown ${vm}`, `shutdown-done ${groups[i + 1].name}`);
    }
  });
  // Storage is one step, as the runbook predicts it: when every VM is off, all volume groups are
  // switched at once, outside the VM parallelism. Left to the VMs' own storage steps, a volume
  // group would be switched when the walk first reached one of its VMs, which for a later group
  // can be just as that group is due to boot.
  graph.addNode('switch storage', { kind: 'switch' });
  graph.addEdge('switch storage', `shutdown-done ${groups[0].name}`);
  groups.forEach((g, i) => {
    graph.addNode(`group ${g.name}`, { kind: 'group', group: g });
    for (const vm of g.vms) {
      graph.addNode(`boot ${vm}`, { kind: 'boot', vm });
      graph.addEdge(`boot ${vm}`, 'switch storage');
      if (i > 0) graph.addEdge(`boot ${vm}`, `group ${groups[i - 1].name}`);
      graph.addEdge(`group ${g.name}`, `boot ${vm}`);
    }
  });
  for (const vg of vgs) {
    graph.addNode(`reverse ${vg}`, { kind: 'reverse', vg });
    graph.addEdge(`reverse ${vg}`, `group ${groups[groups.length - 1].name}`);
  }

  const bootSeconds = (vm: string) => config.vms.get(vm)?.bootSeconds ?? 1;
  const switchSeconds = Math.max(1, ...vgs.map((vg) => volumeGroupSwitchSeconds((config.volumeGroups.get(vg)?.volumes ?? []).reduce((s, v) => s + v.sizeGb, 0))));

  /**
   * Switches every volume group of the plan at once, once every VM's shutdown is durable in
   * state; fails naming each group that failed.
   */
  async function switchAllStorage(): Promise<void> {
    // The groups' states are read while the shutdowns are made durable; nothing is switched before.
    const durable = Promise.all([...lifecycles.values()].map((lc) => lc.flush()));
    durable.catch(() => undefined); // reported through the switches that wait for it
    await switchEveryGroup(durable);
    paceStorageSteps();
  }

  /**
   * Once storage is switched, each VM's lifecycle records it (its storage step): bookkeeping in
   * promise callbacks, outside the walk. Run as walk steps they took a boot slot each and, being
   * ready long before their boots, ran hundreds at a time in the tail of the group before,
   * holding the event loop and with it the answers of the boots in flight. Here they run one a
   * turn of the loop, in the order the boots will start; a boot waits for its own VM's step only.
   */
  function paceStorageSteps(): void {
    let previous: Promise<unknown> = Promise.resolve();
    for (const g of groups) {
      const order = [...g.vms].sort((a, b) => bootSeconds(b) - bootSeconds(a));
      for (const vm of order) {
        const step = previous
          .then(() => new Promise((resolve) => setImmediate(resolve)))
          .then(() => {
            if (opts.signal?.aborted) throw new Error('interrupted');
            return driveVm(vm, 'storage');
          });
        step.catch(() => undefined); // a boot that waits for it reports it
        storageSteps.set(vm, step);
        previous = step.catch(() => undefined);
      }
    }
  }

  async function switchEveryGroup(first: Promise<unknown>): Promise<void> {
    const results = await Promise.allSettled(vgs.map((vg) => switchGroup(vg, to, first)));
    await first; // a failed state write is the error, not the switches it held back
    const failed: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      failed.push(`${vgs[i]}: ${message(r.reason)}`);
      emit({ name: 'VG_REVERSAL_FAILED', subject: vgs[i], message: `cannot stop replication of ${vgs[i]} at ${to}: ${message(r.reason)}` });
    });
    if (failed.length) throw new Error(`VG_REVERSAL_FAILED: ${failed.join('; ')}`);
  }

  async function driveVm(vm: string, step: 'shutdown' | 'storage' | 'boot'): Promise<void> {
    const lc = lifecycles.get(vm)!;
    const name = () => stateName(lc.actor.getSnapshot()) as WorkgroupState;
    const startOf: Record<typeof step, { from: WorkgroupState; event: 'MOVE' | 'SWITCH_STORAGE' | 'BOOT'; busy: WorkgroupState; failed: WorkgroupState; done: WorkgroupState; eventName: KsysEventName }> = {
      shutdown: { from: 'ready-to-move', event: 'MOVE', busy: 'shutting-down', failed: 'shutdown-failed', done: 'shut-down', eventName: 'VM_SHUTDOWN_STARTED' },
      storage: { from: 'shut-down', event: 'SWITCH_STORAGE', busy: 'storage-switching', failed: 'storage-failed', done: 'storage-switched', eventName: 'VG_REVERSAL_STARTED' },
      boot: { from: 'storage-switched', event: 'BOOT', busy: 'booting', failed: 'boot-failed', done: 'active-on-target', eventName: 'VM_BOOTUP_STARTED' },
    };
    const s = startOf[step];
    const order: WorkgroupState[] = ['ready-to-move', 'shutting-down', 'shut-down', 'storage-switching', 'storage-switched', 'booting', 'active-on-target'];
    const failedAt: Partial<Record<WorkgroupState, WorkgroupState>> = { 'shutdown-failed': 'shutting-down', 'storage-failed': 'storage-switching', 'boot-failed': 'booting' };
    const at = order.indexOf(failedAt[name()] ?? name());
    if (at > order.indexOf(s.busy)) return; // finished by an earlier attempt
    if (name() === s.failed) lc.actor.send({ type: 'RETRY' });
    else if (name() === s.from) {
      if (step === 'shutdown' && sourceLost.value) {
        lc.actor.send({ type: 'SOURCE_LOST' });
        return;
      }
      if (step !== 'storage') emit({ name: s.eventName, subject: vm, message: `${step === 'boot' ? 'booting' : 'shutting down'} ${vm} at ${step === 'boot' ? to : from}` });
      lc.actor.send({ type: s.event });
    } else if (name() !== s.busy) throw new Error(`${vm} is ${name()}, not ready for ${step}`);
    const end = await until(lc.actor, (x) => { const n = stateName(x); return n === s.done || n === s.failed; }, opts.signal);
    if (stateName(end) === s.failed) {
      const f = end.context.failure;
      emit({ name: f?.event ?? 'MOVE_FAILED', subject: vm, message: `${vm}: ${f?.message ?? 'failed'}` });
      throw new Error(`${f?.event ?? 'failed'}: ${f?.message ?? ''}`);
    }
    if (step === 'shutdown') emit({ name: 'VM_SHUTDOWN_COMPLETED', subject: vm, message: `${vm} is off at ${from}` });
    if (step === 'boot') emit({ name: 'VM_BOOTUP_COMPLETED', subject: vm, message: `${vm} is up at ${to}` });
  }

  async function runGroup(g: RecoveryGroup): Promise<void> {
    const key = `group ${g.name}`;
    const gp = (progress.groups[g.name] ??= {});
    if (g.postCheck && !progress.done[`${key} post_check`]) {
      const r = await runPostCheck(config.dir, g, { run: runId, site: to, kind: opts.kind, drill: false }, realMs(g.timeoutSeconds ?? 900), opts.signal);
      gp.postCheck = { script: g.postCheck, ok: r.ok, output: r.output.slice(-2000) };
      if (!r.ok) {
        emit({ name: 'POST_CHECK_FAILED', subject: key, message: `post_check ${g.postCheck} failed: ${r.reason}` });
        await saveProgress();
        throw new Error(`POST_CHECK_FAILED: ${g.postCheck}: ${r.reason}`);
      }
      emit({ name: 'POST_CHECK_PASSED', subject: key, message: `post_check ${g.postCheck} passed` });
      progress.done[`${key} post_check`] = true;
      await saveProgress();
    }
    if (g.manual && !progress.done[`${key} manual`]) {
      emit({ name: 'MANUAL_STEP', subject: key, message: g.manual });
      const confirmed = opts.confirmManual ? await opts.confirmManual(g.name, g.manual) : false;
      if (opts.confirmManual && !confirmed) throw new Error(`manual step of group ${g.name} was not confirmed`);
      gp.manual = { text: g.manual, confirmed };
      progress.done[`${key} manual`] = true;
    }
    gp.endedAt ??= wall().toISOString();
    groupEndMs.set(g.name, dr.ctx.now() - t0);
    emit({ name: 'GROUP_COMPLETED', subject: key, message: `group ${g.name} is up at ${to}` });
    // The next group boots once this group's VMs are durably up (their lifecycles). The group's
    // end time is bookkeeping a resume redoes, so it is waited for only with a confirmed manual
    // step, which must never be asked again: one journal sync at a handover, not two.
    const saved = saveProgress();
    if (g.manual) await saved;
    else saved.catch(() => undefined); // a failed write fails every later one, which are awaited
    await Promise.all(g.vms.map((vm) => lifecycles.get(vm)!.flush()));
  }

  async function reverse(vg: string): Promise<void> {
    if (progress.done[`reverse ${vg}`]) return;
    const ws = workspaceOf(config, to);
    try {
      let { group, status } = await replicationAt(provider, config, session, vg, to, cache);
      const role = group.auxiliary ? 'aux' : 'master';
      if (status.status === 'error') status = await provider.resetVolumeGroup(ws, group.id);
      if (!status.replicationEnabled) await provider.startVolumeGroup(ws, group.id, role, { timeoutMs: realMs(1800) });
      emit({ name: 'REPLICATION_REVERSED', subject: vg, message: `${vg} now replicates ${to} → ${from}` });
      progress.done[`reverse ${vg}`] = true;
      await saveProgress();
    } catch (e) {
      // The old site may be gone (unplanned): production runs; failback resyncs first.
      emit({ name: 'REPLICATION_REVERSE_FAILED', subject: vg, message: `cannot reverse ${vg} yet: ${message(e)}; drctl failback resyncs it first` });
    }
  }

  const outcomes = await walk(
    graph,
    async (id, step) => {
      switch (step.kind) {
        case 'barrier':
          return;
        case 'shutdown':
          return driveVm(step.vm, step.kind);
        case 'switch':
          return switchAllStorage();
        case 'boot': {
          const g = groupOf.get(step.vm)!;
          if (!groupStartMs.has(g.name)) groupStartMs.set(g.name, dr.ctx.now() - t0);
          const gp = (progress.groups[g.name] ??= {});
          gp.startedAt ??= wall().toISOString();
          return storageSteps.get(step.vm)!.then(() => driveVm(step.vm, 'boot'));
        }
        case 'group':
          return runGroup(step.group);
        case 'reverse':
          return reverse(step.vg);
      }
    },
    {
      parallelism: dr.parallelism,
      signal: opts.signal,
      estimate: (id) => (id.startsWith('boot ') ? bootSeconds(id.slice(5)) : id === 'switch storage' ? switchSeconds : 1),
    },
  );
  const failed = [...outcomes].filter(([, o]) => o.status === 'failed') as [string, Extract<WalkOutcome, { status: 'failed' }>][];
  for (const [id, o] of failed) failures.push(`${id}: ${message(o.error)}`);
  const interrupted = opts.signal?.aborted === true && [...outcomes.values()].some((o) => o.status === 'cancelled');
  let outcome: RunRecord['outcome'];
  if (failed.length) {
    const first = failed[0];
    const ev = (/^([A-Z_]+):/.exec(message(first[1].error))?.[1] ?? 'MOVE_FAILED') as KsysEventName;
    siteSend({ type: 'STEP_FAILED', event: ev, step: first[0], message: message(first[1].error) });
    emit({ name: 'MOVE_FAILED', subject: 'site', message: `${opts.kind} stopped at ${first[0]}: ${message(first[1].error)}` });
    emit({ name: 'NEEDS_ATTENTION', subject: 'site', message: `fix the cause, then run drctl ${opts.kind} again to retry (or --force-past to accept)` });
    outcome = 'needs-attention';
  } else if (interrupted) {
    outcome = 'interrupted';
  } else {
    siteSend({ type: 'MOVED' });
    emit({ name: 'MOVE_COMPLETED', subject: 'site', message: `production runs at ${to}` });
    outcome = 'succeeded';
  }
  const r = await finish(outcome);
  return { runbook, record: r.record, recordFile: r.file, ok: outcome === 'succeeded' };

  async function finish(outcome: RunRecord['outcome']): Promise<{ record: RunRecord; file: string }> {
    const elapsed = (dr.ctx.now() - t0) / 1000;
    await Promise.allSettled(storageSteps.values()); // those of groups a failure kept from booting
    const wallStart = Date.parse(progress.startedAt);
    const achievedSeconds = progress.resumed ? (wall().getTime() - wallStart) / 1000 : elapsed;
    const achievedModelSeconds = scale > 0 ? achievedSeconds / scale : achievedSeconds;
    const vms: Record<string, { state: string; activeOn: string | null; failure?: string }> = {};
    for (const [vm, lc] of lifecycles) {
      const s = lc.actor.getSnapshot();
      vms[vm] = { state: stateName(s), activeOn: s.context.activeOn, ...(s.context.failure ? { failure: `${s.context.failure.event}: ${s.context.failure.message}` } : {}) };
    }
    const predictedByGroup = new Map(runbook.phases.filter((p) => p.name.startsWith('group ')).map((p) => [p.name.slice(6), p.predictedSeconds]));
    const record: RunRecord = {
      run: runId,
      kind: opts.kind,
      plan: plan.address,
      from,
      to,
      unplanned,
      startedAt: progress.startedAt,
      endedAt: wall().toISOString(),
      outcome,
      resumed: progress.resumed,
      groups: groups.map((g) => {
        const s = groupStartMs.get(g.name);
        const e = groupEndMs.get(g.name);
        const seconds = s !== undefined && e !== undefined ? (e - s) / 1000 : undefined;
        return {
          name: g.name,
          vms: g.vms,
          ...(s !== undefined ? { startedMs: Math.round(s) } : {}),
          ...(e !== undefined ? { endedMs: Math.round(e) } : {}),
          ...(seconds !== undefined ? { seconds, modelSeconds: scale > 0 ? seconds / scale : seconds } : {}),
          predictedSeconds: predictedByGroup.get(g.name) ?? 0,
          ...(progress.groups[g.name]?.postCheck ? { postCheck: progress.groups[g.name].postCheck } : {}),
          ...(progress.groups[g.name]?.manual ? { manual: progress.groups[g.name].manual } : {}),
        };
      }),
      rto: {
        achievedSeconds,
        achievedModelSeconds,
        predictedSeconds: runbook.predictedSeconds,
        targetSeconds: runbook.targetSeconds,
        ...(runbook.targetSeconds !== undefined && outcome === 'succeeded' ? { met: achievedModelSeconds <= runbook.targetSeconds } : {}),
      },
      rpo: { atSwitch: { ...progress.rpo }, maxLagSeconds: Math.max(0, ...Object.values(progress.rpo)) },
      vms,
      failures,
      events: { file: path.relative(dr.ctx.cwd, channel.log.file), count: channel.log.count, bySeverity: { ...channel.log.bySeverity } },
      runbook,
    };
    const file = writeRunRecord(dr, runId, record);
    if (outcome === 'succeeded' || outcome === 'forced') await session.setLifecycle(RUN_KEY, undefined);
    else await saveProgress();
    for (const lc of lifecycles.values()) await lc.stop();
    await site.stop();
    await session.commit();
    await channel.close();
    return { record, file };
  }
}

export interface PostCheckResult {
  readonly ok: boolean;
  readonly output: string;
  readonly reason: string;
}

/**
 * Runs a group's post_check in the configuration directory: a file there runs with /bin/sh,
 * anything else as a shell command. It gets the run's facts in DRCTL_* variables; a check that
 * outlives its timeout is killed and fails.
 */
export function runPostCheck(configDir: string, g: RecoveryGroup, facts: { run: string; site: string; kind: string; drill: boolean }, timeoutMs: number, signal?: AbortSignal): Promise<PostCheckResult> {
  return new Promise((resolve) => {
    const script = g.postCheck!;
    const cwd = path.resolve(configDir);
    const isFile = (() => {
      try {
        return fs.statSync(path.resolve(cwd, script)).isFile();
      } catch {
        return false;
      }
    })();
    const child = spawn('/bin/sh', isFile ? [script] : ['-c', script], {
      cwd,
      env: { ...process.env, DRCTL_RUN: facts.run, DRCTL_SITE: facts.site, DRCTL_OPERATION: facts.kind, DRCTL_GROUP: g.name, DRCTL_VMS: g.vms.join(' '), DRCTL_DRILL: facts.drill ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    let reason = '';
    const timer = setTimeout(() => {
      reason = `timed out after ${Math.round(timeoutMs / 1000)}s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = () => {
      reason = 'interrupted';
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      reason = e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ok: code === 0 && !reason, output, reason: reason || (code === 0 ? '' : `exit status ${code}`) });
    });
  });
}

