// The DR configuration: load a directory of *.hcl files into typed config, with diagnostics.
export { loadConfig, type ConfigFs, type LoadOptions, type LoadResult, type VarInput, type Declaration } from './load.js';
export type * from './model.js';
export { predictRecoveryPlan, makespan, slowestFirst, type RecoveryPrediction, type GroupPrediction, type PredictOptions } from './recovery.js';
export {
  costBreakdown,
  compareCosts,
  formatUsd,
  formatUsdDelta,
  COST_DIMENSIONS,
  type BilledResource,
  type CostBreakdown,
  type CostChange,
  type CostDimension,
  type CostItem,
  type ResourceCost,
  type SiteCost,
  type SiteCostChange,
  type TierCost,
} from './cost.js';
export { parseDuration, formatDuration } from './duration.js';
export { readStatePathSetting, type StatePathSetting } from './state-path.js';
export { cloudName, orchestratorCloudNames, volumeCloudName } from './cloud-names.js';
export { webhookProblem, refusedAddress, refusedHost, type WebhookProblem } from './webhook.js';
export { scriptProblem, POST_CHECK_RESERVED } from './scripts.js';
export type { ScriptKind } from './sources.js';
export { nodeConfigFs, readRegularFile, scriptKind } from './node-fs.js';
