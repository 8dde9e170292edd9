import { describe, expect, it } from 'vitest';
import { GraphCycleError, topologicalOrder, topologicalWaves } from '../../src/graph/index.js';
import { chain, graphOf, layeredDag } from './build.js';

describe('topologicalWaves', () => {
  it('groups a diamond into three waves with ids sorted inside each', () => {
    const g = graphOf('web>app2', 'web>app1', 'app2>db', 'app1>db', 'lonely');
    expect(topologicalWaves(g)).toEqual([['db', 'lonely'], ['app1', 'app2'], ['web']]);
  });

  it('places a node after its longest dependency chain', () => {
    // c depends on a directly and through b, so it must wait for b's wave.
    expect(topologicalWaves(graphOf('c>a', 'c>b', 'b>a'))).toEqual([['a'], ['b'], ['c']]);
  });

  it('returns no waves for an empty graph', () => {
    expect(topologicalWaves(graphOf())).toEqual([]);
  });

  it('orders every dependency before its dependents in a large random DAG', () => {
    const g = layeredDag(5_000, 4);
    const order = topologicalOrder(g);
    expect(order).toHaveLength(5_000);
    const position = new Map(order.map((id, i) => [id, i]));
    for (const [from, to] of g.edges()) expect(position.get(to)!).toBeLessThan(position.get(from)!);
  });

  it('handles a 10,000-node chain as 10,000 waves', () => {
    const waves = topologicalWaves(chain(10_000));
    expect(waves).toHaveLength(10_000);
    expect(waves[0]).toEqual(['n00000']);
  });

  it('throws GraphCycleError naming every member of every cycle', () => {
    const g = graphOf('a>b', 'b>a', 'x>y', 'y>z', 'z>x', 'ok');
    let error: unknown;
    try {
      topologicalWaves(g);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphCycleError);
    const cycleError = error as GraphCycleError;
    expect(cycleError.cycles.map((c) => c.members)).toEqual([
      ['a', 'b'],
      ['x', 'y', 'z'],
    ]);
    expect(cycleError.message).toContain('2 cycles');
    expect(cycleError.message).toContain('a → b → a');
    expect(cycleError.message).toContain('x → y → z → x');
  });
});
