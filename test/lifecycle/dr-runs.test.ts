// DR runs end to end on the real simulator over HTTP (time scale 0): the example estate applied,
// then verify, drill, planned failover, failback, verify; and the failure cases.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drBed, bootOrder, splitBrains, type DrBed } from './harness.js';
import { cleanupService, drillService, failbackService, failoverService, verifyService } from '../../src/services/index.js';
import { drillTag } from '../../src/resources/index.js';
import { loadConfig } from '../../src/config/load.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';

const WS = ['erp-prod-dal13', 'erp-prod-wdc04'];
const opts = { dir: 'plans', vars: [] };

function planOrder(bed: DrBed): string[][] {
  const { config } = loadConfig({ dir: path.join(bed.dir, 'plans'), fs: nodeConfigFs, vars: [], env: {} });
  return [...config!.recoveryPlans.values()][0].groups.map((g) => g.vms.map((v) => v.slice(3).replace(/\[(\d+)\]$/, '-$1')));
}

/** Every VM of group i booted before any VM of group i+1 was started. */
function assertPlanOrder(booted: string[], groups: string[][]) {
  const pos = new Map(booted.map((n, i) => [n, i]));
  for (const g of groups) for (const v of g) expect(pos.has(v), `${v} booted`).toBe(true);
  for (let i = 0; i + 1 < groups.length; i++) {
    const lastOfThis = Math.max(...groups[i].map((v) => pos.get(v)!));
    const firstOfNext = Math.min(...groups[i + 1].map((v) => pos.get(v)!));
    expect(lastOfThis, `group ${i} before group ${i + 1}`).toBeLessThan(firstOfNext);
  }
}

describe('the example estate on the simulator', () => {
  let bed: DrBed;
  let hook: http.Server;
  const delivered: { event: { name: string } }[] = [];
  let hits = 0;
  beforeAll(async () => {
    // A webhook that fails its first two deliveries: retries must get the events through.
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hits++;
        if (hits <= 2) res.writeHead(500).end();
        else {
          delivered.push(JSON.parse(body));
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const port = (hook.address() as { port: number }).port;
    bed = await drBed({ env: { DRCTL_VAR_ops_webhook: `http://127.0.0.1:${port}/hook` } });
    await bed.apply();
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
    hook?.close();
  });

  it('verify → drill → planned failover (plan order) → failback → verify', async () => {
    const v1 = await verifyService(opts, bed.ctx());
    expect(v1.report!.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v1.report!.ready).toBe(true);

    const drill = await drillService(opts, bed.ctx());
    expect(drill.record!.failure).toBeUndefined();
    expect(drill.record!.outcome).toBe('passed');
    expect(drill.record!.cleanup.volumes).toBeGreaterThan(0);
    // Nothing a drill made is left: no volume carries the drill's tag (its clones are named by
    // the cloud, clone-drill-…), no VM or network carries drill- in its name.
    const tag = drillTag(bed.lineage());
    for (const w of WS) {
      const vols = await bed.api<{ volumes: { name: string; userTags?: string[] }[] }>('GET', w, 'volumes');
      expect(vols.volumes.filter((v) => v.userTags?.includes(tag) || v.name.includes('drill-'))).toEqual([]);
      const vms = await bed.api<{ pvmInstances: { serverName: string }[] }>('GET', w, 'pvm-instances');
      expect(vms.pvmInstances.filter((v) => v.serverName.startsWith('drill-'))).toEqual([]);
    }

    const seq = (await bed.admin.log()).at(-1)?.seq ?? 0;
    const fo = await failoverService(opts, bed.ctx());
    expect(fo.move!.record!.failures).toEqual([]);
    expect(fo.move!.ok).toBe(true);
    const log = await bed.admin.log(seq);
    assertPlanOrder(bootOrder(log, WS[1]), planOrder(bed));
    // Every home VM was stopped before the first DR boot.
    const firstBoot = log.find((e) => e.workspace === WS[1] && (e.type === 'vm.created' || e.type === 'vm.start'))!;
    const homeStops = log.filter((e) => e.workspace === WS[0] && e.type === 'vm.stop' && !e.resource.name.includes('ksys'));
    expect(homeStops.length).toBe(30);
    for (const s of homeStops) expect(s.effectiveAtMs!).toBeLessThanOrEqual(firstBoot.atMs);
    const record = JSON.parse(fs.readFileSync(fo.move!.recordFile!, 'utf8'));
    expect(record.groups.map((g: { name: string }) => g.name)).toEqual(['infrastructure', 'database', 'ibmi', 'app', 'web']);
    expect(record.groups[1].postCheck.ok).toBe(true);
    expect(record.rto.targetSeconds).toBe(2700);
    const events = fs
      .readFileSync(path.join(bed.dir, record.events.file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e: { name: string }) => e.name)).toContain('VM_BOOTUP_COMPLETED');
    expect(events.find((e: { name: string }) => e.name === 'MOVE_COMPLETED').severity).toBe('info');

    const fb = await failbackService(opts, bed.ctx());
    expect(fb.move!.record!.failures).toEqual([]);
    expect(fb.move!.ok).toBe(true);
    const all = await bed.admin.log();
    expect(splitBrains(all, WS)).toEqual([]);
    const v2 = await verifyService(opts, bed.ctx());
    expect(v2.report!.checks.filter((c) => !c.ok)).toEqual([]);
    // Notifications: the webhook got the subscribed topics despite failing at first.
    expect(delivered.map((d) => d.event.name)).toEqual(expect.arrayContaining(['MOVE_STARTED', 'MOVE_COMPLETED']));
    expect(delivered.some((d) => d.event.name === 'VM_BOOTUP_STARTED')).toBe(false);
  }, 90_000);

  it('cleanup is idempotent and removes the leftovers verify complains about: what a drill of this state made, and nothing else', async () => {
    // A clone left by a drill killed mid-way (it carries the drill tag), and a volume someone
    // else made with a drill-like name (no tag): only the first is drctl's to remove.
    await bed.api('POST', WS[1], 'volumes', { name: 'clone-drill-stale-x-00001', size: 10, diskType: 'tier1', userTags: [drillTag(bed.lineage())] });
    const foreign = await bed.api<{ volumeID: string }>('POST', WS[1], 'volumes', { name: 'drill-not-ours', size: 10, diskType: 'tier1' });
    const v = await verifyService(opts, bed.ctx());
    expect(v.report!.ready).toBe(false);
    expect(v.report!.checks.find((c) => c.name === 'stale-clones' && !c.ok)?.message).toContain('clone-drill-stale-x-00001');
    const c1 = await cleanupService(opts, bed.ctx());
    expect(c1.result!.removed.volumes).toEqual(['clone-drill-stale-x-00001']);
    expect(await bed.api('GET', WS[1], `volumes/${foreign.volumeID}`)).toMatchObject({ name: 'drill-not-ours' });
    await bed.api('DELETE', WS[1], `volumes/${foreign.volumeID}`);
    const c2 = await cleanupService(opts, bed.ctx());
    expect(c2.result!.removed).toEqual({ vms: [], volumes: [], networks: [] });
    expect((await verifyService(opts, bed.ctx())).report!.ready).toBe(true);
  }, 30_000);
});

describe('failures', () => {
  it('a boot failure leaves the move in needs-attention; a retry finishes it', async () => {
    const bed = await drBed();
    try {
      await bed.apply();
      await bed.admin.setFaults({ bootFail: ['db02'] });
      const first = await failoverService(opts, bed.ctx());
      expect(first.move!.ok).toBe(false);
      expect(first.move!.record!.outcome).toBe('needs-attention');
      expect(first.move!.record!.vms['vm.db02'].state).toBe('boot-failed');
      expect(first.move!.record!.vms['vm.db02'].failure).toContain('VM_BOOTUP_FAILED');
      // Later groups never started; earlier ones are up.
      expect(first.move!.record!.vms['vm.web[0]'].state).toBe('storage-switched');
      expect(first.move!.record!.vms['vm.ldap01'].state).toBe('active-on-target');
      const seq = (await bed.admin.log()).at(-1)!.seq;
      await bed.admin.setFaults({});
      const again = await failoverService(opts, bed.ctx());
      expect(again.move!.record!.failures).toEqual([]);
      expect(again.move!.ok).toBe(true);
      expect(again.move!.record!.resumed).toBe(1);
      const log = await bed.admin.log(seq);
      const started = log.filter((e) => e.workspace === WS[1] && (e.type === 'vm.start' || e.type === 'vm.created')).map((e) => e.resource.name);
      // Finished steps are not redone: ldap01 is not booted again; db02 is retried.
      expect(started).not.toContain('ldap01');
      expect(started[0]).toBe('db02');
      expect(splitBrains(await bed.admin.log(), WS)).toEqual([]);
    } finally {
      await bed.close();
    }
  }, 60_000);

  it('unplanned failover with the home site down, then failback once it is back', async () => {
    const bed = await drBed();
    try {
      await bed.apply();
      const seq = (await bed.admin.log()).at(-1)!.seq;
      await bed.admin.setFaults({ sitesDown: [{ location: 'dal13', mode: 'fail' }] });
      const planned = failoverService(opts, bed.ctx());
      await expect(planned).rejects.toThrow(/blocked/);
      let shown = '';
      const out = await failoverService(
        { ...opts, unplanned: true, probeTimeoutMs: 1500, approve: async (rb) => ((shown = `${rb.dataLossWindowSeconds}`), true) },
        bed.ctx(),
      );
      expect(shown).not.toBe('');
      expect(out.move!.ok).toBe(true);
      expect(bed.events.some((e) => e.name === 'VM_SOURCE_UNREACHABLE')).toBe(true);
      expect(bed.events.some((e) => e.name === 'DATA_LOSS_WINDOW')).toBe(true);
      const booted = bootOrder(await bed.admin.log(seq), WS[1]);
      expect(booted.length).toBe(30);
      await bed.admin.setFaults({});
      const fb = await failbackService(opts, bed.ctx());
      expect(fb.move!.record!.failures).toEqual([]);
      expect(fb.move!.ok).toBe(true);
      // The home copies left running by the outage were fenced before resync.
      expect(bed.events.filter((e) => e.name === 'SPLIT_BRAIN_PREVENTED').length).toBe(30);
      expect((await verifyService(opts, bed.ctx())).report!.ready).toBe(true);
    } finally {
      await bed.close();
    }
  }, 90_000);
});
