import { Graph } from '../../src/graph/index.js';

/** A graph from "from>to" edges ("from depends on to"); a bare "x" adds a lone node. */
export function graphOf(...specs: string[]): Graph {
  const g = new Graph();
  for (const spec of specs) {
    const [from, to] = spec.split('>');
    if (!g.hasNode(from)) g.addNode(from);
    if (to === undefined) continue;
    if (!g.hasNode(to)) g.addNode(to);
    g.addEdge(from, to);
  }
  return g;
}

/** n nodes "n00000".."n{n-1}" in a chain: each depends on the one before it. */
export function chain(n: number, prefix = 'n'): Graph {
  const g = new Graph();
  const id = (i: number) => `${prefix}${String(i).padStart(5, '0')}`;
  for (let i = 0; i < n; i++) {
    g.addNode(id(i));
    if (i > 0) g.addEdge(id(i), id(i - 1));
  }
  return g;
}

/** A deterministic pseudo-random DAG: node i depends on up to `fanIn` earlier nodes. */
export function layeredDag(n: number, fanIn: number, seed = 1): Graph {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const g = new Graph();
  for (let i = 0; i < n; i++) {
    g.addNode(`r${i}`);
    if (i === 0) continue;
    const k = Math.floor(rand() * (fanIn + 1));
    for (let j = 0; j < k; j++) g.addEdge(`r${i}`, `r${Math.floor(rand() * i)}`);
  }
  return g;
}
