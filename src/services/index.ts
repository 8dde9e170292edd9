// Services: the use cases that commands and the console call — plan and apply, the DR runs
// (failover, failback, drill, cleanup, verify), state operations and where the state lives,
// what the console shows, fmt and the standalone simulator. They take options as data and a
// context (files, clock, environment, event sinks), never flags or a terminal. Services are the
// only place that connects the engine to a cloud (cloud.ts), and errors.ts is the one mapping
// from domain errors to the user's.
//
// Each use case is loaded on its first call: importing this facade costs a command nothing, and
// `drctl validate` never loads the engine. (Plan and apply's fast start path imports engine.ts
// itself: it bundles everything it reaches, and this facade reaches every use case.)
import type * as Engine from './engine.js';
import type * as Dr from './dr.js';
import type * as State from './state.js';
import type * as Console from './console.js';
import type * as Config from './config.js';
import type * as Fmt from './fmt.js';
import type * as Simulator from './simulator.js';
import type * as Import from './import.js';

export { DRCTL_VERSION } from './version.js';
/** The simulator's time scale in its one spelling (1/600, 0.01, 0). */
export { parseTimeScale, formatTimeScale } from '../powervs/time-scale.js';
export type { EngineContext, DrContext } from './context.js';
export type { PlanOptions, PlanOutcome, ApplyOptions, ApplyOutcome, ShownFile } from './engine.js';
export type {
  DrRunOptions,
  DrOpenOptions,
  DrOpened,
  FailoverOptions,
  FailbackOptions,
  MoveServiceOutcome,
  DrillOptions,
  DrillOutcome,
  CleanupOutcome,
  VerifyOutcome,
} from './dr.js';
export type { StateTarget, StateNotFound, LockedChange } from './state.js';
export type { StateLocationInput } from './state-location.js';
export type { RealServicesOptions } from './console.js';
export type { FmtOptions, FmtTerminal } from './fmt.js';
export type { StandaloneSimulator, StandaloneSimulatorOptions, SimulatorStatus, SimulatorStatusOptions } from './simulator.js';
export type { CloudConnection, ConnectOptions } from './cloud.js';
export type { ImportOptions, ImportOutcome } from './import.js';

type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

export const planService = async (...a: Args<typeof Engine.planService>): Promise<Result<typeof Engine.planService>> =>
  (await import('./engine.js')).planService(...a);
export const applyService = async (...a: Args<typeof Engine.applyService>): Promise<Result<typeof Engine.applyService>> =>
  (await import('./engine.js')).applyService(...a);
/** A saved plan file, read and checked (`drctl show`, `drctl apply plan.bin`). */
/** `drctl show FILE`: a saved plan or a state file. */
export const readShownFile = async (...a: Args<typeof Engine.readShownFile>): Promise<Result<typeof Engine.readShownFile>> =>
  (await import('./engine.js')).readShownFile(...a);
export const readPlanFile = async (...a: Args<typeof Engine.readPlanFile>): Promise<Result<typeof Engine.readPlanFile>> =>
  (await import('./engine.js')).readPlanFile(...a);

export const failoverService = async (...a: Args<typeof Dr.failoverService>): Promise<Result<typeof Dr.failoverService>> =>
  (await import('./dr.js')).failoverService(...a);
export const failbackService = async (...a: Args<typeof Dr.failbackService>): Promise<Result<typeof Dr.failbackService>> =>
  (await import('./dr.js')).failbackService(...a);
export const moveService = async (...a: Args<typeof Dr.moveService>): Promise<Result<typeof Dr.moveService>> => (await import('./dr.js')).moveService(...a);
export const drillService = async (...a: Args<typeof Dr.drillService>): Promise<Result<typeof Dr.drillService>> => (await import('./dr.js')).drillService(...a);
export const cleanupService = async (...a: Args<typeof Dr.cleanupService>): Promise<Result<typeof Dr.cleanupService>> =>
  (await import('./dr.js')).cleanupService(...a);
export const verifyService = async (...a: Args<typeof Dr.verifyService>): Promise<Result<typeof Dr.verifyService>> =>
  (await import('./dr.js')).verifyService(...a);

/** The state a state command means (by -state, DRCTL_STATE or the drctl block), or why it cannot be told. */
export const findState = async (...a: Args<typeof State.findState>): Promise<Result<typeof State.findState>> => (await import('./state.js')).findState(...a);

/** `drctl console` may start here (the "console" permission), or throws the denial. */
export const checkConsoleAccess = async (...a: Args<typeof Console.checkConsoleAccess>): Promise<Result<typeof Console.checkConsoleAccess>> =>
  (await import('./console.js')).checkConsoleAccess(...a);

export const realConsoleServices = async (...a: Args<typeof Console.realConsoleServices>): Promise<Result<typeof Console.realConsoleServices>> =>
  (await import('./console.js')).realConsoleServices(...a);

export const loadConfiguration = async (...a: Args<typeof Config.loadConfiguration>): Promise<Result<typeof Config.loadConfiguration>> =>
  (await import('./config.js')).loadConfiguration(...a);

export const formatTargets = async (...a: Args<typeof Fmt.formatTargets>): Promise<Result<typeof Fmt.formatTargets>> =>
  (await import('./fmt.js')).formatTargets(...a);

export const serveStandaloneSimulator = async (
  ...a: Args<typeof Simulator.serveStandaloneSimulator>
): Promise<Result<typeof Simulator.serveStandaloneSimulator>> => (await import('./simulator.js')).serveStandaloneSimulator(...a);

/** `drctl sim status`: the simulated world's time and each replicated group's progress. */
export const simulatorStatus = async (...a: Args<typeof Simulator.simulatorStatus>): Promise<Result<typeof Simulator.simulatorStatus>> =>
  (await import('./simulator.js')).simulatorStatus(...a);

// Review: state diffs and the cost estimate.
import type * as Review from './review.js';
export type { StateDiffOptions, StateDiffReport, CostOptions, CostOutcome } from './review.js';
/** `drctl state diff OLD NEW`: each side a file or git:REF:PATH. */
export const stateDiffService = async (...a: Args<typeof Review.stateDiffService>): Promise<Result<typeof Review.stateDiffService>> =>
  (await import('./review.js')).stateDiffService(...a);
/** `drctl cost [DIR]`: the configuration's monthly estimate. */
export const costService = async (...a: Args<typeof Review.costService>): Promise<Result<typeof Review.costService>> =>
  (await import('./review.js')).costService(...a);
/** `drctl import ADDRESS ID`: takes a resource drctl did not make under the configuration, explicitly. */
export const importService = async (...a: Args<typeof Import.importService>): Promise<Result<typeof Import.importService>> =>
  (await import('./import.js')).importService(...a);

// Teams: workspaces, the audit log and the access policy, over whichever store is configured.
import type * as Workspaces from './workspaces.js';
import type * as AuditLog from './audit.js';
import type * as AccessPolicy from './access.js';
export type { HistoryEntry, HistoryResult } from './state.js';
export type { SavedPlan } from './engine.js';
export type { StorageNotFound } from './workspace.js';
export type { WorkspaceListing, DeleteWorkspaceRequest } from './workspaces.js';
export type { AuditVerifyOutcome, AuditListing } from './audit.js';
export type { AccessView, GrantRequest } from './access.js';

export const listWorkspacesService = async (...a: Args<typeof Workspaces.listWorkspacesService>): Promise<Result<typeof Workspaces.listWorkspacesService>> =>
  (await import('./workspaces.js')).listWorkspacesService(...a);
export const currentWorkspaceService = async (
  ...a: Args<typeof Workspaces.currentWorkspaceService>
): Promise<Result<typeof Workspaces.currentWorkspaceService>> => (await import('./workspaces.js')).currentWorkspaceService(...a);
export const newWorkspaceService = async (...a: Args<typeof Workspaces.newWorkspaceService>): Promise<Result<typeof Workspaces.newWorkspaceService>> =>
  (await import('./workspaces.js')).newWorkspaceService(...a);
export const selectWorkspaceService = async (...a: Args<typeof Workspaces.selectWorkspaceService>): Promise<Result<typeof Workspaces.selectWorkspaceService>> =>
  (await import('./workspaces.js')).selectWorkspaceService(...a);
export const deleteWorkspaceService = async (...a: Args<typeof Workspaces.deleteWorkspaceService>): Promise<Result<typeof Workspaces.deleteWorkspaceService>> =>
  (await import('./workspaces.js')).deleteWorkspaceService(...a);

export const verifyAuditService = async (...a: Args<typeof AuditLog.verifyAuditService>): Promise<Result<typeof AuditLog.verifyAuditService>> =>
  (await import('./audit.js')).verifyAuditService(...a);
export const listAuditService = async (...a: Args<typeof AuditLog.listAuditService>): Promise<Result<typeof AuditLog.listAuditService>> =>
  (await import('./audit.js')).listAuditService(...a);

export const showAccessService = async (...a: Args<typeof AccessPolicy.showAccessService>): Promise<Result<typeof AccessPolicy.showAccessService>> =>
  (await import('./access.js')).showAccessService(...a);
export const grantAccessService = async (...a: Args<typeof AccessPolicy.grantAccessService>): Promise<Result<typeof AccessPolicy.grantAccessService>> =>
  (await import('./access.js')).grantAccessService(...a);
export const revokeAccessService = async (...a: Args<typeof AccessPolicy.revokeAccessService>): Promise<Result<typeof AccessPolicy.revokeAccessService>> =>
  (await import('./access.js')).revokeAccessService(...a);
export const pushPolicyService = async (...a: Args<typeof AccessPolicy.pushPolicyService>): Promise<Result<typeof AccessPolicy.pushPolicyService>> =>
  (await import('./access.js')).pushPolicyService(...a);
export const newTokenService = async (...a: Args<typeof AccessPolicy.newTokenService>): Promise<Result<typeof AccessPolicy.newTokenService>> =>
  (await import('./access.js')).newTokenService(...a);
