import { describe, expect, it } from 'vitest';
import { describeCycle, findCycles, Graph } from '../../src/graph/index.js';
import { chain, graphOf, layeredDag } from './build.js';

describe('findCycles', () => {
  it('reports a two-node cycle with both members', () => {
    const cycles = findCycles(graphOf('vm.b>vm.a', 'vm.a>vm.b', 'vm.c>vm.a'));
    expect(cycles).toEqual([{ members: ['vm.a', 'vm.b'], path: ['vm.a', 'vm.b'] }]);
    expect(describeCycle(cycles[0])).toBe('vm.a → vm.b → vm.a');
  });

  it('reports a three-node cycle in edge order starting at the smallest id', () => {
    const cycles = findCycles(graphOf('c>b', 'b>a', 'a>c', 'd>a'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0].members).toEqual(['a', 'b', 'c']);
    expect(cycles[0].path).toEqual(['a', 'c', 'b']); // a depends on c, c on b, b on a
  });

  it('reports a self-loop', () => {
    const cycles = findCycles(graphOf('vm.x>vm.x', 'vm.y>vm.x'));
    expect(cycles).toEqual([{ members: ['vm.x'], path: ['vm.x'] }]);
    expect(describeCycle(cycles[0])).toBe('vm.x → vm.x');
  });

  it('reports two separate cycles, each with its own members, and ignores the acyclic rest', () => {
    const g = graphOf('p>q', 'q>p', 'x>y', 'y>z', 'z>x', 'x>p', 'free>p', 'free2');
    const cycles = findCycles(g);
    expect(cycles.map((c) => c.members)).toEqual([
      ['p', 'q'],
      ['x', 'y', 'z'],
    ]);
  });

  it('names members that the reported loop does not pass through', () => {
    // A figure eight: a↔b and a↔c form one component, but no simple cycle visits all three.
    const cycles = findCycles(graphOf('a>b', 'b>a', 'a>c', 'c>a'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0].members).toEqual(['a', 'b', 'c']);
    expect(cycles[0].path).toHaveLength(2);
    expect(describeCycle(cycles[0])).toBe('a → b → a (the same cycle also involves c)');
  });

  it('finds nothing in a large acyclic graph and in a 10,000-node chain', () => {
    expect(findCycles(layeredDag(5_000, 4))).toEqual([]);
    expect(findCycles(chain(10_000))).toEqual([]);
  });

  it('handles a 10,000-node ring iteratively and walks all the way round', () => {
    const g = chain(10_000);
    g.addEdge('n00000', 'n09999');
    const cycles = findCycles(g);
    expect(cycles).toHaveLength(1);
    expect(cycles[0].members).toHaveLength(10_000);
    expect(cycles[0].path).toHaveLength(10_000);
    expect(cycles[0].path[0]).toBe('n00000');
    expect(cycles[0].path[1]).toBe('n09999');
  });

  it('is deterministic whatever order nodes and edges were added in', () => {
    const a = graphOf('x>y', 'y>z', 'z>x', 'z>y');
    const b = new Graph();
    for (const id of ['z', 'y', 'x']) b.addNode(id);
    for (const [f, t] of [
      ['z', 'y'],
      ['z', 'x'],
      ['y', 'z'],
      ['x', 'y'],
    ])
      b.addEdge(f, t);
    expect(findCycles(b)).toEqual(findCycles(a));
  });
});
