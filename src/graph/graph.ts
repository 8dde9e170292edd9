// A directed graph of dependencies. An edge `from → to` means "from depends on to": `to` must be
// done before `from` starts (the walk runs `to` first; destroy order is the reverse).

export class Graph<T = undefined> {
  private readonly data = new Map<string, T>();
  /** id → the ids it depends on. */
  private readonly deps = new Map<string, Set<string>>();
  /** id → the ids that depend on it. */
  private readonly dependentSets = new Map<string, Set<string>>();

  /** Adds a node, or replaces the data of an existing one (its edges stay). */
  addNode(id: string, ...data: undefined extends T ? [data?: T] : [data: T]): this {
    this.data.set(id, data[0] as T);
    if (!this.deps.has(id)) {
      this.deps.set(id, new Set());
      this.dependentSets.set(id, new Set());
    }
    return this;
  }

  /** Records that `from` depends on `to`. Both nodes must exist; a self-loop is allowed (it is a cycle). */
  addEdge(from: string, to: string): this {
    const out = this.deps.get(from);
    const back = this.dependentSets.get(to);
    if (!out) throw new Error(`Graph.addEdge: unknown node "${from}"`);
    if (!back) throw new Error(`Graph.addEdge: unknown node "${to}"`);
    out.add(to);
    back.add(from);
    return this;
  }

  removeEdge(from: string, to: string): this {
    this.deps.get(from)?.delete(to);
    this.dependentSets.get(to)?.delete(from);
    return this;
  }

  hasNode(id: string): boolean {
    return this.deps.has(id);
  }

  hasEdge(from: string, to: string): boolean {
    return this.deps.get(from)?.has(to) ?? false;
  }

  /** The data stored with a node (undefined for an unknown id). */
  get(id: string): T | undefined {
    return this.data.get(id);
  }

  get size(): number {
    return this.deps.size;
  }

  /** Node ids in insertion order. */
  get nodes(): string[] {
    return [...this.deps.keys()];
  }

  /** Every edge as [from, to] ("from depends on to"). */
  edges(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [from, tos] of this.deps) for (const to of tos) out.push([from, to]);
    return out;
  }

  /** What `id` depends on (direct only). */
  dependencies(id: string): string[] {
    return [...this.requireNode(id, this.deps)];
  }

  /** What depends on `id` (direct only). */
  dependents(id: string): string[] {
    return [...this.requireNode(id, this.dependentSets)];
  }

  /** Read-only views for the algorithms in this folder; they avoid copying on hot paths. */
  dependencySet(id: string): ReadonlySet<string> {
    return this.requireNode(id, this.deps);
  }

  dependentSet(id: string): ReadonlySet<string> {
    return this.requireNode(id, this.dependentSets);
  }

  /**
   * The given nodes plus everything they depend on, transitively: what `-target` must include.
   * Iterative, so deep chains cannot overflow the stack.
   */
  ancestorsOf(ids: string | Iterable<string>): Set<string> {
    return this.closure(typeof ids === 'string' ? [ids] : ids, this.deps);
  }

  /** The given nodes plus everything that depends on them, transitively (what a failure or a destroy affects). */
  descendantsOf(ids: string | Iterable<string>): Set<string> {
    return this.closure(typeof ids === 'string' ? [ids] : ids, this.dependentSets);
  }

  /** A new graph holding only `keep` and the edges among them (e.g. the graph of a -target run). */
  subgraph(keep: Iterable<string>): Graph<T> {
    const ids = new Set(keep);
    const sub = new Graph<T>();
    for (const id of this.deps.keys()) {
      if (ids.has(id)) (sub.addNode as (id: string, data: T) => Graph<T>)(id, this.data.get(id) as T);
    }
    for (const id of ids) {
      if (!this.deps.has(id)) throw new Error(`Graph.subgraph: unknown node "${id}"`);
      for (const to of this.deps.get(id)!) if (ids.has(to)) sub.addEdge(id, to);
    }
    return sub;
  }

  private closure(start: Iterable<string>, next: Map<string, Set<string>>): Set<string> {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const id of start) {
      this.requireNode(id, next);
      if (!seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    }
    while (stack.length > 0) {
      for (const n of next.get(stack.pop()!)!) {
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return seen;
  }

  private requireNode(id: string, from: Map<string, Set<string>>): Set<string> {
    const set = from.get(id);
    if (!set) throw new Error(`Graph: unknown node "${id}"`);
    return set;
  }
}
