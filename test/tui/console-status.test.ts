// What the console's dashboard reads, from real files: run records under .drctl/runs (newest
// run, newest drill), readiness from replication readings, and .hcl changes seen by watching a
// real directory.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastDrill, lastRun, readinessOf, watchConfigDir } from '../../src/services/console.js';

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-console-status-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function record(name: string, body: unknown, mtimeSeconds: number) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('run records', () => {
  it('the last run is the newest record of any kind, with its sites and end time', () => {
    record(
      'drill-1.json',
      { kind: 'drill', drill: 'monthly', outcome: 'passed', endedAt: '2026-01-10T10:00:00.000Z', rto: { achievedModelSeconds: 1500 } },
      1000,
    );
    record('failover-2.json', { kind: 'failover', outcome: 'succeeded', from: 'site.home', to: 'site.dr', endedAt: '2026-01-10T11:00:00.000Z' }, 2000);
    record('half-written.json', '{"kind": "failb', 3000);
    expect(lastRun(dir)).toEqual({ kind: 'failover', outcome: 'succeeded', at: '2026-01-10T11:00:00.000Z', from: 'site.home', to: 'site.dr' });
    // The last drill skips the newer failover, and reads the RTO the run records.
    expect(lastDrill(dir)).toEqual({ name: 'monthly', result: 'passed', at: '2026-01-10T10:00:00.000Z', rtoSeconds: 1500 });
  });
  it('no directory, or no records, is nothing recorded rather than an error', () => {
    expect(lastRun(path.join(dir, 'missing'))).toBeUndefined();
    expect(lastDrill(dir)).toBeUndefined();
    record('failover-1.json', { kind: 'failover', outcome: 'needs-attention' }, 1000);
    expect(lastDrill(dir)).toBeUndefined();
    expect(lastRun(dir)).toMatchObject({ kind: 'failover', outcome: 'needs-attention', at: new Date(1_000_000).toISOString() });
  });
});

describe('readiness', () => {
  it('is ready when every group copies consistently within its RPO, and says why not otherwise', () => {
    expect(readinessOf([])).toBeUndefined();
    expect(readinessOf([{ volumeGroup: 'erp_db', state: 'consistent_copying', lagSeconds: 30, rpoSeconds: 900 }])).toEqual({ ready: true, reasons: [] });
    expect(
      readinessOf([
        { volumeGroup: 'erp_db', state: 'consistent_copying', lagSeconds: 1200, rpoSeconds: 900 },
        { volumeGroup: 'ibmi_erp', state: 'inconsistent_copying', lagSeconds: 0, rpoSeconds: 900 },
      ]),
    ).toEqual({ ready: false, reasons: ['erp_db lags 1200s, over its RPO of 900s', 'ibmi_erp is inconsistent_copying'] });
  });
});

describe('watching the configuration directory', () => {
  it('calls back once for a burst of .hcl writes, and stops when told', async () => {
    let calls = 0;
    const stop = watchConfigDir(dir, () => calls++, 50);
    try {
      fs.writeFileSync(path.join(dir, 'main.hcl'), 'site "home" {}\n');
      fs.appendFileSync(path.join(dir, 'main.hcl'), '# more\n');
      await vi.waitFor(() => expect(calls).toBe(1), { timeout: 10_000 });
    } finally {
      stop();
    }
    fs.writeFileSync(path.join(dir, 'main.hcl'), 'site "dr" {}\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
  });
  it('ignores files that are not configuration', async () => {
    let calls = 0;
    const stop = watchConfigDir(dir, () => calls++, 20);
    // A plain watcher on the same directory tells when the write has been seen.
    const seen: string[] = [];
    const raw = fs.watch(dir, (_e, name) => seen.push(String(name)));
    try {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      await vi.waitFor(() => expect(seen).toContain('notes.txt'), { timeout: 10_000 });
      // Ten times the settle time: a call that was coming would have come.
      await new Promise((r) => setTimeout(r, 200));
      expect(calls).toBe(0);
      fs.writeFileSync(path.join(dir, 'vms.hcl'), '');
      await vi.waitFor(() => expect(calls).toBe(1), { timeout: 10_000 });
    } finally {
      raw.close();
      stop();
    }
  });
  it('a directory that cannot be watched is no error: the periodic refresh still runs', () => {
    const stop = watchConfigDir(path.join(dir, 'missing'), () => undefined);
    expect(() => stop()).not.toThrow();
  });
});
