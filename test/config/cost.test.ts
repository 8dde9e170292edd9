// The monthly cost estimate over every billed dimension: PowerVS cores by host type and mode,
// memory, DR Automation's per-core fee, replicated storage by tier at both sites, and the
// orchestrator. Figures are worked out by hand from powervs/catalog.ts's rates × 730 hours.
import { describe, expect, test } from 'vitest';
import { compareCosts, costBreakdown, formatUsd, formatUsdDelta } from '../../src/config/cost.js';
import { desiredResources } from '../../src/plan/desired.js';
import { makePlan } from '../../src/plan/make.js';
import type { StateResource } from '../../src/state/types.js';
import { BASE, diagSummary, edit, load, vmBlock } from './load-helpers.js';

const costOf = (src: string) => {
  const r = load(src);
  expect(diagSummary(r).filter((d) => d.severity === 'error')).toEqual([]);
  return costBreakdown(desiredResources(r.config!));
};

describe('costBreakdown', () => {
  test('BASE: an e980 VM (4 dedicated cores, 256 GB) with 600 GB of tier0 replicated', () => {
    const c = costOf(BASE);
    // Cores: 4 × $0.48 × 730 = $1,401.60. Memory: 256 × $0.015219 × 730 = 2,844.12672 → $2,844.13.
    // DR Automation: 4 × $0.06849 × 730 = 199.9908 → $199.99.
    // Storage: 600 GB × $0.324 = $194.40 at home, and again for the replica at dr.
    expect(c.items.map((i) => [i.address, i.site, i.dimension, i.quantity, i.usd, i.replica ?? false])).toEqual([
      ['vm.db01', 'site.home', 'cores', 4, 1401.6, false],
      ['vm.db01', 'site.home', 'memory', 256, 2844.13, false],
      ['vm.db01', 'site.home', 'dr_automation', 4, 199.99, false],
      ['volume_group.db', 'site.dr', 'storage', 600, 194.4, true],
      ['volume_group.db', 'site.home', 'storage', 600, 194.4, false],
    ]);
    expect(c.totalUsd).toBe(4834.52);
    expect(c.sites).toEqual([
      { site: 'site.dr', usd: 194.4, byDimension: { cores: 0, memory: 0, dr_automation: 0, storage: 194.4 } },
      { site: 'site.home', usd: 4640.12, byDimension: { cores: 1401.6, memory: 2844.13, dr_automation: 199.99, storage: 194.4 } },
    ]);
    expect(c.tiers.find((t) => t.tier === 'tier0')).toEqual({ tier: 'tier0', gb: 1200, usd: 388.8 });
    expect(c.resources).toEqual([
      { address: 'vm.db01', type: 'vm', usd: 4445.72 },
      { address: 'volume_group.db', type: 'volume_group', usd: 388.8 },
    ]);
  });

  test('raising a VM from 16 to 512 GB of memory changes the cost by 496 GB of memory', () => {
    const small = costOf(edit(BASE, 'memory_gb     = 256', 'memory_gb     = 16'));
    const big = costOf(edit(BASE, 'memory_gb     = 256', 'memory_gb     = 512'));
    // 16 GB: 177.75792 → $177.76; 512 GB: 5,688.25344 → $5,688.25. The difference, $5,510.49.
    expect(compareCosts(small, big).deltaUsd).toBe(5510.49);
  });

  test('cores are billed by processor mode and host type', () => {
    const withMode = (mode: string, machine = 'e980') =>
      costOf(
        edit(edit(BASE, 'processors    = 4', `processors    = 4\n  proc_type     = "${mode}"`), 'machine_type  = "e980"', `machine_type  = "${machine}"`),
      ).items.find((i) => i.dimension === 'cores')!.usd;
    // 4 cores × 730 h × the rate: e980 capped $0.19, shared $0.24, dedicated $0.48; s922 shared $0.14.
    expect([withMode('capped'), withMode('shared'), withMode('dedicated'), withMode('shared', 's922')]).toEqual([554.8, 700.8, 1401.6, 408.8]);
  });

  test('fractional cores, mixed tiers, and a counted VM billed once per instance', () => {
    const src =
      edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.app]') +
      vmBlock('app', { count: 2, processors: 0.5, proc_type: '"shared"', memory_gb: 8, volume_groups: '[volume_group.logs]', networks: '[network.app]' }) +
      '\nreplication_policy "silver" {\n  type = "global"\n  rpo  = "1h"\n  tier = "tier1"\n}\n' +
      '\nvolume_group "logs" {\n  policy  = replication_policy.silver\n  volumes = [{ name = "l", size_gb = 50 }, { name = "fast", size_gb = 100, tier = "tier5k" }]\n}\n';
    const c = costOf(src);
    const app = c.items.filter((i) => i.address === 'vm.app[1]');
    // Each instance: 0.5 shared s922 cores 0.5 × 0.14 × 730 = $51.10; 8 GB 8 × 0.015219 × 730 = 88.87896 → $88.88;
    // DR fee 0.5 × 0.06849 × 730 = 24.99885 → $25.00.
    expect(app.map((i) => [i.dimension, i.usd])).toEqual([
      ['cores', 51.1],
      ['memory', 88.88],
      ['dr_automation', 25],
    ]);
    // Storage of logs (shared by both instances, so one group): tier1 50 GB × $0.216 = $10.80 and
    // tier5k 100 GB × $0.27 = $27.00, at each site.
    const logs = c.items.filter((i) => i.address === 'volume_group.logs');
    expect(logs.map((i) => [i.site, i.tier, i.usd])).toEqual([
      ['site.dr', 'tier1', 10.8],
      ['site.dr', 'tier5k', 27],
      ['site.home', 'tier1', 10.8],
      ['site.home', 'tier5k', 27],
    ]);
    expect(c.tiers.map((t) => [t.tier, t.gb])).toEqual([
      ['tier0', 1200],
      ['tier1', 100],
      ['tier3', 0],
      ['tier5k', 200],
    ]);
    // Every total is the sum of its lines, to the cent.
    const cents = (n: number) => Math.round(n * 100);
    expect(cents(c.totalUsd)).toBe(c.items.reduce((s, i) => s + cents(i.usd), 0));
    expect(cents(c.totalUsd)).toBe(c.sites.reduce((s, i) => s + cents(i.usd), 0));
  });

  test('the orchestrator is billed: its VM, and a second one at the standby site when highly available', () => {
    const ha =
      '\norchestrator "ksys" {\n  site         = site.dr\n  machine_type = "s922"\n  tier         = "tier1"\n  processors   = 0.5\n  memory_gb    = 16\n  high_availability {\n    standby_site = site.home\n  }\n}\n';
    const c = costOf(BASE + ha);
    const o = c.items.filter((i) => i.address === 'orchestrator.ksys');
    // 0.5 shared s922 cores = $51.10; 16 GB = 177.75792 → $177.76; once at dr, once (the standby) at home.
    expect(o.map((i) => [i.site, i.dimension, i.usd, i.replica ?? false])).toEqual([
      ['site.dr', 'cores', 51.1, false],
      ['site.dr', 'memory', 177.76, false],
      ['site.home', 'cores', 51.1, true],
      ['site.home', 'memory', 177.76, true],
    ]);
    // No DR Automation fee for the orchestrator itself.
    expect(o.some((i) => i.dimension === 'dr_automation')).toBe(false);
  });

  test('state records and desired resources cost the same: the plan line is the breakdown total', async () => {
    const r = load(BASE);
    const desired = desiredResources(r.config!);
    const state: StateResource[] = desired.map((d) => ({
      address: d.address,
      type: d.type,
      name: d.name,
      id: `id-${d.address}`,
      attributes: { ...d.attributes, cloud: { id: 'x' } },
      dependencies: [],
      sensitiveAttributes: [],
    }));
    expect(costBreakdown(state)).toEqual(costBreakdown(desired));
    const grown = load(edit(BASE, 'memory_gb     = 256', 'memory_gb     = 512'));
    const plan = await makePlan({
      config: grown.config!,
      state: { serial: 1, lineage: 'l', drctlVersion: '', resources: state, lifecycles: {}, outputs: {} },
      refresh: false,
      destroy: false,
      targets: [],
      replace: [],
      parallelism: 10,
      drctlVersion: '0.1.0',
      emit: () => {},
    });
    expect(plan.cost.beforeUsd).toBe(costBreakdown(desired).totalUsd);
    expect(plan.cost.afterUsd).toBe(costBreakdown(desiredResources(grown.config!)).totalUsd);
    // Memory at 512 GB: 5,688.25344 → $5,688.25, against $2,844.13 at 256 GB: $2,844.12 more, all at home.
    expect(plan.cost.deltaUsd).toBe(2844.12);
    expect(plan.cost.sites).toEqual([
      { site: 'site.dr', beforeUsd: 194.4, afterUsd: 194.4, deltaUsd: 0 },
      { site: 'site.home', beforeUsd: 4640.12, afterUsd: 7484.24, deltaUsd: 2844.12 },
    ]);
  });

  test('a destroy costs nothing after, and money reads as money', () => {
    const c = costOf(BASE);
    expect(compareCosts(c, null)).toMatchObject({ afterUsd: 0, deltaUsd: -4834.52 });
    expect([formatUsd(8262.36), formatUsd(0), formatUsd(-1234567.5), formatUsdDelta(12), formatUsdDelta(-3.5), formatUsdDelta(0)]).toEqual([
      '$8,262.36',
      '$0.00',
      '-$1,234,567.50',
      '+$12.00',
      '-$3.50',
      '±$0.00',
    ]);
  });
});
