import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { ResourceRow } from '../../src/tui/ink/components/resource-row.js';
import { GroupBlock, progressBar } from '../../src/tui/ink/components/group-block.js';
import { FinishedLineView } from '../../src/tui/ink/components/finished-line.js';
import { SiteBadges } from '../../src/tui/ink/components/site-badges.js';
import { RpoGauges, rpoTone, secondsText } from '../../src/tui/ink/components/rpo-gauges.js';
import { SummaryLine } from '../../src/tui/ink/components/summary-line.js';
import { EventsPane } from '../../src/tui/ink/components/events-pane.js';
import { ProgressScreen } from '../../src/tui/ink/components/progress-screen.js';
import type { GroupProgress, LiveRow } from '../../src/tui/progress/model.js';
import { placementFromPlan } from '../../src/tui/progress/placement.js';
import { erpPlan, plain, storeOnClock } from './fixtures.js';

const WIDTH = 60;
const lines = (frame: string | undefined) => plain(frame).split('\n');

describe('ResourceRow', () => {
  const row: LiveRow = { address: 'vm.db01', action: 'create', status: 'running', startedAt: 0 };
  it('shows glyph, address, status and elapsed in one line of the given width', () => {
    const { lastFrame } = render(<ResourceRow row={row} now={2500} width={WIDTH} color={false} />);
    const l = lines(lastFrame());
    expect(l).toHaveLength(1);
    expect(l[0]).toMatch(/^ {4} {2}\+ \S vm\.db01 Creating\.\.\. +2\.5s$/);
    expect(l[0].length).toBe(WIDTH);
  });
  it('prefers the latest progress message and cuts a long address to fit', () => {
    const long = { ...row, address: `vm.${'x'.repeat(80)}`, message: 'waiting for boot (ACTIVE)' };
    const { lastFrame } = render(<ResourceRow row={long} now={61_000} width={WIDTH} color={false} />);
    const l = lines(lastFrame());
    expect(l).toHaveLength(1);
    expect(l[0].length).toBeLessThanOrEqual(WIDTH);
    expect(l[0]).toContain('…');
    expect(l[0]).toContain('1m01s');
    expect(l[0]).toContain('wait');
  });
  it('moves the spinner as time passes', () => {
    const { lastFrame, rerender } = render(<ResourceRow row={row} now={0} width={WIDTH} color={false} />);
    const a = lastFrame();
    rerender(<ResourceRow row={row} now={80} width={WIDTH} color={false} />);
    expect(lastFrame()).not.toBe(a);
  });
});

describe('GroupBlock', () => {
  const running: LiveRow[] = Array.from({ length: 5 }, (_, i) => ({ address: `vm.web[${i}]`, action: 'create', status: 'running', startedAt: 0 }));
  const group: GroupProgress = { key: 'home › web', site: 'home', group: 'web', total: 20, done: 10, failed: 1, skipped: 0, running };
  it('shows the count, a bar, failures, and collapses rows past the limit', () => {
    const { lastFrame } = render(<GroupBlock group={group} now={1000} width={80} color={false} maxRows={2} />);
    const l = lines(lastFrame());
    expect(l[0]).toContain('web 11/20');
    expect(l[0]).toContain('1 failed');
    expect(l[0]).toContain(progressBar(11, 20, 20));
    expect(l.filter((x) => x.includes('vm.web['))).toHaveLength(2);
    expect(l.at(-1)).toContain('… 3 more in flight');
  });
  it('draws a proportional bar', () => {
    expect(progressBar(5, 10, 10)).toBe('█████░░░░░');
    expect(progressBar(0, 0, 4)).toBe('░░░░');
  });
});

describe('FinishedLineView', () => {
  it('reads like the plain view: glyph, address, past tense, elapsed', () => {
    const { lastFrame } = render(
      <FinishedLineView
        line={{
          key: 1,
          kind: 'resource',
          status: 'done',
          address: 'vm.db01',
          action: 'create',
          site: 'home',
          group: 'database',
          elapsedMs: 1234,
          text: 'id=abc',
        }}
        width={WIDTH}
        color={false}
      />,
    );
    expect(plain(lastFrame())).toBe('✓ + vm.db01: Creation complete (1.2s): id=abc');
  });
  it('sums up a collapsed group', () => {
    const { lastFrame } = render(
      <FinishedLineView
        line={{ key: 2, kind: 'group', status: 'failed', site: 'home', group: 'app', elapsedMs: 65_000, text: '99 created, 1 failed' }}
        width={WIDTH}
        color={false}
      />,
    );
    expect(plain(lastFrame())).toBe('✗ home › app: 99 created, 1 failed (1m05s)');
  });
});

describe('SiteBadges', () => {
  it('shows each site with its lifecycle state, bracketed without colour', () => {
    const { lastFrame } = render(
      <SiteBadges
        sites={[
          { site: 'home', state: 'active', tone: 'ok' },
          { site: 'dr', state: 'standby', tone: 'idle' },
        ]}
        color={false}
      />,
    );
    expect(plain(lastFrame())).toBe('[home: active] [dr: standby]');
  });
  it('draws a coloured pill instead of brackets when colour is on', () => {
    const { lastFrame } = render(<SiteBadges sites={[{ site: 'home', state: 'failing_over', tone: 'busy' }]} color={true} />);
    expect(plain(lastFrame())).toBe(' home: failing_over');
  });
});

describe('RpoGauges', () => {
  it('rounds lags before splitting them into minutes and seconds (never 2m60s)', () => {
    expect([59.6, 179.6, 61, 3599.7, 7260].map(secondsText)).toEqual(['1m00s', '3m00s', '1m01s', '1h00m', '2h01m']);
  });

  it('shows lag against RPO per volume group and flags a breach', () => {
    const readings = [
      { volumeGroup: 'erp_db', lagSeconds: 42, rpoSeconds: 900, state: 'consistent_copying' },
      { volumeGroup: 'erp_mq', lagSeconds: 1200, rpoSeconds: 900 },
    ];
    const { lastFrame } = render(<RpoGauges readings={readings} width={80} color={false} />);
    const l = lines(lastFrame());
    expect(l[0]).toMatch(/^erp_db .*lag 42s \/ RPO 15m00s consistent_copying$/);
    expect(l[1]).toMatch(/^erp_mq .*lag 20m00s \/ RPO 15m00s$/);
    expect(rpoTone(readings[0])).toBe('ok');
    expect(rpoTone(readings[1])).toBe('bad');
    expect(rpoTone({ volumeGroup: 'x', lagSeconds: 1, rpoSeconds: 10, state: 'consistent_disconnected' })).toBe('bad');
  });
});

describe('SummaryLine', () => {
  it('counts done, failed, skipped, elapsed, and predicted vs actual RTO', () => {
    const { store, clock } = storeOnClock();
    store.setPlan(placementFromPlan(erpPlan()), ['vm.db01'], { plan: 'recovery_plan.erp', predictedSeconds: 1620, targetSeconds: 1800 });
    store.dispatch({ type: 'apply.start', t: 0, total: 1, parallelism: 1 });
    clock.advance(3000);
    store.update((d) => d.setRto({ actualSeconds: 1500 }));
    const { lastFrame } = render(<SummaryLine snapshot={store.snapshot()} width={100} color={false} />);
    expect(plain(lastFrame())).toBe('0/1 done · 0 failed · 0 skipped · 3.0s · RTO erp: predicted 27m vs actual 25m (target 30m)');
  });
});

describe('EventsPane', () => {
  it('shows only the latest rows, marked by level', () => {
    const events = [
      { key: 1, level: 'info' as const, text: 'one' },
      { key: 2, level: 'warn' as const, text: 'two' },
      { key: 3, level: 'error' as const, text: 'three' },
    ];
    const { lastFrame } = render(<EventsPane events={events} rows={2} width={30} color={false} />);
    const l = lines(lastFrame());
    expect(l[0]).toMatch(/^─ events ─+$/);
    expect(l.slice(1)).toEqual(['! two', '✗ three']);
  });
});

describe('ProgressScreen', () => {
  it('draws the site tree with groups, finished lines above, and fits the width', () => {
    const { store } = storeOnClock({ title: 'drctl apply' });
    store.setPlan(placementFromPlan(erpPlan()), ['vm.db01', 'vm.web[0]', 'vm.web[1]']);
    store.update((d) => d.setSite({ site: 'home', state: 'active', tone: 'ok' }));
    store.dispatch({ type: 'apply.start', t: 0, total: 3, parallelism: 10 });
    store.dispatch({ type: 'resource.start', t: 0, address: 'vm.db01', action: 'create' });
    store.dispatch({ type: 'resource.done', t: 0, address: 'vm.db01', action: 'create', id: 'i1', elapsedMs: 10 });
    store.dispatch({ type: 'resource.start', t: 0, address: 'vm.web[0]', action: 'create' });
    const { lastFrame } = render(<ProgressScreen snapshot={store.snapshot()} width={WIDTH} height={30} color={false} />);
    const l = lines(lastFrame());
    expect(l[0]).toBe('✓ + vm.db01: Creation complete (10ms): id=i1');
    expect(l).toContain('drctl apply');
    expect(l).toContain('[home: active]');
    expect(l).toContain('site home');
    expect(l.some((x) => /^ {2}web 0\/2/.test(x))).toBe(true);
    expect(l.some((x) => x.includes('vm.web[0]') && x.includes('Creating...'))).toBe(true);
    expect(l.find((x) => x.startsWith('1/3 done'))).toBeDefined();
    for (const x of l) expect(x.length).toBeLessThanOrEqual(WIDTH);
  });
  it('keeps a 5,000-resource run within the screen height', () => {
    const { store } = storeOnClock({ collapseAbove: 60 });
    const addrs = Array.from({ length: 5000 }, (_, i) => `vm.app[${i}]`);
    store.setPlan((a) => ({ site: 'home', group: `g${Number(/\d+/.exec(a)![0]) % 40}` }), addrs);
    store.dispatch({ type: 'apply.start', t: 0, total: 5000, parallelism: 50 });
    for (const a of addrs.slice(0, 400)) store.dispatch({ type: 'resource.start', t: 0, address: a, action: 'create' });
    const { lastFrame } = render(<ProgressScreen snapshot={store.snapshot()} width={100} height={30} color={false} />);
    const l = lines(lastFrame());
    expect(l.length).toBeLessThanOrEqual(30);
    expect(l.some((x) => x.includes('more groups'))).toBe(true);
  });
});
