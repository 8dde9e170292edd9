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
    // The first failover (worked out below): db01 shut down (AIX, 60 s), its volume group switched
    // (42 s), db01 built (180 s) and booted (348 s): 630 s = 10m30s.
    const src = edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "5m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Predicted RTO exceeds target', loc(src, '"5m"'))]);
    expect(detailOf(r, 'Predicted RTO exceeds target')).toContain('predicted to take 10m30s on its first failover');
    expect(detailOf(r, 'Predicted RTO exceeds target')).toContain('longer than its rto of 5m');
  });

  test('an RTO target above the prediction is quiet', () => {
    const r = load(edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "10m30s"'));
    expect(diagSummary(r)).toEqual([]);
  });

  test('a group timeout shorter than its predicted build and boot is a warning at the timeout', () => {
    const src = edit(BASE, '    vms = [vm.db01]', '    vms = [vm.db01]\n    timeout = "5m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Group timeout shorter than predicted boot', loc(src, '"5m"'))]);
    expect(detailOf(r, 'Group timeout shorter than predicted boot')).toContain('has timeout 5m, but its VMs are predicted to take 8m48s to build and boot');
  });

  test('a drill predicted past its max_rto is a warning: it would fail every time', () => {
    // Clone the one volume group (45 s), build and boot db01 (180 + 348 s): 573 s = 9m33s.
    const drill = (max: string) => `\ndrill "monthly" {\n  plan = recovery_plan.erp\n  pass {\n    max_rto = "${max}"\n  }\n}\n`;
    const src = BASE + drill('9m');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Predicted drill RTO exceeds max_rto', loc(src, 'drill "monthly"'))]);
    expect(detailOf(r, 'Predicted drill RTO exceeds max_rto')).toContain('predicted to take 9m33s');
    expect(diagSummary(load(BASE + drill('9m33s')))).toEqual([]);
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

  // A first failover builds each VM at the standby site (180 s) before it boots; shutdowns take
  // 30 s (rhel, sles) or 60 s (aix), groups in reverse plan order: app first, then database.
  const predict = (src: string, opts?: Parameters<typeof predictRecoveryPlan>[3]) => {
    const r = load(src);
    expect(diagSummary(r)).toEqual([]);
    return predictRecoveryPlan(r.config!.recoveryPlans.get('recovery_plan.erp')!, r.config!, r.config!.settings.parallelism ?? 10, opts);
  };

  test('with parallelism 2 the first failover takes 1302 s: the slowest VMs start first, each built before it boots', () => {
    // Shutdowns: app's three 30 s stops on two slots (60 s), then db01 (60 s): 120 s. Switch: 42 s.
    // Database: 180 + 348 = 528 s. App, slowest first: app3 (0–309) and app2 (0–308); app1 takes
    // the slot app2 frees at 308 and ends at 308 + 304 = 612. Total: 120 + 42 + 528 + 612 = 1302 s.
    const p = predict(plan(2));
    expect([p.shutdownSeconds, p.storageSwitchSeconds, p.built]).toEqual([120, 42, 4]);
    expect(p.groups.map((g) => [g.name, g.bootSeconds, g.slowestBootSeconds, g.seconds])).toEqual([
      ['database', 528, 528, 528],
      ['app', 612, 309, 612],
    ]);
    expect(p.totalSeconds).toBe(1302);
  });

  test('a later move starts the VMs already at the target: with parallelism 2, 120 + 42 + 348 + 252 = 762 s', () => {
    // App, slowest first without builds: app3 (0–129), app2 (0–128); app1 at 128 ends at 252.
    const p = predict(plan(2), { built: () => false });
    expect(p.groups.map((g) => g.seconds)).toEqual([348, 252]);
    expect(p.totalSeconds).toBe(762);
  });

  test('with the default parallelism (10) the app group takes its slowest build and boot: 90 + 42 + 528 + 309 = 969 s', () => {
    // Shutdowns: the app group's three stops at once (30 s), then db01 (60 s).
    expect(predict(plan()).totalSeconds).toBe(969);
  });

  test('an unplanned move stops the source VMs at once (5 s a group), and a drill clones instead of shutting down and switching', () => {
    expect(predict(plan()).totalSeconds - predict(plan(), { unplanned: true }).totalSeconds).toBe(90 - 10);
    // A drill: the one volume group cloned (45 s), then every clone built and booted: 45 + 528 + 309.
    const drill = predict(plan(), { kind: 'drill', built: () => false });
    expect([drill.shutdownSeconds, drill.storageSwitchSeconds, drill.cloneSeconds, drill.built]).toEqual([0, 0, 45, 4]);
    expect(drill.totalSeconds).toBe(882);
  });

  test('post_check_time and manual_time are part of the prediction; a manual step no one is asked about is not', () => {
    const timed = edit(
      plan(),
      '    vms = [vm.db01]\n',
      '    vms = [vm.db01]\n    post_check = "true"\n    post_check_time = "30s"\n    manual = "Flip DNS"\n    manual_time = "5m"\n',
    );
    expect(predict(timed).groups[0]).toMatchObject({ bootSeconds: 528, postCheckSeconds: 30, manualSeconds: 300, seconds: 858 });
    expect(predict(timed).totalSeconds).toBe(969 + 330);
    expect(predict(timed, { manualSteps: false }).totalSeconds).toBe(969 + 30);
    expect(predict(timed, { kind: 'drill' }).groups[0].manualSeconds).toBe(0);
  });

  test('the rto warning uses the configured parallelism: 1302 s = 21m42s is over a 20m target, 969 s is not', () => {
    const src = edit(plan(2), 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "20m"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([warning('Predicted RTO exceeds target', loc(src, '"20m"'))]);
    expect(detailOf(r, 'Predicted RTO exceeds target')).toContain('predicted to take 21m42s on its first failover');
    expect(diagSummary(load(edit(plan(), 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  rto = "20m"')))).toEqual([]);
  });

  test('boot_time overrides the predicted boot', () => {
    const r = load(edit(BASE, '  os            = "aix"\n', '  os            = "aix"\n  boot_time     = "2m"\n'));
    expect(r.config!.vms.get('vm.db01')!.bootSeconds).toBe(120);
  });
});
