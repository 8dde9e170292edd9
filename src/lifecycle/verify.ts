// `drctl verify`: is the DR pair ready to move? Each check is a line with a verdict; any failure
// makes the run not ready (exit 1), so CI can gate on it.
import { MACHINE_TYPES, STORAGE_TIERS } from '../powervs/index.js';
import { formatDuration, type DrConfig } from '../config/index.js';
import type { Provider } from '../provider/index.js';
import type { JsonValue } from '../state/index.js';
import { drillTag, networkIdAt } from '../resources/index.js';
import { SITE_BUSY_STATES, type SiteState } from './site.js';
import { planVolumeGroups, replicationAt, SITE_KEY, siteKey, sitePair, workspaceOf, type EstateState } from './estate.js';
import { drillLeftovers } from './cleanup.js';

export interface VerifyCheck {
  readonly name: 'replication' | 'capacity' | 'networks' | 'machine-types' | 'stale-clones' | 'lifecycle';
  readonly subject: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface VerifyReport {
  readonly ready: boolean;
  readonly active: string;
  readonly standby: string;
  readonly checks: readonly VerifyCheck[];
}

export interface VerifyInput {
  readonly config: DrConfig;
  readonly state: EstateState & { lifecycle(key: string): JsonValue | undefined; readonly lineage: string };
  readonly provider: Provider;
}

export async function verifyEstate({ config, state, provider }: VerifyInput): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const pair = sitePair(config);
  const saved = state.lifecycle(SITE_KEY) as { value?: string; context?: { active?: string; standby?: string } } | undefined;
  const active = saved?.context?.active ?? pair.active;
  const standby = saved?.context?.standby ?? pair.standby;
  const siteState = (saved?.value ?? 'ready') as SiteState;
  checks.push({
    name: 'lifecycle',
    subject: 'site',
    ok: !SITE_BUSY_STATES.includes(siteState) && siteState !== 'drilling' && siteState !== 'cleaning-up',
    message: `site lifecycle ${siteState}; production at ${active}`,
  });
  const vms = [...config.vms.values()];
  for (const vg of planVolumeGroups(
    config,
    vms.map((v) => v.address),
  )) {
    const policy = config.replicationPolicies.get(config.volumeGroups.get(vg)?.policy ?? '');
    try {
      const { status } = await replicationAt(provider, config, state, vg, standby);
      const lag = status.lagSeconds ?? 0;
      const ok = status.replicationEnabled && status.state === 'consistent_copying' && (policy === undefined || lag <= policy.rpoSeconds);
      checks.push({
        name: 'replication',
        subject: vg,
        ok,
        message: `${status.state}, lag ${formatDuration(Math.round(lag))}${policy ? ` (RPO ${formatDuration(policy.rpoSeconds)})` : ''}`,
      });
    } catch (e) {
      checks.push({ name: 'replication', subject: vg, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  }
  // Capacity: the standby workspace answers, is the replication partner, and can hold the estate.
  const standbyWs = workspaceOf(config, standby);
  try {
    const dr = await provider.disasterRecoverySite(workspaceOf(config, active));
    const loc = config.sites.get(standby)!.location;
    const cores = vms.reduce((s, v) => s + v.processors, 0);
    const memory = vms.reduce((s, v) => s + v.memoryGb, 0);
    const tooBig = vms.filter((v) => v.processors > MACHINE_TYPES[v.machineType].maxCores || v.memoryGb > MACHINE_TYPES[v.machineType].maxMemoryGb);
    checks.push({
      name: 'capacity',
      subject: standby,
      ok: dr.partners.includes(loc) && tooBig.length === 0,
      message: dr.partners.includes(loc)
        ? `${standbyWs} (${loc}) is the replication partner; the estate needs ${cores} cores and ${memory} GB${tooBig.length ? `; too big for their host: ${tooBig.map((v) => v.address).join(', ')}` : ''}`
        : `${loc} is not a replication partner of ${dr.location} (partners: ${dr.partners.join(', ')})`,
    });
  } catch (e) {
    checks.push({ name: 'capacity', subject: standby, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
  // Networks: every network a VM uses has a subnet and a cloud network at both sites.
  const used = new Set(vms.flatMap((v) => v.networks));
  for (const n of [...used].sort()) {
    const r = state.resource(n);
    const missing = [active, standby].filter((s) => networkIdAt(r, siteKey(s)) === undefined);
    let ok = missing.length === 0;
    let msg = ok ? `paired: ${[active, standby].map((s) => siteKey(s)).join(' ↔ ')}` : `no network at ${missing.join(', ')}`;
    if (ok) {
      const net = await provider.read('network', standbyWs, networkIdAt(r, siteKey(standby))!).catch(() => undefined);
      if (!net) {
        ok = false;
        msg = `the ${siteKey(standby)} network is gone from ${standbyWs}`;
      }
    }
    checks.push({ name: 'networks', subject: n, ok, message: msg });
  }
  // Machine types and tiers the standby site must offer.
  const types = [...new Set(vms.map((v) => v.machineType))].sort();
  const tiers = [...new Set([...config.volumeGroups.values()].flatMap((g) => g.volumes.map((v) => v.tier)))].sort();
  const badTypes = types.filter((t) => !(t in MACHINE_TYPES));
  const badTiers = tiers.filter((t) => !(t in STORAGE_TIERS));
  checks.push({
    name: 'machine-types',
    subject: standby,
    ok: !badTypes.length && !badTiers.length,
    message: `machine types ${types.join(', ')}; tiers ${tiers.join(', ')}${badTypes.length || badTiers.length ? ` — unavailable: ${[...badTypes, ...badTiers].join(', ')}` : ''}`,
  });
  // Stale drill leftovers at either site.
  for (const site of [active, standby]) {
    const ws = workspaceOf(config, site);
    try {
      const left = await drillLeftovers(provider, ws, drillTag(state.lineage));
      const stale = [...left.volumes, ...left.vms, ...left.networks].map((x) => x.name);
      checks.push({
        name: 'stale-clones',
        subject: site,
        ok: stale.length === 0,
        message: stale.length
          ? `${stale.length} drill leftover(s): ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''} (run drctl cleanup)`
          : 'none',
      });
    } catch (e) {
      checks.push({ name: 'stale-clones', subject: site, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { ready: checks.every((c) => c.ok), active, standby, checks };
}
