// Plans never lie about where things land (issue 13.7): two addresses on one PowerVS name, a VM
// with no network, and overlapping production subnets are validation errors with file:line:col,
// not surprises at apply.
import { describe, expect, test } from 'vitest';
import { BASE, detailOf, diagSummary, edit, error, load, loc, vmBlock } from './load-helpers.js';

const withVms = (extra: string, vms: string) => edit(BASE, 'vms = [vm.db01]', `vms = [${vms}]`) + extra;

describe('one PowerVS name per address', () => {
  test('vm "app-3" and vm.app[3] both being VM "app-3" is an error naming both, at the block written later', () => {
    const src = withVms(vmBlock('app', { count: 4 }) + vmBlock('app-3', {}), 'vm.db01, vm.app, vm.app-3');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Two VMs with one PowerVS name', loc(src, 'vm "app-3"'))]);
    expect(detailOf(r, 'Two VMs with one PowerVS name')).toBe(
      'vm.app[3] and vm "app-3" would both be the PowerVS VM "app-3". drctl finds cloud objects by name, so both addresses would manage one VM, and every apply would change it back and forth. Rename one of them.',
    );
  });

  test('instances of one counted block are distinct names, and a name one past the count is free', () => {
    const src = withVms(vmBlock('app', { count: 3 }) + vmBlock('app-3', {}), 'vm.db01, vm.app, vm.app-3');
    expect(diagSummary(load(src))).toEqual([]);
  });

  test("a VM named like the orchestrator's VM clashes with it", () => {
    const src =
      withVms(vmBlock('ksys-ksys', {}), 'vm.db01, vm.ksys-ksys') +
      '\norchestrator "ksys" {\n  site         = site.dr\n  machine_type = "s922"\n  tier         = "tier1"\n  processors   = 0.5\n  memory_gb    = 16\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Two VMs with one PowerVS name', loc(src, 'orchestrator "ksys"'))]);
    expect(detailOf(r, 'Two VMs with one PowerVS name')).toContain('vm "ksys-ksys" and orchestrator "ksys" would both be the PowerVS VM "ksys-ksys"');
  });

  test('volumes of two groups that would share one name', () => {
    const src = edit(
      BASE,
      'volume_group "db" {',
      'volume_group "db-data" {\n  policy  = replication_policy.gold\n  volumes = [{ name = "x", size_gb = 10 }]\n}\n\nvolume_group "db" {',
    ).replace(
      'volumes = [{ name = "data", size_gb = 500 }, { name = "log", size_gb = 100 }]',
      'volumes = [{ name = "data", size_gb = 500 }, { name = "log", size_gb = 100 }]',
    );
    // volume_group "db-data" has volume "x" → "db-data-x"; give "db" a volume "data-x" → "db-data-x" too.
    const clash = edit(src, '{ name = "log", size_gb = 100 }', '{ name = "data-x", size_gb = 100 }');
    const r = load(clash);
    expect(diagSummary(r)).toEqual([error('Two volumes with one PowerVS name', loc(clash, 'name = "data-x"'))]);
    expect(detailOf(r, 'Two volumes with one PowerVS name')).toContain(
      'volume_group "db-data" and volume_group "db" would both be the PowerVS volume "db-data-x"',
    );
  });

  test('two networks with one subnet name at a site', () => {
    const src = BASE + '\nnetwork "app2" {\n  type = "private"\n  home = { cidr = "10.30.0.0/24", name = "app-home" }\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Two networks with one PowerVS name', loc(src, 'name = "app-home"', { nth: 2 }))]);
    expect(detailOf(r, 'Two networks with one PowerVS name')).toContain(
      'network "app" and network "app2" would both be the PowerVS network "app-home" at site "home"',
    );
  });
});

describe('every VM on a network', () => {
  test('a VM without networks is an error at its block', () => {
    const src = withVms(vmBlock('lonely', { networks: '[]' }), 'vm.db01, vm.lonely');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('VM without a network', loc(src, '[]', { after: 'vm "lonely"' }))]);
    expect(detailOf(r, 'VM without a network')).toContain('PowerVS creates a VM only with at least one network interface');
  });

  test('a counted VM without networks is reported once, at the block', () => {
    const vm = vmBlock('pool', { count: 3 }).replace('  networks = [network.app]\n', '');
    const src = withVms(vm, 'vm.db01, vm.pool');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('VM without a network', loc(src, 'vm "pool"'))]);
  });

  test('an orchestrator at a site where no network has a subnet', () => {
    const src =
      edit(BASE, '  dr   = { cidr = "10.20.0.0/24", name = "app-dr" }\n', '') +
      '\norchestrator "ksys" {\n  site         = site.dr\n  machine_type = "s922"\n  tier         = "tier1"\n  processors   = 0.5\n  memory_gb    = 16\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Orchestrator without a network', loc(src, 'orchestrator "ksys"'))]);
  });
});

describe('production subnets at a site do not overlap', () => {
  test('web 10.10.0.64/26 inside app 10.10.0.0/24 at home is an error at the later cidr', () => {
    const src =
      BASE +
      '\nnetwork "web" {\n  type = "private"\n  home = { cidr = "10.10.0.64/26", name = "web-home" }\n  dr   = { cidr = "10.20.8.0/26", name = "web-dr" }\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Overlapping production subnets', loc(src, 'cidr = "10.10.0.64/26"'))]);
    expect(detailOf(r, 'Overlapping production subnets')).toContain(
      'The home subnet of network "web" (10.10.0.64/26) lies inside the home subnet of network "app" (10.10.0.0/24).',
    );
  });

  test('the same range at the two sites of one pair is not an overlap', () => {
    const src =
      BASE +
      '\nnetwork "web" {\n  type = "private"\n  home = { cidr = "10.40.0.0/24", name = "web-home" }\n  dr   = { cidr = "10.10.0.0/24", name = "web-dr" }\n}\n';
    expect(diagSummary(load(src))).toEqual([]);
  });
});
