// The DR extension of the progress store, drawn by the live screen: a failover's runbook and
// events (shaped as src/lifecycle emits them) become site badges, RPO gauges, VMs under their
// recovery groups, and predicted vs actual RTO.
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { ProgressScreen } from '../../src/tui/ink/components/progress-screen.js';
import { drEvent, drEventLines, drProgressExtension, resultEvent, runbookEvent, runbookGroups, verifyEvent } from '../../src/tui/progress/dr.js';
import type { Runbook } from '../../src/plan/index.js';
import type { DrEvent } from '../../src/lifecycle/events-log.js';
import { summaryText } from '../../src/tui/ink/components/summary-line.js';
import { plain, storeOnClock } from './fixtures.js';

const WIDTH = 80;

const runbook: Runbook = {
  kind: 'failover',
  run: 'failover-20250101T000000-abc123',
  plan: 'recovery_plan.erp',
  from: 'site.home',
  to: 'site.dr',
  unplanned: false,
  resuming: false,
  phases: [
    { name: 'shut down at site.home, reverse plan order', steps: ['web: vm.web[0], vm.web[1]', 'database: vm.db01'], predictedSeconds: 120 },
    { name: 'stop replication with access at site.dr', steps: ['volume_group.erp_db'], predictedSeconds: 60 },
    { name: 'group database', steps: ['boot vm.db01', 'post_check scripts/db-ready.sh'], predictedSeconds: 600 },
    { name: 'group web', steps: ['boot vm.web[0], vm.web[1]', 'manual: Switch the public DNS record'], predictedSeconds: 300 },
    { name: 'reverse replication site.dr → site.home', steps: ['volume_group.erp_db'], predictedSeconds: 0 },
  ],
  predictedSeconds: 1080,
  targetSeconds: 1800,
  replication: [{ volumeGroup: 'volume_group.erp_db', state: 'consistent_copying', lagSeconds: 700, rpoSeconds: 900 }],
  dataLossWindowSeconds: 700,
  blockers: [],
  manual: [{ group: 'web', text: 'Switch the public DNS record' }],
};

let seq = 0;
function ev(name: DrEvent['name'], subject: string, message: string, extra: Partial<DrEvent> = {}): DrEvent {
  seq++;
  return { run: runbook.run, seq, t: seq * 100, at: '2025-01-01T00:00:00.000Z', name, severity: 'info', subject, message, ...extra };
}

function failoverStore() {
  const { store, clock } = storeOnClock({ title: 'drctl failover', extensions: [drProgressExtension()] });
  const send = (e: DrEvent) => store.dispatch(drEvent(e));
  return { store, clock, send };
}

const frame = (store: ReturnType<typeof failoverStore>['store']) =>
  plain(render(<ProgressScreen snapshot={store.snapshot()} width={WIDTH} height={30} color={false} staticLog={false} />).lastFrame());

describe('DR runs in the live view', () => {
  it('reads the recovery groups from the runbook', () => {
    expect(runbookGroups(runbook)).toEqual([
      { name: 'database', vms: ['vm.db01'] },
      { name: 'web', vms: ['vm.web[0]', 'vm.web[1]'] },
    ]);
  });

  it('shows the runbook: site badges, an RPO gauge near its limit, the predicted RTO against the target', () => {
    const { store } = failoverStore();
    store.dispatch(runbookEvent(runbook));
    const f = frame(store);
    expect(f).toContain('[home: active] [dr: standby]');
    expect(f).toMatch(/erp_db +█+░+ lag 11m40s \/ RPO 15m00s consistent_copying/);
    expect(f).toContain('0/3 done · 0 failed · 0 skipped');
    expect(f).toContain('RTO erp: predicted 18m (target 30m)');
  });

  it('follows a failover: the site machine, VMs under site → group, storage, groups up, then the actual RTO', () => {
    const { store, clock, send } = failoverStore();
    store.dispatch(runbookEvent(runbook));
    send(ev('MOVE_STARTED', 'site', 'failover site.home → site.dr, plan erp', { detail: { from: 'site.home', to: 'site.dr', unplanned: false } }));
    send(ev('machine.transition', 'site', 'site: replicating → failing-over', { detail: { from: 'replicating', to: 'failing-over' } }));
    send(ev('VM_SHUTDOWN_STARTED', 'vm.web[0]', 'shutting down vm.web[0] at site.home'));
    send(ev('VM_SHUTDOWN_STARTED', 'vm.web[1]', 'shutting down vm.web[1] at site.home'));
    send(ev('VM_SHUTDOWN_COMPLETED', 'vm.web[1]', 'vm.web[1] is off at site.home'));
    clock.advance(1500);
    let f = frame(store);
    expect(f).toContain('[home: active] [dr: failing-over]');
    expect(f).toMatch(/site dr\n {2}web 0\/2/);
    expect(f).toMatch(/vm\.web\[0\] shutting down at home +1\.5s/);
    expect(f).toMatch(/vm\.web\[1\] off at home; waiting for storage/);

    send(ev('VM_SHUTDOWN_STARTED', 'vm.db01', 'shutting down vm.db01 at site.home'));
    send(ev('VM_SHUTDOWN_COMPLETED', 'vm.db01', 'vm.db01 is off'));
    send(ev('VM_SHUTDOWN_COMPLETED', 'vm.web[0]', 'vm.web[0] is off'));
    send(
      ev('VG_REVERSAL_STARTED', 'volume_group.erp_db', 'stop replication of volume_group.erp_db with access at site.dr (lag 42s)', {
        detail: { lagSeconds: 42 },
      }),
    );
    expect(frame(store)).toMatch(/erp_db +.* lag 42s \/ RPO 15m00s switching/);
    send(ev('VG_REVERSAL_COMPLETED', 'volume_group.erp_db', 'writable'));
    send(ev('VM_BOOTUP_STARTED', 'vm.db01', 'booting vm.db01 at site.dr'));
    clock.advance(2000);
    send(ev('VM_BOOTUP_COMPLETED', 'vm.db01', 'vm.db01 is up at site.dr'));
    send(ev('POST_CHECK_PASSED', 'group database', 'post_check scripts/db-ready.sh passed'));
    send(ev('GROUP_COMPLETED', 'group database', 'group database is up at site.dr'));
    f = frame(store);
    expect(f).toContain('erp_db');
    expect(f).toMatch(/writable at dr/);
    expect(f).toContain('1/3 done');
    const finished = store.snapshot().finished.map((l) => [l.status, l.address ?? l.text]);
    expect(finished).toEqual([
      ['done', 'vm.db01'],
      ['done', 'group database: post_check scripts/db-ready.sh passed'],
      ['done', expect.stringMatching(/^group database is up at dr \(\d+\.\ds\)$/)],
    ]);

    send(ev('VM_BOOTUP_STARTED', 'vm.web[0]', 'booting'));
    send(ev('VM_BOOTUP_FAILED', 'vm.web[0]', 'vm.web[0]: boot timed out', { severity: 'critical' }));
    send(ev('VM_BOOTUP_STARTED', 'vm.web[1]', 'booting'));
    send(ev('VM_BOOTUP_COMPLETED', 'vm.web[1]', 'up'));
    send(ev('machine.transition', 'site', 'site: failing-over → needs-attention', { detail: { from: 'failing-over', to: 'needs-attention' } }));
    store.dispatch(resultEvent(false, 'failover needs-attention: home → dr.', 1260));
    store.end();
    f = frame(store);
    expect(f).toContain('[dr: needs-attention]');
    expect(f).toContain('2/3 done · 1 failed · 0 skipped');
    expect(f).toContain('RTO erp: predicted 18m vs actual 21m (…');
    expect(summaryText(store.snapshot())).toMatch(/RTO erp: predicted 18m vs actual 21m \(target 30m\)$/);
    expect(store.snapshot().finished.find((l) => l.status === 'failed')).toMatchObject({
      address: 'vm.web[0]',
      text: 'boot timed out',
      site: 'dr',
      group: 'web',
    });
    expect(store.snapshot().events.map((e) => e.text)).toContain('VM_BOOTUP_FAILED vm.web[0]: boot timed out');
  });

  it('swaps the badges when the move completes', () => {
    const { store, send } = failoverStore();
    store.dispatch(runbookEvent(runbook));
    send(ev('MOVE_COMPLETED', 'site', 'production runs at site.dr'));
    expect(frame(store)).toContain('[home: standby] [dr: active]');
  });

  it('shows verify as check lines and a verdict badge', () => {
    const { store } = failoverStore();
    store.dispatch(
      verifyEvent({
        ready: false,
        active: 'site.home',
        standby: 'site.dr',
        checks: [
          { name: 'replication', subject: 'volume_group.erp_db', ok: true, message: 'consistent_copying, lag 3s (RPO 15m)' },
          { name: 'stale-clones', subject: 'site.dr', ok: false, message: '2 drill leftover(s)' },
        ],
      }),
    );
    const s = store.snapshot();
    expect(s.finished.map((l) => [l.status, l.text])).toEqual([
      ['done', 'ok   replication erp_db: consistent_copying, lag 3s (RPO 15m)'],
      ['failed', 'FAIL stale-clones dr: 2 drill leftover(s)'],
    ]);
    expect(frame(store)).toContain('[home: active] [dr: not ready]');
    // The gauge reads the lag and the RPO the check states, and a verify counts no rows.
    expect(frame(store)).toMatch(/erp_db .*lag 3s \/ RPO 15m00s consistent_copying/);
    expect(frame(store)).not.toContain('0/0 done');
  });

  it('reads a lag of minutes from a replication check, not "lag unknown"', () => {
    const { store } = failoverStore();
    store.dispatch(
      verifyEvent({
        ready: true,
        active: 'site.home',
        standby: 'site.dr',
        checks: [{ name: 'replication', subject: 'volume_group.erp_db', ok: true, message: 'consistent_copying, lag 2m5s (RPO 15m)' }],
      }),
    );
    expect(frame(store)).toMatch(/erp_db .*lag 2m05s \/ RPO 15m00s/);
    expect(frame(store)).not.toContain('lag unknown');
  });

  it('words DR events for the console log and leaves engine events to the plain view', () => {
    expect(drEventLines(drEvent(ev('VM_BOOTUP_FAILED', 'vm.x', 'vm.x: boom', { severity: 'critical', t: 1500 })))).toEqual([
      '   1.5s CRITICAL VM_BOOTUP_FAILED vm.x: boom',
    ]);
    expect(drEventLines(drEvent(ev('machine.transition', 'site', 'a → b')))).toEqual([]);
    expect(drEventLines({ type: 'resource.start', t: 0, address: 'vm.a', action: 'create' })).toBeUndefined();
  });

  it('leaves the engine events alone: a plain apply folds as before', () => {
    const { store } = failoverStore();
    store.dispatch({ type: 'apply.start', t: 0, total: 1, parallelism: 1 });
    store.dispatch({ type: 'resource.start', t: 0, address: 'vm.a', action: 'create' });
    store.dispatch({ type: 'resource.done', t: 0, address: 'vm.a', action: 'create', id: 'x', elapsedMs: 5 });
    expect([store.snapshot().done, store.snapshot().sites]).toEqual([1, []]);
  });
});
