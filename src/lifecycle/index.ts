// Lifecycles and the DR runs: the XState machines (site, workgroup, drill), the runner that
// persists their snapshots in state, and the runs on an open session (move for failover and
// failback, drill, cleanup, verify, a plan's declarative move), with KSYS-style events. Opening
// the session (configuration, locked state, cloud) is services'; lifecycle never connects.
export { siteMachine, SITE_BUSY_STATES, type SiteMachine, type SiteState, type SiteContext, type SiteEvent, type SiteOperation } from './site.js';
export { workgroupMachine, type WorkgroupMachine, type WorkgroupState, type StepInput } from './workgroup.js';
export { drillMachine, type DrillMachine } from './drill.js';
export { startLifecycle, stateName, until, RunInterrupted, isRunInterrupted, type Lifecycle, type LifecycleStore } from './runner.js';
export { KSYS_EVENTS, type KsysEventName, type Severity } from './ksys.js';
export type { DrEvent, DrEventInput, DrEventSink, EventLog } from './events-log.js';
export { drctlDirOf, newRunId, openRunChannel, writeRunRecord, type DrSession, type RunChannel, type RunContext } from './session.js';
export { choosePlan, type EstateState } from './estate.js';
export { runMove, runPostCheck, RUN_KEY, type GroupRecord, type MoveOptions, type MoveOutcome, type PostCheckResult, type RunRecord } from './move.js';
export { runDrill, type DrillRecord, type DrillRunOptions } from './drill-run.js';
export { runCleanup, removeDrillLeftovers, siteWorkspaces, DRILL_PREFIX, type CleanupResult } from './cleanup.js';
export { verifyEstate, type VerifyCheck, type VerifyInput, type VerifyReport } from './verify.js';
export { runDeclarativeMoves, type DeclarativeMoveInputs, type DeclarativeMoveResult } from './declarative-apply.js';
