import { describe, expect, it } from 'vitest';
import { placementFromPlan, placeByType } from '../../src/tui/progress/placement.js';
import type { ProgressExtension } from '../../src/tui/progress/model.js';
import { erpPlan, storeOnClock } from './fixtures.js';

describe('placement', () => {
  it('puts VMs under their site and recovery group, counted instances under their block', () => {
    const place = placementFromPlan(erpPlan());
    expect(place('vm.db01')).toEqual({ site: 'home', group: 'database' });
    expect(place('vm.web[1]')).toEqual({ site: 'home', group: 'web' });
    expect(place('network.app')).toEqual({ site: '', group: 'network' });
    expect(placeByType('volume_group.erp_db')).toEqual({ site: '', group: 'volume_group' });
  });
});

describe('progress store', () => {
  it('counts starts and finishes per group and keeps live rows until they settle', () => {
    const { store, clock } = storeOnClock();
    const plan = erpPlan();
    store.setPlan(placementFromPlan(plan), ['vm.db01', 'vm.web[0]', 'vm.web[1]']);
    store.dispatch({ type: 'apply.start', t: 0, total: 3, parallelism: 10 });
    store.dispatch({ type: 'resource.start', t: 0, address: 'vm.db01', action: 'create' });
    store.dispatch({ type: 'resource.start', t: 0, address: 'vm.web[0]', action: 'create' });
    clock.advance(1500);
    let s = store.snapshot();
    expect(s.groups.map((g) => [g.key, g.total, g.running.length])).toEqual([
      ['home › database', 1, 1],
      ['home › web', 2, 1],
    ]);
    store.dispatch({ type: 'resource.done', t: 0, address: 'vm.db01', action: 'create', id: 'i-1', elapsedMs: 1500 });
    s = store.snapshot();
    expect(s.done).toBe(1);
    // A settled group leaves the live tree; its line is in the finished log.
    expect(s.groups.map((g) => g.key)).toEqual(['home › web']);
    expect(s.finished).toHaveLength(1);
    expect(s.finished[0]).toMatchObject({ address: 'vm.db01', status: 'done', site: 'home', group: 'database' });
  });

  it('never changes a finished line once written: later snapshots extend the list', () => {
    const { store } = storeOnClock();
    store.dispatch({ type: 'apply.start', t: 0, total: 2, parallelism: 1 });
    store.dispatch({ type: 'resource.start', t: 0, address: 'network.a', action: 'create' });
    store.dispatch({ type: 'resource.done', t: 0, address: 'network.a', action: 'create', id: 'n1', elapsedMs: 5 });
    const first = store.snapshot().finished;
    store.dispatch({ type: 'resource.start', t: 0, address: 'network.b', action: 'create' });
    store.dispatch({ type: 'resource.failed', t: 0, address: 'network.b', action: 'create', error: 'quota', elapsedMs: 5 });
    const second = store.snapshot().finished;
    expect(second).toHaveLength(2);
    expect(second[0]).toBe(first[0]);
    expect(store.snapshot().events.at(-1)).toMatchObject({ level: 'error', text: 'network.b: quota' });
  });

  it('collapses a big run into one line per group, but lists every failure', () => {
    const { store } = storeOnClock({ collapseAbove: 10 });
    const addrs = Array.from({ length: 100 }, (_, i) => `vm.app[${i}]`);
    store.setPlan(() => ({ site: 'home', group: 'app' }), addrs);
    store.dispatch({ type: 'apply.start', t: 0, total: 100, parallelism: 10 });
    for (const a of addrs) {
      store.dispatch({ type: 'resource.start', t: 0, address: a, action: 'create' });
      if (a === 'vm.app[7]') store.dispatch({ type: 'resource.failed', t: 0, address: a, action: 'create', error: 'boot failed', elapsedMs: 1 });
      else store.dispatch({ type: 'resource.done', t: 0, address: a, action: 'create', id: a, elapsedMs: 1 });
    }
    const s = store.snapshot();
    expect(s.finished.map((l) => [l.kind, l.status, l.address ?? l.text])).toEqual([
      ['resource', 'failed', 'vm.app[7]'],
      ['group', 'failed', '99 created, 1 failed'],
    ]);
    expect(s.groups).toEqual([]);
    expect([s.done, s.failed]).toEqual([99, 1]);
  });

  it('shows refreshing resources as live rows and drift in the events', () => {
    const { store } = storeOnClock();
    store.dispatch({ type: 'plan.start', t: 0, dir: 'plans', resources: 2 });
    store.dispatch({ type: 'refresh.start', t: 0, address: 'vm.db01' });
    expect(store.snapshot().groups[0].running[0]).toMatchObject({ address: 'vm.db01', status: 'refreshing' });
    store.dispatch({ type: 'refresh.done', t: 0, address: 'vm.db01', drift: 'changed' });
    const s = store.snapshot();
    expect(s.groups).toEqual([]);
    expect(s.refresh).toEqual({ total: 1, done: 1, drifted: 1 });
    expect(s.events.at(-1)?.text).toBe('vm.db01 has changed outside drctl');
  });

  it('folds events it does not know through extensions (the seam for DR runs)', () => {
    const siteMachine: ProgressExtension = (draft, e) => {
      if (e.type !== 'machine.transition') return false;
      draft.setSite({ site: String(e.site), state: String(e.to), tone: 'busy' });
      return true;
    };
    const { store } = storeOnClock({ extensions: [siteMachine] });
    store.dispatch({ type: 'machine.transition', t: 0, site: 'home', to: 'failing_over' });
    store.dispatch({ type: 'something.else', t: 0 });
    expect(store.snapshot().sites).toEqual([{ site: 'home', state: 'failing_over', tone: 'busy' }]);
  });

  it('marks an interrupted run and keeps it interrupted when the apply ends', () => {
    const { store } = storeOnClock();
    store.dispatch({ type: 'apply.start', t: 0, total: 1, parallelism: 1 });
    store.dispatch({ type: 'apply.interrupted', t: 0, inFlight: 1 });
    store.dispatch({ type: 'apply.done', t: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 1, elapsedMs: 10 });
    expect(store.snapshot().phase).toBe('interrupted');
  });
});

describe('progress store: as people read a run', () => {
  it('lists running instances by number: web[8] before web[12]', () => {
    const { store } = storeOnClock();
    const addresses = ['vm.web[12]', 'vm.web[8]', 'vm.web[10]', 'vm.web[9]'];
    store.setPlan(placeByType, addresses);
    store.dispatch({ type: 'apply.start', t: 0, total: addresses.length, parallelism: 10 });
    for (const address of addresses) store.dispatch({ type: 'resource.start', t: 0, address, action: 'create' });
    expect(store.snapshot().groups[0].running.map((r) => r.address)).toEqual(['vm.web[8]', 'vm.web[9]', 'vm.web[10]', 'vm.web[12]']);
  });

  it('leaves the time spent paused at a prompt out of the elapsed time', () => {
    const { store, clock } = storeOnClock();
    const elapsed = () => {
      const s = store.snapshot();
      return s.now - s.startedAt;
    };
    clock.advance(2_000);
    store.pause();
    clock.advance(60_000);
    // While paused the clock on screen stands still.
    expect(elapsed()).toBe(2_000);
    store.resume();
    clock.advance(1_000);
    expect(elapsed()).toBe(3_000);
    // A second pause and a resume without a pause change nothing else.
    store.resume();
    expect(elapsed()).toBe(3_000);
  });
});
