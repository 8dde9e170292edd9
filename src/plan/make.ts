// Making a plan: rename per `moved`, refresh what state tracks (in parallel, bounded), diff the
// desired resources against it, and forecast recovery time and cost. Returns a Plan (plain data).
import * as path from 'node:path';
import { compareCosts, costBreakdown, predictRecoveryPlan, type DrConfig } from '../config/index.js';
import type { Provider, ResourceKind } from '../provider/index.js';
import type { DrState, JsonObject, JsonValue, StateResource } from '../state/index.js';
import { compareAddressesForDisplay } from '../review/index.js';
// Direct, not the hcl facade: that also brings the formatter and the hcl2json converter, which
// the plan/apply fast bundle (a measured start-up) leaves out.
import { containsSensitive, unmark, valueToJson } from '../hcl/value.js';
import { diagnosticsToJson, type DiagnosticJson } from '../diag/index.js';
import { refreshResource } from '../resources/index.js';
import { desiredResources } from './desired.js';
import { recordedRecoverySeconds } from './forecast.js';
import { applyMoves, diffResources, jsonEqual, managedAttributes, selectTargets } from './diff.js';
import type { EventInput } from './events.js';
import { PLAN_FORMAT_VERSION, summarize, type Drift, type Plan } from './plan.js';
import { declarativeRunbooks, roleDisagreements } from './declarative.js';

export interface PlanInputs {
  readonly config: DrConfig;
  /** The state as read (journal folded); null when there is none yet. */
  readonly state: DrState | null;
  /** Needed to refresh; without it (or with refresh false) state is taken as it is. */
  readonly provider?: Provider;
  readonly refresh: boolean;
  readonly destroy: boolean;
  readonly targets: readonly string[];
  readonly replace: readonly string[];
  readonly parallelism: number;
  readonly drctlVersion: string;
  readonly emit: (e: EventInput) => void;
  readonly diagnostics?: readonly DiagnosticJson[];
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export interface RefreshResult {
  readonly resources: StateResource[];
  readonly drift: Drift[];
  readonly deletedOutside: Set<string>;
}

/** Kinds whose list answer carries everything a read does (networks list references only). */
const LISTED_KINDS: ReadonlySet<ResourceKind> = new Set(['vm', 'volume_group']);
/** Below this many tracked objects of a kind in a workspace, single reads are cheaper than a list. */
const LIST_THRESHOLD = 10;

/**
 * Reads through one list request per (kind, workspace) where state tracks many objects there:
 * refreshing 2,000 VMs costs a few requests instead of 2,000. An id the list lacks is read on
 * its own, so "gone" is only ever concluded from a 404.
 */
export function listingReader(provider: Provider, resources: readonly StateResource[]): Pick<Provider, 'read'> {
  const tracked = new Map<string, number>();
  const key = (kind: string, workspace: string) => `${kind}\n${workspace}`;
  for (const r of resources) {
    const kind = r.type === 'orchestrator' ? 'vm' : r.type;
    const ws = r.attributes.workspace;
    if (typeof ws === 'string') tracked.set(key(kind, ws), (tracked.get(key(kind, ws)) ?? 0) + 1);
  }
  const lists = new Map<string, Promise<Map<string, unknown>>>();
  const read = async (kind: ResourceKind, workspace: string, id: string): Promise<unknown> => {
    const k = key(kind, workspace);
    if (!LISTED_KINDS.has(kind) || (tracked.get(k) ?? 0) < LIST_THRESHOLD) return provider.read(kind, workspace, id);
    let list = lists.get(k);
    if (!list) {
      list = provider.list(kind, workspace).then((items) => new Map(items.map((i) => [i.id, i as unknown])));
      lists.set(k, list);
    }
    return (await list).get(id) ?? provider.read(kind, workspace, id);
  };
  return { read: read as Provider['read'] };
}

/** Reads every tracked cloud object; drift is what the cloud says that state does not. */
export async function refreshState(
  resources: readonly StateResource[],
  provider: Provider,
  parallelism: number,
  emit: (e: EventInput) => void,
): Promise<RefreshResult> {
  const drift: Drift[] = [];
  const deletedOutside = new Set<string>();
  const reader = listingReader(provider, resources);
  const refreshed = await mapLimit(resources, parallelism, async (r) => {
    emit({ type: 'refresh.start', address: r.address });
    const observed = await refreshResource(r, { provider: reader });
    if (observed === 'unchanged') {
      emit({ type: 'refresh.done', address: r.address, drift: 'none' });
      return r;
    }
    if (!observed) {
      deletedOutside.add(r.address);
      drift.push({ address: r.address, type: r.type, kind: 'deleted', recorded: managedAttributes(r), observed: null });
      emit({ type: 'refresh.done', address: r.address, drift: 'deleted' });
      return r;
    }
    const changedKeys: string[] = [];
    for (const k in observed.attributes) if (!jsonEqual(observed.attributes[k], r.attributes[k] ?? null)) changedKeys.push(k);
    if (changedKeys.length === 0) {
      emit({ type: 'refresh.done', address: r.address, drift: 'none' });
      return r;
    }
    // Built only for drift: a no-op refresh of thousands of resources copies nothing.
    const recorded = managedAttributes(r);
    const observedAll: Record<string, JsonValue> = { ...recorded };
    for (const k of changedKeys) observedAll[k] = observed.attributes[k];
    drift.push({ address: r.address, type: r.type, kind: 'changed', recorded, observed: observedAll });
    emit({ type: 'refresh.done', address: r.address, drift: 'changed' });
    return { ...r, attributes: { ...r.attributes, ...Object.fromEntries(changedKeys.map((k) => [k, observed.attributes[k]])), cloud: observed.cloud } };
  });
  drift.sort((a, b) => compareAddressesForDisplay(a.address, b.address));
  return { resources: refreshed, drift, deletedOutside };
}

/**
 * Output values for state. A sensitive one keeps its real value here (as `after` does for
 * attributes; the plan file is as secret as the configuration) so state can store its keyed
 * hash: state never holds it in plain text, and a changed secret is still told apart.
 */
export function outputsJson(config: DrConfig): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [name, o] of config.outputs) {
    // Sensitive anywhere inside (an object holding one sensitive value) is a sensitive output.
    out[name] = { value: valueToJson(unmark(o.value)) as JsonValue, sensitive: o.sensitive || containsSensitive(o.value) };
  }
  return out;
}

export async function makePlan(inp: PlanInputs): Promise<Plan> {
  const { config } = inp;
  const desired = desiredResources(config);
  inp.emit({ type: 'plan.start', dir: config.dir, resources: desired.length });
  const moved = applyMoves(
    inp.state?.resources ?? [],
    config.moves.map((m) => ({ from: m.from, to: m.to })),
  );
  let resources = moved.resources;
  let drift: Drift[] = [];
  let deletedOutside = new Set<string>();
  if (inp.refresh && inp.provider && resources.length) {
    const r = await refreshState(resources, inp.provider, inp.parallelism, inp.emit);
    resources = r.resources;
    drift = r.drift;
    deletedOutside = r.deletedOutside;
  }
  const all = diffResources(desired, resources, {
    destroy: inp.destroy,
    replace: inp.replace,
    deletedOutside,
    lineage: inp.state?.lineage,
    movedFrom: new Map(moved.applied.map((m) => [m.to, m.from])),
  });
  const changes = selectTargets(all, inp.targets);
  const summary = summarize(changes);
  // One computation for both sides: what state holds against what the configuration asks for.
  const cost = compareCosts(costBreakdown(resources), inp.destroy ? null : costBreakdown(desired));
  const parallelism = config.settings.parallelism ?? inp.parallelism;
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    drctlVersion: inp.drctlVersion,
    mode: inp.destroy ? 'destroy' : 'normal',
    // Absolute: a saved plan may be applied from another working directory.
    configDir: path.resolve(config.dir),
    state: inp.state ? { lineage: inp.state.lineage, serial: inp.state.serial } : null,
    changes,
    drift,
    moves: moved.applied,
    summary,
    recovery: inp.destroy
      ? []
      : [...config.recoveryPlans.values()].map((p) => {
          const pr = predictRecoveryPlan(p, config, parallelism);
          const previous = recordedRecoverySeconds(p.address, resources, parallelism);
          return {
            plan: p.address,
            predictedSeconds: pr.totalSeconds,
            targetSeconds: p.rtoSeconds,
            ...(previous === undefined ? {} : { previousSeconds: previous }),
          };
        }),
    cost: { beforeUsd: cost.beforeUsd, afterUsd: cost.afterUsd, deltaUsd: cost.deltaUsd, sites: cost.sites },
    targets: [...inp.targets],
    outputs: inp.destroy ? {} : outputsJson(config),
    errored: false,
    diagnostics: inp.diagnostics ?? [],
  };
  // A flipped site role is a move: the plan carries its runbook (absent when there is none).
  const runbooks = inp.destroy ? [] : declarativeRunbooks(config, inp.state, changes, parallelism);
  if (runbooks.length) (plan as { runbooks?: typeof runbooks }).runbooks = runbooks;
  // Production running elsewhere than the configuration says is part of what the plan tells.
  const disagreements = inp.destroy ? [] : roleDisagreements(config, inp.state, runbooks);
  if (disagreements.length) (plan as { diagnostics: readonly DiagnosticJson[] }).diagnostics = [...plan.diagnostics, ...diagnosticsToJson(disagreements)];
  inp.emit({ type: 'plan.done', summary, changes: changes.filter((c) => c.action !== 'no-op').length });
  return plan;
}
