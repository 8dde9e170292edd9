// The views: the plain line view and --json, the Ink live view and console, diagnostics and
// graphs. Each is loaded when it is first drawn (a loader per view, not a re-export): ink loads
// only when an Ink view is chosen, and a run that draws no view loads none.
export type {
  ConsoleServices,
  DashboardStatus,
  DrActionName,
  DrApproval,
  DrillResult,
  DrRequest,
  PlanResult,
  RunResult,
  RunSummary,
  SiteStatus,
  Sink,
} from './console/services.js';
export type { ProgressEvent, RpoReading } from './progress/model.js';
export type { LiveView } from './views/live-view.js';

export const views = {
  /** Which event view a terminal gets, and the width of plain lines. */
  choose: () => import('./views/choose.js'),
  diagnostics: () => import('./views/diagnostics.js'),
  /** Plain lines and NDJSON. */
  plain: () => import('./views/plain.js'),
  /** The Ink live view (its worker loads ink in the background). */
  live: () => import('./views/live-view.js'),
  graph: () => import('./views/graph.js'),
  /** `drctl sim status` as text. */
  simStatus: () => import('./views/sim-status.js'),
  /** Output values: after apply, and `drctl output`. */
  outputs: () => import('./views/outputs.js'),
  /** The verify report as text. */
  verify: () => import('./views/verify.js'),
  /** DR events as progress events (site badges, RPO gauges, groups). */
  drProgress: () => import('./progress/dr.js'),
  /** The interactive console (ink). */
  console: () => import('./ink/console/start.js'),
  /** The cost estimate as text and JSON (`drctl cost`). */
  cost: () => import('./views/cost.js'),
};
