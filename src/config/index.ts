// The DR configuration: load a directory of *.hcl files into typed config, with diagnostics.
export { loadConfig, type ConfigFs, type LoadOptions, type LoadResult, type VarInput, type Declaration } from './load.js';
export type * from './model.js';
export { predictRecoveryPlan, makespan, type RecoveryPrediction, type GroupPrediction } from './recovery.js';
export { estimateMonthlyCost, coreMonthlyUsd, type CostEstimate } from './cost.js';
export { parseDuration, formatDuration } from './duration.js';
export { readStatePathSetting, type StatePathSetting } from './state-path.js';
export { webhookProblem, refusedAddress, refusedHost, type WebhookProblem } from './webhook.js';
export { scriptProblem, POST_CHECK_RESERVED } from './scripts.js';
export type { ScriptKind } from './sources.js';
