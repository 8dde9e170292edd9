// Plans: what apply would change and why (desired resources against refreshed state), as plain
// serialisable data, with the predicted RTO, cost, and the runbook of a declarative move; the
// typed events of a run; saved plan files. Plan derives, never executes.
// The renderers (render-text.ts, render-json.ts) are not re-exported: callers load them when
// they draw a plan (render-text pulls in the diff package), so a run that shows none never does.
export { ACTIONS, ACTION_DONE, ACTION_GLYPH, ACTION_ING, ACTION_JSON, ACTION_PHRASE, type Action } from './actions.js';
export {
  PLAN_FORMAT_VERSION,
  hasChanges,
  summarize,
  type ActionReason,
  type CostForecast,
  type Drift,
  type Move,
  type Plan,
  type PlannedChange,
  type PlannedRunbook,
  type PlannedRunbookPhase,
  type PlanSummary,
  type RecoveryForecast,
} from './plan.js';
export { eventEmitter, type EngineEvent, type EngineEventType, type EventInput, type EventSink } from './events.js';
export { makePlan, refreshState, listingReader, mapLimit, outputsJson, type PlanInputs, type RefreshResult } from './make.js';
export { desiredResources, type DesiredResource } from './desired.js';
export {
  applyMoves,
  changedAttributes,
  cloudRecord,
  diffResources,
  jsonEqual,
  managedAttributes,
  selectTargets,
  targetMatches,
  unmatchedTargets,
  type DiffOptions,
} from './diff.js';
export { declarativeRunbooks, roleChanges, roleDisagreements, withRolesHeld, type RunbookState } from './declarative.js';
export {
  makeRunbook,
  renderRunbook,
  describeRto,
  manualAnswer,
  MANUAL_ABORT_ANSWER,
  MANUAL_DONE_ANSWERS,
  type ReplicationLag,
  type Runbook,
  type RunbookInput,
  type RunbookPhase,
} from './runbook.js';
export {
  decodePlanFile,
  decryptPlanFile,
  encodePlanFile,
  encryptPlanFile,
  looksLikePlanFile,
  planForDisplay,
  planForFile,
  restorePlanSecrets,
  type DecodedPlan,
  type DecryptedPlanFile,
  type PlanFileOptions,
  type RestoredPlan,
} from './file.js';
