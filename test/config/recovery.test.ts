// Recovery plans: the warnings a loadable configuration can still earn, count expansion into
// recovery groups, and the predicted RTO, worked out by hand from src/powervs/timing.ts.
import { describe, expect, test } from 'vitest';
import { predictRecoveryPlan } from '../../src/config/recovery.js';
import { BASE, detailOf, diagSummary, edit, load, loc, vmBlock, warning } from './load-helpers.js';

describe('warnings', () => {
  test('a VM in no recovery plan is a warning at its header; the configuration still loads', () => {
    const src = BASE + vmBlock('app01', { networks: '[network.app]' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('VM not in any recovery plan', loc(src, 'vm "app01"'))]);
    expect(detailOf(r, 'VM not in any recovery plan')).toContain('vm.app01 is in no recovery group');
    expect(r.config!.vms.has('vm.app01')).toBe(true);
  });

  test('a predicted RTO above the target is a warning at the rto value', () => {
    // db01 boots in 348 s and its volume group switches in 42 s (worked out below): 390 s = 6m30s.
    const src = edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "5m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Predicted RTO exceeds target', loc(src, '"5m"'))]);
    expect(detailOf(r, 'Predicted RTO exceeds target')).toContain('predicted to take 6m30s, longer than its rto of 5m');
  });

  test('an RTO target above the prediction is quiet', () => {
    const r = load(edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "6m30s"'));
    expect(diagSummary(r)).toEqual([]);
  });

  test('a group timeout shorter than its predicted boot is a warning at the timeout', () => {
    const src = edit(BASE, '    vms = [vm.db01]', '    vms = [vm.db01]\n    timeout = "5m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Group timeout shorter than predicted boot', loc(src, '"5m"'))]);
    expect(detailOf(r, 'Group timeout shorter than predicted boot')).toContain('has timeout 5m, but its VMs are predicted to take 5m48s to boot');
  });
});

describe('count', () => {
  const web = vmBlock('web', { count: 3, image: '"web-${count.index}"', processors: '1 + count.index' });

  test('vms = [vm.web] expands to every instance, in index order', () => {
    const r = load(edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + web);
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].vms).toEqual(['vm.db01', 'vm.web[0]', 'vm.web[1]', 'vm.web[2]']);
  });

  test('vm.web[*] means the same as vm.web', () => {
    const r = load(edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web[*]]') + web);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].vms).toEqual(['vm.db01', 'vm.web[0]', 'vm.web[1]', 'vm.web[2]']);
  });

  test("count.index is usable in each instance's arguments", () => {
    const r = load(edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + web);
    const instances = [0, 1, 2].map((i) => r.config!.vms.get(`vm.web[${i}]`)!);
    expect(instances.map((v) => [v.address, v.name, v.image, v.processors])).toEqual([
      ['vm.web[0]', 'web', 'web-0', 1],
      ['vm.web[1]', 'web', 'web-1', 2],
      ['vm.web[2]', 'web', 'web-2', 3],
    ]);
    expect(r.config!.vms.has('vm.web')).toBe(false);
  });

  test('an argument that does not use count is reported once for the block, not once per instance', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + vmBlock('web', { count: 4, memory_gb: '"lots"', image: '"web-${count.index}"' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([{ severity: 'error', summary: diagSummary(r)[0]?.summary, at: loc(src, '"lots"') }]);
  });

  test('instances share what does not use count and keep what does', () => {
    const secret = 'variable "img" {\n  default   = "base"\n  sensitive = true\n}\n';
    const src =
      secret +
      edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') +
      vmBlock('web', { count: 3, image: 'var.img', processors: '1 + count.index', memory_gb: 'count.index * 8 + 8' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([]);
    const instances = [0, 1, 2].map((i) => r.config!.vms.get(`vm.web[${i}]`)!);
    expect(instances.map((v) => [v.image, v.processors, v.memoryGb, v.sensitive])).toEqual([
      ['base', 1, 8, ['image']],
      ['base', 2, 16, ['image']],
      ['base', 3, 24, ['image']],
    ]);
  });

  test('count = 0 declares no instances, and vm.web in a group adds none', () => {
    const r = load(edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + vmBlock('web', { count: 0 }));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].vms).toEqual(['vm.db01']);
    expect([...r.config!.vms.keys()]).toEqual(['vm.db01']);
  });

  test('count from a variable', () => {
    const r = load(
      'variable "web_count" {\n  default = 2\n}\n' + edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web]') + vmBlock('web', { count: 'var.web_count' }),
    );
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].vms).toEqual(['vm.db01', 'vm.web[0]', 'vm.web[1]']);
  });
});

describe('predicted RTO', () => {
  // Boot time (timing.ts) = OS base × host factor + 0.25 s per GB + 2 s per core:
  //   db01  e980  aix  256 GB 4 cores: 240 × 1.15 + 256 × 0.25 + 4 × 2 = 276 + 64 + 8 = 348 s
  //   app1  s922  rhel   8 GB 1 core : 120 × 1.0  +   8 × 0.25 + 1 × 2 = 120 +  2 + 2 = 124 s
  //   app2  s922  rhel  16 GB 2 cores: 120 × 1.0  +  16 × 0.25 + 2 × 2 = 120 +  4 + 4 = 128 s
  //   app3  e1080 sles  32 GB 2 cores: 130 × 0.9  +  32 × 0.25 + 2 × 2 = 117 +  8 + 4 = 129 s
  // Storage switch: volume_group "db" holds 500 + 100 = 600 GB: 30 + 600 × 0.02 = 42 s.
  const plan = (parallelism?: number) =>
    (parallelism === undefined ? '' : `drctl {\n  parallelism = ${parallelism}\n}\n`) +
    edit(
      BASE,
      '  group "database" {\n    vms = [vm.db01]\n  }\n',
      '  group "database" {\n    vms = [vm.db01]\n  }\n  group "app" {\n    vms = [vm.app1, vm.app2, vm.app3]\n  }\n',
    ) +
    vmBlock('app1', {}) +
    vmBlock('app2', { memory_gb: 16, processors: 2 }) +
    vmBlock('app3', { machine_type: '"e1080"', os: '"sles"', memory_gb: 32, processors: 2 });

  test("each VM's boot time follows the timing model", () => {
    const r = load(plan());
    expect(diagSummary(r)).toEqual([]);
    const boots = ['vm.db01', 'vm.app1', 'vm.app2', 'vm.app3'].map((a) => r.config!.vms.get(a)!.bootSeconds);
    expect(boots).toEqual([348, 124, 128, 129]);
  });

  test('with parallelism 2 the app group takes 253 s and the plan 643 s', () => {
    // Two slots, started in listed order: app1 (0–124) and app2 (0–128); app3 takes the slot
    // app1 frees at 124 and ends at 124 + 129 = 253. Total: 42 + 348 + 253 = 643 s.
    const r = load(plan(2));
    expect(diagSummary(r)).toEqual([]);
    const p = predictRecoveryPlan(r.config!.recoveryPlans.get('recovery_plan.erp')!, r.config!, r.config!.settings.parallelism ?? 10);
    expect(p.storageSwitchSeconds).toBe(42);
    expect(p.groups.map((g) => [g.name, g.seconds, g.slowestBootSeconds])).toEqual([
      ['database', 348, 348],
      ['app', 253, 129],
    ]);
    expect(p.totalSeconds).toBe(643);
  });

  test('with the default parallelism (10) the app group takes its slowest boot: 42 + 348 + 129 = 519 s', () => {
    const r = load(plan());
    const p = predictRecoveryPlan(r.config!.recoveryPlans.get('recovery_plan.erp')!, r.config!, r.config!.settings.parallelism ?? 10);
    expect(p.totalSeconds).toBe(519);
  });

  test('the rto warning uses the configured parallelism: 643 s = 10m43s is over a 10m target', () => {
    const src = edit(plan(2), 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "10m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Predicted RTO exceeds target', loc(src, '"10m"'))]);
    expect(detailOf(r, 'Predicted RTO exceeds target')).toContain('predicted to take 10m43s, longer than its rto of 10m');
  });

  test('boot_time overrides the predicted boot', () => {
    const r = load(edit(BASE, '  os            = "aix"\n', '  os            = "aix"\n  boot_time     = "2m"\n'));
    expect(r.config!.vms.get('vm.db01')!.bootSeconds).toBe(120);
  });
});
