import { describe, expect, it } from 'vitest';
import { describeOutcome, Graph, GraphCycleError, walk, type WalkOutcome } from '../../src/graph/index.js';
import { chain, graphOf, layeredDag } from './build.js';

const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));
/** Lets pending promise callbacks run without letting any timer fire. */
const flushMicrotasks = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('walk', () => {
  it('starts each vertex only after all of its dependencies finished', async () => {
    const g = layeredDag(300, 3, 7);
    const finished = new Set<string>();
    const violations: string[] = [];
    const result = await walk(
      g,
      async (id) => {
        for (const dep of g.dependencies(id)) if (!finished.has(dep)) violations.push(`${id} before ${dep}`);
        await tick(Math.floor(Math.random() * 2));
        finished.add(id);
      },
      { parallelism: 8 },
    );
    expect(violations).toEqual([]);
    expect(finished.size).toBe(300);
    expect([...result.values()].every((o) => o.status === 'succeeded')).toBe(true);
  });

  it('never has more than `parallelism` visits in flight, and does fill every slot', async () => {
    const g = graphOf(...Array.from({ length: 40 }, (_, i) => `vm${i}`));
    let inFlight = 0;
    let maxInFlight = 0;
    await walk(
      g,
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await tick(1);
        inFlight--;
      },
      { parallelism: 3 },
    );
    expect(maxInFlight).toBe(3);
  });

  it('starts a ready vertex as soon as a slot frees, without waiting for a timer', async () => {
    const g = graphOf('a', 'b', 'c', 'd');
    const gates = new Map<string, Deferred>();
    const started: string[] = [];
    const done = walk(
      g,
      (id) => {
        started.push(id);
        const d = deferred();
        gates.set(id, d);
        return d.promise;
      },
      { parallelism: 2 },
    );
    expect(started).toEqual(['a', 'b']);
    gates.get('a')!.resolve();
    await flushMicrotasks();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('c')!.resolve();
    gates.get('b')!.resolve();
    await flushMicrotasks();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.get('d')!.resolve();
    const result = await done;
    expect([...result.values()].map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('starts the head of the longest remaining chain first when slots are scarce', async () => {
    // Alphabetical order would pick a1 and a2; the chain z1 ← z2 ← z3 ← z4 is the critical path.
    const g = graphOf('a1', 'a2', 'a3', 'z2>z1', 'z3>z2', 'z4>z3');
    const started: string[] = [];
    await walk(g, async (id) => void started.push(id), { parallelism: 2 });
    expect(started.slice(0, 2)).toEqual(['z1', 'a1']);
  });

  it('weighs the critical path by the estimate when one is given', async () => {
    const g = graphOf('boot.ibmi', 'boot.rhel1', 'boot.rhel2');
    const minutes: Record<string, number> = { 'boot.ibmi': 9, 'boot.rhel1': 2, 'boot.rhel2': 2 };
    const started: string[] = [];
    await walk(g, (id) => void started.push(id), { parallelism: 1, estimate: (id) => minutes[id] });
    expect(started[0]).toBe('boot.ibmi');
  });

  it('skips dependents of a failure with the failed ancestor named, and carries on elsewhere', async () => {
    const g = graphOf('vm.app>vm.db', 'vm.web>vm.app', 'net.b', 'vm.report>net.b', 'vm.report>vm.web');
    const visited: string[] = [];
    const result = await walk(g, async (id) => {
      visited.push(id);
      if (id === 'vm.db') throw new Error('boot failed');
    });
    expect(visited.sort()).toEqual(['net.b', 'vm.db']);
    expect(result.get('vm.db')).toMatchObject({ status: 'failed', error: new Error('boot failed') });
    expect(result.get('net.b')).toEqual({ status: 'succeeded' });
    for (const id of ['vm.app', 'vm.web', 'vm.report']) {
      expect(result.get(id)).toEqual({ status: 'skipped', skippedBecause: 'vm.db' });
    }
    expect(describeOutcome(result.get('vm.web')!)).toBe('skipped: upstream failed (vm.db)');
    expect(describeOutcome(result.get('vm.db')!)).toBe('failed: boot failed');
  });

  it('names the smallest failed ancestor when several failed, whatever finished first', async () => {
    const g = graphOf('join>b', 'join>a', 'b', 'a');
    const result = await walk(g, async (id) => {
      if (id === 'a') {
        await tick(5);
        throw new Error('a broke');
      }
      if (id === 'b') throw new Error('b broke');
    });
    expect(result.get('join')).toEqual({ status: 'skipped', skippedBecause: 'a' });
  });

  it('treats a synchronous throw as a failure of that vertex', async () => {
    const result = await walk(graphOf('b>a'), (id) => {
      if (id === 'a') throw new TypeError('bad');
    });
    expect(result.get('a')!.status).toBe('failed');
    expect(result.get('b')).toEqual({ status: 'skipped', skippedBecause: 'a' });
  });

  it('on abort lets in-flight visits finish and cancels everything not started', async () => {
    const g = graphOf('a', 'b', 'c', 'd>a', 'e>d');
    const controller = new AbortController();
    const visited: string[] = [];
    const result = await walk(
      g,
      async (id) => {
        visited.push(id);
        if (id === 'a') controller.abort();
        await tick(2);
      },
      { parallelism: 1, signal: controller.signal },
    );
    expect(visited).toEqual(['a']);
    expect(result.get('a')).toEqual({ status: 'succeeded' });
    for (const id of ['b', 'c', 'd', 'e']) expect(result.get(id)).toEqual({ status: 'cancelled' });
  });

  it('reports a failure that lands after an abort and skips its dependents', async () => {
    const g = graphOf('a', 'b>a', 'c');
    const controller = new AbortController();
    const result = await walk(
      g,
      async (id, _data, { signal }) => {
        controller.abort();
        await tick(1);
        if (signal.aborted && id === 'a') throw new Error('interrupted');
      },
      { parallelism: 1, signal: controller.signal },
    );
    expect(result.get('a')!.status).toBe('failed');
    expect(result.get('b')).toEqual({ status: 'skipped', skippedBecause: 'a' });
    expect(result.get('c')).toEqual({ status: 'cancelled' });
  });

  it('cancels everything when the signal is already aborted', async () => {
    let calls = 0;
    const result = await walk(graphOf('b>a', 'c'), () => void calls++, { signal: AbortSignal.abort() });
    expect(calls).toBe(0);
    expect([...result.values()].every((o) => o.status === 'cancelled')).toBe(true);
  });

  it('calls onSettled exactly once per vertex, skipped ones included', async () => {
    const seen: Array<[string, WalkOutcome['status']]> = [];
    await walk(
      graphOf('b>a', 'c>b', 'd'),
      (id) => {
        if (id === 'a') throw new Error('x');
      },
      { onSettled: (id, o) => seen.push([id, o.status]) },
    );
    expect(seen.sort()).toEqual([
      ['a', 'failed'],
      ['b', 'skipped'],
      ['c', 'skipped'],
      ['d', 'succeeded'],
    ]);
  });

  it('resolves at once for an empty graph', async () => {
    expect((await walk(new Graph(), () => undefined)).size).toBe(0);
  });

  it('rejects a cyclic graph before visiting anything, naming the cycle', async () => {
    let calls = 0;
    const error = await walk(graphOf('a>b', 'b>a', 'c'), () => void calls++).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphCycleError);
    expect((error as Error).message).toContain('a → b → a');
    expect(calls).toBe(0);
  });

  it('rejects a parallelism that is not a positive integer', async () => {
    await expect(walk(graphOf('a'), () => undefined, { parallelism: 0 })).rejects.toThrow(RangeError);
  });

  it('walks 5,000 vertices with trivial visits, each exactly once, in dependency order', async () => {
    const g = layeredDag(5_000, 4, 3);
    const position = new Map<string, number>();
    const result = await walk(g, (id) => void position.set(id, position.size), { parallelism: 10 });
    expect(position.size).toBe(5_000);
    expect(result.size).toBe(5_000);
    for (const [from, to] of g.edges()) expect(position.get(to)!).toBeLessThan(position.get(from)!);
  });

  it('skips a 10,000-vertex chain after its first vertex fails without deep recursion', async () => {
    const result = await walk(chain(10_000), (id) => {
      if (id === 'n00000') throw new Error('root failed');
    });
    const statuses = [...result.values()].map((o) => o.status);
    expect(statuses.filter((s) => s === 'skipped')).toHaveLength(9_999);
    expect(result.get('n09999')).toEqual({ status: 'skipped', skippedBecause: 'n00000' });
  });

  it('runs a 10,000-long chain of synchronous visits in a flat loop, in order', async () => {
    const seen: string[] = [];
    const result = await walk(chain(10_000), (id) => void seen.push(id));
    expect(result.size).toBe(10_000);
    expect(seen).toEqual(chain(10_000).nodes);
  });

  it('passes each node its data', async () => {
    const g = new Graph<{ size: number }>();
    g.addNode('vol.a', { size: 10 }).addNode('vol.b', { size: 20 }).addEdge('vol.b', 'vol.a');
    let total = 0;
    await walk(g, (_id, data) => void (total += data.size));
    expect(total).toBe(30);
  });
});
