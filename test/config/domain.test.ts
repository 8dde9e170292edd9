// The PowerVS and DR rules checked on the whole configuration: host limits, tiers, site pairs,
// recovery groups, replication policies, networks, drills and notifications.
import { describe, expect, test } from 'vitest';
import { BASE, detailOf, diagSummary, edit, error, load, loc, vmBlock } from './load-helpers.js';

/** BASE with vm "db01" changed to this host, OS and shape. */
function db01(shape: { machine_type?: string; processors?: number; memory_gb?: number; os?: string }): string {
  let src = BASE;
  if (shape.machine_type) src = edit(src, 'machine_type  = "e980"', `machine_type  = "${shape.machine_type}"`);
  if (shape.processors !== undefined) src = edit(src, 'processors    = 4', `processors    = ${shape.processors}`);
  if (shape.memory_gb !== undefined) src = edit(src, 'memory_gb     = 256', `memory_gb     = ${shape.memory_gb}`);
  if (shape.os) src = edit(src, 'os            = "aix"', `os            = "${shape.os}"`);
  return src;
}

const SILVER = '\nreplication_policy "silver" {\n  type = "global"\n  rpo  = "1h"\n  tier = "tier1"\n}\n';

describe('machine types and host limits', () => {
  test('an unknown machine_type suggests the closest', () => {
    const src = db01({ machine_type: 'e990' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"e990"'))]);
    expect(detailOf(r, 'Invalid value')).toContain('expected one of "s922", "e980", "e1080". Did you mean "e980"?');
  });

  test('the model number 9080-M9S is accepted and decoded as e980', () => {
    const r = load(db01({ machine_type: '9080-M9S' }));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.vms.get('vm.db01')!.machineType).toBe('e980');
  });

  test('an S922 takes 15 cores', () => {
    const r = load(db01({ machine_type: 's922', processors: 15 }));
    expect(diagSummary(r)).toEqual([]);
  });

  test('an S922 with 16 cores is too many', () => {
    const src = db01({ machine_type: 's922', processors: 16 });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too many processors', loc(src, '16'))]);
    expect(detailOf(r, 'Too many processors')).toContain('asks for 16 cores, but an S922 host offers at most 15');
  });

  test('an S922 with 943 GB of memory is too much', () => {
    const src = db01({ machine_type: 's922', memory_gb: 943 });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too much memory', loc(src, '943'))]);
    expect(detailOf(r, 'Too much memory')).toContain('at most 942 GB');
  });

  test('an E980 with 144 cores is too many', () => {
    const src = db01({ processors: 144 });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too many processors', loc(src, '144'))]);
    expect(detailOf(r, 'Too many processors')).toContain('an E980 host offers at most 143');
  });

  test('an E1080 with more than 64 TB of memory is too much', () => {
    const src = db01({ machine_type: 'e1080', memory_gb: 64 * 1024 + 1 });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too much memory', loc(src, '65537'))]);
    expect(detailOf(r, 'Too much memory')).toContain('an E1080 host offers at most 65,536 GB');
  });

  test('IBM i on an S922 with 5 cores is over the IBM i limit of 4', () => {
    const src = db01({ machine_type: 's922', processors: 5, os: 'ibmi' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too many processors for IBM i', loc(src, '5', { after: 'processors    = 5' }))]);
    expect(detailOf(r, 'Too many processors for IBM i')).toContain('IBM i on an S922 runs on at most 4 cores');
  });

  test('IBM i on an E980 with 5 cores is fine', () => {
    const r = load(db01({ processors: 5, os: 'ibmi' }));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.vms.get('vm.db01')!.os).toBe('ibmi');
  });
});

describe('storage tiers and volumes', () => {
  test('an unknown tier', () => {
    const src = edit(BASE, 'tier = "tier0"', 'tier = "tier2"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"tier2"'))]);
    expect(detailOf(r, 'Invalid value')).toContain('expected one of "tier0", "tier1", "tier3", "tier5k"');
  });

  test('a 300 GB tier5k volume is rejected at its size', () => {
    const src = edit(BASE, '{ name = "log", size_gb = 100 }', '{ name = "log", size_gb = 300, tier = "tier5k" }');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Volume too large for tier', loc(src, 'size_gb = 300'))]);
    expect(detailOf(r, 'Volume too large for tier')).toContain('Volume "log" in volume_group "db" is 300 GB, but tier5k volumes are at most 200 GB');
  });

  test('a 200 GB tier5k volume is accepted and keeps its own tier', () => {
    const r = load(edit(BASE, '{ name = "log", size_gb = 100 }', '{ name = "log", size_gb = 200, tier = "tier5k" }'));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.volumeGroups.get('volume_group.db')!.volumes).toEqual([
      { name: 'data', sizeGb: 500, tier: 'tier0' },
      { name: 'log', sizeGb: 200, tier: 'tier5k' },
    ]);
  });

  test('a volume name with spaces is rejected at the name', () => {
    const src = edit(BASE, 'name = "log"', 'name = "log vol"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid volume name', loc(src, 'name = "log vol"'))]);
    expect(detailOf(r, 'Invalid volume name')).toContain('it contains white space');
  });

  test('two volumes with one name in a group', () => {
    const src = edit(BASE, 'name = "log"', 'name = "data"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Duplicate volume name', loc(src, 'name = "data"', { nth: 2 }))]);
  });
});

describe('sites', () => {
  test('both sites of a pair active is split brain, reported at the later one', () => {
    const src = edit(BASE, 'role      = "standby"', 'role      = "active"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Two active sites', loc(src, '"active"', { nth: 2 }))]);
    expect(detailOf(r, 'Two active sites')).toContain('site "home" and site "dr" are a DR pair and both have role = "active"');
  });

  test('a pair with no active site', () => {
    const src = edit(BASE, 'role      = "active"', 'role      = "standby"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('No active site', loc(src, 'site "home"'))]);
    expect(detailOf(r, 'No active site')).toContain('Neither site "home" (dal13) nor site "dr" (wdc04) has role = "active"');
  });

  test('an unknown location suggests one, with no "no partner" cascade for the other site', () => {
    const src = edit(BASE, 'location  = "wdc04"', 'location  = "wdc4"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unknown PowerVS location', loc(src, '"wdc4"'))]);
    expect(detailOf(r, 'Unknown PowerVS location')).toContain('Did you mean "wdc04"?');
  });

  test('a site whose DR partner location has no site', () => {
    const src = BASE + '\nsite "eu" {\n  location  = "mad02"\n  workspace = "erp-eu"\n  role      = "active"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Site has no DR partner', loc(src, 'site "eu"'))]);
    expect(detailOf(r, 'Site has no DR partner')).toBe(
      'site "eu" is in mad02, which replicates to fra04, but no site is declared there. Add a site with location = "fra04".',
    );
  });

  test('two sites in one location, with the partner location in the detail and no cascade', () => {
    const src = edit(BASE, 'location  = "wdc04"', 'location  = "dal13"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Two sites in one location', loc(src, '"dal13"', { nth: 2 }))]);
    expect(detailOf(r, 'Two sites in one location')).toContain('dal13 replicates to wdc04; move one of them there.');
  });

  test('a workspace name with spaces', () => {
    const src = edit(BASE, 'workspace = "erp-home"', 'workspace = "erp home"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid workspace name', loc(src, '"erp home"'))]);
    expect(detailOf(r, 'Invalid workspace name')).toContain('it contains white space');
  });
});

describe('recovery groups and replication', () => {
  test('a VM in two recovery groups is reported at its second listing', () => {
    const src = edit(
      BASE,
      '  group "database" {\n    vms = [vm.db01]\n  }\n',
      '  group "database" {\n    vms = [vm.db01]\n  }\n  group "app" {\n    vms = [vm.db01]\n  }\n',
    );
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('VM in two recovery groups', loc(src, 'vm.db01', { nth: 2 }))]);
    expect(detailOf(r, 'VM in two recovery groups')).toContain(
      'vm.db01 is in group "database" of recovery_plan "erp" and in group "app" of recovery_plan "erp"',
    );
  });

  test("a VM whose replication_policy differs from its volume group's", () => {
    const src =
      edit(BASE, '  volume_groups = [volume_group.db]\n', '  volume_groups = [volume_group.db]\n  replication_policy = replication_policy.silver\n') + SILVER;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Replication policy mismatch', loc(src, '[volume_group.db]'))]);
    expect(detailOf(r, 'Replication policy mismatch')).toContain(
      'replicates with replication_policy.silver, but its volume group volume_group.db uses replication_policy.gold',
    );
  });

  test('a VM whose two volume groups use different policies', () => {
    const src =
      edit(BASE, 'volume_groups = [volume_group.db]', 'volume_groups = [volume_group.db, volume_group.logs]') +
      SILVER +
      '\nvolume_group "logs" {\n  policy  = replication_policy.silver\n  volumes = [{ name = "l", size_gb = 10 }]\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Replication policy mismatch', loc(src, '[volume_group.db, volume_group.logs]'))]);
    expect(detailOf(r, 'Replication policy mismatch')).toContain('use different replication policies (replication_policy.gold, replication_policy.silver)');
  });

  test('a volume group used by VMs on two sites', () => {
    const src =
      edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.app01]') +
      vmBlock('app01', { site: 'site.dr', networks: '[network.app]', volume_groups: '[volume_group.db]' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Volume group spans sites', loc(src, 'volume_group "db"'))]);
    expect(detailOf(r, 'Volume group spans sites')).toContain('used by VMs at site.dr and site.home');
  });
});

describe('durations', () => {
  test('"15 minutes" is not a duration', () => {
    const src = edit(BASE, 'rpo  = "15m"', 'rpo  = "15 minutes"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid duration', loc(src, '"15 minutes"'))]);
    expect(detailOf(r, 'Invalid duration')).toContain('Write a number and a unit: "30s", "15m", "4h", "1h30m" or "2d".');
  });

  test('a compound duration "1h30m" is 5400 seconds', () => {
    const r = load(edit(BASE, 'rpo  = "15m"', 'rpo  = "1h30m"'));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.replicationPolicies.get('replication_policy.gold')!.rpoSeconds).toBe(3600 + 30 * 60);
  });
});

describe('networks', () => {
  test('a CIDR prefix over 32 is reported at the cidr value', () => {
    const src = edit(BASE, '"10.20.0.0/24"', '"10.20.0.0/33"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid CIDR block', loc(src, '"10.20.0.0/33"'))]);
    expect(detailOf(r, 'Invalid CIDR block')).toContain('is not a valid IPv4 CIDR block for "cidr" in argument "dr" of network "app"');
  });

  test('a CIDR with host bits set suggests the network address', () => {
    const src = edit(BASE, '"10.20.0.0/24"', '"10.20.0.5/24"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid CIDR block', loc(src, '"10.20.0.5/24"'))]);
    expect(detailOf(r, 'Invalid CIDR block')).toContain('Did you mean a network like "10.20.0.0/24"?');
  });

  test('a drill subnet overlapping a production subnet', () => {
    const src = edit(BASE, '"10.99.0.0/24"', '"10.10.0.128/25"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Drill network overlaps production', loc(src, 'cidr = "10.10.0.128/25"'))]);
    expect(detailOf(r, 'Drill network overlaps production')).toContain('overlaps network.app.home (10.10.0.0/24)');
  });

  test('a subnet key that is not a site name, at the key, with a suggestion', () => {
    const src = edit(BASE, '  dr   = { cidr', '  dx   = { cidr');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported argument', loc(src, 'dx'))]);
    expect(detailOf(r, 'Unsupported argument')).toContain('one subnet per site, named after the site (home, dr). Did you mean "dr"?');
  });

  test('a subnet object without cidr', () => {
    const src = edit(BASE, 'dr   = { cidr = "10.20.0.0/24", name = "app-dr" }', 'dr   = { name = "app-dr" }');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Missing required attribute', loc(src, '{ name = "app-dr" }'))]);
    expect(detailOf(r, 'Missing required attribute')).toBe('Argument "dr" of network "app" needs the attribute "cidr".');
  });

  test("a network without a subnet at the VM's site", () => {
    const src = edit(BASE, '  home = { cidr = "10.10.0.0/24", name = "app-home" }\n', '');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error("Network has no subnet at the VM's site", loc(src, '[network.app]'))]);
    expect(detailOf(r, "Network has no subnet at the VM's site")).toContain('Add home = { cidr = "…", name = "…" } to network "app".');
  });

  test('a subnet too small for the VMs on it, at its cidr', () => {
    // A /30 has 4 addresses; network, gateway and broadcast leave 1 for 2 VMs. 2 + 3 fit in a /29.
    const src =
      edit(BASE, '"10.10.0.0/24"', '"10.10.0.0/30"').replace('vms = [vm.db01]', 'vms = [vm.db01, vm.app01]') + vmBlock('app01', { networks: '[network.app]' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Subnet too small', loc(src, 'cidr = "10.10.0.0/30"'))]);
    expect(detailOf(r, 'Subnet too small')).toContain('2 VMs at site.home use network "app", but its subnet 10.10.0.0/30 has room for 1');
    expect(detailOf(r, 'Subnet too small')).toContain('e.g. /29');
  });

  test('more than 5 VMs at a site on a public network', () => {
    const src =
      edit(BASE, 'type = "private"', 'type = "public"').replace('vms = [vm.db01]', 'vms = [vm.db01, vm.web]') +
      vmBlock('web', { count: 5, networks: '[network.app]' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Too many VMs on a public network', loc(src, '"public"'))]);
    expect(detailOf(r, 'Too many VMs on a public network')).toContain('6 VMs at site.home use public network "app"');
  });

  test('static_ips outside the paired subnets, at the mapping', () => {
    const src = edit(BASE, '  test = {', '  static_ips = { "10.10.0.5" = "10.30.0.5" }\n  test = {');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Static IP outside the paired subnets', loc(src, '"10.10.0.5" = "10.30.0.5"'))]);
    expect(detailOf(r, 'Static IP outside the paired subnets')).toContain('(home 10.10.0.0/24, dr 10.20.0.0/24)');
  });

  test('static_ips within the paired subnets are kept', () => {
    const r = load(edit(BASE, '  test = {', '  static_ips = { "10.10.0.5" = "10.20.0.5" }\n  test = {'));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.networks.get('network.app')!.staticIps).toEqual({ '10.10.0.5': '10.20.0.5' });
  });
});

describe('drills, orchestrators and notifications', () => {
  const drill = (body: string) => `\ndrill "monthly" {\n  plan = recovery_plan.erp\n${body}\n}\n`;

  test('a cron schedule with 4 fields', () => {
    const src = BASE + drill('  schedule = "0 3 1 *"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid schedule', loc(src, '"0 3 1 *"'))]);
    expect(detailOf(r, 'Invalid schedule')).toContain('a cron schedule has 5 fields (minute hour day-of-month month day-of-week), but this has 4');
  });

  test('a cron minute of 61', () => {
    const src = BASE + drill('  schedule = "61 3 1 * *"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid schedule', loc(src, '"61 3 1 * *"'))]);
    expect(detailOf(r, 'Invalid schedule')).toContain('the minute 61 is outside 0–59');
  });

  test('a valid drill decodes with its defaults', () => {
    const r = load(BASE + drill('  schedule = "0 3 1 * *"'));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.drills.get('drill.monthly')).toMatchObject({
      plan: 'recovery_plan.erp',
      schedule: '0 3 1 * *',
      network: 'test',
      cleanupAfterSeconds: 4 * 3600,
    });
  });

  test('a drill network other than "test"', () => {
    const src = BASE + drill('  network = "tset"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unknown drill network', loc(src, '"tset"'))]);
    expect(detailOf(r, 'Unknown drill network')).toContain('Did you mean "test"?');
  });

  test('a drill over a network with no test subnet', () => {
    const src = edit(BASE, '  test = { cidr = "10.99.0.0/24", name = "app-drill" }\n', '') + drill('');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Network has no drill subnet', loc(src, 'drill "monthly"'))]);
  });

  test('an HA orchestrator whose standby is its own site', () => {
    const src =
      BASE +
      '\norchestrator "ksys" {\n  site         = site.dr\n  machine_type = "s922"\n  tier         = "tier1"\n  high_availability {\n    standby_site = site.dr\n  }\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Orchestrator standby on the same site', loc(src, 'orchestrator "ksys"'))]);
  });

  test('a webhook that is not a URL', () => {
    const src = BASE + '\nnotification "ops" {\n  webhook = "hooks.example.com/dr"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid webhook URL', loc(src, '"hooks.example.com/dr"'))]);
    expect(detailOf(r, 'Invalid webhook URL')).toContain('is not an http:// or https:// URL');
  });

  test('an unknown notification event is reported at that event, with a suggestion', () => {
    const src = BASE + '\nnotification "ops" {\n  webhook = "http://127.0.0.1:9000/hook"\n  events  = ["move.failed", "rpo.breech"]\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unknown event', loc(src, '"rpo.breech"'))]);
    expect(detailOf(r, 'Unknown event')).toContain('subscribes to "rpo.breech", which drctl never emits. Did you mean "rpo.breach"?');
  });
});
