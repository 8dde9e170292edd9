// The order a move takes its steps in, and what is durable when: every volume group is switched
// before any VM boots at the target (the runbook's "storage first, all volume groups at once"),
// and a group's VMs are up in the state journal before the next group's first boot starts, so a
// kill -9 at that moment never resumes with an earlier group unfinished in state.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drBed, type DrBed } from './harness.js';
import { failbackService, failoverService } from '../../src/services/index.js';
import { loadConfig } from '../../src/config/load.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';
import { cloudName } from '../../src/lifecycle/estate.js';

const DR_WS = 'erp-prod-wdc04';
const opts = { dir: 'plans', vars: [] };

/** The lifecycle snapshots on disk right now: the state file with its journal folded in. */
function durableLifecycles(dir: string): Record<string, { value?: unknown; context?: { activeOn?: unknown } }> {
  const file = path.join(dir, 'state/erp.drstate.json');
  const out = { ...((JSON.parse(fs.readFileSync(file, 'utf8')) as { lifecycles?: Record<string, never> }).lifecycles ?? {}) };
  const journal = fs.existsSync(`${file}.journal`) ? fs.readFileSync(`${file}.journal`, 'utf8') : '';
  for (const line of journal.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { op: string; key?: string; snapshot?: never };
    if (r.op === 'lifecycle' && r.key) out[r.key] = r.snapshot ?? (undefined as never);
  }
  return out;
}

describe('a planned failover of the example estate', () => {
  let bed: DrBed;
  let groups: string[][];
  /** Cloud names of the VMs with replicated volumes. */
  let replicated: Set<string>;
  /** For each VM_BOOTUP_STARTED: the VMs of earlier groups not durably active at the target then. */
  const notDurable: string[] = [];

  beforeAll(async () => {
    bed = await drBed();
    await bed.apply();
    const { config } = loadConfig({ dir: path.join(bed.dir, 'plans'), fs: nodeConfigFs, vars: [], env: {} });
    groups = [...config!.recoveryPlans.values()][0].groups.map((g) => [...g.vms]);
    replicated = new Set([...config!.vms.values()].filter((v) => v.volumeGroups.length > 0).map((v) => cloudName(v.address)));
    // There and back once, so the measured move starts VMs already defined at the DR site.
    expect((await failoverService(opts, bed.ctx())).move!.ok).toBe(true);
    expect((await failbackService(opts, bed.ctx())).move!.ok).toBe(true);
    const seen = new Set<string>();
    // Two at a time: with slots scarce, a switch left until the walk reaches one of its VMs
    // would come after the first boots.
    const out = await failoverService(
      { ...opts, parallelism: 2 },
      bed.ctx({
        drSink: (e) => {
          if (e.name !== 'VM_BOOTUP_STARTED' || !e.subject) return;
          const g = groups.findIndex((vms) => vms.includes(e.subject!));
          if (g <= 0 || seen.has(groups[g - 1].join())) return;
          seen.add(groups[g - 1].join());
          const disk = durableLifecycles(bed.dir);
          for (const vm of groups.slice(0, g).flat()) {
            const s = disk[vm];
            if (s?.value !== 'active-on-target' || s.context?.activeOn !== 'site.dr') notDurable.push(`${vm} (before ${e.subject}: ${String(s?.value)})`);
          }
        },
      }),
    );
    expect(out.move!.ok).toBe(true);
    expect(seen.size).toBe(groups.length - 1);
  }, 90_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('switches every volume group before the first VM on replicated storage boots at the target', async () => {
    const log = await bed.admin.log();
    const start = log.findLastIndex((e) => e.type === 'volume-group.start' && e.workspace !== DR_WS); // the failback's reversal
    const run = log.slice(start + 1);
    const switches = run.filter((e) => e.type === 'volume-group.stop' && e.workspace === DR_WS);
    // VMs without replicated volumes need no switch and may boot before it.
    const firstBoot = run.find((e) => e.type === 'vm.start' && e.workspace === DR_WS && replicated.has(e.resource.name));
    expect(new Set(switches.map((e) => e.resource.id)).size).toBe(3); // erp_db, ibmi_erp, middleware
    expect(firstBoot).toBeDefined();
    for (const s of switches) expect(s.seq, `${s.resource.name} switched before ${firstBoot!.resource.name} booted`).toBeLessThan(firstBoot!.seq);
  });

  it("has every earlier group's VMs durably up before a group's first boot", () => {
    expect(notDurable).toEqual([]);
  });
});
