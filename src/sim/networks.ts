// networks: the subnets of a workspace, and the host addresses VMs take in them.

import { intToIp, ipToInt, parseCidr, tryParseCidr } from './addresses.js';
import { badRequest, conflict } from './errors.js';
import type { NetworkRecord } from './records.js';
import { enumOf, num, only, optStrings, str, userTags, type Body } from './request.js';
import type { ApiResult, WorldCore } from './world-core.js';

export function listNetworks(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  return {
    status: 200,
    body: {
      networks: w.membersOf('networks', ws.id).map((n) => ({
        networkID: n.id,
        name: n.name,
        type: n.type,
        vlanID: n.vlanID,
        href: `/pcloud/v1/cloud-instances/${ws.id}/networks/${n.id}`,
      })),
    },
  };
}

export function getNetwork(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: networkView(w, w.findIn('networks', ws.id, id, 'network')) };
}

export function createNetwork(w: WorldCore, wsId: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'NetworkCreate');
  const now = w.now();
  const name = str(body, 'name', { max: 120 });
  const type = enumOf(body, 'type', ['vlan', 'pub-vlan'] as const, undefined);
  const tags = userTags(body);
  const existing = w.membersOf('networks', ws.id);
  const vlanID = existing.reduce((m, n) => Math.max(m, n.vlanID), 99) + 1;
  let cidr: string;
  if (type === 'vlan') {
    cidr = str(body, 'cidr');
    const parsed = tryParseCidr(cidr);
    if (!parsed || parsed.prefix < 8 || parsed.prefix > 30) throw badRequest(`cidr "${cidr}" is not an IPv4 network from /8 to /30`);
    cidr = `${intToIp(parsed.base)}/${parsed.prefix}`;
  } else {
    cidr = `192.168.${vlanID % 256}.0/29`;
  }
  const { base, size } = parseCidr(cidr);
  const gateway = body.gateway === undefined ? intToIp(base + 1) : str(body, 'gateway');
  const g = ipToInt(gateway);
  if (g === undefined || g <= base || g >= base + size - 1) throw badRequest(`gateway ${gateway} is not inside ${cidr}`);
  const dnsServers = optStrings(body, 'dnsServers') ?? ['127.0.0.1'];
  const mtu = body.mtu === undefined ? 1450 : num(body, 'mtu', { min: 1450, max: 9000 });
  const net: NetworkRecord = {
    id: w.newId(),
    workspace: ws.id,
    name,
    type,
    cidr,
    gateway,
    dnsServers,
    vlanID,
    mtu,
    ...(tags ? { userTags: tags } : {}),
    createdMs: now,
  };
  w.put('networks', net);
  w.event('network.created', ws, { kind: 'network', id: net.id, name }, { detail: { cidr, type } });
  return { status: 201, body: networkView(w, net) };
}

export function updateNetwork(w: WorldCore, wsId: string, id: string, body: Body): ApiResult {
  const ws = w.workspace(wsId);
  only(body, 'NetworkUpdate');
  const net = w.findIn('networks', ws.id, id, 'network');
  const name = body.name === undefined ? net.name : str(body, 'name', { max: 120 });
  const dnsServers = optStrings(body, 'dnsServers') ?? net.dnsServers;
  const next = { ...net, name, dnsServers };
  w.put('networks', next);
  w.event('network.updated', ws, { kind: 'network', id: net.id, name });
  return { status: 200, body: networkView(w, next) };
}

export function deleteNetwork(w: WorldCore, wsId: string, id: string): ApiResult {
  const ws = w.workspace(wsId);
  const net = w.findIn('networks', ws.id, id, 'network');
  const used = w.usedIps.get(net.id)?.size ?? 0;
  if (used > 0) throw conflict(`network "${net.name}" is in use by ${used} pvm-instance address(es)`);
  w.del('networks', net.id);
  w.event('network.deleted', ws, { kind: 'network', id: net.id, name: net.name });
  return { status: 200, body: {} };
}

function networkView(w: WorldCore, n: NetworkRecord): Body {
  const { base, size } = parseCidr(n.cidr);
  const used = w.usedIps.get(n.id)?.size ?? 0;
  const total = Math.max(0, size - 3);
  return {
    networkID: n.id,
    name: n.name,
    type: n.type,
    cidr: n.cidr,
    gateway: n.gateway,
    dnsServers: n.dnsServers,
    vlanID: n.vlanID,
    mtu: n.mtu,
    ipAddressRanges: [{ startingIPAddress: intToIp(base + 2), endingIPAddress: intToIp(base + size - 2) }],
    ipAddressMetrics: { available: total - used, used, total, utilization: total ? Math.round((used / total) * 100) : 0 },
    ...(n.userTags ? { userTags: n.userTags } : {}),
  };
}

// ---- host addresses (pvm-instances take them) ------------------------------------------

/** The next free host address, scanning on from the last one handed out (wrapping once). */
export function nextIp(w: WorldCore, net: NetworkRecord, taken: Set<string>): string {
  const { base, size } = parseCidr(net.cidr);
  const used = w.usedIps.get(net.id);
  const span = size - 3; // hosts .2 up to the one before broadcast
  const start = w.ipCursor.get(net.id) ?? 0;
  for (let k = 0; k < span; k++) {
    const ip = intToIp(base + 2 + ((start + k) % span));
    if (ip !== net.gateway && !used?.has(ip) && !taken.has(ip)) {
      w.ipCursor.set(net.id, (start + k + 1) % span);
      taken.add(ip);
      return ip;
    }
  }
  throw conflict(`network "${net.name}" has no free addresses`);
}

export function claimIp(w: WorldCore, net: NetworkRecord, ip: string, taken: Set<string>): string {
  const { base, size } = parseCidr(net.cidr);
  const n = ipToInt(ip);
  if (n === undefined || n <= base || n >= base + size - 1) throw badRequest(`address ${ip} is not in network "${net.name}" (${net.cidr})`);
  if (ip === net.gateway || w.usedIps.get(net.id)?.has(ip) || taken.has(ip)) throw conflict(`address ${ip} in network "${net.name}" is already in use`);
  taken.add(ip);
  return ip;
}
