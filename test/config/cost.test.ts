// The monthly cost estimate: DR Automation's $0.06849 per core-hour over 730 hours, plus
// replicated storage (a copy at each site) by tier. Figures are worked out by hand here.
import { describe, expect, test } from 'vitest';
import { estimateMonthlyCost } from '../../src/config/cost.js';
import { BASE, diagSummary, edit, load, vmBlock } from './load-helpers.js';

describe('estimateMonthlyCost', () => {
  test('BASE: 4 cores and 600 GB of tier0', () => {
    const r = load(BASE);
    const c = estimateMonthlyCost(r.config!);
    // Cores: 4 × 0.06849 × 730 = 199.9908 → $199.99.
    // Storage: the volumes take the policy's tier0; (500 + 100) GB × 2 sites × $0.324 = $388.80.
    // Total: 199.9908 + 388.8 = 588.7908 → $588.79.
    expect(c.cores).toBe(4);
    expect(c.coreUsd).toBe(199.99);
    expect(c.storageGbByTier).toEqual({ tier0: 600, tier1: 0, tier3: 0, tier5k: 0 });
    expect(c.storageUsd).toBe(388.8);
    expect(c.totalUsd).toBe(588.79);
  });

  test('fractional cores and mixed tiers', () => {
    const src =
      edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.app01]') +
      vmBlock('app01', { processors: 0.5, proc_type: '"shared"', volume_groups: '[volume_group.logs]', networks: '[network.app]' }) +
      '\nreplication_policy "silver" {\n  type = "global"\n  rpo  = "1h"\n  tier = "tier1"\n}\n' +
      '\nvolume_group "logs" {\n  policy  = replication_policy.silver\n  volumes = [{ name = "l", size_gb = 50 }, { name = "fast", size_gb = 100, tier = "tier5k" }]\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([]);
    const c = estimateMonthlyCost(r.config!);
    // Cores: 4.5 × 0.06849 × 730 = 224.98965 → $224.99.
    // Storage, × 2 sites: tier0 600 × 2 × 0.324 = 388.80; tier1 50 × 2 × 0.216 = 21.60;
    //   tier5k 100 × 2 × 0.27 = 54.00; sum $464.40.
    // Total: 224.98965 + 464.4 = 689.38965 → $689.39.
    expect(c.cores).toBe(4.5);
    expect(c.coreUsd).toBe(224.99);
    expect(c.storageGbByTier).toEqual({ tier0: 600, tier1: 50, tier3: 0, tier5k: 100 });
    expect(c.storageUsd).toBe(464.4);
    expect(c.totalUsd).toBe(689.39);
  });

  test('a counted VM is billed once per instance', () => {
    const r = load(edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + vmBlock('web', { count: 3, processors: 2 }));
    const c = estimateMonthlyCost(r.config!);
    // 4 + 3 × 2 = 10 cores: 10 × 0.06849 × 730 = 499.977 → $499.98.
    expect(c.cores).toBe(10);
    expect(c.coreUsd).toBe(499.98);
  });
});
