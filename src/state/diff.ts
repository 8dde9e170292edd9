// A semantic diff of two states (`drctl state diff OLD NEW`): resources added, removed and
// changed at attribute and element level, lifecycle changes in words ("sites: replicating →
// recovered"), outputs, serial and lineage. Pure: the sides are DrStates, read elsewhere. Two
// states of different lineages are still compared, but said to be unrelated.
import { compareAddressesForDisplay } from '../review/address-order.js';
import { diffAttributes, diffValues, type ObjectDiff, type Value, type ValueDiff, type ValueObject } from '../review/value-diff.js';
import type { JsonValue } from './json.js';
import { isRedacted } from './sensitive.js';
import type { DrState, StateResource } from './types.js';

export interface StateHeader {
  /** False when there is no state on this side (a state file that a change adds or deletes). */
  readonly exists: boolean;
  readonly serial: number;
  readonly lineage: string;
  readonly drctlVersion: string;
}

export type ResourceChangeKind = 'added' | 'removed' | 'changed';

export interface ResourceDiff {
  readonly address: string;
  readonly type: string;
  readonly change: ResourceChangeKind;
  /** The record as the diff compares it: `id`, the attributes, `dependencies`; null on the side it is absent. */
  readonly before: ValueObject | null;
  readonly after: ValueObject | null;
  /** Element by element (review/value-diff.ts), secrets only as changed or not. */
  readonly diff: ObjectDiff;
  /** Top-level names that changed (`memory_gb`, `cloud`, `id`, `dependencies`). */
  readonly changedAttributes: readonly string[];
}

export interface LifecycleDiff {
  /** The key in state: "sites" (the site pair), a VM address, "drill.<name>", "run". */
  readonly key: string;
  readonly change: ResourceChangeKind;
  /** The machine's state ("replicating", "recovered"); undefined when the side has none. */
  readonly beforeState?: string;
  readonly afterState?: string;
  /** In words: "sites: replicating → recovered; production moved from site.home to site.dr". */
  readonly description: string;
  readonly diff: ValueDiff;
}

export interface OutputDiff {
  readonly name: string;
  readonly change: ResourceChangeKind;
  readonly sensitive: boolean;
  readonly diff: ValueDiff;
}

export interface StateDiff {
  readonly before: StateHeader;
  readonly after: StateHeader;
  /** Different lineages: the two files are different states, not versions of one. */
  readonly sameLineage: boolean;
  /** Same lineage, same serial, same content: what exit code 0 stands for. */
  readonly equal: boolean;
  readonly resources: readonly ResourceDiff[];
  readonly lifecycles: readonly LifecycleDiff[];
  readonly outputs: readonly OutputDiff[];
  readonly summary: { readonly added: number; readonly removed: number; readonly changed: number; readonly lifecycles: number; readonly outputs: number };
}

/** The record fields a reader cares about, with the attributes: what changed in a resource. */
function recordOf(r: StateResource): ValueObject {
  const out: Record<string, Value> = { id: r.id };
  for (const [k, v] of Object.entries(r.attributes)) out[k === 'id' || k === 'dependencies' ? `attributes.${k}` : k] = v as Value;
  out.dependencies = [...r.dependencies];
  return out;
}

function diffResource(b: StateResource | undefined, a: StateResource | undefined): ResourceDiff | undefined {
  const before = b ? recordOf(b) : null;
  const after = a ? recordOf(a) : null;
  const sensitivePaths = [...(b?.sensitiveAttributes ?? []), ...(a?.sensitiveAttributes ?? [])];
  const diff = diffAttributes(before, after, { sensitivePaths, isSensitiveValue: isRedacted });
  if (diff.action === 'no-op') return undefined;
  const r = (a ?? b)!;
  return {
    address: r.address,
    type: r.type,
    change: !b ? 'added' : !a ? 'removed' : 'changed',
    before,
    after,
    diff,
    changedAttributes: diff.attributes.filter((x) => x.diff.action !== 'no-op').map((x) => x.key),
  };
}

/** A machine's state as one string: "recovered", or "moving.switching" for a nested one. */
export function lifecycleStateName(snapshot: JsonValue | undefined): string | undefined {
  if (!snapshot || typeof snapshot !== 'object' || Array.isArray(snapshot)) return undefined;
  const flat = (v: JsonValue | undefined): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const parts = Object.entries(v).map(([k, sub]) => {
        const rest = flat(sub);
        return rest === undefined ? k : `${k}.${rest}`;
      });
      return parts.length ? parts.join(', ') : undefined;
    }
    return undefined;
  };
  return flat((snapshot as { value?: JsonValue }).value);
}

function contextOf(snapshot: JsonValue | undefined): Record<string, JsonValue> {
  const c = snapshot && typeof snapshot === 'object' && !Array.isArray(snapshot) ? (snapshot as { context?: JsonValue }).context : undefined;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, JsonValue>) : {};
}

/** Where production runs, in a context that says it (the site pair's `active`, a VM's `activeOn`). */
function productionSite(ctx: Record<string, JsonValue>): string | undefined {
  const v = ctx.active ?? ctx.activeOn;
  return typeof v === 'string' ? v : undefined;
}

function describeLifecycle(key: string, b: JsonValue | undefined, a: JsonValue | undefined): string {
  const bs = lifecycleStateName(b);
  const as = lifecycleStateName(a);
  if (b === undefined) {
    const at = productionSite(contextOf(a));
    return `${key}: started${as ? ` (${as})` : ''}${at ? `; production at ${at}` : ''}`;
  }
  if (a === undefined) return `${key}: ended${bs ? ` (was ${bs})` : ''}`;
  const parts: string[] = [];
  if (bs !== as) parts.push(`${key}: ${bs ?? 'no state'} → ${as ?? 'no state'}`);
  else parts.push(bs ? `${key}: still ${bs}` : `${key}: changed`);
  const pb = productionSite(contextOf(b));
  const pa = productionSite(contextOf(a));
  if (pb !== pa && pb && pa) parts.push(`production moved from ${pb} to ${pa}`);
  const cb = contextOf(b);
  const ca = contextOf(a);
  if (typeof ca.run === 'string' && ca.run !== cb.run) parts.push(`by run ${ca.run}`);
  if (bs === as && parts.length === 1) {
    const keys = [...new Set([...Object.keys(cb), ...Object.keys(ca)])].filter((k) => JSON.stringify(cb[k]) !== JSON.stringify(ca[k])).sort();
    if (keys.length) parts.push(`context changed (${keys.join(', ')})`);
  }
  return parts.join('; ');
}

const NO_STATE: DrState = { serial: 0, lineage: '', drctlVersion: '', resources: [], lifecycles: {}, outputs: {} };

/** The diff of two states; null is "no state on this side" (everything added, or removed). */
export function diffStates(beforeState: DrState | null, afterState: DrState | null): StateDiff {
  const before = beforeState ?? NO_STATE;
  const after = afterState ?? NO_STATE;
  const resources: ResourceDiff[] = [];
  const byBefore = new Map(before.resources.map((r) => [r.address, r]));
  const byAfter = new Map(after.resources.map((r) => [r.address, r]));
  const addresses = [...new Set([...byBefore.keys(), ...byAfter.keys()])].sort(compareAddressesForDisplay);
  for (const address of addresses) {
    const d = diffResource(byBefore.get(address), byAfter.get(address));
    if (d) resources.push(d);
  }

  const lifecycles: LifecycleDiff[] = [];
  const keys = [...new Set([...Object.keys(before.lifecycles), ...Object.keys(after.lifecycles)])].sort(compareAddressesForDisplay);
  for (const key of keys) {
    const b = before.lifecycles[key];
    const a = after.lifecycles[key];
    const diff = diffValues(b as Value | undefined, a as Value | undefined, { isSensitiveValue: isRedacted });
    if (!diff || diff.action === 'no-op') continue;
    lifecycles.push({
      key,
      change: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed',
      beforeState: lifecycleStateName(b),
      afterState: lifecycleStateName(a),
      description: describeLifecycle(key, b, a),
      diff,
    });
  }

  const outputs: OutputDiff[] = [];
  const names = [...new Set([...Object.keys(before.outputs), ...Object.keys(after.outputs)])].sort();
  for (const name of names) {
    const b = before.outputs[name];
    const a = after.outputs[name];
    const sensitive = (b?.sensitive ?? false) || (a?.sensitive ?? false);
    // A sensitive output is stored as a marker (state/sensitive.ts); compare markers, show neither.
    const diff = diffValues(b?.value as Value | undefined, a?.value as Value | undefined, { isSensitiveValue: (v) => sensitive || isRedacted(v) });
    const flagChanged = b !== undefined && a !== undefined && b.sensitive !== a.sensitive;
    if ((!diff || diff.action === 'no-op') && !flagChanged) continue;
    outputs.push({
      name,
      change: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed',
      sensitive,
      diff: diff ?? { kind: 'scalar', action: 'no-op', before: null, after: null },
    });
  }

  const header = (s: DrState | null): StateHeader => ({
    exists: s !== null,
    serial: s?.serial ?? 0,
    lineage: s?.lineage ?? '',
    drctlVersion: s?.drctlVersion ?? '',
  });
  // With no state on one side, there is no other lineage to differ from.
  const sameLineage = !beforeState || !afterState || before.lineage === after.lineage;
  const count = (k: ResourceChangeKind) => resources.filter((r) => r.change === k).length;
  return {
    before: header(beforeState),
    after: header(afterState),
    sameLineage,
    equal:
      sameLineage &&
      !beforeState === !afterState &&
      before.serial === after.serial &&
      resources.length === 0 &&
      lifecycles.length === 0 &&
      outputs.length === 0,
    resources,
    lifecycles,
    outputs,
    summary: { added: count('added'), removed: count('removed'), changed: count('changed'), lifecycles: lifecycles.length, outputs: outputs.length },
  };
}
