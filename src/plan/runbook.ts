// The runbook of a move: what will happen, in which order, how long it should take (the timing
// model of config/recovery.ts: the same phases the run's achieved RTO is made of), and what could
// be lost (the replication lag now). It is plain data, shown before approval and kept in the run
// record.
import { formatDuration, predictRecoveryPlan, type DrConfig, type RecoveryPlan } from '../config/index.js';

export interface RunbookPhase {
  readonly name: string;
  readonly steps: readonly string[];
  readonly predictedSeconds: number;
  /** Before the RTO clock starts (a failback's resync: production still runs) or after it stops (reversal, drill cleanup). */
  readonly outsideRto?: boolean;
}

export interface ReplicationLag {
  readonly volumeGroup: string;
  readonly state: string;
  readonly lagSeconds?: number;
  readonly rpoSeconds?: number;
}

export interface Runbook {
  readonly kind: 'failover' | 'failback' | 'drill';
  readonly run: string;
  readonly plan: string;
  readonly from: string;
  readonly to: string;
  readonly unplanned: boolean;
  readonly resuming: boolean;
  readonly phases: readonly RunbookPhase[];
  readonly predictedSeconds: number;
  readonly targetSeconds?: number;
  readonly replication: readonly ReplicationLag[];
  /** The most data an unplanned move can lose: the largest lag (seconds); 0 when unknown. */
  readonly dataLossWindowSeconds: number;
  /** Why a planned move should not start (RPO breached, replication not consistent). */
  readonly blockers: readonly string[];
  readonly manual: readonly { readonly group: string; readonly text: string }[];
}

export interface RunbookInput {
  readonly kind: Runbook['kind'];
  readonly run: string;
  readonly config: DrConfig;
  readonly plan: RecoveryPlan;
  readonly from: string;
  readonly to: string;
  readonly unplanned: boolean;
  readonly resuming: boolean;
  readonly parallelism: number;
  readonly replication: readonly ReplicationLag[];
  readonly resync?: boolean;
  /** VMs built at the target before they boot (their first move there); default every VM. */
  readonly built?: (vm: string) => boolean;
  /** Whether a person is asked at manual steps (so they are timed); default true. */
  readonly manualSteps?: boolean;
}

export function makeRunbook(i: RunbookInput): Runbook {
  const drill = i.kind === 'drill';
  const built = drill ? () => true : (i.built ?? (() => true));
  const manualSteps = !drill && i.manualSteps !== false;
  const prediction = predictRecoveryPlan(i.plan, i.config, i.parallelism, { kind: drill ? 'drill' : 'move', unplanned: i.unplanned, built, manualSteps });
  const phases: RunbookPhase[] = [];
  if (i.resync) {
    phases.push({
      name: `resync replication ${i.from} → ${i.to} (production still runs: before the RTO clock starts)`,
      steps: i.replication.map((r) => `resync ${r.volumeGroup}`),
      predictedSeconds: 0,
      outsideRto: true,
    });
  }
  if (!drill) {
    const reversed = [...i.plan.groups].reverse();
    phases.push({
      name: i.unplanned ? `shut down at ${i.from} (where it answers: stopped at once)` : `shut down at ${i.from}, reverse plan order`,
      steps: reversed.map((g) => `${g.name}: ${g.vms.join(', ')}`),
      predictedSeconds: prediction.shutdownSeconds,
    });
    phases.push({
      name: `stop replication with access at ${i.to}`,
      steps: i.replication.map((r) => r.volumeGroup),
      predictedSeconds: prediction.storageSwitchSeconds,
    });
  } else {
    phases.push({
      name: `clone volumes at ${i.to}, one group after another`,
      steps: i.replication.map((r) => r.volumeGroup),
      predictedSeconds: prediction.cloneSeconds,
    });
  }
  for (const g of prediction.groups) {
    const src = i.plan.groups.find((x) => x.name === g.name)!;
    const building = g.vms.filter(built);
    const steps = [
      building.length === g.vms.length
        ? `build and boot ${g.vms.join(', ')} (~${dur(g.bootSeconds)})`
        : building.length
          ? `boot ${g.vms.join(', ')}; first build ${building.join(', ')} (~${dur(g.bootSeconds)})`
          : `boot ${g.vms.join(', ')} (~${dur(g.bootSeconds)})`,
    ];
    if (src.postCheck)
      steps.push(
        `post_check ${src.postCheck}${src.postCheckSeconds !== undefined ? ` (~${dur(src.postCheckSeconds)})` : ' (not timed: no post_check_time)'}${src.timeoutSeconds ? `, timeout ${formatDuration(src.timeoutSeconds)}` : ''}`,
      );
    if (src.manual)
      steps.push(
        `manual: ${src.manual}${drill ? ' (not performed in a drill)' : !manualSteps ? ' (listed, not timed: no one is asked)' : src.manualSeconds !== undefined ? ` (~${dur(src.manualSeconds)})` : ' (not timed: no manual_time)'}`,
      );
    phases.push({ name: `group ${g.name}`, steps, predictedSeconds: g.seconds });
  }
  if (!drill)
    phases.push({ name: `reverse replication ${i.to} → ${i.from}`, steps: i.replication.map((r) => r.volumeGroup), predictedSeconds: 0, outsideRto: true });
  else phases.push({ name: 'clean up clones, drill VMs and test networks', steps: [], predictedSeconds: 0, outsideRto: true });
  const blockers: string[] = [];
  if (!i.unplanned && i.kind === 'failover' && !i.resuming) {
    for (const r of i.replication) {
      if (r.state !== 'consistent_copying') blockers.push(`${r.volumeGroup}: replication is ${r.state}, not consistent_copying`);
      else if (r.rpoSeconds !== undefined && (r.lagSeconds ?? 0) > r.rpoSeconds)
        blockers.push(`${r.volumeGroup}: lag ${formatDuration(Math.round(r.lagSeconds ?? 0))} exceeds the RPO of ${formatDuration(r.rpoSeconds)}`);
    }
  }
  return {
    kind: i.kind,
    run: i.run,
    plan: i.plan.address,
    from: i.from,
    to: i.to,
    unplanned: i.unplanned,
    resuming: i.resuming,
    phases,
    predictedSeconds: prediction.totalSeconds,
    targetSeconds: prediction.targetSeconds,
    replication: i.replication,
    dataLossWindowSeconds: Math.max(0, ...i.replication.map((r) => r.lagSeconds ?? 0)),
    blockers,
    manual: i.plan.groups.filter((g) => g.manual).map((g) => ({ group: g.name, text: g.manual! })),
  };
}

const dur = (s: number) => formatDuration(Math.max(0, Math.round(s)));

export function renderRunbook(rb: Runbook): string {
  const lines: string[] = [];
  const what = rb.kind === 'drill' ? 'Drill' : `${rb.unplanned ? 'Unplanned' : 'Planned'} ${rb.kind}`;
  lines.push(`${what} runbook (${rb.run})${rb.resuming ? ' — resuming an interrupted run; finished steps are not redone' : ''}`);
  lines.push(`  plan ${rb.plan}: ${rb.from} → ${rb.to}`);
  rb.phases.forEach((p, i) => {
    lines.push(
      `  ${i + 1}. ${p.name}${p.predictedSeconds ? ` (~${dur(p.predictedSeconds)})` : ''}${p.outsideRto && !p.name.includes('RTO') ? ' (after the RTO clock stops)' : ''}`,
    );
    for (const s of p.steps) lines.push(`       ${s}`);
  });
  lines.push(`  Predicted RTO: ${dur(rb.predictedSeconds)}${rb.targetSeconds !== undefined ? ` against a target of ${dur(rb.targetSeconds)}` : ''}`);
  for (const r of rb.replication) {
    lines.push(
      `  Replication ${r.volumeGroup}: ${r.state}, lag ${r.lagSeconds === undefined ? 'unknown' : dur(r.lagSeconds)}${r.rpoSeconds !== undefined ? ` (RPO ${dur(r.rpoSeconds)})` : ''}`,
    );
  }
  if (rb.unplanned) lines.push(`  DATA-LOSS WINDOW: up to ${dur(rb.dataLossWindowSeconds)} of writes at ${rb.from} are not at ${rb.to}.`);
  for (const b of rb.blockers) lines.push(`  Blocked: ${b}`);
  for (const m of rb.manual) lines.push(`  Manual step after group ${m.group}: ${m.text}`);
  return lines.join('\n') + '\n';
}

/** Answers that confirm a manual step is done (case does not matter). */
export const MANUAL_DONE_ANSWERS: readonly string[] = ['done', 'yes', 'y', 'ok', 'confirmed', 'finished'];
/** The answer that stops the run at a manual step (it ends as interrupted; a resume asks again). */
export const MANUAL_ABORT_ANSWER = 'abort';

/** What an operator's answer at a manual step means; undefined for an answer drctl does not know. */
export function manualAnswer(text: string): 'done' | 'abort' | undefined {
  const a = text.trim().toLowerCase();
  if (MANUAL_DONE_ANSWERS.includes(a)) return 'done';
  return a === MANUAL_ABORT_ANSWER ? 'abort' : undefined;
}

/** An achieved RTO against its prediction and target, and what it is made of: one line for every view. */
export function describeRto(rto: {
  readonly achievedSeconds?: number;
  readonly predictedSeconds: number;
  readonly targetSeconds?: number;
  readonly met?: boolean;
  readonly breakdown?: { readonly modelledSeconds: number; readonly overheadSeconds: number; readonly humanSeconds: number; readonly pausedSeconds: number };
}): string {
  const target = rto.targetSeconds === undefined ? '' : `, target ${dur(rto.targetSeconds)}${rto.met === undefined ? '' : rto.met ? ' — met' : ' — MISSED'}`;
  if (rto.achievedSeconds === undefined) return `RTO not reached (predicted ${dur(rto.predictedSeconds)}${target})`;
  const b = rto.breakdown;
  const parts = b
    ? [
        `cloud ${dur(b.modelledSeconds)}`,
        `drctl ${b.overheadSeconds < 60 ? `${b.overheadSeconds.toFixed(1)}s` : dur(b.overheadSeconds)}`,
        ...(b.humanSeconds ? [`manual steps ${dur(b.humanSeconds)}`] : []),
        ...(b.pausedSeconds ? [`paused ${dur(b.pausedSeconds)}`] : []),
      ]
    : [];
  return `RTO ${dur(rto.achievedSeconds)} vs predicted ${dur(rto.predictedSeconds)}${target}${parts.length ? ` (${parts.join(' + ')})` : ''}`;
}
