// `drctl drill`: a non-disruptive rehearsal at the standby site. Clone the replicated volumes,
// build test networks from each network's `test` subnet, boot the clones there in plan order,
// run the post_checks, record the RTO, and clean up — always: the drill machine reaches
// `cleaning` after a failure, after the drill's time limit, and on Ctrl-C. Production and
// replication are never touched.
import { fromPromise } from 'xstate';
import { slowestFirst, type Drill, type RecoveryGroup, type RecoveryPlan } from '../config/index.js';
import { UserError } from '../diag/index.js';
import { makeRunbook, type Runbook } from '../plan/index.js';
import { drillMachine } from './drill.js';
import { siteMachine } from './site.js';
import { RunInterrupted, startLifecycle, stateName, until } from './runner.js';
import { choosePlan, cloudName, groupAt, planVolumeGroups, SITE_KEY, sitePair, vmSpecAt, workspaceOf, type GroupCache } from './estate.js';
import { newRunId, openRunChannel, writeRunRecord, type DrSession } from './session.js';
import { DRILL_PREFIX, removeDrillLeftovers } from './cleanup.js';
import { drillOwnership, drillTag } from '../resources/index.js';
import { runPostCheck } from './move.js';
import { clockedProvider, RtoClock, type RtoBreakdown } from './rto.js';

export interface DrillRunOptions {
  /** The drill block to run (default: the only one), or a plan for an ad-hoc drill. */
  readonly drill?: string;
  readonly plan?: string;
  readonly approve?: (runbook: Runbook) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

export interface DrillRecord {
  readonly run: string;
  readonly kind: 'drill';
  readonly drill: string;
  readonly plan: string;
  readonly site: string;
  readonly outcome: 'passed' | 'failed' | 'cancelled';
  readonly failure?: { readonly step: string; readonly message: string };
  readonly startedAt: string;
  readonly endedAt: string;
  /** Each group's share of the RTO (its boots and post_check), and its real seconds. */
  readonly groups: readonly {
    readonly name: string;
    readonly seconds: number;
    readonly wallSeconds: number;
    readonly postCheck?: { readonly ok: boolean; readonly output: string };
  }[];
  /** One RTO, computed as a move's is (lifecycle/rto.ts): from the first clone to the last group's post_check. */
  readonly rto: {
    readonly achievedSeconds?: number;
    readonly predictedSeconds: number;
    readonly targetSeconds?: number;
    readonly met?: boolean;
    readonly breakdown?: RtoBreakdown;
  };
  readonly cleanup: { readonly vms: number; readonly volumes: number; readonly networks: number };
  readonly events: { readonly file: string; readonly count: number };
  readonly runbook: Runbook;
}

function chooseDrill(dr: DrSession, opts: DrillRunOptions): { name: string; drill?: Drill; plan: RecoveryPlan } {
  const drills = [...dr.config.drills.values()];
  if (opts.drill) {
    const d = dr.config.drills.get(opts.drill.startsWith('drill.') ? opts.drill : `drill.${opts.drill}`);
    if (!d) throw new UserError(`No drill "${opts.drill}".`, [`Drills: ${drills.map((x) => x.name).join(', ') || 'none'}.`]);
    return { name: d.name, drill: d, plan: choosePlan(dr.config, d.plan) };
  }
  if (opts.plan) return { name: choosePlan(dr.config, opts.plan).name, plan: choosePlan(dr.config, opts.plan) };
  if (drills.length === 1) return { name: drills[0].name, drill: drills[0], plan: choosePlan(dr.config, drills[0].plan) };
  const plan = choosePlan(dr.config);
  return { name: plan.name, plan };
}

export async function runDrill(dr: DrSession, opts: DrillRunOptions): Promise<{ record?: DrillRecord; recordFile?: string; cancelled?: boolean }> {
  const { config, state: session } = dr;
  // The drill's RTO: from the first clone to the last group's post_check (lifecycle/rto.ts).
  const rto = new RtoClock(dr.timeScale, () => dr.ctx.now());
  const provider = clockedProvider(dr.provider, rto);
  const wall = dr.ctx.wall ?? (() => new Date());
  const chosen = chooseDrill(dr, opts);
  const plan = chosen.plan;
  const pair = sitePair(config);
  const site = startLifecycle(siteMachine, SITE_KEY, session, { active: pair.active, standby: pair.standby });
  const siteState = stateName(site.actor.getSnapshot());
  if (siteState !== 'ready' && siteState !== 'replicating' && siteState !== 'drilling' && siteState !== 'cleaning-up') {
    await site.stop();
    throw new UserError(`A move is under way or unfinished (site lifecycle: ${siteState}); a drill must wait.`);
  }
  const at = site.actor.getSnapshot().context.standby;
  const ws = workspaceOf(config, at);
  const prefix = `${DRILL_PREFIX}${chosen.name}`.slice(0, 24);
  const run = newRunId('drill', wall());
  // What the drill makes carries its identity: found again by it (never by a name), and removed by it.
  const tag = drillTag(session.lineage);
  const owner = (key: string) => drillOwnership(session.lineage, run, key);
  const cache: GroupCache = new Map();
  const vgs = planVolumeGroups(
    config,
    plan.groups.flatMap((g) => g.vms),
  );
  const runbook = makeRunbook({
    kind: 'drill',
    run,
    config,
    plan,
    from: site.actor.getSnapshot().context.active,
    to: at,
    unplanned: false,
    resuming: false,
    parallelism: dr.parallelism,
    replication: vgs.map((v) => ({ volumeGroup: v, state: 'clone' })),
  });
  if (opts.approve && !(await opts.approve(runbook))) {
    await site.stop();
    return { cancelled: true };
  }
  const channel = openRunChannel(dr, run);
  const emit = channel.log.emit;
  const scale = dr.timeScale;
  const realMs = (s: number) => Math.max(10_000, s * 1000 * (scale > 0 ? scale : 1));
  const key = `drill.${chosen.name}`;

  // A drill interrupted earlier (kill -9) is cleaned up before a new one starts.
  if (session.lifecycle(key) !== undefined || siteState === 'drilling' || siteState === 'cleaning-up') {
    emit({ name: 'run.step', severity: 'warning', subject: key, message: 'an earlier drill was interrupted; cleaning up its leftovers first' });
    await removeDrillLeftovers(provider, [ws], tag);
    await session.setLifecycle(key, undefined);
    if (stateName(site.actor.getSnapshot()) === 'drilling') site.actor.send({ type: 'DRILL_ENDED' });
    if (stateName(site.actor.getSnapshot()) === 'cleaning-up') site.actor.send({ type: 'CLEANED' });
  }
  if (stateName(site.actor.getSnapshot()) === 'ready') site.actor.send({ type: 'REPLICATION_OK' });
  site.actor.send({ type: 'DRILL', run });
  emit({ name: 'DRILL_STARTED', subject: key, message: `drill ${chosen.name} of ${plan.address} at ${at} (${ws})` });

  const t0 = dr.ctx.now();
  const cloneOf = new Map<string, string>();
  const claimed = new Map<string, string>();
  const netIds: Record<string, string> = {};
  const groupsDone: { name: string; seconds: number; wallSeconds: number; postCheck?: { ok: boolean; output: string } }[] = [];
  let cleaned = { vms: 0, volumes: 0, networks: 0 };
  // Clone boots in flight: once the drill is cancelled no new one starts, and cleanup waits for
  // these to settle, so it never races a VM still being built (nor reports it as a failed boot).
  const booting = new Set<Promise<unknown>>();
  let stopping = false;
  const network = chosen.drill?.network ?? 'test';

  const actors = {
    cloneVolumes: fromPromise<void, { drill: string }>(async () => {
      rto.start();
      await rto.step('clone', 'clone', 1, cloneAll);
    }),
    bootClones: fromPromise<{ rtoMs: number }, { drill: string }>(async () => {
      for (const g of plan.groups) {
        const gs = dr.ctx.now();
        // The slowest first, as a move boots them and as the prediction has it.
        const queue = slowestFirst(g.vms, (vm) => config.vms.get(vm)?.bootSeconds ?? 0);
        const worker = async () => {
          for (let vm = queue.shift(); vm && !stopping; vm = queue.shift()) await rto.step(`boot ${g.name}`, vm, dr.parallelism, () => bootClone(g, vm!));
        };
        await Promise.all(Array.from({ length: Math.min(dr.parallelism, g.vms.length) }, worker));
        if (stopping) throw new RunInterrupted();
        const postCheck = await rto.step(`group ${g.name}`, g.name, 1, () => groupCheck(g));
        if (g.manual) emit({ name: 'MANUAL_STEP', subject: `group ${g.name}`, message: `(drill: not performed) ${g.manual}` });
        groupsDone.push({
          name: g.name,
          seconds: Math.round(((rto.stageSeconds(`boot ${g.name}`) ?? 0) + (rto.stageSeconds(`group ${g.name}`) ?? 0)) * 10) / 10,
          wallSeconds: (dr.ctx.now() - gs) / 1000,
          ...(postCheck ? { postCheck } : {}),
        });
        emit({ name: 'GROUP_COMPLETED', subject: `group ${g.name}`, message: `drill group ${g.name} is up` });
      }
      rto.stop();
      return { rtoMs: rto.result().seconds * 1000 };
    }),
    validate: fromPromise<void, { drill: string }>(async () => {
      const max = chosen.drill?.pass.maxRtoSeconds ?? plan.rtoSeconds;
      const rtoSeconds = rto.result().seconds;
      if (max !== undefined && rtoSeconds > max) throw new Error(`RTO ${Math.round(rtoSeconds)}s exceeds the drill's limit of ${max}s`);
      if (chosen.drill?.pass.requirePostChecks && groupsDone.some((g) => g.postCheck && !g.postCheck.ok)) throw new Error('a post_check failed');
    }),
    cleanup: fromPromise<void, { drill: string }>(async () => {
      stopping = true;
      await Promise.allSettled([...booting]);
      const r = await removeDrillLeftovers(provider, [ws], tag);
      cleaned = { vms: r.removed.vms.length, volumes: r.removed.volumes.length, networks: r.removed.networks.length };
    }),
  };

  async function cloneAll(): Promise<void> {
    const used = new Set(plan.groups.flatMap((g) => g.vms).flatMap((v) => config.vms.get(v)?.networks ?? []));
    for (const n of [...used].sort()) {
      const net = config.networks.get(n);
      const sub = network === 'test' ? net?.test : net?.subnets[network];
      if (!sub) throw new Error(`${n} has no "${network}" subnet to boot drill clones on`);
      const created = await provider.create('network', ws, {
        name: `${prefix}-${cloudName(n)}`,
        type: 'vlan',
        cidr: sub.cidr,
        gateway: sub.gateway,
        owner: owner(n),
      });
      netIds[n] = created.id;
    }
    for (const vg of vgs) {
      const g = await groupAt(provider, config, session, vg, at, cache);
      const res = await provider.cloneVolumes(
        ws,
        { name: `${prefix}-${cloudName(vg)}`, volumeIds: g.volumeIds, tags: owner(vg).tags },
        { timeoutMs: realMs(600) },
      );
      for (const c of res.clones) cloneOf.set(c.sourceId, c.cloneId);
      emit({ name: 'run.step', subject: vg, message: `cloned ${res.clones.length} volume(s) of ${vg}` });
    }
  }

  /** One clone built and booted at the standby site on the test network. */
  async function bootClone(g: RecoveryGroup, vm: string): Promise<void> {
    const volumeIds: string[] = [];
    for (const vg of config.vms.get(vm)?.volumeGroups ?? []) {
      // Clones are not shareable: a shared group's clones go to the first VM that uses it.
      if (claimed.has(vg) && claimed.get(vg) !== vm) continue;
      claimed.set(vg, vm);
      for (const id of (await groupAt(provider, config, session, vg, at, cache)).volumeIds) volumeIds.push(cloneOf.get(id) ?? id);
    }
    const networkIds = (config.vms.get(vm)?.networks ?? []).map((n) => netIds[n]).filter(Boolean);
    emit({ name: 'VM_BOOTUP_STARTED', subject: vm, message: `booting the clone of ${vm} on the ${network} network` });
    const boot = provider.create(
      'vm',
      ws,
      vmSpecAt(config, session, vm, at, volumeIds, { name: `${prefix}-${cloudName(vm)}`.slice(0, 47), networkIds, owner: owner(vm) }),
      {
        timeoutMs: realMs(g.timeoutSeconds ?? 3600),
      },
    );
    booting.add(boot);
    try {
      await boot;
    } catch (e) {
      if (stopping) throw new RunInterrupted(`the boot of the clone of ${vm} was interrupted`);
      emit({ name: 'VM_BOOTUP_FAILED', subject: vm, message: `${vm}: ${e instanceof Error ? e.message : String(e)}` });
      throw e;
    } finally {
      booting.delete(boot);
    }
    emit({ name: 'VM_BOOTUP_COMPLETED', subject: vm, message: `clone of ${vm} is up` });
  }

  /** A group's post_check, if it has one. */
  async function groupCheck(g: RecoveryGroup): Promise<{ ok: boolean; output: string } | undefined> {
    let postCheck: { ok: boolean; output: string } | undefined;
    if (g.postCheck) {
      const r = await runPostCheck(
        config.dir,
        g,
        { run, site: at, kind: 'drill', drill: true, redact: dr.redactor },
        realMs(g.timeoutSeconds ?? 900),
        opts.signal,
      );
      if (!r.ok && stopping) throw new RunInterrupted();
      postCheck = { ok: r.ok, output: r.output.slice(-2000) };
      emit({
        name: r.ok ? 'POST_CHECK_PASSED' : 'POST_CHECK_FAILED',
        subject: `group ${g.name}`,
        message: `post_check ${g.postCheck}${r.ok ? ' passed' : ` failed: ${r.reason}`}`,
      });
      if (!r.ok) throw new Error(`post_check of group ${g.name} failed: ${r.reason}`);
    }
    return postCheck;
  }
  const lc = startLifecycle(
    drillMachine.provide({ actors }),
    key,
    session,
    { drill: chosen.name, limitMs: realMs(chosen.drill?.cleanupAfterSeconds ?? 4 * 3600) },
    {
      onTransition: (k, a, b) => emit({ name: 'machine.transition', subject: k, message: `${k}: ${a || '(new)'} → ${b}` }),
    },
  );
  const onAbort = () => {
    stopping = true;
    lc.actor.send({ type: 'CANCEL' });
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  let end = await until(lc.actor, (s) => s.status === 'done' || stateName(s) === 'cleanup-failed');
  if (stateName(end) === 'cleanup-failed') {
    lc.actor.send({ type: 'RETRY' });
    end = await until(lc.actor, (s) => s.status === 'done' || stateName(s) === 'cleanup-failed');
  }
  opts.signal?.removeEventListener('abort', onAbort);
  const ctx = end.context;
  const cleanOk = end.status === 'done';
  const outcome: DrillRecord['outcome'] = ctx.cancelled ? 'cancelled' : ctx.failure ? 'failed' : 'passed';
  if (ctx.failure) site.actor.send({ type: 'STEP_FAILED', event: 'DRILL_FAILED', step: ctx.failure.step, message: ctx.failure.message });
  else site.actor.send({ type: 'DRILL_ENDED' });
  if (cleanOk) site.actor.send({ type: 'CLEANED' });
  else site.actor.send({ type: 'STEP_FAILED', event: 'DRILL_CLEANUP_FAILED', step: 'cleanup', message: 'drill leftovers remain' });
  emit({
    name: cleanOk ? 'DRILL_CLEANUP_COMPLETED' : 'DRILL_CLEANUP_FAILED',
    subject: key,
    message: cleanOk ? `removed ${cleaned.vms} VM(s), ${cleaned.volumes} clone(s), ${cleaned.networks} test network(s)` : 'cleanup failed: run drctl cleanup',
  });
  // Interrupted is not failed: no DRILL_FAILED, so no failure webhook.
  if (outcome === 'cancelled') emit({ name: 'run.step', severity: 'warning', subject: key, message: 'drill interrupted; its clones are cleaned up' });
  else
    emit({
      name: outcome === 'passed' ? 'DRILL_COMPLETED' : 'DRILL_FAILED',
      subject: key,
      message: outcome === 'passed' ? `drill passed` : `drill ${outcome}${ctx.failure ? `: ${ctx.failure.message}` : ''}`,
    });
  await lc.stop();
  if (cleanOk) await session.setLifecycle(key, undefined);
  await site.stop();
  await session.commit();
  // Recovered when every group was up (the RTO the drill proves); none when it never got there.
  const breakdown = ctx.rtoMs !== undefined ? rto.result() : undefined;
  const target = chosen.drill?.pass.maxRtoSeconds ?? plan.rtoSeconds;
  await channel.close();
  const record: DrillRecord = {
    run,
    kind: 'drill',
    drill: chosen.name,
    plan: plan.address,
    site: at,
    outcome,
    ...(ctx.failure ? { failure: ctx.failure } : {}),
    startedAt: new Date(wall().getTime() - (dr.ctx.now() - t0)).toISOString(),
    endedAt: wall().toISOString(),
    groups: groupsDone,
    rto: {
      ...(breakdown ? { achievedSeconds: breakdown.seconds } : {}),
      predictedSeconds: runbook.predictedSeconds,
      targetSeconds: target,
      ...(breakdown && target !== undefined ? { met: breakdown.seconds <= target } : {}),
      ...(breakdown ? { breakdown } : {}),
    },
    cleanup: cleaned,
    events: { file: channel.log.file, count: channel.log.count },
    runbook,
  };
  return { record, recordFile: writeRunRecord(dr, run, record) };
}
