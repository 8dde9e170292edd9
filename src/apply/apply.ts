// Applying a plan: walk the changes as a graph under the parallelism limit, call the provider for
// each, and persist every completed change to state at once (journaled), so an interrupted run
// loses nothing. Dependents of a failure are skipped; independent branches carry on.
import { Graph, walk, type WalkOutcome } from '../graph/index.js';
import type { Provider } from '../provider/index.js';
import type { JsonObject, StateSession } from '../state/index.js';
import type { EventInput, Plan, PlannedChange } from '../plan/index.js';
import { createResource, deleteResource, ownership, updateResource, type Applied, type KindContext } from '../resources/index.js';

export interface ApplyInputs {
  readonly plan: Plan;
  readonly session: StateSession;
  readonly provider: Provider;
  readonly parallelism: number;
  readonly emit: (e: EventInput) => void;
  /** Aborting stops new work; in-flight calls finish. */
  readonly signal?: AbortSignal;
  readonly now: () => number;
  /** Real ms one resource operation may take. */
  readonly operationTimeoutMs?: number;
}

export interface ResourceResult {
  readonly address: string;
  readonly action: PlannedChange['action'];
  readonly status: WalkOutcome['status'];
  readonly error?: string;
  readonly skippedBecause?: string;
  readonly elapsedMs?: number;
}

export interface ApplyResult {
  readonly results: readonly ResourceResult[];
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: number;
  readonly interrupted: boolean;
  readonly serial: number;
}

const CANCELLED: WalkOutcome = { status: 'cancelled' };

/** Which other resource's state records cloud id `id` (as its id or anywhere in its cloud record). Only asked on a name clash. */
function ownerOf(session: StateSession, id: string, self: string): string | undefined {
  const quoted = JSON.stringify(id);
  return session.resources.find((r) => r.address !== self && (r.id === id || JSON.stringify(r.attributes.cloud ?? null).includes(quoted)))?.address;
}

/** A counting semaphore: at most `limit` holders at once, served in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  private head = 0;
  constructor(limit: number) {
    this.free = limit;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    if (this.head < this.waiting.length) this.waiting[this.head++]();
    else this.free++;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * `moved` renames in state before any change runs: the cloud object stays, only its address
 * changes. Both journal records are queued together, so they land in one write: a crash never
 * leaves the object under neither address (orphaned) or under both (deleted by the next plan).
 */
async function recordMoves(plan: Plan, session: StateSession): Promise<void> {
  const byAddress = new Map(plan.changes.map((c) => [c.address, c]));
  const writes: Promise<void>[] = [];
  for (const m of plan.moves) {
    const prior = session.resource(m.from);
    if (!prior || session.resource(m.to)) continue;
    const change = byAddress.get(m.to);
    // An unchanged resource takes its configured attributes now (sensitive markers are bound
    // to the address); a changed one keeps its old record until its change succeeds.
    const attributes = change?.action === 'no-op' && change.after ? { ...change.after, cloud: prior.attributes.cloud ?? {} } : prior.attributes;
    writes.push(
      session.upsert({
        address: m.to,
        type: prior.type,
        name: change?.name ?? m.to.slice(m.to.indexOf('.') + 1),
        id: prior.id,
        attributes,
        dependencies: change?.action === 'no-op' ? change.dependsOn : prior.dependencies,
        sensitiveAttributes: change?.action === 'no-op' ? change.sensitiveAttributes : prior.sensitiveAttributes,
      }),
      session.remove(m.from),
    );
  }
  await Promise.all(writes);
}

export async function applyPlan(inp: ApplyInputs): Promise<ApplyResult> {
  const { plan, session, provider, emit } = inp;
  const work = plan.changes.filter((c) => c.action !== 'no-op');
  const graph = new Graph<PlannedChange>();
  for (const c of work) graph.addNode(c.address, c);
  for (const c of work) for (const d of c.dependsOn) if (graph.hasNode(d) && d !== c.address) graph.addEdge(c.address, d);

  emit({ type: 'apply.start', total: work.length, parallelism: inp.parallelism });
  const started = inp.now();
  // What is created carries the state's lineage in its identity tags: the lineage must be on
  // storage before the first create, or a run killed right after it leaves orphans.
  if (work.some((c) => c.action === 'create' || c.action === 'replace')) await session.persistLineage();
  await recordMoves(plan, session);
  const elapsed = new Map<string, number>();
  const results: ResourceResult[] = [];

  // -parallelism bounds cloud operations in flight. Waiting for a change to be durable in the
  // journal holds no slot, so the next operation overlaps that fsync instead of queueing behind it.
  const slots = new Slots(inp.parallelism);
  const notStarted = new Set<string>();
  let inFlight = 0;

  const visit = async (address: string, change: PlannedChange) => {
    await slots.acquire();
    if (inp.signal?.aborted) {
      slots.release();
      notStarted.add(address);
      emit({ type: 'resource.skipped', address, action: change.action, reason: 'cancelled by interrupt' });
      return;
    }
    inFlight++;
    const t0 = inp.now();
    emit({ type: 'resource.start', address, action: change.action });
    const ctx: KindContext = {
      provider,
      lookup: (a) => session.resource(a),
      progress: (message) => emit({ type: 'resource.progress', address, message }),
      timeoutMs: inp.operationTimeoutMs,
      ownerOf: (id) => ownerOf(session, id, address),
      owner: (a, part) => ownership(session.lineage, a, part),
      sites: () => session.resources.filter((r) => r.type === 'site'),
    };
    const fail = (e: unknown) => {
      const ms = inp.now() - t0;
      elapsed.set(address, ms);
      emit({ type: 'resource.failed', address, action: change.action, error: errorMessage(e), elapsedMs: Math.round(ms) });
      return e;
    };
    let applied: Applied | undefined;
    let durable: Promise<void>;
    try {
      const prior: Applied | undefined = change.prior ? { id: change.prior.id, cloud: change.prior.cloud } : undefined;
      if (change.action === 'create') {
        applied = await createResource(change.type, address, change.after!, ctx);
      } else if (change.action === 'update') {
        applied = await updateResource(change.type, address, change.before!, change.after!, prior!, ctx);
      } else if (change.action === 'replace') {
        await deleteResource(change.type, address, change.before!, prior!, ctx);
        await session.remove(address);
        applied = await createResource(change.type, address, change.after!, ctx);
      } else if (change.action === 'delete') {
        await deleteResource(change.type, address, change.before!, prior!, ctx);
      }
      durable = applied
        ? session.upsert({
            address,
            type: change.type,
            name: change.name,
            id: applied.id,
            attributes: { ...(change.after as JsonObject), cloud: applied.cloud },
            dependencies: change.dependsOn,
            sensitiveAttributes: change.sensitiveAttributes,
          })
        : session.remove(address);
    } catch (e) {
      throw fail(e);
    } finally {
      inFlight--;
      slots.release();
    }
    // Done (and dependents released) only once the change is in the journal.
    try {
      await durable;
    } catch (e) {
      throw fail(e);
    }
    const ms = inp.now() - t0;
    elapsed.set(address, ms);
    emit({ type: 'resource.done', address, action: change.action, id: applied?.id ?? '', elapsedMs: Math.round(ms) });
  };

  let interruptedAnnounced = false;
  const onAbort = () => {
    if (interruptedAnnounced) return;
    interruptedAnnounced = true;
    emit({ type: 'apply.interrupted', inFlight });
  };
  inp.signal?.addEventListener('abort', onAbort, { once: true });

  const walked = await walk(graph, (id, c) => visit(id, c), {
    // Every ready change may wait for a slot; the slots, not the walk, bound the work in flight.
    parallelism: Math.max(1, work.length),
    signal: inp.signal,
    onSettled: (id, o) => {
      const c = graph.get(id)!;
      if (o.status === 'skipped') emit({ type: 'resource.skipped', address: id, action: c.action, reason: `upstream failed (${o.skippedBecause})` });
      if (o.status === 'cancelled') emit({ type: 'resource.skipped', address: id, action: c.action, reason: 'cancelled by interrupt' });
    },
  });
  const outcomes = new Map([...walked].map(([id, o]) => [id, notStarted.has(id) ? CANCELLED : o]));
  inp.signal?.removeEventListener('abort', onAbort);

  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  let cancelled = 0;
  for (const c of work) {
    const o = outcomes.get(c.address)!;
    if (o.status === 'succeeded') succeeded++;
    else if (o.status === 'failed') failed++;
    else if (o.status === 'skipped') skipped++;
    else cancelled++;
    results.push({
      address: c.address,
      action: c.action,
      status: o.status,
      error: o.status === 'failed' ? errorMessage(o.error) : undefined,
      skippedBecause: o.status === 'skipped' ? o.skippedBecause : undefined,
      elapsedMs: elapsed.get(c.address),
    });
  }
  for (const [name, out] of Object.entries(plan.outputs)) {
    const o = out as JsonObject;
    await session.setOutput(name, { value: o.value, sensitive: o.sensitive === true });
  }
  // Outputs no longer declared (or all of them, after a destroy) leave state; a targeted run
  // did not evaluate the whole configuration, so it keeps them.
  if (plan.targets.length === 0) {
    for (const name of Object.keys(session.outputs)) if (!Object.prototype.hasOwnProperty.call(plan.outputs, name)) await session.setOutput(name, undefined);
  }
  const commit = await session.commit();
  emit({ type: 'state.persisted', serial: commit.serial, changed: commit.written });
  emit({ type: 'apply.done', succeeded, failed, skipped, cancelled, elapsedMs: Math.round(inp.now() - started) });
  return { results, succeeded, failed, skipped, cancelled, interrupted: inp.signal?.aborted ?? false, serial: commit.serial };
}
