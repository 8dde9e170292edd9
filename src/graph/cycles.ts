// Cycle detection: Tarjan's strongly connected components, iterative so that a 10,000-node chain
// cannot overflow the stack. Every component with more than one node (or a self-loop) is a cycle
// error, and each one is reported with all of its members named.

import type { Graph } from './graph.js';

export interface Cycle {
  /** Every member of the strongly connected component, sorted. */
  readonly members: readonly string[];
  /**
   * One concrete cycle inside the component, starting at its smallest member:
   * ['a', 'b', 'c'] means a → b → c → a ("a depends on b …"). It covers all members when the
   * depth-first search finds such a loop, otherwise the longest it found.
   */
  readonly path: readonly string[];
}

/** All cycles of the graph, one per strongly connected component, ordered by first member. */
export function findCycles<T>(graph: Graph<T>): Cycle[] {
  const cycles: Cycle[] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    if (component.length === 1 && !graph.hasEdge(component[0], component[0])) continue;
    const members = [...component].sort(compareIds);
    cycles.push({ members, path: cycleThrough(graph, members) });
  }
  return cycles.sort((a, b) => compareIds(a.members[0], b.members[0]));
}

/** "a → b → c → a", plus the members the path does not pass through. */
export function describeCycle(cycle: Cycle): string {
  const loop = [...cycle.path, cycle.path[0]].join(' → ');
  const onPath = new Set(cycle.path);
  const others = cycle.members.filter((m) => !onPath.has(m));
  return others.length === 0 ? loop : `${loop} (the same cycle also involves ${others.join(', ')})`;
}

/** Tarjan's algorithm with an explicit call stack. */
export function stronglyConnectedComponents<T>(graph: Graph<T>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  interface Frame {
    readonly id: string;
    readonly next: Iterator<string>;
  }
  const enter = (id: string, calls: Frame[]): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
    calls.push({ id, next: graph.dependencySet(id)[Symbol.iterator]() });
  };

  for (const root of graph.nodes) {
    if (index.has(root)) continue;
    const calls: Frame[] = [];
    enter(root, calls);
    while (calls.length > 0) {
      const frame = calls[calls.length - 1];
      const step = frame.next.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) enter(w, calls);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      calls.pop();
      const v = frame.id;
      if (calls.length > 0) {
        const parent = calls[calls.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/**
 * A simple cycle through the component's smallest member. A depth-first search inside the
 * component (each node visited once, so linear) notes every node on the current path that has an
 * edge back to the start; the deepest such path wins. Finding the longest simple cycle is NP-hard,
 * so this is a good, cheap answer rather than the best one; `members` still names everyone.
 */
function cycleThrough<T>(graph: Graph<T>, members: readonly string[]): string[] {
  const start = members[0];
  if (members.length === 1) return [start];
  const inComponent = new Set(members);
  const visited = new Set<string>([start]);
  const path: string[] = [start];
  const iterators: Array<Iterator<string>> = [sortedDeps(graph, start, inComponent)];
  let best: string[] = [];
  while (path.length > 0) {
    const step = iterators[iterators.length - 1].next();
    if (step.done) {
      path.pop();
      iterators.pop();
      continue;
    }
    const w = step.value;
    if (w === start) {
      if (path.length > best.length) {
        best = [...path];
        if (best.length === members.length) break;
      }
      continue;
    }
    if (visited.has(w)) continue;
    visited.add(w);
    path.push(w);
    iterators.push(sortedDeps(graph, w, inComponent));
  }
  return best;
}

function sortedDeps<T>(graph: Graph<T>, id: string, keep: ReadonlySet<string>): Iterator<string> {
  const deps = [...graph.dependencySet(id)].filter((d) => keep.has(d)).sort(compareIds);
  return deps[Symbol.iterator]();
}

/** Code-unit order: deterministic and independent of the locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
