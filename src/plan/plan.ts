// A plan is plain, serialisable data: what will change, why, in what order, and what it means
// for recovery (predicted RTO) and cost. Fields that exist only for display say so.
import type { Action } from './actions.js';
import type { JsonObject } from '../state/index.js';
import type { DiagnosticJson } from '../diag/index.js';
import type { SiteCostChange } from '../config/index.js';

/** 2: sensitive values are keyed hashes in the file (file.ts), filled in from the configuration at apply. */
export const PLAN_FORMAT_VERSION = 2;

export type ActionReason =
  | 'replace_because_cannot_update'
  | 'replace_by_request'
  | 'replace_because_deleted_outside'
  | 'delete_because_no_resource_config'
  | 'delete_because_destroy_mode';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly action: Action;
  /** Config-managed attributes before (from refreshed state) and after (from configuration). */
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
  /** What the cloud holds for it now (ids, status), from state; apply needs it to update or delete. */
  readonly prior?: { readonly id: string; readonly cloud: JsonObject; readonly dependencies: readonly string[] };
  /** Addresses that must be applied first (for deletes: those that must be deleted first). */
  readonly dependsOn: readonly string[];
  readonly actionReason?: ActionReason;
  /** The attributes that force a replacement. */
  readonly replaceAttributes?: readonly string[];
  /** Why they cannot change in place, in words (one per cause), for the plan's reader. */
  readonly replaceReasons?: readonly string[];
  readonly sensitiveAttributes: readonly string[];
}

export interface Drift {
  readonly address: string;
  readonly type: string;
  readonly kind: 'changed' | 'deleted';
  /** Attributes as recorded in state and as found in the cloud. */
  readonly recorded: JsonObject;
  readonly observed: JsonObject | null;
}

export interface Move {
  readonly from: string;
  readonly to: string;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Of the above, resources replaced (each counts once in add and once in destroy). */
  readonly replace: number;
}

export interface RecoveryForecast {
  readonly plan: string;
  readonly predictedSeconds: number;
  readonly targetSeconds?: number;
  /** The same prediction for what state records (absent when state has no such plan). */
  readonly previousSeconds?: number;
}

export interface CostForecast {
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly deltaUsd: number;
  /** Per site (config/cost.ts); absent in plans saved before it was recorded. */
  readonly sites?: readonly SiteCostChange[];
}

/** One phase of a planned move's runbook (as runbook.ts computes it). */
export interface PlannedRunbookPhase {
  readonly name: string;
  readonly steps: readonly string[];
  readonly predictedSeconds: number;
}

/**
 * A declarative move: the configuration makes another site active than state records, so apply
 * runs this runbook (the same move as `drctl failover --planned` / `drctl failback`) after the
 * resource changes, and records the new roles only once the move succeeded.
 */
export interface PlannedRunbook {
  readonly kind: 'failover' | 'failback';
  /** Site addresses: production runs at `from` now and at `to` after apply. */
  readonly from: string;
  readonly to: string;
  /** The recovery plan followed (address), if the configuration has one. */
  readonly plan?: string;
  readonly phases: readonly PlannedRunbookPhase[];
  readonly predictedSeconds: number;
  readonly targetSeconds?: number;
  /** How apply will carry it out: run the move, resume an interrupted one, or only record the roles. */
  readonly mode: 'move' | 'resume' | 'record-only';
  /** Why, for `resume` and `record-only` (display). */
  readonly note?: string;
}

export interface Plan {
  readonly formatVersion: number;
  readonly drctlVersion: string;
  readonly mode: 'normal' | 'destroy';
  readonly configDir: string;
  /** The state this plan was made against: applying it to anything else is refused. */
  readonly state: { readonly lineage: string; readonly serial: number } | null;
  /** Every resource change in address order, no-ops included (they let apply verify nothing moved). */
  readonly changes: readonly PlannedChange[];
  readonly drift: readonly Drift[];
  readonly moves: readonly Move[];
  readonly summary: PlanSummary;
  readonly recovery: readonly RecoveryForecast[];
  readonly cost: CostForecast;
  readonly targets: readonly string[];
  readonly outputs: JsonObject;
  /** A plan with errors is shown but never applied. */
  readonly errored: boolean;
  readonly diagnostics: readonly DiagnosticJson[];
  /** Declarative moves (a site's role flipped); absent when there are none. */
  readonly runbooks?: readonly PlannedRunbook[];
  /** In a saved plan: the key its sensitive values are hashed with (file.ts). Absent in memory. */
  readonly sensitiveKey?: string;
}

export function summarize(changes: readonly PlannedChange[]): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  for (const c of changes) {
    if (c.action === 'create') add++;
    else if (c.action === 'update') change++;
    else if (c.action === 'delete') destroy++;
    else if (c.action === 'replace') {
      add++;
      destroy++;
      replace++;
    }
  }
  return { add, change, destroy, replace };
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op') || plan.moves.length > 0 || (plan.runbooks?.length ?? 0) > 0;
}
