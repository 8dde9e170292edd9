// Generates a realistic drctl DR definition with many VMs, for parser and config benchmarks.
//
//   import { generateDrDefinition } from './gen-vms.mjs';
//   const hcl = generateDrDefinition(5000); // about 0.8 MB
//
// or from a shell:  node bench/gen-vms.mjs 5000 > /tmp/dr-5000.hcl
//
// The output follows the DR language in plans/ (sites, replication policies, networks, volume
// groups, VMs, a recovery plan with ordered groups, a drill, a notification) and is
// deterministic: the same count always gives the same text. Every VM is at site.home; tiers
// cycle infrastructure → database → middleware → app → web, and each database or middleware VM
// shares a volume group with its neighbours (20 per group).

// Stateless tiers (infra, app, web) have no replicated volumes, as in plans/vms.hcl.
const TIERS = [
  { name: 'infra', share: 0.05, machine: 's922', os: 'rhel', procs: [1, 2], mem: [16, 32], nets: ['app'], storage: false },
  { name: 'db', share: 0.1, machine: 'e980', os: 'aix', procs: [8, 16], mem: [256, 512], nets: ['db'], storage: true },
  { name: 'mq', share: 0.1, machine: 's922', os: 'aix', procs: [2, 4], mem: [32, 64], nets: ['app'], storage: true },
  { name: 'app', share: 0.45, machine: 's922', os: 'rhel', procs: [2, 4], mem: [64, 128], nets: ['app'], storage: false },
  { name: 'web', share: 0.3, machine: 's922', os: 'sles', procs: [1, 2], mem: [16, 32], nets: ['web'], storage: false },
];

const VMS_PER_VOLUME_GROUP = 20;

/** The definition for `vmCount` VMs, as HCL text. */
export function generateDrDefinition(vmCount) {
  const out = [];
  const line = (s = '') => out.push(s);

  // Assign VMs to tiers in proportion to their share; the remainder goes to app.
  const counts = TIERS.map((t) => Math.floor(vmCount * t.share));
  counts[3] += vmCount - counts.reduce((a, b) => a + b, 0);

  line(`# Generated DR definition: ${vmCount} VMs replicated from dal13 to wdc04.`);
  line('# Produced by bench/gen-vms.mjs; edit the generator, not this file.');
  line();
  line('drctl {');
  line('  parallelism = 10');
  line();
  line('  backend "local" {');
  line('    path = "state/bench.drstate.json"');
  line('  }');
  line('}');
  line();
  line('variable "env" {');
  line('  type    = string');
  line('  default = "prod"');
  line('}');
  line();
  line('locals {');
  line('  prefix = "erp-${var.env}"');
  line('}');
  line();
  line('site "home" {');
  line('  location  = "dal13"');
  line('  workspace = "${local.prefix}-dal13"');
  line('  role      = "active"');
  line('}');
  line();
  line('site "dr" {');
  line('  location  = "wdc04"');
  line('  workspace = "${local.prefix}-wdc04"');
  line('  role      = "standby"');
  line('}');
  line();
  line('orchestrator "ksys" {');
  line('  site         = site.dr');
  line('  machine_type = "s922"');
  line('  tier         = "tier1"');
  line();
  line('  high_availability {');
  line('    standby_site = site.home');
  line('  }');
  line('}');
  line();
  line('replication_policy "gold" {');
  line('  type = "global"');
  line('  rpo  = "15m"');
  line('  tier = "tier0"');
  line('}');
  line();
  line('replication_policy "silver" {');
  line('  type = "global"');
  line('  rpo  = "1h"');
  line('  tier = "tier1"');
  line('}');
  line();
  // One /16 per site and network: room for every VM of a large estate on one subnet. Web is
  // private too (behind load balancers): PowerVS gives a public network only a /29.
  const subnets = { app: 10, db: 20, web: 30 };
  for (const [name, second] of Object.entries(subnets)) {
    line(`network "${name}" {`);
    line('  type = "private"');
    line(`  home = { cidr = "10.${second}.0.0/16", name = "\${local.prefix}-${name}-dal13" }`);
    line(`  dr   = { cidr = "10.${second + 1}.0.0/16", name = "\${local.prefix}-${name}-wdc04" }`);
    line(`  test = { cidr = "10.${second + 2}.0.0/16", name = "\${local.prefix}-${name}-drill" }`);
    line('}');
    line();
  }

  // Volume groups for the tiers with storage.
  const vmNames = TIERS.map(() => []);
  const groupOf = new Map();
  let vgCount = 0;
  TIERS.forEach((tier, t) => {
    for (let k = 1; k <= counts[t]; k++) {
      const vmName = `${tier.name}${String(k).padStart(4, '0')}`;
      vmNames[t].push(vmName);
      if (tier.storage) {
        const vg = `${tier.name}_${String(Math.ceil(k / VMS_PER_VOLUME_GROUP)).padStart(3, '0')}`;
        if (!groupOf.has(vg)) groupOf.set(vg, tier);
      }
    }
  });
  for (const [vg, tier] of groupOf) {
    vgCount++;
    const db = tier.name === 'db';
    line(`volume_group "${vg}" {`);
    line(`  policy = replication_policy.${db ? 'gold' : 'silver'}`);
    line('  volumes = [');
    line(`    { name = "${vg}-data", size_gb = ${db ? 2000 : 200 + (vgCount % 5) * 100} },`);
    line(`    { name = "${vg}-log", size_gb = ${db ? 200 : 50}${db ? ', tier = "tier5k"' : ''} },`);
    line('  ]');
    line('}');
    line();
  }

  TIERS.forEach((tier, t) => {
    vmNames[t].forEach((vmName, k) => {
      const procs = tier.procs[k % tier.procs.length];
      const mem = tier.mem[k % tier.mem.length];
      // Unaligned (as a generator would write them), which keeps 5,000 VMs near 0.8 MB.
      line(`vm "${vmName}" {`);
      line('  site = site.home');
      line(`  machine_type = "${tier.machine}"`);
      line(`  processors = ${procs}`);
      line(`  memory_gb = ${mem}`);
      line(`  os = "${tier.os}"`);
      line(`  networks = [${tier.nets.map((n) => `network.${n}`).join(', ')}]`);
      if (tier.storage) {
        const vg = `${tier.name}_${String(Math.ceil((k + 1) / VMS_PER_VOLUME_GROUP)).padStart(3, '0')}`;
        line(`  volume_groups = [volume_group.${vg}]`);
      }
      line('}');
      line();
    });
  });

  line('recovery_plan "erp" {');
  line('  rto = "45m"');
  const groupNames = { infra: 'infrastructure', db: 'database', mq: 'middleware', app: 'app', web: 'web' };
  TIERS.forEach((tier, t) => {
    const names = vmNames[t];
    if (names.length === 0) return;
    line();
    line(`  group "${groupNames[tier.name]}" {`);
    line('    vms = [');
    for (let k = 0; k < names.length; k += 8) {
      line(
        '      ' +
          names
            .slice(k, k + 8)
            .map((n) => `vm.${n},`)
            .join(' '),
      );
    }
    line('    ]');
    if (tier.name === 'db') {
      line('    timeout    = "15m"');
      line('    post_check = "scripts/db-ready.sh"');
    }
    if (tier.name === 'web') line('    manual = "Point the public DNS record at the DR load balancer"');
    line('  }');
  });
  line('}');
  line();
  line('drill "monthly" {');
  line('  plan          = recovery_plan.erp');
  line('  schedule      = "0 3 1 * *"');
  line('  network       = "test"');
  line('  cleanup_after = "4h"');
  line('}');
  line();
  line('notification "ops" {');
  line('  webhook = "http://127.0.0.1:9000/hook"');
  line('  events  = ["move.failed", "rpo.breach"]');
  line('}');
  return out.join('\n') + '\n';
}

// Run directly: print the definition for the count given (default 5000).
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(generateDrDefinition(Number(process.argv[2] ?? 5000)));
}
