// The lifecycle machines on their own: pure transitions, provided fakes, fake timers for
// `after`, a BFS over every reachable state, and persisted snapshots through JSON.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise, getNextSnapshot, initialTransition, type AnyStateMachine, type EventObject, type SnapshotFrom } from 'xstate';
import { workgroupMachine, type StepInput } from '../../src/lifecycle/workgroup.js';
import { siteMachine } from '../../src/lifecycle/site.js';
import { drillMachine } from '../../src/lifecycle/drill.js';
import { startLifecycle, until, type LifecycleStore } from '../../src/lifecycle/runner.js';
import type { JsonValue } from '../../src/state/json.js';

const name = (s: { value: unknown }) => String(s.value);

/** Breadth-first over states reachable by the given events (done/error events of invoked actors included). */
function reachable(machine: AnyStateMachine, input: unknown, events: readonly EventObject[]): { states: Set<string>; paths: Map<string, string[]> } {
  const [first] = initialTransition(machine, input as never);
  const seen = new Map<string, { snap: SnapshotFrom<AnyStateMachine>; path: string[] }>([[name(first), { snap: first, path: [] }]]);
  const queue = [name(first)];
  while (queue.length) {
    const at = seen.get(queue.shift()!)!;
    const invoked = Object.keys(at.snap.children ?? {});
    const extra: EventObject[] = invoked.flatMap((id) => [
      { type: `xstate.done.actor.${id}`, output: { id: 'x', rtoMs: 1 } } as EventObject,
      { type: `xstate.error.actor.${id}`, error: new Error('fake') } as EventObject,
    ]);
    for (const e of [...events, ...extra]) {
      const next = getNextSnapshot(machine, at.snap, e as never);
      const n = name(next);
      if (!seen.has(n)) {
        seen.set(n, { snap: next, path: [...at.path, e.type] });
        queue.push(n);
      }
    }
  }
  return { states: new Set(seen.keys()), paths: new Map([...seen].map(([k, v]) => [k, v.path])) };
}

function memoryStore(): LifecycleStore & { data: Map<string, JsonValue> } {
  const data = new Map<string, JsonValue>();
  return {
    data,
    lifecycle: (k) => data.get(k),
    setLifecycle: async (k, s) => {
      if (s === undefined) data.delete(k);
      else data.set(k, JSON.parse(JSON.stringify(s)));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('workgroup machine', () => {
  const input = { vm: 'vm.db01', from: 'site.home', to: 'site.dr', placement: { 'site.home': 'h1' } };

  it('moves through the KSYS path on pure transitions', () => {
    let [s] = initialTransition(workgroupMachine, input);
    expect(name(s)).toBe('unmanaged');
    for (const [type, want] of [
      ['DISCOVER', 'discovered'],
      ['READY', 'ready-to-move'],
      ['MOVE', 'shutting-down'],
    ] as const) {
      s = getNextSnapshot(workgroupMachine, s, { type });
      expect(name(s)).toBe(want);
    }
    s = getNextSnapshot(workgroupMachine, s, { type: 'xstate.done.actor.0.workgroup.shutting-down' } as never);
    expect(name(s)).toBe('shut-down');
    expect(s.context.activeOn).toBeNull();
  });

  it('cannot boot before the source copy is down (split-brain protection)', () => {
    const { paths } = reachable(
      workgroupMachine,
      input,
      ['DISCOVER', 'READY', 'MOVE', 'SOURCE_LOST', 'SWITCH_STORAGE', 'BOOT', 'RETRY', 'REVERSE'].map((type) => ({ type })),
    );
    // BOOT is ignored everywhere but storage-switched, and every path to booting passes shut-down.
    for (const [state, path] of paths) {
      if (state !== 'booting' && state !== 'active-on-target') continue;
      expect(path.includes('SOURCE_LOST') || path.some((p) => p.includes('shutting-down'))).toBe(true);
    }
    let [s] = initialTransition(workgroupMachine, input);
    for (const type of ['DISCOVER', 'READY', 'BOOT', 'SWITCH_STORAGE'] as const) s = getNextSnapshot(workgroupMachine, s, { type });
    expect(name(s)).toBe('ready-to-move');
  });

  it('visits every state, error states included', () => {
    const { states } = reachable(
      workgroupMachine,
      input,
      ['DISCOVER', 'READY', 'MOVE', 'SOURCE_LOST', 'SWITCH_STORAGE', 'BOOT', 'RETRY', 'REVERSE'].map((type) => ({ type })),
    );
    expect([...states].sort()).toEqual(Object.keys(workgroupMachine.config.states!).sort());
  });

  it('runs provided steps, names the failed step with its KSYS event, and retries it', async () => {
    const calls: string[] = [];
    let bootFails = true;
    const machine = workgroupMachine.provide({
      actors: {
        shutdownVm: fromPromise<void, StepInput>(async ({ input }) => void calls.push(`stop ${input.placement[input.from]}`)),
        switchStorage: fromPromise<void, StepInput>(async () => void calls.push('switch')),
        bootVm: fromPromise<{ id: string }, StepInput>(async () => {
          calls.push('boot');
          if (bootFails) throw new Error('went into ERROR');
          return { id: 'd1' };
        }),
      },
    });
    const a = createActor(machine, { input }).start();
    for (const type of ['DISCOVER', 'READY', 'MOVE'] as const) a.send({ type });
    await until(a, (s) => name(s) === 'shut-down');
    a.send({ type: 'SWITCH_STORAGE' });
    await until(a, (s) => name(s) === 'storage-switched');
    a.send({ type: 'BOOT' });
    const failed = await until(a, (s) => name(s) === 'boot-failed');
    expect(failed.context.failure).toEqual({ event: 'VM_BOOTUP_FAILED', step: 'boot', message: 'went into ERROR' });
    expect(failed.hasTag('error')).toBe(true);
    bootFails = false;
    a.send({ type: 'RETRY' });
    const done = await until(a, (s) => name(s) === 'active-on-target');
    expect(done.context.activeOn).toBe('site.dr');
    expect(done.context.placement).toEqual({ 'site.home': 'h1', 'site.dr': 'd1' });
    expect(done.context.attempts).toBe(2);
    expect(calls).toEqual(['stop h1', 'switch', 'boot', 'boot']);
    a.send({ type: 'REVERSE' });
    expect(a.getSnapshot().context).toMatchObject({ from: 'site.dr', to: 'site.home' });
  });

  it('fails a boot that outlives its timeout (fake timers)', () => {
    vi.useFakeTimers();
    const machine = workgroupMachine.provide({
      actors: {
        shutdownVm: fromPromise<void, StepInput>(async () => undefined),
        switchStorage: fromPromise<void, StepInput>(async () => undefined),
        bootVm: fromPromise<{ id: string }, StepInput>(() => new Promise(() => undefined)),
      },
    });
    const [start] = initialTransition(workgroupMachine, { ...input, bootTimeoutMs: 60_000 });
    let s = start;
    for (const type of ['DISCOVER', 'READY', 'MOVE'] as const) s = getNextSnapshot(workgroupMachine, s, { type });
    s = getNextSnapshot(workgroupMachine, s, { type: 'xstate.done.actor.0.workgroup.shutting-down' } as never);
    s = getNextSnapshot(workgroupMachine, s, { type: 'SWITCH_STORAGE' });
    s = getNextSnapshot(workgroupMachine, s, { type: 'xstate.done.actor.0.workgroup.storage-switching' } as never);
    const a = createActor(machine, { snapshot: JSON.parse(JSON.stringify(s)), input }).start();
    a.send({ type: 'BOOT' });
    vi.advanceTimersByTime(59_999);
    expect(name(a.getSnapshot())).toBe('booting');
    vi.advanceTimersByTime(2);
    expect(name(a.getSnapshot())).toBe('boot-failed');
    expect(a.getSnapshot().context.failure?.message).toContain('60s');
    a.stop();
  });

  it('persists through JSON and resumes the step in flight, not the finished ones', async () => {
    const store = memoryStore();
    let boots = 0;
    let stops = 0;
    const machine = workgroupMachine.provide({
      actors: {
        shutdownVm: fromPromise<void, StepInput>(async () => void stops++),
        switchStorage: fromPromise<void, StepInput>(async () => undefined),
        bootVm: fromPromise<{ id: string }, StepInput>(async () => {
          boots++;
          await new Promise((r) => setTimeout(r, 20));
          return { id: 'd9' };
        }),
      },
    });
    const first = startLifecycle(machine, 'vm.db01', store, input);
    for (const type of ['DISCOVER', 'READY', 'MOVE'] as const) first.actor.send({ type });
    await until(first.actor, (s) => name(s) === 'shut-down');
    first.actor.send({ type: 'SWITCH_STORAGE' });
    await until(first.actor, (s) => name(s) === 'storage-switched');
    first.actor.send({ type: 'BOOT' });
    await first.stop(); // "killed" while booting
    const saved = store.data.get('vm.db01') as { value: string };
    expect(saved.value).toBe('booting');
    const second = startLifecycle(machine, 'vm.db01', store, input);
    expect(second.restored).toBe(true);
    await until(second.actor, (s) => name(s) === 'active-on-target');
    await second.flush();
    expect(stops).toBe(1);
    expect(boots).toBe(2);
    expect((store.data.get('vm.db01') as { value: string }).value).toBe('active-on-target');
    await second.stop();
  });
});

describe('site machine', () => {
  const input = { active: 'site.home', standby: 'site.dr' };
  const events = [
    { type: 'REPLICATION_OK' },
    { type: 'REPLICATION_LOST' },
    { type: 'FAILOVER', to: 'site.dr', run: 'r' },
    { type: 'FAILBACK', run: 'r' },
    { type: 'RESYNCED' },
    { type: 'MOVED' },
    { type: 'DRILL', run: 'r' },
    { type: 'DRILL_ENDED' },
    { type: 'CLEANED' },
    { type: 'STEP_FAILED', event: 'VM_BOOTUP_FAILED', step: 'boot vm.db01', message: 'x' },
    { type: 'RETRY' },
    { type: 'FORCE' },
  ] as const;

  it('fails over, recovers, resyncs and fails back, swapping the active site', () => {
    let [s] = initialTransition(siteMachine, input);
    const go = (e: (typeof events)[number]) => (s = getNextSnapshot(siteMachine, s, e as never));
    go({ type: 'REPLICATION_OK' });
    go({ type: 'FAILOVER', to: 'site.dr', run: 'r' });
    expect(name(s)).toBe('failing-over');
    go({ type: 'MOVED' });
    expect(name(s)).toBe('recovered');
    expect(s.context).toMatchObject({ active: 'site.dr', standby: 'site.home' });
    go({ type: 'FAILBACK', run: 'r' });
    go({ type: 'RESYNCED' });
    go({ type: 'MOVED' });
    expect(name(s)).toBe('replicating');
    expect(s.context.active).toBe('site.home');
  });

  it('refuses a failover onto the active site (split brain)', () => {
    let [s] = initialTransition(siteMachine, input);
    s = getNextSnapshot(siteMachine, s, { type: 'REPLICATION_OK' });
    s = getNextSnapshot(siteMachine, s, { type: 'FAILOVER', to: 'site.home', run: 'r' });
    expect(name(s)).toBe('replicating');
  });

  it('needs attention after a failed step; RETRY resumes that step and FORCE goes past it', () => {
    let [s] = initialTransition(siteMachine, input);
    for (const e of [{ type: 'REPLICATION_OK' }, { type: 'FAILOVER', to: 'site.dr', run: 'r' }, events[9]]) s = getNextSnapshot(siteMachine, s, e as never);
    expect(name(s)).toBe('needs-attention');
    expect(s.context.failure?.event).toBe('VM_BOOTUP_FAILED');
    expect(name(getNextSnapshot(siteMachine, s, { type: 'RETRY' }))).toBe('failing-over');
    const forced = getNextSnapshot(siteMachine, s, { type: 'FORCE' });
    expect(name(forced)).toBe('recovered');
    expect(forced.context.active).toBe('site.dr');
  });

  it('a failed drill still cleans up', () => {
    let [s] = initialTransition(siteMachine, input);
    for (const e of [{ type: 'REPLICATION_OK' }, { type: 'DRILL', run: 'r' }, events[9]]) s = getNextSnapshot(siteMachine, s, e as never);
    expect(name(s)).toBe('cleaning-up');
  });

  it('visits every state', () => {
    const { states } = reachable(siteMachine, input, events as unknown as EventObject[]);
    expect([...states].sort()).toEqual(Object.keys(siteMachine.config.states!).sort());
  });

  it('round-trips a persisted snapshot through JSON', () => {
    let [s] = initialTransition(siteMachine, input);
    for (const e of [{ type: 'REPLICATION_OK' }, { type: 'FAILOVER', to: 'site.dr', run: 'r1', unplanned: true }])
      s = getNextSnapshot(siteMachine, s, e as never);
    const a = createActor(siteMachine, { snapshot: s, input }).start();
    const json = JSON.parse(JSON.stringify(a.getPersistedSnapshot()));
    const b = createActor(siteMachine, { snapshot: json, input }).start();
    expect(name(b.getSnapshot())).toBe('failing-over');
    expect(b.getSnapshot().context).toEqual({ active: 'site.home', standby: 'site.dr', run: 'r1', unplanned: true });
    b.send({ type: 'MOVED' });
    expect(b.getSnapshot().context.active).toBe('site.dr');
  });
});

describe('drill machine', () => {
  const input = { drill: 'monthly', limitMs: 1000 };
  const fakes = (over: Partial<Record<'cloneVolumes' | 'bootClones' | 'validate' | 'cleanup', () => Promise<unknown>>> = {}, log: string[] = []) =>
    drillMachine.provide({
      actors: {
        cloneVolumes: fromPromise<void, { drill: string }>(async () => void (log.push('clone'), await over.cloneVolumes?.())),
        bootClones: fromPromise<{ rtoMs: number }, { drill: string }>(
          async () => (log.push('boot'), (await over.bootClones?.()) as { rtoMs: number }) ?? { rtoMs: 5 },
        ),
        validate: fromPromise<void, { drill: string }>(async () => void (log.push('validate'), await over.validate?.())),
        cleanup: fromPromise<void, { drill: string }>(async () => void (log.push('cleanup'), await over.cleanup?.())),
      },
    });

  it('runs starting → active → validating → cleaning → done', async () => {
    const log: string[] = [];
    const a = createActor(fakes({ bootClones: async () => ({ rtoMs: 42 }) }, log), { input }).start();
    const end = await until(a, (s) => s.status === 'done');
    expect(log).toEqual(['clone', 'boot', 'validate', 'cleanup']);
    expect(end.context.rtoMs).toBe(42);
    expect(end.context.failure).toBeUndefined();
  });

  it('cleans up after a failed step', async () => {
    const log: string[] = [];
    const a = createActor(
      fakes(
        {
          bootClones: async () => {
            throw new Error('clone of db01 went into ERROR');
          },
        },
        log,
      ),
      { input },
    ).start();
    const end = await until(a, (s) => s.status === 'done');
    expect(log).toEqual(['clone', 'boot', 'cleanup']);
    expect(end.context.failure).toEqual({ step: 'boot', message: 'clone of db01 went into ERROR' });
  });

  it('cleans up when cancelled (Ctrl-C)', async () => {
    const log: string[] = [];
    const a = createActor(fakes({ bootClones: () => new Promise(() => undefined) }, log), { input }).start();
    await until(a, (s) => name(s) === 'active');
    a.send({ type: 'CANCEL' });
    const end = await until(a, (s) => s.status === 'done');
    expect(end.context.cancelled).toBe(true);
    expect(log.at(-1)).toBe('cleanup');
  });

  it('cleans up when the drill outlives its limit (fake timers)', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const a = createActor(fakes({ validate: () => new Promise(() => undefined) }, log), { input }).start();
    await vi.advanceTimersByTimeAsync(0);
    expect(name(a.getSnapshot())).toBe('validating');
    await vi.advanceTimersByTimeAsync(999);
    expect(name(a.getSnapshot())).toBe('validating');
    await vi.advanceTimersByTimeAsync(2);
    expect(a.getSnapshot().status).toBe('done');
    expect(a.getSnapshot().context.failure?.step).toBe('limit');
    expect(log.at(-1)).toBe('cleanup');
  });

  it('a failed cleanup can be retried', async () => {
    let fail = true;
    const a = createActor(
      fakes({
        cleanup: async () => {
          if (fail) throw new Error('busy');
        },
      }),
      { input },
    ).start();
    await until(a, (s) => name(s) === 'cleanup-failed');
    fail = false;
    a.send({ type: 'RETRY' });
    await until(a, (s) => s.status === 'done');
  });

  it('visits every state', () => {
    const { states } = reachable(drillMachine, input, [{ type: 'CANCEL' }, { type: 'RETRY' }]);
    expect([...states].sort()).toEqual(Object.keys(drillMachine.config.states!).sort());
  });

  it('round-trips a persisted snapshot and finishes the step in flight', async () => {
    const store = memoryStore();
    let boots = 0;
    const m = fakes({
      bootClones: async () => {
        boots++;
        await new Promise((r) => setTimeout(r, 10));
        return { rtoMs: 1 };
      },
    });
    const first = startLifecycle(m, 'drill.monthly', store, input);
    await until(first.actor, (s) => name(s) === 'active');
    await first.stop();
    const second = startLifecycle(m, 'drill.monthly', store, input);
    await until(second.actor, (s) => s.status === 'done');
    await second.flush();
    expect(boots).toBe(2);
    expect((store.data.get('drill.monthly') as { status: string }).status).toBe('done');
  });
});
