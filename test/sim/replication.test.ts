import { describe, expect, it } from 'vitest';
import type { ConsistencyGroupRecord } from '../../src/sim/records.js';
import { cycleTransferSeconds, replicationView } from '../../src/sim/replication.js';

const T0 = Date.UTC(2030, 0, 1);
const S = 1000;

function group(over: Partial<ConsistencyGroupRecord> = {}): ConsistencyGroupRecord {
  return {
    name: 'rccg-1',
    masterWorkspace: 'home',
    auxWorkspace: 'dr',
    masterGroupID: 'm',
    auxGroupID: 'a',
    cyclePeriodSeconds: 300,
    changeRateMBps: 5,
    bandwidthMBps: 1000,
    phases: [{ sinceMs: T0, enabled: true, primaryRole: 'master', access: false, syncStartMs: T0, syncMs: 0 }],
    ...over,
  };
}

const lagAt = (cg: ConsistencyGroupRecord, seconds: number) => replicationView(cg, T0 + seconds * S, false).lagSeconds!;

describe('replication lag model', () => {
  it('grows between cycles and drops when a cycle completes', () => {
    const cg = group();
    const transfer = cycleTransferSeconds(cg); // 1.5 s
    expect(transfer).toBeCloseTo(1.5);
    expect(lagAt(cg, 100)).toBeCloseTo(100);
    expect(lagAt(cg, 299)).toBeCloseTo(299);
    // The cycle that starts at 300 s completes at 301.5 s; before that the copy is still at 0 s.
    expect(lagAt(cg, 301)).toBeCloseTo(301);
    expect(lagAt(cg, 302)).toBeCloseTo(2);
    expect(lagAt(cg, 599)).toBeCloseTo(299);
    expect(lagAt(cg, 602)).toBeCloseTo(2);
  });

  it('a higher change rate gives a larger lag', () => {
    const slow = group({ changeRateMBps: 5 });
    const busy = group({ changeRateMBps: 800 }); // 240 s to ship each cycle
    const maxLag = (cg: ConsistencyGroupRecord) => Math.max(...Array.from({ length: 300 }, (_, i) => lagAt(cg, 1000 + i * 7)));
    expect(maxLag(busy)).toBeGreaterThan(maxLag(slow) + 200);
    expect(lagAt(busy, 905)).toBeGreaterThan(lagAt(slow, 905));
  });

  it('when changes outrun the link, cycles stretch to the transfer time', () => {
    const cg = group({ changeRateMBps: 2000 }); // 600 s to ship 300 s of changes
    expect(Math.max(...Array.from({ length: 100 }, (_, i) => lagAt(cg, 3000 + i * 13)))).toBeGreaterThan(900);
  });

  it('a broken link freezes the copy: the lag grows without bound', () => {
    const cg = group({ linkDownSinceMs: T0 + 1000 * S });
    const v = replicationView(cg, T0 + 100_000 * S, false);
    expect(v.state).toBe('consistent_disconnected');
    expect(v.linkDown).toBe(true);
    expect(v.lagSeconds!).toBeGreaterThan(99_000);
    expect(lagAt(cg, 200_000)).toBeGreaterThan(lagAt(cg, 100_000));
  });

  it('a stopped group with access reports the data-loss window fixed at the stop', () => {
    const cg = group({
      phases: [
        { sinceMs: T0, enabled: true, primaryRole: 'master', access: false, syncStartMs: T0, syncMs: 0 },
        { sinceMs: T0 + 500 * S, enabled: false, primaryRole: 'master', access: true, syncStartMs: T0 + 500 * S, syncMs: 0, frozenAtMs: T0 + 300 * S },
      ],
    });
    const v = replicationView(cg, T0 + 10_000 * S, false);
    expect(v).toMatchObject({ state: 'idling', enabled: false, lagSeconds: 200 });
  });

  it('reports the initial sync as inconsistent with progress', () => {
    const cg = group({ phases: [{ sinceMs: T0, enabled: true, primaryRole: 'master', access: false, syncStartMs: T0, syncMs: 1000 * S }] });
    const v = replicationView(cg, T0 + 250 * S, false);
    expect(v).toMatchObject({ state: 'inconsistent_copying', progress: 25, lagSeconds: undefined, freezeMs: undefined });
  });

  it('scale 0 has no lag', () => {
    expect(replicationView(group(), T0 + 12_345 * S, true).lagSeconds).toBe(0);
  });
});
