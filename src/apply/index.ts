// Applying a plan: walk its changes as a graph under the parallelism limit, call the Provider it
// is given for each (through each resource type's module), and persist every completed change
// to state at once. It never connects to a cloud itself: services hands it the Provider.
export { applyPlan, errorMessage, type ApplyInputs, type ApplyResult, type ResourceResult } from './apply.js';
