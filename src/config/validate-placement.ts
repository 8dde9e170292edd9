// Rules about where things land in PowerVS, so a plan never promises what apply cannot do: each
// address has a cloud name of its own (two addresses on one VM would change it back and forth),
// every VM has a network (PowerVS creates none without), and production subnets at a site do
// not overlap (one address would mean two machines).
import type { Range } from '../diag/types.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { cidrsOverlap, parseCidr } from './cidr.js';
import { cloudName, orchestratorCloudNames, volumeCloudName } from './cloud-names.js';
import { elementPath } from './decode.js';
import type { Declared, DrConfig } from './model.js';

function at(decl: Declared, ...names: string[]): Range {
  for (const n of names) if (decl.attrRanges[n]) return decl.attrRanges[n];
  return decl.declRange;
}

/** Source order (then address), so the one reported is the one written later. */
function bySource<T extends { readonly declRange: Range; readonly address: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) =>
    a.declRange.filename !== b.declRange.filename
      ? a.declRange.filename < b.declRange.filename
        ? -1
        : 1
      : a.declRange.start.byte - b.declRange.start.byte || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
}

/** "vm.app[3]" as written in HCL: vm.app[3]; "vm.app-3" as its block: vm "app-3". */
function shown(address: string): string {
  if (/\[[^\]]*\]$/.test(address)) return address;
  const dot = address.indexOf('.');
  return `${address.slice(0, dot)} "${address.slice(dot + 1)}"`;
}

export function validatePlacement(config: DrConfig, diags: Diagnostic[]): void {
  validateCloudNames(config, diags);
  validateVmNetworks(config, diags);
  validateProductionSubnets(config, diags);
}

/**
 * Two addresses must never share a PowerVS name: drctl finds (and adopts) cloud objects by name,
 * so both would manage one object. VMs (and the orchestrator's) are named across the pair, since
 * a failover boots every VM at the other site under its own name; volume groups and volumes too
 * (their copies live at the other site); networks per site, by the subnet names given.
 */
function validateCloudNames(config: DrConfig, diags: Diagnostic[]): void {
  const clash = (kind: string, name: string, first: Declared, second: Declared, subject: Range) =>
    diags.push(
      errorDiag(
        `Two ${kind}s with one PowerVS name`,
        `${shown(first.address)} and ${shown(second.address)} would both be the PowerVS ${kind} "${name}". drctl finds cloud objects by name, so both addresses would manage one ${kind}, and every apply would change it back and forth. Rename one of them.`,
        subject,
        second.range,
      ),
    );

  const vms = new Map<string, Declared>();
  for (const vm of bySource(config.vms.values())) {
    const name = cloudName(vm.address);
    const first = vms.get(name);
    if (first) clash('VM', name, first, vm, vm.declRange);
    else vms.set(name, vm);
  }
  for (const o of bySource(config.orchestrators.values())) {
    for (const name of orchestratorCloudNames(o.address)) {
      const first = vms.get(name);
      if (first) clash('VM', name, first, o, o.declRange);
      else vms.set(name, o);
    }
  }

  const groups = new Map<string, Declared>();
  const volumes = new Map<string, Declared>();
  for (const vg of bySource(config.volumeGroups.values())) {
    const name = cloudName(vg.address);
    const first = groups.get(name);
    if (first) clash('volume group', name, first, vg, vg.declRange);
    else groups.set(name, vg);
    for (const [i, v] of vg.volumes.entries()) {
      const vname = volumeCloudName(vg.address, v.name);
      const other = volumes.get(vname);
      // Two volumes of one group with one name are reported as such by the volume group rules.
      if (other && other !== vg)
        clash('volume', vname, other, vg, at(vg, elementPath(elementPath('volumes', i), 'name'), elementPath('volumes', i), 'volumes'));
      else volumes.set(vname, vg);
    }
  }

  const networks = new Map<string, Declared>();
  for (const net of bySource(config.networks.values())) {
    for (const [site, subnet] of Object.entries(net.subnets)) {
      const key = `${site}\n${subnet.name}`;
      const first = networks.get(key);
      if (first && first !== net) clash('network', `${subnet.name}" at site "${site}`, first, net, at(net, elementPath(site, 'name'), site));
      else networks.set(key, net);
    }
  }
}

/** PowerVS creates a VM only with a network interface; the orchestrator's VMs need one too. */
function validateVmNetworks(config: DrConfig, diags: Diagnostic[]): void {
  const reported = new Set<Range>();
  for (const vm of bySource(config.vms.values())) {
    // Once per block: the instances of a counted block share its declaration.
    if (vm.networks.length || reported.has(vm.declRange)) continue;
    reported.add(vm.declRange);
    diags.push(
      errorDiag(
        'VM without a network',
        `${shown(vm.address)} is on no network, and PowerVS creates a VM only with at least one network interface (apply would fail with HTTP 400). Add networks = [network.NAME] with a network that has a subnet at ${vm.site}.`,
        at(vm, 'networks'),
        vm.range,
      ),
    );
  }
  const hasSubnetAt = (site: string) => [...config.networks.values()].some((n) => n.subnets[site.slice('site.'.length)] !== undefined);
  for (const o of bySource(config.orchestrators.values())) {
    for (const site of [o.site, o.standbySite]) {
      if (site === undefined || hasSubnetAt(site)) continue;
      diags.push(
        errorDiag(
          'Orchestrator without a network',
          `orchestrator "${o.name}" needs a VM at ${site}, but no network has a subnet there, and PowerVS creates a VM only with a network. Give a network a subnet for ${site.slice('site.'.length)}.`,
          o.declRange,
          o.range,
        ),
      );
    }
  }
}

/** Two production subnets at one site that share addresses would give one address to two machines. */
function validateProductionSubnets(config: DrConfig, diags: Diagnostic[]): void {
  const seen: { net: Declared; site: string; cidr: string; parsed: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const net of bySource(config.networks.values())) {
    for (const [site, subnet] of Object.entries(net.subnets)) {
      const parsed = parseCidr(subnet.cidr);
      if (!parsed) continue;
      for (const other of seen) {
        if (other.site !== site || other.net === net || !cidrsOverlap(parsed, other.parsed)) continue;
        const inside = parsed.prefix >= other.parsed.prefix ? 'lies inside' : 'contains';
        diags.push(
          errorDiag(
            'Overlapping production subnets',
            `The ${site} subnet of network "${net.name}" (${subnet.cidr}) ${inside} the ${site} subnet of network "${other.net.name}" (${other.cidr}). Subnets at one site share the workspace's address space, so one address would belong to two networks. Choose ranges that do not overlap.`,
            at(net, elementPath(site, 'cidr'), site),
            net.range,
          ),
        );
      }
      seen.push({ net, site, cidr: subnet.cidr, parsed });
    }
  }
}
