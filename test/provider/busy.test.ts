// A resource still busy with an earlier operation is waited out, never a failure: a volume group
// updating after a stop (a failback sent straight after a failover), a VM still building when it
// is told to stop. Both ways the provider learns the state: polling, as against PowerVS, and the
// simulator's held reads. The wait is told to the caller (onWait), so a run can show it.
import { afterEach, describe, expect, it } from 'vitest';
import { volumeGroupSwitchSeconds } from '../../src/powervs/index.js';
import { DR, HOME, startRig, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe.each([
  { mode: 'polling', settledReads: false },
  { mode: 'held reads', settledReads: true },
])('waiting out a busy resource ($mode)', ({ settledReads }) => {
  it('a group action on a group still updating waits for it, then acts: the failback straight after a failover succeeds', async () => {
    const scale = 0.05;
    rig = await startRig({ timeScale: scale }, { settledReads });
    const p = rig.provider;
    const vols = await Promise.all(
      ['a', 'b'].map((n) => p.create('volume', HOME, { name: `busy-${n}`, sizeGb: 100, tier: 'tier1', replicationEnabled: true })),
    );
    const g = await p.create('volume_group', HOME, { name: 'busy_vg', volumeIds: vols.map((v) => v.id) });
    const aux = await p.onboardVolumes(DR, { sourceWorkspace: HOME, volumes: vols.map((v) => ({ auxVolumeName: v.auxVolumeName!, name: v.name })) });
    const auxGroup = await p.create('volume_group', DR, {
      name: g.consistencyGroupName,
      consistencyGroupName: g.consistencyGroupName,
      volumeIds: aux.map((v) => v.id),
    });

    // Failover without waiting: the group is updating for the switch time.
    const stopped = await p.stopVolumeGroup(DR, auxGroup.id, true, { wait: false });
    expect(stopped.status).toBe('updating');
    // The simulator itself refuses an action on an updating group (409), as PowerVS does.
    const waits: string[] = [];
    const t = performance.now();
    const started = await p.startVolumeGroup(DR, auxGroup.id, 'aux', { onWait: (m) => waits.push(m) });
    expect(started).toMatchObject({ status: 'available', replicationEnabled: true, primaryRole: 'aux' });
    expect(waits).toEqual([`volume group "${g.consistencyGroupName}" is updating (an earlier action); waiting for it to settle`]);
    // It waited out the stop's switch time (on the model clock) before starting.
    expect(performance.now() - t).toBeGreaterThanOrEqual(volumeGroupSwitchSeconds(200) * 1000 * scale - 5);
    const log = rig.sim.world
      .events()
      .filter((e) => e.resource.id === auxGroup.id)
      .map((e) => e.type);
    expect(log.slice(-2)).toEqual(['volume-group.stop', 'volume-group.start']);
  });

  it('settleVolumeGroup waits until an updating group is available, telling why it waits', async () => {
    rig = await startRig({ timeScale: 0.05 }, { settledReads });
    const p = rig.provider;
    const v = await p.create('volume', HOME, { name: 'settle-a', sizeGb: 100, tier: 'tier1', replicationEnabled: true });
    const g = await p.create('volume_group', HOME, { name: 'settle_vg', volumeIds: [v.id] });
    expect((await p.stopVolumeGroup(HOME, g.id, false, { wait: false })).status).toBe('updating');
    const waits: string[] = [];
    expect(await p.settleVolumeGroup(HOME, g.id, { onWait: (m) => waits.push(m) })).toMatchObject({ status: 'available', replicationEnabled: false });
    expect(waits).toHaveLength(1);
    // Not busy: no wait, no message.
    await p.settleVolumeGroup(HOME, g.id, { onWait: (m) => waits.push(m) });
    expect(waits).toHaveLength(1);
  });

  it('a stop sent to a VM still building waits until it is built, then stops it', async () => {
    rig = await startRig({ timeScale: 0.005 }, { settledReads });
    const p = rig.provider;
    const net = await p.create('network', HOME, { name: 'busy-net', type: 'vlan', cidr: '10.92.0.0/24' });
    const vm = await p.create(
      'vm',
      HOME,
      { name: 'busy-vm', machineType: 's922', processors: 1, procType: 'shared', memoryGb: 8, os: 'rhel', networkIds: [net.id] },
      { wait: false },
    );
    expect(vm.status).toBe('BUILD');
    const waits: string[] = [];
    const stopped = await p.stopVm(HOME, vm.id, { onWait: (m) => waits.push(m) });
    expect(stopped.status).toBe('SHUTOFF');
    expect(waits.length).toBe(1);
    expect(waits[0]).toMatch(/is busy \(BUILD\/|is busy \(ACTIVE\/WARNING\)/);
  });
});
