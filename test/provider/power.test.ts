// VM power actions at the cost a DR run can afford per boot: powerVm is one action request and,
// where the endpoint holds reads (the simulator's settled read), one held read; against PowerVS it
// reads the VM from the expected time on. startVm and stopVm send their action without reading
// the VM first.
import { afterEach, describe, expect, it } from 'vitest';
import { vmBootSeconds } from '../../src/powervs/index.js';
import { ProviderError } from '../../src/provider/index.js';
import type { PowerVsProvider } from '../../src/provider/index.js';
import { HOME, startRig, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const shape = { machineType: 's922', os: 'rhel', memoryGb: 8, processors: 1 } as const;

/** A built VM, stopped, so that a start is a boot of known model length. */
async function stoppedVm(p: PowerVsProvider, name = 'pw-vm'): Promise<string> {
  const net = await p.create('network', HOME, { name: `${name}-net`, type: 'vlan', cidr: '10.90.0.0/24' });
  const vm = await p.create('vm', HOME, { name, ...shape, procType: 'shared', memoryGb: shape.memoryGb, networkIds: [net.id] });
  await p.stopVm(HOME, vm.id);
  return vm.id;
}

/** Non-admin requests the simulator served while `f` ran. */
async function requestsDuring(r: Rig, f: () => Promise<unknown>): Promise<number> {
  const before = r.sim.stats.requests;
  await f();
  return r.sim.stats.requests - before;
}

describe('powerVm', () => {
  it('boots a VM with one action request and one held read, answering once it is up', async () => {
    const scale = 0.0005;
    rig = await startRig({ timeScale: scale });
    const p = rig.provider;
    const id = await stoppedVm(p);
    const bootMs = vmBootSeconds(shape) * 1000 * scale;
    const t = performance.now();
    expect(await requestsDuring(rig, () => p.powerVm(HOME, id, 'start', { expectedMs: bootMs }))).toBe(2);
    expect(performance.now() - t).toBeGreaterThanOrEqual(bootMs - 1);
    expect(await p.read('vm', HOME, id)).toMatchObject({ status: 'ACTIVE', ready: true });
    expect(await requestsDuring(rig, () => p.powerVm(HOME, id, 'stop'))).toBe(2);
    expect((await p.read('vm', HOME, id))?.status).toBe('SHUTOFF');
  });

  it('reads the VM from the expected time on where the endpoint holds no reads (PowerVS)', async () => {
    const scale = 0.001;
    rig = await startRig({ timeScale: scale }, { settledReads: false });
    const p = rig.provider;
    const id = await stoppedVm(p);
    const bootMs = vmBootSeconds(shape) * 1000 * scale;
    // The action, then a read just before the boot ends and a few at short intervals after.
    const n = await requestsDuring(rig!, () => p.powerVm(HOME, id, 'start', { expectedMs: bootMs }));
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(5);
    expect((await p.read('vm', HOME, id))?.ready).toBe(true);
  });

  it('a boot that ends in ERROR is boot_failed; a VM already running is done already', async () => {
    rig = await startRig();
    const p = rig.provider;
    const id = await stoppedVm(p, 'pw-doomed');
    rig.sim.world.setFaults({ bootFail: ['pw-doomed'] });
    const e = await p.powerVm(HOME, id, 'start').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ code: 'boot_failed', operation: 'start' });
    expect((e as Error).message).toContain('pw-doomed failed to boot');
    // The fault was for that boot only.
    await p.powerVm(HOME, id, 'start');
    expect((await p.read('vm', HOME, id))?.ready).toBe(true);
    expect(await requestsDuring(rig, () => p.powerVm(HOME, id, 'start'))).toBe(2); // the 409, and the read that shows it running
    const stopped = await p.powerVm(HOME, id, 'stop').then(() => p.read('vm', HOME, id));
    expect(stopped?.status).toBe('SHUTOFF');
  });

  it('a held read takes no request slot: other calls go on while a boot is awaited', async () => {
    const scale = 0.002;
    rig = await startRig({ timeScale: scale }, { maxConcurrency: 1 });
    const p = rig.provider;
    const id = await stoppedVm(p);
    const order: string[] = [];
    const boot = p.powerVm(HOME, id, 'start').then(() => order.push('booted'));
    await new Promise((r) => setTimeout(r, 20));
    await p.list('network', HOME).then(() => order.push('listed'));
    await boot;
    expect(order).toEqual(['listed', 'booted']);
  });
});

describe('startVm and stopVm', () => {
  it('send the action without reading the VM first', async () => {
    rig = await startRig();
    const p = rig.provider;
    const id = await stoppedVm(p);
    // The action, then the read that answers with the VM's state.
    expect(await requestsDuring(rig, () => p.startVm(HOME, id, { wait: false }))).toBe(2);
    expect(await requestsDuring(rig, () => p.stopVm(HOME, id, { wait: false }))).toBe(2);
    // Waiting adds the (instant, at time scale 0) settled read.
    expect(await requestsDuring(rig, () => p.startVm(HOME, id))).toBe(3);
  });
});
