// Turns a resource's evaluated arguments into its typed model object.
import type { Expression, Range } from '../hcl/ast.js';
import type { Diagnostic } from '../diag/types.js';
import { resolveMachineType, vmBootSeconds, type MachineType, type OsType, type ProcType, type StorageTier } from '../powervs/index.js';
import { decodeRef, decodeRefList, type StaticRef } from './refs.js';
import type { CheckedBody } from './body.js';
import { objectItemKey, objectItemRange, type Plain } from './convert.js';
import type { Declaration } from './declarations.js';
import type {
  Declared,
  Drill,
  Network,
  Notification,
  Orchestrator,
  RecoveryGroup,
  RecoveryPlan,
  ReplicationPolicy,
  ResourceType,
  Site,
  SiteRole,
  Subnet,
  Vm,
  Volume,
  VolumeGroup,
} from './model.js';

export interface DecodedAttrs {
  readonly address: string;
  readonly declaration: Declaration;
  readonly index?: number;
  readonly attrs: Readonly<Record<string, Plain>>;
  readonly nested: Readonly<Record<string, readonly Readonly<Record<string, Plain>>[]>>;
  /** Reference arguments, still as syntax. */
  readonly refs: ReadonlyMap<string, Expression>;
  readonly checked: CheckedBody;
  readonly sensitive: ReadonlySet<string>;
  readonly dependsOn: readonly string[];
}

/** The resource maps of DrConfig, writable while decoding. */
export interface MutableConfig {
  readonly replicationPolicies: Map<string, ReplicationPolicy>;
  readonly sites: Map<string, Site>;
  readonly orchestrators: Map<string, Orchestrator>;
  readonly networks: Map<string, Network>;
  readonly volumeGroups: Map<string, VolumeGroup>;
  readonly vms: Map<string, Vm>;
  readonly recoveryPlans: Map<string, RecoveryPlan>;
  readonly drills: Map<string, Drill>;
  readonly notifications: Map<string, Notification>;
}

/**
 * A record filled on first use. Ranges are needed only when a later check reports something,
 * and working them out for every element of a 5,000-VM estate costs more than the rest of
 * decoding; writes made before the first read (recovery groups) are kept.
 */
function lazyRecord<T>(fill: (out: Record<string, T>) => void): Record<string, T> {
  const target: Record<string, T> = {};
  let filled = false;
  const ensure = () => {
    if (filled) return;
    filled = true;
    const early = { ...target };
    fill(target);
    Object.assign(target, early);
  };
  return new Proxy(target, {
    get: (t, k) => (ensure(), Reflect.get(t, k)),
    has: (t, k) => (ensure(), Reflect.has(t, k)),
    ownKeys: (t) => (ensure(), Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, k) => (ensure(), Reflect.getOwnPropertyDescriptor(t, k)),
    set: (t, k, v) => Reflect.set(t, k, v),
  });
}

/** The key under which attrRanges keeps an element: `volumes[1]`, `home.cidr`, `static_ips["10.0.0.5"]`. */
export function elementPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Records the range of an argument's value and, where it is written as a list or object
 * constructor, of each element (two levels deep), so domain checks can point at the element.
 */
function addRanges(out: Record<string, Range>, path: string, expr: Expression, depth = 0): void {
  out[path] ??= expr.range;
  if (depth >= 2) return;
  const e = expr.kind === 'Parens' ? expr.expr : expr;
  if (e.kind === 'Tuple') e.items.forEach((item, i) => addRanges(out, elementPath(path, i), item, depth + 1));
  if (e.kind === 'Object') {
    for (const item of e.items) {
      const key = objectItemKey(item);
      if (key === undefined) continue;
      const p = elementPath(path, key);
      // An object element is pointed at from its key to its value: `size_gb = 300`.
      out[p] = objectItemRange(item);
      addRanges(out, p, item.value, depth + 1);
    }
  }
}

export type RefResolver = (refs: readonly StaticRef[], what: string) => string[] | undefined;

const DEFAULT_CYCLE_SECONDS = 300;
const DEFAULT_CLEANUP_SECONDS = 4 * 3600;

export function decodeResource(d: DecodedAttrs, config: MutableConfig, diags: Diagnostic[], resolve: RefResolver): void {
  const decl = d.declaration;
  const block = decl.block!;
  const owner = d.index === undefined ? `${block.type} "${decl.name}"` : `${block.type} "${decl.name}" [${d.index}]`;
  const a = d.attrs;
  const attrRanges = lazyRecord<Range>((out) => {
    for (const [k, attr] of d.checked.attrs) addRanges(out, k, attr.expr);
  });
  const base: Declared = {
    address: d.address,
    name: decl.name,
    range: decl.range,
    declRange: decl.declRange,
    dependsOn: d.dependsOn,
    attrRanges,
    sensitive: [...d.sensitive].sort(),
  };
  // Each call builds its own base, so the entity extends it in place. (`{ ...base, more }` is
  // V8's slow path: about 1.6 µs per further property per object, most of a 5,000-VM decode.)
  const entity = <T extends Declared>(fields: Omit<T, keyof Declared>): T => Object.assign(base, fields) as T;

  const one = (name: string, to: ResourceType): string | undefined => {
    const expr = d.refs.get(name);
    if (!expr) return undefined;
    const r = decodeRef(expr, to, `The argument "${name}" of ${owner}`, diags);
    if (!r) return undefined;
    return resolve([r], `${owner}`)?.[0];
  };
  const many = (name: string, to: ResourceType): string[] => {
    const expr = d.refs.get(name);
    if (!expr) return [];
    const rs = decodeRefList(expr, to, `The argument "${name}" of ${owner}`, diags);
    return (rs && resolve(rs, owner)) ?? [];
  };
  const anyRefs = (name: string): void => {
    const expr = d.refs.get(name);
    if (expr) decodeRefList(expr, 'any', `The argument "${name}" of ${owner}`, diags);
  };
  anyRefs('depends_on');

  switch (block.type as ResourceType) {
    case 'site': {
      if (typeof a.location !== 'string' || typeof a.workspace !== 'string' || typeof a.role !== 'string') return;
      const site: Site = entity<Site>({
        location: a.location,
        workspace: a.workspace,
        role: a.role as SiteRole,
        description: a.description as string | undefined,
      });
      config.sites.set(d.address, site);
      return;
    }
    case 'orchestrator': {
      const site = one('site', 'site');
      const ha = d.checked.blocks.get('high_availability')?.[0];
      let standbySite: string | undefined;
      if (ha) {
        const attr = ha.body.items.find((i) => i.kind === 'Attribute' && i.name === 'standby_site');
        if (attr && attr.kind === 'Attribute') {
          const r = decodeRef(attr.expr, 'site', `The argument "standby_site" of ${owner}`, diags);
          standbySite = r && resolve([r], owner)?.[0];
        }
      }
      const mt = resolveMachineType(String(a.machine_type ?? ''));
      if (!site || !mt || typeof a.tier !== 'string') return;
      const o: Orchestrator = entity<Orchestrator>({
        site,
        machineType: mt,
        tier: a.tier as StorageTier,
        processors: (a.processors as number | undefined) ?? 0.5,
        memoryGb: (a.memory_gb as number | undefined) ?? 32,
        standbySite,
      });
      config.orchestrators.set(d.address, o);
      return;
    }
    case 'replication_policy': {
      if (typeof a.rpo !== 'number' || typeof a.tier !== 'string') return;
      const p: ReplicationPolicy = entity<ReplicationPolicy>({
        type: 'global',
        rpoSeconds: a.rpo,
        tier: a.tier as StorageTier,
        cyclePeriodSeconds: (a.cycle_period as number | undefined) ?? DEFAULT_CYCLE_SECONDS,
      });
      config.replicationPolicies.set(d.address, p);
      return;
    }
    case 'network': {
      const subnets: Record<string, Subnet> = {};
      for (const [name, value] of Object.entries(a)) {
        if (name === 'type' || name === 'test' || name === 'static_ips') continue;
        const attr = d.checked.attrs.get(name)!;
        const v = value as Record<string, string>;
        subnets[name] = { cidr: v.cidr, name: v.name, gateway: v.gateway, range: attr.range };
      }
      const t = a.test as Record<string, string> | undefined;
      const testAttr = d.checked.attrs.get('test');
      const n: Network = entity<Network>({
        type: a.type as 'private' | 'public',
        subnets,
        test: t && testAttr ? { cidr: t.cidr, name: t.name, gateway: t.gateway, range: testAttr.range } : undefined,
        staticIps: (a.static_ips as Record<string, string> | undefined) ?? {},
      });
      config.networks.set(d.address, n);
      return;
    }
    case 'volume_group': {
      const policy = one('policy', 'replication_policy');
      const vols = a.volumes as Record<string, Plain>[] | undefined;
      if (!policy || !vols) return;
      const policyTier = config.replicationPolicies.get(policy)?.tier;
      const volumes: Volume[] = vols.map((v) => ({
        name: String(v.name),
        sizeGb: Number(v.size_gb),
        tier: ((v.tier as StorageTier | undefined) ?? policyTier ?? 'tier1') as StorageTier,
      }));
      const g: VolumeGroup = entity<VolumeGroup>({ policy, volumes });
      config.volumeGroups.set(d.address, g);
      return;
    }
    case 'vm': {
      const site = one('site', 'site');
      const mt: MachineType | undefined = resolveMachineType(String(a.machine_type ?? ''));
      if (!site || !mt || typeof a.processors !== 'number' || typeof a.memory_gb !== 'number' || typeof a.os !== 'string') return;
      const shape = { machineType: mt, os: a.os as OsType, memoryGb: a.memory_gb, processors: a.processors };
      const vm: Vm = entity<Vm>({
        site,
        machineType: mt,
        processors: a.processors,
        procType: ((a.proc_type as string | undefined) ?? 'dedicated') as ProcType,
        memoryGb: a.memory_gb,
        os: a.os as OsType,
        networks: many('networks', 'network'),
        volumeGroups: many('volume_groups', 'volume_group'),
        replicationPolicy: one('replication_policy', 'replication_policy'),
        image: a.image as string | undefined,
        bootSeconds: (a.boot_time as number | undefined) ?? vmBootSeconds(shape),
      });
      config.vms.set(d.address, vm);
      return;
    }
    case 'recovery_plan': {
      const groups: RecoveryGroup[] = [];
      for (const g of d.checked.blocks.get('group') ?? []) {
        const vmsAttr = g.body.items.find((i) => i.kind === 'Attribute' && i.name === 'vms');
        const groupAttrs = d.nested.group?.[groups.length] ?? {};
        // The plan's attrRanges also hold its groups': `group.web.timeout`, `group.web.vms["vm.web[0]"]`.
        const groupPath = elementPath('group', g.labels[0].value);
        for (const item of g.body.items) if (item.kind === 'Attribute') addRanges(attrRanges, elementPath(groupPath, item.name), item.expr);
        let vms: string[] = [];
        if (vmsAttr && vmsAttr.kind === 'Attribute') {
          const rs = decodeRefList(vmsAttr.expr, 'vm', `The argument "vms" of group "${g.labels[0].value}" in ${owner}`, diags);
          let ok = rs !== undefined;
          for (const r of rs ?? []) {
            const addresses = resolve([r], `group "${g.labels[0].value}"`);
            if (!addresses) ok = false;
            for (const addr of addresses ?? []) {
              vms.push(addr);
              attrRanges[elementPath(elementPath(groupPath, 'vms'), addr)] ??= r.range;
            }
          }
          if (!ok) vms = [];
        }
        const check = groupAttrs.post_check as string[] | undefined;
        groups.push({
          name: g.labels[0].value,
          vms,
          timeoutSeconds: groupAttrs.timeout as number | undefined,
          postCheck: check?.[0],
          ...(check && check.length > 1 ? { postCheckArgs: check.slice(1) } : {}),
          ...(groupAttrs.post_check_env ? { postCheckEnv: groupAttrs.post_check_env as Record<string, string> } : {}),
          postCheckSeconds: groupAttrs.post_check_time as number | undefined,
          manual: groupAttrs.manual as string | undefined,
          manualSeconds: groupAttrs.manual_time as number | undefined,
          range: g.range,
        });
      }
      const p: RecoveryPlan = entity<RecoveryPlan>({ groups, rtoSeconds: a.rto as number | undefined });
      config.recoveryPlans.set(d.address, p);
      return;
    }
    case 'drill': {
      const plan = one('plan', 'recovery_plan');
      if (!plan) return;
      const pass = d.nested.pass?.[0] ?? {};
      const dr: Drill = entity<Drill>({
        plan,
        schedule: a.schedule as string | undefined,
        network: (a.network as string | undefined) ?? 'test',
        cleanupAfterSeconds: (a.cleanup_after as number | undefined) ?? DEFAULT_CLEANUP_SECONDS,
        pass: { maxRtoSeconds: pass.max_rto as number | undefined, requirePostChecks: pass.require_post_checks !== false },
      });
      config.drills.set(d.address, dr);
      return;
    }
    case 'notification': {
      if (typeof a.webhook !== 'string') return;
      const n: Notification = entity<Notification>({
        webhook: a.webhook,
        events: (a.events as string[] | undefined) ?? [],
        ...(a.allow_link_local === true ? { allowLinkLocal: true } : {}),
      });
      config.notifications.set(d.address, n);
      return;
    }
  }
}
