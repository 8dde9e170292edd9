// The domain rules that need the whole configuration: host limits, tiers, site pairing, one
// recovery group per VM, shared replication policies, networks, drills and notifications.
import type { Range } from '../diag/types.js';
import { type Diagnostic, errorDiag, warningDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { drPartnerOf, knownLocations, MACHINE_TYPES, STORAGE_TIERS } from '../powervs/index.js';
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from './cidr.js';
import { formatDuration } from './duration.js';
import { nameProblem } from './body.js';
import { elementPath } from './decode.js';
import { predictRecoveryPlan } from './recovery.js';
import { webhookProblem } from './webhook.js';
import type { DrConfig, Site } from './model.js';
import { validatePlacement } from './validate-placement.js';

export const KNOWN_EVENTS = [
  'move.started',
  'move.completed',
  'move.failed',
  'drill.started',
  'drill.completed',
  'drill.failed',
  'rpo.breach',
  'replication.broken',
  'vm.boot_failed',
  'verify.failed',
  'apply.failed',
] as const;

export function validateConfig(config: DrConfig, diags: Diagnostic[]): void {
  validateSites(config, diags);
  validateVms(config, diags);
  validateVolumeGroups(config, diags);
  validateNetworks(config, diags);
  validateSubnetCapacity(config, diags);
  validateRecoveryPlans(config, diags);
  validateDrills(config, diags);
  validateOrchestrators(config, diags);
  validateNotifications(config, diags);
  validatePlacement(config, diags);
}

/** Where an argument's value is written, or the block header when it was not written. */
function at(decl: { readonly attrRanges: Readonly<Record<string, Range>>; readonly declRange: Range }, ...names: string[]): Range {
  for (const n of names) if (decl.attrRanges[n]) return decl.attrRanges[n];
  return decl.declRange;
}

/** Declarations in source order, so "the second one" in a message is the one written later. */
function bySource<T extends { readonly declRange: Range }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) =>
    a.declRange.filename === b.declRange.filename ? a.declRange.start.byte - b.declRange.start.byte : a.declRange.filename < b.declRange.filename ? -1 : 1,
  );
}

function validateSites(config: DrConfig, diags: Diagnostic[]): void {
  const known = knownLocations();
  const byLocation = new Map<string, Site>();
  let unknownLocation = false;
  const clashed = new Set<string>();
  for (const site of bySource(config.sites.values())) {
    if (!known.includes(site.location)) {
      unknownLocation = true;
      diags.push(
        errorDiag(
          'Unknown PowerVS location',
          `site "${site.name}" is in "${site.location}", which is not a data centre with DR replication.${didYouMean(site.location, known)} Known locations: ${known.join(', ')}.`,
          at(site, 'location'),
          site.range,
        ),
      );
      continue;
    }
    const other = byLocation.get(site.location);
    if (other) {
      clashed.add(site.location);
      diags.push(
        errorDiag(
          'Two sites in one location',
          `site "${other.name}" and site "${site.name}" are both in ${site.location}; a DR pair needs two data centres. ${site.location} replicates to ${drPartnerOf(site.location)}; move one of them there.`,
          at(site, 'location'),
          site.range,
        ),
      );
    } else byLocation.set(site.location, site);
    const problem = nameProblem(site.workspace);
    if (problem) {
      diags.push(
        errorDiag(
          'Invalid workspace name',
          `The workspace "${site.workspace}" of site "${site.name}" is not a valid PowerVS name: ${problem}. PowerVS rejects names with spaces.`,
          at(site, 'workspace'),
          site.range,
        ),
      );
    }
  }
  const seen = new Set<string>();
  for (const site of byLocation.values()) {
    if (seen.has(site.address)) continue;
    const partnerLoc = drPartnerOf(site.location)!;
    const partner = byLocation.get(partnerLoc);
    seen.add(site.address);
    if (!partner) {
      // A site with a misspelt location may be the missing partner; fixing that comes first.
      if (unknownLocation || clashed.has(site.location)) continue;
      diags.push(
        errorDiag(
          'Site has no DR partner',
          `site "${site.name}" is in ${site.location}, which replicates to ${partnerLoc}, but no site is declared there. Add a site with location = "${partnerLoc}".`,
          site.declRange,
          site.range,
        ),
      );
      continue;
    }
    seen.add(partner.address);
    const active = [site, partner].filter((s) => s.role === 'active');
    if (active.length === 0) {
      diags.push(
        errorDiag(
          'No active site',
          `Neither site "${site.name}" (${site.location}) nor site "${partner.name}" (${partner.location}) has role = "active". Exactly one site of a pair runs production; set role = "active" on one of them.`,
          site.declRange,
        ),
      );
    } else if (active.length === 2) {
      diags.push(
        errorDiag(
          'Two active sites',
          `site "${site.name}" and site "${partner.name}" are a DR pair and both have role = "active". Exactly one site of a pair may be active, or a workgroup would run on both sites at once (split brain). Set role = "standby" on one of them.`,
          at(partner, 'role'),
          partner.range,
        ),
      );
    }
  }
}

function validateVms(config: DrConfig, diags: Diagnostic[]): void {
  for (const vm of config.vms.values()) {
    const limits = MACHINE_TYPES[vm.machineType];
    if (vm.processors > limits.maxCores) {
      diags.push(
        errorDiag(
          'Too many processors',
          `vm "${vm.name}" asks for ${vm.processors} cores, but an ${limits.label} host offers at most ${limits.maxCores}. Lower processors or choose a larger machine_type (e980: 143, e1080: 240).`,
          at(vm, 'processors'),
          vm.range,
        ),
      );
    }
    if (vm.memoryGb > limits.maxMemoryGb) {
      diags.push(
        errorDiag(
          'Too much memory',
          `vm "${vm.name}" asks for ${vm.memoryGb} GB of memory, but an ${limits.label} host offers at most ${limits.maxMemoryGb.toLocaleString('en-US')} GB. Lower memory_gb or choose a larger machine_type.`,
          at(vm, 'memory_gb'),
          vm.range,
        ),
      );
    }
    if (vm.os === 'ibmi' && limits.maxIbmiCores !== undefined && vm.processors > limits.maxIbmiCores) {
      diags.push(
        errorDiag(
          'Too many processors for IBM i',
          `IBM i on an ${limits.label} runs on at most ${limits.maxIbmiCores} cores; vm "${vm.name}" asks for ${vm.processors}. Lower processors or use an e980 or e1080.`,
          at(vm, 'processors'),
          vm.range,
        ),
      );
    }
    // The volume groups a replicated VM uses share its policy.
    const policies = new Set<string>();
    for (const vgAddr of vm.volumeGroups) {
      const vg = config.volumeGroups.get(vgAddr);
      if (vg) policies.add(vg.policy);
    }
    if (vm.replicationPolicy) {
      for (const vgAddr of vm.volumeGroups) {
        const vg = config.volumeGroups.get(vgAddr);
        if (vg && vg.policy !== vm.replicationPolicy) {
          diags.push(
            errorDiag(
              'Replication policy mismatch',
              `vm "${vm.name}" replicates with ${vm.replicationPolicy}, but its volume group ${vgAddr} uses ${vg.policy}. A VM's volume groups must share its policy so they move together; change one of them.`,
              at(vm, 'volume_groups', 'replication_policy'),
              vm.range,
            ),
          );
        }
      }
    } else if (policies.size > 1) {
      diags.push(
        errorDiag(
          'Replication policy mismatch',
          `The volume groups of vm "${vm.name}" use different replication policies (${[...policies].sort().join(', ')}). A VM's volume groups must share one policy so they move together.`,
          at(vm, 'volume_groups'),
          vm.range,
        ),
      );
    }
    for (const netAddr of vm.networks) {
      const net = config.networks.get(netAddr);
      const siteName = vm.site.slice('site.'.length);
      if (net && !net.subnets[siteName]) {
        diags.push(
          errorDiag(
            "Network has no subnet at the VM's site",
            `vm "${vm.name}" runs at ${vm.site}, but ${netAddr} defines no subnet for it. Add ${siteName} = { cidr = "…", name = "…" } to network "${net.name}".`,
            at(vm, 'networks'),
            vm.range,
          ),
        );
      }
    }
  }
}

/** PowerVS assigns a public network a /29 of its own: five usable addresses per site. */
export const PUBLIC_NETWORK_HOSTS = 5;

/** Every VM on a subnet needs an address: the network, gateway and broadcast ones are taken. */
function validateSubnetCapacity(config: DrConfig, diags: Diagnostic[]): void {
  const perSite = new Map<string, number>();
  for (const vm of config.vms.values()) {
    for (const n of vm.networks) {
      const key = `${n}@${vm.site}`;
      perSite.set(key, (perSite.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of perSite) {
    const [addr, site] = key.split('@');
    const net = config.networks.get(addr);
    if (!net) continue;
    if (net.type === 'private') {
      const subnet = net.subnets[site.slice('site.'.length)];
      const c = subnet && parseCidr(subnet.cidr);
      const hosts = c ? 2 ** (32 - c.prefix) - 3 : Infinity;
      if (count > hosts) {
        diags.push(
          errorDiag(
            'Subnet too small',
            `${count} VMs at ${site} use network "${net.name}", but its subnet ${subnet.cidr} has room for ${Math.max(0, hosts)} (the network, gateway and broadcast addresses are taken). Use a larger prefix, e.g. /${Math.max(8, 32 - Math.ceil(Math.log2(count + 3)))}.`,
            at(net, elementPath(site.slice('site.'.length), 'cidr'), site.slice('site.'.length)),
          ),
        );
      }
      continue;
    }
    if (count <= PUBLIC_NETWORK_HOSTS) continue;
    diags.push(
      errorDiag(
        'Too many VMs on a public network',
        `${count} VMs at ${site} use public network "${net.name}", but PowerVS gives a public network a /29 with ${PUBLIC_NETWORK_HOSTS} usable addresses. Put most of them on a private network behind a load balancer.`,
        at(net, 'type'),
        net.range,
      ),
    );
  }
}

function validateVolumeGroups(config: DrConfig, diags: Diagnostic[]): void {
  const users = new Map<string, Set<string>>();
  for (const vm of config.vms.values()) {
    for (const vg of vm.volumeGroups) {
      let s = users.get(vg);
      if (!s) users.set(vg, (s = new Set()));
      s.add(vm.site);
    }
  }
  for (const vg of config.volumeGroups.values()) {
    const names = new Set<string>();
    for (const [i, v] of vg.volumes.entries()) {
      const vol = elementPath('volumes', i);
      if (names.has(v.name)) {
        diags.push(
          errorDiag(
            'Duplicate volume name',
            `volume_group "${vg.name}" has two volumes named "${v.name}"; volume names must be unique in a group.`,
            at(vg, elementPath(vol, 'name'), vol, 'volumes'),
            vg.range,
          ),
        );
      }
      names.add(v.name);
      const tier = STORAGE_TIERS[v.tier];
      if (tier.maxVolumeGb !== undefined && v.sizeGb > tier.maxVolumeGb) {
        diags.push(
          errorDiag(
            'Volume too large for tier',
            `Volume "${v.name}" in volume_group "${vg.name}" is ${v.sizeGb} GB, but ${v.tier} volumes are at most ${tier.maxVolumeGb} GB (a fixed 5,000 IOPS). Use tier0, tier1 or tier3, or split the volume.`,
            at(vg, elementPath(vol, 'size_gb'), vol, 'volumes'),
            vg.range,
          ),
        );
      }
      const problem = nameProblem(v.name);
      if (problem) {
        diags.push(
          errorDiag(
            'Invalid volume name',
            `Volume "${v.name}" in volume_group "${vg.name}" is not a valid PowerVS name: ${problem}.`,
            at(vg, elementPath(vol, 'name'), vol, 'volumes'),
            vg.range,
          ),
        );
      }
    }
    const sites = users.get(vg.address);
    if (sites && sites.size > 1) {
      diags.push(
        errorDiag(
          'Volume group spans sites',
          `volume_group "${vg.name}" is used by VMs at ${[...sites].sort().join(' and ')}. A consistency group replicates and moves as one, so all its VMs must run at one site.`,
          vg.declRange,
          vg.range,
        ),
      );
    }
  }
}

function validateNetworks(config: DrConfig, diags: Diagnostic[]): void {
  const siteNames = [...config.sites.values()].map((s) => s.name);
  const production: { cidr: ReturnType<typeof parseCidr>; label: string }[] = [];
  for (const net of config.networks.values()) {
    for (const [siteName, subnet] of Object.entries(net.subnets)) {
      if (!siteNames.includes(siteName)) continue; // reported by the loader, at the argument's name
      production.push({ cidr: parseCidr(subnet.cidr), label: `${net.address}.${siteName} (${subnet.cidr})` });
      const problem = nameProblem(subnet.name);
      if (problem)
        diags.push(
          errorDiag(
            'Invalid network name',
            `The subnet name "${subnet.name}" in network "${net.name}" is not a valid PowerVS name: ${problem}.`,
            at(net, elementPath(siteName, 'name'), siteName),
          ),
        );
    }
    for (const [from, to] of Object.entries(net.staticIps)) {
      const fromIp = parseIpv4(from);
      const toIp = parseIpv4(to);
      if (fromIp === undefined || toIp === undefined) {
        diags.push(
          errorDiag(
            'Invalid IP address',
            `static_ips of network "${net.name}" maps "${from}" to "${to}"; both must be IPv4 addresses.`,
            at(net, elementPath('static_ips', from), 'static_ips'),
            net.range,
          ),
        );
        continue;
      }
      const within = (ip: number) =>
        Object.entries(net.subnets).find(([, s]) => {
          const c = parseCidr(s.cidr);
          return c !== undefined && cidrContains(c, ip);
        })?.[0];
      const a = within(fromIp);
      const b = within(toIp);
      if (!a || !b || a === b) {
        diags.push(
          errorDiag(
            'Static IP outside the paired subnets',
            `static_ips of network "${net.name}" maps ${from} to ${to}: the first must lie in one site's subnet and the second in the other site's subnet (${Object.entries(
              net.subnets,
            )
              .map(([k, s]) => `${k} ${s.cidr}`)
              .join(', ')}).`,
            at(net, elementPath('static_ips', from), 'static_ips'),
            net.range,
          ),
        );
      }
    }
  }
  for (const net of config.networks.values()) {
    if (!net.test) continue;
    const testProblem = nameProblem(net.test.name);
    if (testProblem)
      diags.push(
        errorDiag(
          'Invalid network name',
          `The drill subnet name "${net.test.name}" in network "${net.name}" is not a valid PowerVS name: ${testProblem}.`,
          at(net, 'test.name', 'test'),
        ),
      );
    const t = parseCidr(net.test.cidr);
    if (!t) continue;
    for (const p of production) {
      if (p.cidr && cidrsOverlap(t, p.cidr)) {
        diags.push(
          errorDiag(
            'Drill network overlaps production',
            `The drill subnet ${net.test.cidr} of network "${net.name}" overlaps ${p.label}. A drill boots clones with production addresses, so its network must be isolated; choose a range that overlaps no site subnet.`,
            at(net, 'test.cidr', 'test'),
          ),
        );
      }
    }
  }
}

function validateRecoveryPlans(config: DrConfig, diags: Diagnostic[]): void {
  const groupOf = new Map<string, string>();
  for (const plan of config.recoveryPlans.values()) {
    const groupNames = new Set<string>();
    for (const g of plan.groups) {
      if (groupNames.has(g.name)) {
        diags.push(errorDiag('Duplicate recovery group', `recovery_plan "${plan.name}" has two groups named "${g.name}".`, g.range));
      }
      groupNames.add(g.name);
      if (g.vms.length === 0) {
        diags.push(warningDiag('Empty recovery group', `group "${g.name}" of recovery_plan "${plan.name}" lists no VMs.`, g.range));
      }
      for (const vm of g.vms) {
        const where = `group "${g.name}" of recovery_plan "${plan.name}"`;
        const prev = groupOf.get(vm);
        if (prev) {
          diags.push(
            errorDiag(
              'VM in two recovery groups',
              `${vm} is in ${prev} and in ${where}. A VM belongs to at most one recovery group, so its start order is unambiguous; remove it from one of them.`,
              plan.attrRanges[elementPath(elementPath(elementPath('group', g.name), 'vms'), vm)] ?? g.range,
            ),
          );
        } else groupOf.set(vm, where);
      }
    }
    const prediction = predictRecoveryPlan(plan, config, config.settings.parallelism ?? 10);
    if (plan.rtoSeconds !== undefined && prediction.totalSeconds > plan.rtoSeconds) {
      diags.push(
        warningDiag(
          'Predicted RTO exceeds target',
          `recovery_plan "${plan.name}" is predicted to take ${formatDuration(prediction.totalSeconds)} on its first failover (shutdowns, storage switch, each VM built and booted at the standby site, declared post_check and manual times), longer than its rto of ${formatDuration(plan.rtoSeconds)}. Raise parallelism, split slow groups, or relax the target.`,
          at(plan, 'rto'),
        ),
      );
    }
    for (const g of prediction.groups) {
      const group = plan.groups.find((x) => x.name === g.name);
      if (group?.timeoutSeconds !== undefined && g.bootSeconds > group.timeoutSeconds) {
        diags.push(
          warningDiag(
            'Group timeout shorter than predicted boot',
            `group "${g.name}" of recovery_plan "${plan.name}" has timeout ${formatDuration(group.timeoutSeconds)}, but its VMs are predicted to take ${formatDuration(g.bootSeconds)} to build and boot.`,
            plan.attrRanges[elementPath(elementPath('group', g.name), 'timeout')] ?? group.range,
          ),
        );
      }
    }
  }
  for (const vm of config.vms.values()) {
    if (config.recoveryPlans.size > 0 && !groupOf.has(vm.address)) {
      diags.push(
        warningDiag('VM not in any recovery plan', `${vm.address} is in no recovery group, so a failover will not start it at the DR site.`, vm.declRange),
      );
    }
  }
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_LIMITS: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `a cron schedule has 5 fields (minute hour day-of-month month day-of-week), but this has ${fields.length}`;
  const names = ['minute', 'hour', 'day of month', 'month', 'day of week'];
  for (let i = 0; i < 5; i++) {
    if (!CRON_FIELD.test(fields[i])) return `the ${names[i]} field "${fields[i]}" is not valid`;
    for (const n of fields[i].match(/\d+/g) ?? []) {
      const [lo, hi] = CRON_LIMITS[i];
      const isStep = fields[i].includes(`/${n}`);
      if (!isStep && (Number(n) < lo || Number(n) > hi)) return `the ${names[i]} ${n} is outside ${lo}–${hi}`;
    }
  }
  return undefined;
}

function validateDrills(config: DrConfig, diags: Diagnostic[]): void {
  for (const drill of config.drills.values()) {
    if (drill.schedule !== undefined) {
      const problem = cronProblem(drill.schedule);
      if (problem) {
        diags.push(
          errorDiag(
            'Invalid schedule',
            `The schedule "${drill.schedule}" of drill "${drill.name}" is not a cron expression: ${problem}. Example: "0 3 1 * *" (03:00 on the 1st of each month).`,
            at(drill, 'schedule'),
            drill.range,
          ),
        );
      }
    }
    if (drill.network !== 'test') {
      diags.push(
        errorDiag(
          'Unknown drill network',
          `drill "${drill.name}" names network "${drill.network}", but drills boot on each network's isolated "test" subnet. Set network = "test".${didYouMean(drill.network, ['test'])}`,
          at(drill, 'network'),
          drill.range,
        ),
      );
      continue;
    }
    const plan = config.recoveryPlans.get(drill.plan);
    if (!plan) continue;
    const maxRto = drill.pass.maxRtoSeconds ?? plan.rtoSeconds;
    const predicted = predictRecoveryPlan(plan, config, config.settings.parallelism ?? 10, { kind: 'drill' }).totalSeconds;
    if (maxRto !== undefined && predicted > maxRto) {
      diags.push(
        warningDiag(
          'Predicted drill RTO exceeds max_rto',
          `drill "${drill.name}" is predicted to take ${formatDuration(predicted)} (volume clones, then every clone built and booted group by group, and the declared post_check times), longer than its limit of ${formatDuration(maxRto)}: it would fail every time. Raise parallelism, split slow groups, or relax max_rto.`,
          drill.declRange,
          drill.range,
        ),
      );
    }
    const nets = new Set<string>();
    for (const g of plan.groups) for (const vm of g.vms) for (const n of config.vms.get(vm)?.networks ?? []) nets.add(n);
    for (const n of [...nets].sort()) {
      const net = config.networks.get(n);
      if (net && !net.test) {
        diags.push(
          errorDiag(
            'Network has no drill subnet',
            `drill "${drill.name}" boots the VMs of ${drill.plan} on isolated test subnets, but ${n} has none. Add test = { cidr = "…", name = "…" } to network "${net.name}".`,
            drill.declRange,
            drill.range,
          ),
        );
      }
    }
  }
}

function validateOrchestrators(config: DrConfig, diags: Diagnostic[]): void {
  for (const o of config.orchestrators.values()) {
    if (o.standbySite && o.standbySite === o.site) {
      diags.push(
        errorDiag(
          'Orchestrator standby on the same site',
          `orchestrator "${o.name}" runs at ${o.site} and names the same site as its standby. A highly available orchestrator needs its standby at the other site of the pair.`,
          o.declRange,
          o.range,
        ),
      );
    }
    const limits = MACHINE_TYPES[o.machineType];
    if (o.processors > limits.maxCores || o.memoryGb > limits.maxMemoryGb) {
      diags.push(errorDiag('Orchestrator too large', `orchestrator "${o.name}" does not fit an ${limits.label} host.`, o.declRange, o.range));
    }
  }
}

function validateNotifications(config: DrConfig, diags: Diagnostic[]): void {
  for (const n of config.notifications.values()) {
    // A sensitive webhook (or one holding credentials) is not quoted back.
    const shown = `${n.sensitive.includes('webhook') ? '(sensitive value)' : `"${n.webhook}"`} of notification "${n.name}"`;
    const problem = webhookProblem(n.webhook, n.allowLinkLocal === true, shown);
    if (problem) diags.push(errorDiag(problem.summary, problem.detail, at(n, 'webhook'), n.range));
    for (const [i, e] of n.events.entries()) {
      if (!(KNOWN_EVENTS as readonly string[]).includes(e)) {
        diags.push(
          errorDiag(
            'Unknown event',
            `notification "${n.name}" subscribes to "${e}", which drctl never emits.${didYouMean(e, KNOWN_EVENTS)} Known events: ${KNOWN_EVENTS.join(', ')}.`,
            at(n, elementPath('events', i), 'events'),
            n.range,
          ),
        );
      }
    }
  }
}
