// The dependency graph: build it, find its cycles (all of them, by name), order it in waves and
// walk it in parallel. Pure: it knows nothing of resources, config or state.
export { Graph } from './graph.js';
export { findCycles, describeCycle, stronglyConnectedComponents, compareIds, type Cycle } from './cycles.js';
export { topologicalWaves, topologicalOrder, GraphCycleError } from './waves.js';
export { walk, describeOutcome, type Visit, type VisitContext, type WalkOptions, type WalkOutcome, type WalkStatus } from './walk.js';
