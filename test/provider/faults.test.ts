import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorAdmin } from '../../src/sim/index.js';
import { HOME, startRig, testOwner, type Rig } from './harness.js';

describe('provider under injected faults', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('200 creates with 20% of requests failing (429, 500, resets) end with exactly 200 VMs', async () => {
    rig = await startRig({ seed: 42 }, { retry: { maxAttempts: 14, baseDelayMs: 2, maxDelayMs: 50 }, maxConcurrency: 16 });
    const p = rig.provider;
    const net = await p.create('network', HOME, { name: 'fault-net', type: 'vlan', cidr: '10.1.0.0/22' });
    const admin = new SimulatorAdmin(rig.sim.url, rig.sim.adminToken);
    await admin.setFaults({ rates: { '429': 0.07, '500': 0.07, reset: 0.06 } });

    const names = Array.from({ length: 200 }, (_, i) => `vm-${String(i).padStart(3, '0')}`);
    const created = await Promise.all(
      names.map((name) =>
        p.create('vm', HOME, {
          name,
          machineType: 's922',
          processors: 1,
          procType: 'shared',
          memoryGb: 4,
          os: 'rhel',
          networkIds: [net.id],
          owner: testOwner(`vm.${name}`),
        }),
      ),
    );
    await admin.setFaults({});

    // Every call returned its own VM, ready.
    expect(created.map((v) => v.name).sort()).toEqual(names);
    expect(created.every((v) => v.ready)).toBe(true);
    expect(new Set(created.map((v) => v.id)).size).toBe(200);

    // The cloud holds exactly those 200: none duplicated, none missing.
    const inCloud = await p.list('vm', HOME);
    expect(inCloud).toHaveLength(200);
    expect(inCloud.map((v) => v.name).sort()).toEqual(names);
    expect(new Set(inCloud.map((v) => v.id))).toEqual(new Set(created.map((v) => v.id)));
    expect(await admin.consistency()).toEqual({ ok: true, problems: [] });

    // Faults really happened, including writes that failed after their change was committed:
    // without the look-up by identity before a retried create, those end in duplicates (PowerVS
    // takes a second VM of the same name).
    const stats = rig.sim.stats;
    const injected = stats.injected['429'] + stats.injected['500'] + stats.injected.reset;
    expect(injected / stats.requests).toBeGreaterThan(0.1);
    expect(stats.injected['429']).toBeGreaterThan(0);
    expect(stats.injected['500']).toBeGreaterThan(0);
    expect(stats.injected.reset).toBeGreaterThan(0);
    expect(stats.afterCommit).toBeGreaterThan(0);
  });

  it('a site that is down fails every request to its workspaces with a clear error', async () => {
    rig = await startRig({ faults: { sitesDown: [{ location: 'dal13', mode: 'fail' }] } }, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const e = await rig.provider.list('vm', HOME).catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: 'unavailable', status: 503, attempts: 3 });
    expect((e as Error).message).toContain('data centre dal13 is unreachable');
    // The paired site still answers.
    expect(await rig.provider.list('vm', 'erp-dr-wdc04')).toEqual([]);
  });

  it('a site that times out makes calls time out, not hang', async () => {
    rig = await startRig(
      { faults: { sitesDown: [{ location: 'dal13', mode: 'timeout' }] } },
      { requestTimeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
    );
    const started = Date.now();
    const e = await rig.provider.read('vm', HOME, 'x').catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: 'timeout', resource: 'vm x' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a VM named in a boot-fail fault ends in ERROR and the provider says it failed to boot', async () => {
    rig = await startRig({ faults: { bootFail: ['doomed'] } });
    const p = rig.provider;
    const net = await p.create('network', HOME, { name: 'bf-net', type: 'vlan', cidr: '10.2.0.0/24' });
    const owner = testOwner('vm.doomed');
    const e = await p
      .create('vm', HOME, { name: 'doomed', machineType: 's922', processors: 1, procType: 'shared', memoryGb: 4, os: 'sles', networkIds: [net.id], owner })
      .catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: 'boot_failed', resource: 'vm "doomed"' });
    expect((e as Error).message).toContain('failed to boot');
    expect((await p.findOwned('vm', HOME, 'doomed', owner.idTag))?.status).toBe('ERROR');
  });
});
