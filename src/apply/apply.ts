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
  if (!(e instanceof Error)) return String(e);
  // A file-system failure (recording the change in state on a full disk) names its file.
  const file = (e as NodeJS.ErrnoException).path;
  return typeof file === 'string' && !e.message.includes(file) ? `${e.message} (${file})` : e.message;
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

/** The graph node that destroys a replaced resource's old object; the address's own node creates the new one. */
const DESTROY = '\u0000destroy';
const destroyNode = (address: string) => `${address}${DESTROY}`;
const addressOf = (node: string) => (node.endsWith(DESTROY) ? node.slice(0, -DESTROY.length) : node);

interface Step {
  readonly change: PlannedChange;
  /** whole: the change in one visit; destroy / create: the two halves of a replace. */
  readonly part: 'whole' | 'destroy' | 'create';
}

/**
 * The changes as a graph. A replace is two nodes, so that old objects go before what they
 * depended on, and new ones come after (Terraform's destroy-then-create order): replacing a
 * network and the VMs on it deletes the VMs, then the network, then creates the network, then
 * the VMs. In one step each, the network's delete would meet its VMs still attached.
 */
export function applyGraph(work: readonly PlannedChange[]): Graph<Step> {
  const graph = new Graph<Step>();
  const by = new Map(work.map((c) => [c.address, c]));
  for (const c of work) {
    if (c.action === 'replace') {
      graph.addNode(destroyNode(c.address), { change: c, part: 'destroy' });
      graph.addNode(c.address, { change: c, part: 'create' });
    } else graph.addNode(c.address, { change: c, part: 'whole' });
  }
  const edge = (from: string, to: string) => {
    if (from !== to && graph.hasNode(from) && graph.hasNode(to)) graph.addEdge(from, to);
  };
  /** The node that removes `c`'s old object, if it removes one. */
  const removal = (c: PlannedChange | undefined) => (c?.action === 'replace' ? destroyNode(c.address) : c?.action === 'delete' ? c.address : undefined);
  for (const c of work) {
    for (const d of c.dependsOn) edge(c.address, d);
    if (c.action === 'replace') edge(c.address, destroyNode(c.address));
    // An old object goes before the old objects it depended on.
    const mine = removal(c);
    if (mine)
      for (const p of c.prior?.dependencies ?? []) {
        const theirs = removal(by.get(p));
        if (theirs) edge(theirs, mine);
      }
  }
  return graph;
}

export async function applyPlan(inp: ApplyInputs): Promise<ApplyResult> {
  const { plan, session, provider, emit } = inp;
  const work = plan.changes.filter((c) => c.action !== 'no-op');
  const graph = applyGraph(work);

  emit({ type: 'apply.start', total: work.length, parallelism: inp.parallelism });
  const started = inp.now();
  // What is created carries the state's lineage in its identity tags: the lineage must be on
  // storage before the first create, or a run killed right after it leaves orphans.
  if (work.some((c) => c.action === 'create' || c.action === 'replace')) await session.persistLineage();
  await recordMoves(plan, session);
  const elapsed = new Map<string, number>();
  const startedAt = new Map<string, number>();
  const results: ResourceResult[] = [];
  /** Addresses whose row has ended (done, failed or skipped): each ends once. */
  const settled = new Set<string>();

  // -parallelism bounds cloud operations in flight. Waiting for a change to be durable in the
  // journal holds no slot, so the next operation overlaps that fsync instead of queueing behind it.
  const slots = new Slots(inp.parallelism);
  const notStarted = new Set<string>();
  let inFlight = 0;

  const visit = async (id: string, step: Step) => {
    const { change, part } = step;
    const address = change.address;
    await slots.acquire();
    if (inp.signal?.aborted) {
      slots.release();
      notStarted.add(id);
      if (!settled.has(address)) {
        settled.add(address);
        emit({ type: 'resource.skipped', address, action: change.action, reason: 'cancelled by interrupt' });
      }
      return;
    }
    inFlight++;
    const t0 = startedAt.get(address) ?? inp.now();
    if (!startedAt.has(address)) {
      startedAt.set(address, t0);
      emit({ type: 'resource.start', address, action: change.action });
    }
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
      settled.add(address);
      emit({ type: 'resource.failed', address, action: change.action, error: errorMessage(e), elapsedMs: Math.round(ms) });
      return e;
    };
    let applied: Applied | undefined;
    let durable: Promise<void>;
    try {
      const prior: Applied | undefined = change.prior ? { id: change.prior.id, cloud: change.prior.cloud } : undefined;
      if (part === 'destroy') {
        await deleteResource(change.type, address, change.before!, prior!, ctx);
      } else if (change.action === 'create' || part === 'create') {
        applied = await createResource(change.type, address, change.after!, ctx);
      } else if (change.action === 'update') {
        applied = await updateResource(change.type, address, change.before!, change.after!, prior!, ctx);
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
    if (part === 'destroy') {
      emit({ type: 'resource.progress', address, message: 'the old one is destroyed; the new one is created once what it needs is ready' });
      return;
    }
    const ms = inp.now() - t0;
    elapsed.set(address, ms);
    settled.add(address);
    emit({ type: 'resource.done', address, action: change.action, id: applied?.id ?? '', elapsedMs: Math.round(ms) });
  };

  let interruptedAnnounced = false;
  const onAbort = () => {
    if (interruptedAnnounced) return;
    interruptedAnnounced = true;
    emit({ type: 'apply.interrupted', inFlight });
  };
  inp.signal?.addEventListener('abort', onAbort, { once: true });

  const walked = await walk(graph, (id, step) => visit(id, step), {
    // Every ready change may wait for a slot; the slots, not the walk, bound the work in flight.
    parallelism: Math.max(1, graph.nodes.length),
    signal: inp.signal,
    onSettled: (id, o) => {
      const { change } = graph.get(id)!;
      if (settled.has(change.address) || (o.status !== 'skipped' && o.status !== 'cancelled')) return;
      settled.add(change.address);
      const reason = o.status === 'skipped' ? `upstream failed (${addressOf(o.skippedBecause)})` : 'cancelled by interrupt';
      emit({ type: 'resource.skipped', address: change.address, action: change.action, reason });
    },
  });
  const outcomeOf = (id: string): WalkOutcome => (notStarted.has(id) ? CANCELLED : walked.get(id)!);
  inp.signal?.removeEventListener('abort', onAbort);
  // A replace's outcome is its first half's, unless that succeeded.
  const outcomes = new Map(
    work.map((c) => {
      const own = outcomeOf(c.address);
      if (c.action !== 'replace') return [c.address, own];
      const destroyed = outcomeOf(destroyNode(c.address));
      return [c.address, destroyed.status === 'succeeded' ? own : destroyed];
    }),
  );

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
      skippedBecause: o.status === 'skipped' ? addressOf(o.skippedBecause) : undefined,
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
