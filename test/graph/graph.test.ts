import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/index.js';
import { chain, graphOf } from './build.js';

describe('Graph', () => {
  it('keeps "from depends on to" edges readable in both directions', () => {
    const g = graphOf('vm.db01>site.home', 'vm.app01>vm.db01', 'vm.app01>site.home');
    expect(g.dependencies('vm.app01').sort()).toEqual(['site.home', 'vm.db01']);
    expect(g.dependents('site.home').sort()).toEqual(['vm.app01', 'vm.db01']);
    expect(g.dependencies('site.home')).toEqual([]);
    expect(g.hasEdge('vm.db01', 'site.home')).toBe(true);
    expect(g.hasEdge('site.home', 'vm.db01')).toBe(false);
    expect(g.edges()).toHaveLength(3);
  });

  it('stores node data and replaces it without dropping edges', () => {
    const g = new Graph<{ kind: string }>();
    g.addNode('a', { kind: 'vm' }).addNode('b', { kind: 'site' }).addEdge('a', 'b');
    g.addNode('a', { kind: 'vm2' });
    expect(g.get('a')).toEqual({ kind: 'vm2' });
    expect(g.dependencies('a')).toEqual(['b']);
    expect(g.size).toBe(2);
    expect(g.nodes).toEqual(['a', 'b']);
  });

  it('rejects edges to unknown nodes as a programming error', () => {
    const g = graphOf('a');
    expect(() => g.addEdge('a', 'missing')).toThrow(/unknown node "missing"/);
    expect(() => g.addEdge('missing', 'a')).toThrow(/unknown node "missing"/);
    expect(() => g.dependencies('missing')).toThrow(/unknown node/);
  });

  it('ancestorsOf gives a -target node plus everything it depends on, and nothing else', () => {
    const g = graphOf('web>app', 'app>db', 'db>site', 'other>site', 'lonely');
    expect([...g.ancestorsOf('app')].sort()).toEqual(['app', 'db', 'site']);
    expect([...g.ancestorsOf(['web', 'other'])].sort()).toEqual(['app', 'db', 'other', 'site', 'web']);
    expect([...g.descendantsOf('db')].sort()).toEqual(['app', 'db', 'web']);
  });

  it('ancestorsOf walks a 10,000-node chain without recursion', () => {
    const g = chain(10_000);
    expect(g.ancestorsOf('n09999').size).toBe(10_000);
    expect(g.descendantsOf('n05000').size).toBe(5_000);
  });

  it('subgraph keeps only the chosen nodes and the edges among them', () => {
    const g = graphOf('web>app', 'app>db', 'db>site', 'other>site');
    const sub = g.subgraph(g.ancestorsOf('app'));
    expect(sub.nodes.sort()).toEqual(['app', 'db', 'site']);
    expect(sub.edges().sort()).toEqual([
      ['app', 'db'],
      ['db', 'site'],
    ]);
  });

  it('removeEdge undoes addEdge in both directions', () => {
    const g = graphOf('a>b');
    g.removeEdge('a', 'b');
    expect(g.dependencies('a')).toEqual([]);
    expect(g.dependents('b')).toEqual([]);
  });
});
