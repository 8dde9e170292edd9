// Topological order in waves: wave 0 depends on nothing, wave n only on waves before it.
// Plans show these waves ("what runs together"); a cyclic graph has no order and is a caller bug
// (config validation reports cycles as diagnostics before anything is ordered).

import { compareIds, describeCycle, findCycles, type Cycle } from './cycles.js';
import type { Graph } from './graph.js';

export class GraphCycleError extends Error {
  constructor(readonly cycles: readonly Cycle[]) {
    super(`The dependency graph has ${cycles.length === 1 ? 'a cycle' : `${cycles.length} cycles`}: ${cycles.map(describeCycle).join('; ')}`);
    this.name = 'GraphCycleError';
  }
}

/** Nodes grouped by the length of their longest dependency chain; ids sorted within each wave. */
export function topologicalWaves<T>(graph: Graph<T>): string[][] {
  const pending = new Map<string, number>();
  let wave: string[] = [];
  for (const id of graph.nodes) {
    const n = graph.dependencySet(id).size;
    pending.set(id, n);
    if (n === 0) wave.push(id);
  }
  const waves: string[][] = [];
  let placed = 0;
  while (wave.length > 0) {
    wave.sort(compareIds);
    waves.push(wave);
    placed += wave.length;
    const next: string[] = [];
    for (const id of wave) {
      for (const d of graph.dependentSet(id)) {
        const left = pending.get(d)! - 1;
        pending.set(d, left);
        if (left === 0) next.push(d);
      }
    }
    wave = next;
  }
  if (placed < graph.size) throw new GraphCycleError(findCycles(graph));
  return waves;
}

/** A dependency-first order (dependencies before dependents), deterministic. */
export function topologicalOrder<T>(graph: Graph<T>): string[] {
  return topologicalWaves(graph).flat();
}
