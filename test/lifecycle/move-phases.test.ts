// Phases of a move on their own: the site check the preflight makes (which move, resumed or
// refused), and the order of the move's graph as the engine's walk runs it.
import { describe, expect, it } from 'vitest';
import type { RecoveryGroup } from '../../src/config/model.js';
import { UserError } from '../../src/diag/errors.js';
import { walk } from '../../src/graph/walk.js';
import { moveGraph } from '../../src/lifecycle/move/graph.js';
import { checkSite, type SiteCheck } from '../../src/lifecycle/move/preflight.js';
import { RUN_KEY, SITE_KEY } from '../../src/lifecycle/move.js';
import { startLifecycle, type LifecycleStore } from '../../src/lifecycle/runner.js';
import { siteMachine, type SiteEvent } from '../../src/lifecycle/site.js';
import type { JsonValue } from '../../src/state/json.js';

const pair = { active: 'site.home', standby: 'site.dr' };
const wall = () => new Date('2030-01-02T03:04:05Z');

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

/** A state file whose site lifecycle went through these events. */
async function siteAfter(events: readonly SiteEvent[], progress?: object): Promise<LifecycleStore & { data: Map<string, JsonValue> }> {
  const store = memoryStore();
  const lc = startLifecycle(siteMachine, SITE_KEY, store, pair);
  for (const e of events) lc.actor.send(e);
  await lc.stop();
  if (progress) await store.setLifecycle(RUN_KEY, progress);
  return store;
}

/** The check's answer for a move that may start. */
async function started(checked: ReturnType<typeof checkSite>): Promise<SiteCheck> {
  const c = await checked;
  if (!c.site) throw new Error(`no move: ${JSON.stringify(c.done)}`);
  return c.site;
}

const failedOver: SiteEvent[] = [{ type: 'REPLICATION_OK' }, { type: 'FAILOVER', to: 'site.dr', run: 'failover-1' }, { type: 'MOVED' }];
const failoverStuck: SiteEvent[] = [
  { type: 'REPLICATION_OK' },
  { type: 'FAILOVER', to: 'site.dr', run: 'failover-1', unplanned: true },
  { type: 'STEP_FAILED', event: 'VM_BOOTUP_FAILED', step: 'boot vm.db01', message: 'x' },
];

describe('the site check of a move', () => {
  it('starts a new failover at home, under a new run id', async () => {
    const s = await started(checkSite(await siteAfter([{ type: 'REPLICATION_OK' }]), wall, { kind: 'failover' }, pair));
    expect({ from: s.from, to: s.to, resuming: s.resuming, unplanned: s.unplanned, siteState: s.siteState, needsResync: s.needsResync }).toEqual({
      from: 'site.home',
      to: 'site.dr',
      resuming: false,
      unplanned: false,
      siteState: 'replicating',
      needsResync: false,
    });
    expect(s.runId).toMatch(/^failover-20300102T030405-[0-9a-f]{6}$/);
    await s.site.stop();
  });

  it('does nothing, and says so, for a failover when production already runs at the standby', async () => {
    const checked = await checkSite(await siteAfter(failedOver), wall, { kind: 'failover' }, pair);
    expect(checked.done).toEqual({ ok: true, message: 'Production already runs at site.dr; nothing to fail over. To move it back, run drctl failback.' });
  });

  it('does nothing, and says so, for a failback when production runs at home', async () => {
    const checked = await checkSite(await siteAfter([]), wall, { kind: 'failback' }, pair);
    expect(checked.done).toEqual({ ok: true, message: 'Production runs at site.home, its home; nothing to fail back.' });
  });

  it('moves a failback from the standby back home, resyncing first', async () => {
    const s = await started(checkSite(await siteAfter(failedOver), wall, { kind: 'failback' }, pair));
    expect({ from: s.from, to: s.to, resuming: s.resuming, needsResync: s.needsResync }).toEqual({
      from: 'site.dr',
      to: 'site.home',
      resuming: false,
      needsResync: true,
    });
    expect(s.runId).toMatch(/^failback-/);
    await s.site.stop();
  });

  it('resumes a failover stuck in needs-attention under its own run id, unplanned as it began', async () => {
    const saved = {
      id: 'failover-20300101T000000-abcdef',
      kind: 'failover',
      unplanned: true,
      plan: 'recovery_plan.erp',
      from: 'site.home',
      to: 'site.dr',
      startedAt: '2030-01-01T00:00:00.000Z',
      resumed: 0,
      done: {},
      rpo: {},
      groups: {},
    };
    const s = await started(checkSite(await siteAfter(failoverStuck, saved), wall, { kind: 'failover' }, pair));
    expect({ resuming: s.resuming, runId: s.runId, unplanned: s.unplanned, siteState: s.siteState }).toEqual({
      resuming: true,
      runId: saved.id,
      unplanned: true,
      siteState: 'needs-attention',
    });
    expect(s.progressSaved).toEqual(saved);
    await s.site.stop();
  });

  it('refuses a failback while a failover is stuck, and a failover while a failback is under way', async () => {
    await expect(checkSite(await siteAfter(failoverStuck), wall, { kind: 'failback' }, pair)).rejects.toMatchObject({
      name: 'UserError',
      message: 'A failover is unfinished (site lifecycle: needs-attention).',
      nextSteps: ['Run drctl failover to finish it.'],
    });
    const failingBack = [...failedOver, { type: 'FAILBACK', run: 'failback-1' }, { type: 'RESYNCED' }] as SiteEvent[];
    await expect(checkSite(await siteAfter(failingBack), wall, { kind: 'failover' }, pair)).rejects.toMatchObject({
      name: 'UserError',
      message: 'A failback is unfinished (site lifecycle: failing-back).',
      nextSteps: ['Run drctl failback to finish it.'],
    });
  });

  it('refuses a move while a drill is unfinished', async () => {
    const drilling: SiteEvent[] = [{ type: 'REPLICATION_OK' }, { type: 'DRILL', run: 'drill-1' }];
    await expect(checkSite(await siteAfter(drilling), wall, { kind: 'failover' }, pair)).rejects.toThrow(
      new UserError('A drill is unfinished: run drctl drill (it cleans up first) or drctl cleanup.'),
    );
  });

  it('refuses a declarative move whose planned direction is not the one in state', async () => {
    await expect(checkSite(await siteAfter(failedOver), wall, { kind: 'failback', expect: { from: 'site.home', to: 'site.dr' } }, pair)).rejects.toMatchObject({
      name: 'UserError',
      message: 'The planned move was site.home → site.dr, but the site lifecycle in state moves site.dr → site.home (state recovered).',
      nextSteps: ['Make a new plan: drctl plan'],
    });
  });
});

describe('the graph of a move', () => {
  const group = (name: string, vms: string[]): RecoveryGroup => ({
    name,
    vms,
    range: { filename: 'plan.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } },
  });
  const groups = [group('db', ['vm.db1', 'vm.db2']), group('app', ['vm.app']), group('web', ['vm.web1', 'vm.web2'])];

  /** The order the engine's walk starts the steps in, one at a time. */
  async function walkOrder(): Promise<string[]> {
    const started: string[] = [];
    const outcomes = await walk(
      moveGraph(groups, ['volume_group.a', 'volume_group.b']),
      (id, step) => {
        if (step.kind !== 'barrier') started.push(id);
      },
      { parallelism: 1 },
    );
    expect([...outcomes.values()].every((o) => o.status === 'succeeded')).toBe(true);
    return started;
  }

  it('shuts down in reverse plan order, switches storage once after every shutdown, boots group by group, then reverses replication', async () => {
    const order = await walkOrder();
    const at = (id: string) => order.indexOf(id);
    const before = (a: readonly string[], b: readonly string[]) => expect(Math.max(...a.map(at)), `${a} before ${b}`).toBeLessThan(Math.min(...b.map(at)));
    expect(order).toHaveLength(5 + 1 + 5 + 3 + 2);
    before(['shutdown vm.web1', 'shutdown vm.web2'], ['shutdown vm.app']);
    before(['shutdown vm.app'], ['shutdown vm.db1', 'shutdown vm.db2']);
    before(['shutdown vm.db1', 'shutdown vm.db2'], ['switch storage']);
    before(['switch storage'], ['boot vm.db1', 'boot vm.db2']);
    before(['boot vm.db1', 'boot vm.db2'], ['group db']);
    before(['group db'], ['boot vm.app']);
    before(['boot vm.app'], ['group app']);
    before(['group app'], ['boot vm.web1', 'boot vm.web2']);
    before(['boot vm.web1', 'boot vm.web2'], ['group web']);
    before(['group web'], ['reverse volume_group.a', 'reverse volume_group.b']);
  });
});
