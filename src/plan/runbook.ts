// The runbook of a move: what will happen, in which order, how long it should take (the timing
// model of config/recovery.ts), and what could be lost (the replication lag now). It is plain
// data, shown before approval and kept in the run record.
import { formatDuration, predictRecoveryPlan, type DrConfig, type RecoveryPlan } from '../config/index.js';
import { vmShutdownSeconds } from '../powervs/index.js';

export interface RunbookPhase {
  readonly name: string;
  readonly steps: readonly string[];
  readonly predictedSeconds: number;
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
}

export function makeRunbook(i: RunbookInput): Runbook {
  const prediction = predictRecoveryPlan(i.plan, i.config, i.parallelism);
  const phases: RunbookPhase[] = [];
  if (i.resync) {
    phases.push({ name: `resync replication ${i.from} → ${i.to}`, steps: i.replication.map((r) => `resync ${r.volumeGroup}`), predictedSeconds: 0 });
  }
  if (i.kind !== 'drill') {
    const reversed = [...i.plan.groups].reverse();
    const shutdown = reversed.reduce((s, g) => s + Math.max(0, ...g.vms.map((v) => (i.config.vms.get(v) ? vmShutdownSeconds(i.config.vms.get(v)!) : 0))), 0);
    phases.push({
      name: i.unplanned ? `shut down at ${i.from} (where it answers)` : `shut down at ${i.from}, reverse plan order`,
      steps: reversed.map((g) => `${g.name}: ${g.vms.join(', ')}`),
      predictedSeconds: i.unplanned ? 0 : shutdown,
    });
    phases.push({
      name: `stop replication with access at ${i.to}`,
      steps: i.replication.map((r) => r.volumeGroup),
      predictedSeconds: prediction.storageSwitchSeconds,
    });
  } else {
    phases.push({ name: `clone volumes at ${i.to}`, steps: i.replication.map((r) => r.volumeGroup), predictedSeconds: 45 });
  }
  for (const g of prediction.groups) {
    const src = i.plan.groups.find((x) => x.name === g.name)!;
    const steps = [`boot ${g.vms.join(', ')}`];
    if (src.postCheck) steps.push(`post_check ${src.postCheck}${src.timeoutSeconds ? ` (timeout ${formatDuration(src.timeoutSeconds)})` : ''}`);
    if (src.manual) steps.push(`manual: ${src.manual}`);
    phases.push({ name: `group ${g.name}`, steps, predictedSeconds: g.seconds });
  }
  if (i.kind !== 'drill') phases.push({ name: `reverse replication ${i.to} → ${i.from}`, steps: i.replication.map((r) => r.volumeGroup), predictedSeconds: 0 });
  else phases.push({ name: 'clean up clones, drill VMs and test networks', steps: [], predictedSeconds: 0 });
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
    predictedSeconds: Math.round(phases.reduce((s, p) => s + p.predictedSeconds, 0) * 10) / 10,
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
    lines.push(`  ${i + 1}. ${p.name}${p.predictedSeconds ? ` (~${dur(p.predictedSeconds)})` : ''}`);
    for (const s of p.steps) lines.push(`       ${s}`);
  });
  lines.push(`  Predicted duration: ${dur(rb.predictedSeconds)}${rb.targetSeconds !== undefined ? ` against an RTO of ${dur(rb.targetSeconds)}` : ''}`);
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
