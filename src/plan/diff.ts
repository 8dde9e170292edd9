// Desired resources against (refreshed) state: one action per address, with the reason for
// every replace and delete. Pure: no provider, no files.
import { attributeAt, isRedacted, replaceAttributePath, sensitiveValueMatches, type JsonObject, type JsonValue, type StateResource } from '../state/index.js';
import { attachmentsOf, replacementsOf, type DesiredResource } from '../resources/index.js';
import { compareAddressesForDisplay } from '../review/index.js';
import type { ActionReason, Move, PlannedChange } from './plan.js';
import type { Action } from './actions.js';

export interface DiffOptions {
  readonly destroy?: boolean;
  /** -replace ADDR: replace these even when unchanged. */
  readonly replace?: readonly string[];
  /** Addresses whose cloud object was found missing during refresh. */
  readonly deletedOutside?: ReadonlySet<string>;
  /** The state's lineage: sensitive values are stored as markers keyed by it. */
  readonly lineage?: string;
  /** New address → the address a `moved` block renamed it from (markers name the old one). */
  readonly movedFrom?: ReadonlyMap<string, string>;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * State keeps a sensitive value as a keyed-hash marker. Where the marker stands for the desired
 * value, `before` takes that value, so nothing (diff, renderers, apply) sees a false change.
 */
function unmaskMatching(
  before: JsonObject,
  after: JsonObject,
  lineage: string | undefined,
  addresses: readonly string[],
  paths: readonly string[],
): JsonObject {
  if (lineage === undefined) return before;
  let out: Record<string, JsonValue> | undefined;
  for (const k in before) {
    const v = before[k];
    if (typeof v !== 'object' || v === null || !isRedacted(v) || !hasOwn(after, k)) continue;
    if (addresses.some((a) => sensitiveValueMatches(lineage, a, k, v, after[k]))) (out ??= { ...before })[k] = after[k];
  }
  // Markers deeper in (a recovery group's sensitive argument: `groups.0.post_check_env`).
  for (const p of paths) {
    if (!p.includes('.')) continue;
    const stored = attributeAt(out ?? before, p);
    const want = attributeAt(after, p);
    if (!isRedacted(stored) || want === undefined) continue;
    if (addresses.some((a) => sensitiveValueMatches(lineage, a, p, stored, want))) out = replaceAttributePath(out ?? before, p, () => want);
  }
  return out ?? before;
}

/** The config-managed part of state attributes (everything but the `cloud` record). */
export function managedAttributes(r: StateResource): JsonObject {
  // for-in, not Object.entries: a plan copies this for every resource in state.
  const a = r.attributes;
  const out: Record<string, JsonValue> = {};
  for (const k in a) if (k !== 'cloud') out[k] = a[k];
  return out;
}

export function cloudRecord(r: StateResource): JsonObject {
  const c = r.attributes.cloud;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as JsonObject) : {};
}

/** Deep equality of JSON data, key order aside (no canonical strings: a plan compares every attribute). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!hasOwn(b, k) || !jsonEqual(a[k], (b as JsonObject)[k])) return false;
  return true;
}

/** Top-level attribute names whose values differ. */
export function changedAttributes(before: JsonObject, after: JsonObject): string[] {
  const out: string[] = [];
  for (const k in before) if (!jsonEqual(before[k] ?? null, after[k] ?? null)) out.push(k);
  for (const k in after) if (!hasOwn(before, k) && after[k] !== null) out.push(k);
  return out.length > 1 ? out.sort() : out;
}

/** Applies `moved` renames to state resources; returns the renamed list and the moves that applied. */
export function applyMoves(resources: readonly StateResource[], moves: readonly Move[]): { resources: StateResource[]; applied: Move[] } {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const applied: Move[] = [];
  for (const m of moves) {
    const r = byAddress.get(m.from);
    if (!r || byAddress.has(m.to)) continue;
    byAddress.delete(m.from);
    const name = m.to.slice(m.to.indexOf('.') + 1);
    byAddress.set(m.to, { ...r, address: m.to, name });
    applied.push(m);
  }
  return { resources: [...byAddress.values()], applied };
}

export function diffResources(desired: readonly DesiredResource[], state: readonly StateResource[], opts: DiffOptions = {}): PlannedChange[] {
  const stateBy = new Map(state.map((r) => [r.address, r]));
  const replace = new Set(opts.replace ?? []);
  const changes: PlannedChange[] = [];
  const desiredAddrs = new Set<string>();

  for (const d of opts.destroy ? [] : desired) {
    desiredAddrs.add(d.address);
    const prior = stateBy.get(d.address);
    // Literals rather than `{ ...base, more }`, which V8 builds slowly (per property, per object).
    if (!prior) {
      changes.push({
        address: d.address,
        type: d.type,
        name: d.name,
        after: d.attributes,
        dependsOn: d.dependsOn,
        sensitiveAttributes: d.sensitiveAttributes,
        action: 'create',
        before: null,
      });
      continue;
    }
    const before = unmaskMatching(
      managedAttributes(prior),
      d.attributes,
      opts.lineage,
      [d.address, opts.movedFrom?.get(d.address) ?? d.address],
      d.sensitiveAttributes,
    );
    const priorRef = { id: prior.id, cloud: cloudRecord(prior), dependencies: prior.dependencies };
    const changed = changedAttributes(before, d.attributes);
    let action: Action = changed.length ? 'update' : 'no-op';
    let reason: ActionReason | undefined;
    let replaceAttributes: string[] | undefined;
    let replaceReasons: string[] | undefined;
    const forcing = changed.length ? replacementsOf(d.type, before, d.attributes, changed) : [];
    if (opts.deletedOutside?.has(d.address)) {
      action = 'replace';
      reason = 'replace_because_deleted_outside';
    } else if (forcing.length) {
      action = 'replace';
      reason = 'replace_because_cannot_update';
      replaceAttributes = [...new Set(forcing.map((f) => f.attribute))].sort();
      replaceReasons = forcing.map((f) => f.reason);
    } else if (replace.has(d.address)) {
      action = 'replace';
      reason = 'replace_by_request';
    }
    changes.push({
      address: d.address,
      type: d.type,
      name: d.name,
      after: d.attributes,
      dependsOn: d.dependsOn,
      sensitiveAttributes: d.sensitiveAttributes,
      action,
      before,
      prior: priorRef,
      actionReason: reason,
      replaceAttributes,
      ...(replaceReasons ? { replaceReasons } : {}),
    });
  }
  replaceAttached(changes);
  // Who depends on whom in state, for delete ordering (an index: a destroy of thousands stays linear).
  const stateDependents = new Map<string, string[]>();
  for (const o of state) {
    if (desiredAddrs.has(o.address)) continue;
    for (const d of o.dependencies) {
      const list = stateDependents.get(d);
      if (list) list.push(o.address);
      else stateDependents.set(d, [o.address]);
    }
  }
  for (const r of state) {
    if (desiredAddrs.has(r.address)) continue;
    changes.push({
      address: r.address,
      type: r.type,
      name: r.name,
      action: 'delete',
      before: managedAttributes(r),
      after: null,
      prior: { id: r.id, cloud: cloudRecord(r), dependencies: r.dependencies },
      // A delete waits for the deletion of everything that depended on it.
      dependsOn: [...new Set(stateDependents.get(r.address) ?? [])].sort(),
      actionReason: opts.destroy ? 'delete_because_destroy_mode' : 'delete_because_no_resource_config',
      sensitiveAttributes: r.sensitiveAttributes,
    });
  }
  // Read by people: `vm.web[8]` before `vm.web[12]`.
  return changes.sort((a, b) => compareAddressesForDisplay(a.address, b.address));
}

/**
 * A VM attached to a network or volume group that is replaced is replaced with it: its network
 * interface or volumes go with the old object, and drctl cannot attach the new one to a running
 * VM. Without this, apply would fail to delete a network still in use (HTTP 409).
 */
function replaceAttached(changes: PlannedChange[]): void {
  const replaced = new Set<string>();
  for (const c of changes) if (c.action === 'replace' && (c.type === 'network' || c.type === 'volume_group')) replaced.add(c.address);
  if (replaced.size === 0) return;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    if ((c.action !== 'update' && c.action !== 'no-op') || !c.after) continue;
    const hits = attachmentsOf(c.type, c.after).filter((a) => replaced.has(a.address));
    if (!hits.length) continue;
    changes[i] = {
      ...c,
      action: 'replace',
      actionReason: 'replace_because_cannot_update',
      replaceAttributes: [...new Set([...(c.replaceAttributes ?? []), ...hits.map((h) => h.attribute)])].sort(),
      replaceReasons: [...(c.replaceReasons ?? []), ...hits.map((h) => `${h.address} is replaced, and drctl cannot attach a running VM to the new one`)],
    };
  }
}

/**
 * -target: the targets and everything they depend on; for a destroy, everything that depends on
 * them. Both are `dependsOn`: a delete's lists what must be deleted before it (its dependents).
 */
export function selectTargets(changes: readonly PlannedChange[], targets: readonly string[]): PlannedChange[] {
  if (targets.length === 0) return [...changes];
  const by = new Map(changes.map((c) => [c.address, c]));
  const matches = targetMatches;
  const keep = new Set<string>();
  const stack = changes.filter((c) => targets.some((t) => matches(c.address, t))).map((c) => c.address);
  while (stack.length) {
    const a = stack.pop()!;
    if (keep.has(a)) continue;
    keep.add(a);
    for (const n of by.get(a)?.dependsOn ?? []) if (!keep.has(n)) stack.push(n);
  }
  return changes.filter((c) => keep.has(c.address));
}

/** Whether -target `t` selects `address`: the address itself, or every instance of a counted resource. */
export function targetMatches(address: string, t: string): boolean {
  return address === t || address.startsWith(`${t}[`);
}

/** The -target values that select none of `addresses` (desired and recorded), each with the closest address, if any. */
export function unmatchedTargets(
  targets: readonly string[],
  addresses: Iterable<string>,
): { readonly target: string; readonly candidates: readonly string[] }[] {
  const all = [...new Set(addresses)];
  const bases = all.map((a) => a.replace(/\[[^\]]*\]$/, ''));
  const candidates = [...new Set([...all, ...bases])].sort();
  return targets.filter((t) => !all.some((a) => targetMatches(a, t))).map((target) => ({ target, candidates }));
}
