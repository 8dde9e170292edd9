// What the console asks of drctl, as one interface: the dashboard's status, plan, apply and the
// DR runs. The console (ink/console/) draws with it and never calls the engine itself; the real
// implementation is services/console.ts, over the same use cases as the commands; tests give
// fakes. No React here, and no engine: this module is types only.
import type { Plan } from '../../plan/index.js';
import type { ProgressEvent, RpoReading } from '../progress/model.js';

export interface SiteStatus {
  readonly name: string;
  readonly location: string;
  /** The role in configuration: active or standby. */
  readonly role: string;
  /** The site lifecycle machine's state from state, when a DR run has recorded one. */
  readonly lifecycle?: string;
}

export interface DrillResult {
  readonly name: string;
  readonly result: string;
  readonly at?: string;
  readonly rtoSeconds?: number;
}

/** The latest DR run on record (.drctl/runs): what it was, how it ended, when. */
export interface RunSummary {
  readonly kind: string;
  readonly outcome: string;
  /** ISO time it ended (or started, when it has not ended). */
  readonly at?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface DashboardStatus {
  readonly configDir: string;
  /** ISO time this status was read (the dashboard says how long ago). */
  readonly readAt?: string;
  /** Ready to move: every volume group consistent and within its RPO; why not, when it is not. Absent without replication to judge. */
  readonly readiness?: { readonly ready: boolean; readonly reasons: readonly string[] };
  /** The latest DR run on record. */
  readonly lastRun?: RunSummary;
  /** Who holds the state lock right now (a run in progress), in words. */
  readonly lockedBy?: string;
  readonly sites: readonly SiteStatus[];
  readonly volumeGroups: readonly RpoReading[];
  readonly lastDrill?: DrillResult;
  /** Changes a plan (without refresh) would make; undefined when it could not be planned. */
  readonly pendingChanges?: number;
  readonly stateSerial?: number;
  readonly resources: number;
  readonly problems: readonly string[];
}

export type Sink = (e: ProgressEvent) => void;

export interface PlanResult {
  readonly plan?: Plan;
  /** The plan (or the errors) as text, coloured when asked: what the review screen scrolls. */
  readonly text: string;
}

export interface RunResult {
  readonly ok: boolean;
  readonly summary: string;
  /** 130 when interrupted, as the commands exit. */
  readonly interrupted?: boolean;
}

export type DrActionName = 'verify' | 'drill' | 'failover' | 'failback';

/** What the operator is asked before a DR run changes anything: its runbook, and the word that confirms. */
export interface DrApproval {
  readonly question: string;
  /** The runbook as text (as the commands print it before asking). */
  readonly runbook: string;
  /** What confirms: "yes" for a drill, the target site's name for a move of production. */
  readonly expected: string;
}

export interface DrRequest {
  /** The site the operator typed to confirm (failover), or the chosen one. */
  readonly site?: string;
  readonly sink: Sink;
  readonly signal: AbortSignal;
  /** Asked with the runbook before anything changes, as the commands ask; false cancels. Absent: approved. */
  readonly approve?: (ask: DrApproval) => Promise<boolean>;
  /** Asked at a manual step: true once done; false stops the run there (interrupted; running it again asks again). */
  readonly confirmManual?: (group: string, text: string) => Promise<boolean>;
}

export interface ConsoleServices {
  status(): Promise<DashboardStatus>;
  plan(sink: Sink): Promise<PlanResult>;
  /** Applies exactly this reviewed plan (refused if the state moved on since). */
  apply(plan: Plan, sink: Sink, signal: AbortSignal): Promise<RunResult>;
  /** DR runs that exist in this build; a missing one shows as "not available yet". */
  readonly dr: Partial<Record<DrActionName, (req: DrRequest) => Promise<RunResult>>>;
  /** Calls `onChange` when a configuration file (*.hcl) changes; returns how to stop watching. */
  watch?(onChange: () => void): () => void;
}
