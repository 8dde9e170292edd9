// The shapes a move shows outside: its options, its outcome and the record it writes.
import type { Runbook } from '../../plan/runbook.js';
import type { RtoBreakdown } from '../rto.js';

export interface MoveOptions {
  readonly kind: 'failover' | 'failback';
  readonly unplanned?: boolean;
  readonly plan?: string;
  /** Asked with the runbook before anything changes; absent means approved (-auto-approve). */
  readonly approve?: (runbook: Runbook) => Promise<boolean>;
  /**
   * Asked at a manual step: true once it is done; false when the operator stops the run there
   * (it ends as interrupted, and a resume asks again). Absent (CI), the step is listed and the
   * run carries on.
   */
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
  /** The group's share of the RTO (its boots, post_check and manual step), as the run's RTO counts it. */
  readonly seconds?: number;
  /** Real seconds from its first boot to its completion. */
  readonly wallSeconds?: number;
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
  /** One RTO, computed one way (lifecycle/rto.ts): from the first shutdown to the last group's completion. */
  readonly rto: {
    /** What the run would take against the real cloud: modelled operations + drctl's real overhead + people's real time. */
    readonly achievedSeconds: number;
    readonly predictedSeconds: number;
    readonly targetSeconds?: number;
    readonly met?: boolean;
    readonly breakdown: RtoBreakdown;
  };
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
