// Which cloud resource is drctl's: PowerVS names are not unique, so drctl writes user tags on
// what it creates (VMs, volumes, networks; a volume group is known by its volumes) and looks a
// resource up by them before any create is sent or retried. It adopts only what carries the
// tag of the same address in the same state lineage; a resource of the same name without it is
// someone else's, and the create stops with an error naming both and saying how to import.

import { ProviderError } from '../errors.js';
import type { Ownership, ResourceKind, ResourceStates, VolumeGroupState } from '../types.js';
import type { Ctx } from './client.js';

/** How the provider lists and reads (the inventory does not talk HTTP itself). */
export interface InventoryAccess {
  list<K extends ResourceKind>(ctx: Ctx, kind: K): Promise<ResourceStates[K][]>;
  read<K extends ResourceKind>(ctx: Ctx, kind: K, id: string): Promise<ResourceStates[K] | undefined>;
}

const API_NAMES: Readonly<Record<ResourceKind, string>> = { vm: 'pvm-instance', volume: 'volume', volume_group: 'volume group', network: 'network' };

/** Kinds whose list items carry no user tags: a same-named item is read to see its tags. */
const UNTAGGED_LISTS: ReadonlySet<ResourceKind> = new Set(['vm', 'network']);

export class Inventory {
  /** What each (kind, workspace) held when first asked, plus what this provider made and minus what it removed since. */
  private readonly snapshots = new Map<string, Promise<Map<string, ResourceStates[ResourceKind][]>>>();

  constructor(private readonly access: InventoryAccess) {}

  private key(kind: ResourceKind, ctx: Ctx): string {
    return `${kind}\n${ctx.workspace}`;
  }

  private async byName<K extends ResourceKind>(ctx: Ctx, kind: K, fresh: boolean): Promise<Map<string, ResourceStates[K][]>> {
    const load = async () => {
      const m = new Map<string, ResourceStates[ResourceKind][]>();
      for (const item of await this.access.list(ctx, kind)) {
        const list = m.get(item.name);
        if (list) list.push(item);
        else m.set(item.name, [item]);
      }
      return m;
    };
    const k = this.key(kind, ctx);
    if (fresh) {
      const p = load();
      this.snapshots.set(k, p);
      p.catch(() => this.snapshots.delete(k));
      return p as Promise<Map<string, ResourceStates[K][]>>;
    }
    let p = this.snapshots.get(k);
    if (!p) {
      p = load();
      this.snapshots.set(k, p);
      p.catch(() => this.snapshots.delete(k));
    }
    return p as Promise<Map<string, ResourceStates[K][]>>;
  }

  /**
   * The resource named `name` that is `owner`'s, or undefined when there is none. `fresh` lists
   * again (before a retry, whose lost attempt may have made it); otherwise the first listing of
   * this process serves (what an earlier, interrupted run made is in it). A same-named resource
   * that is not ours is an error.
   */
  async owned<K extends ResourceKind>(
    ctx: Ctx,
    kind: K,
    name: string,
    owner: Ownership,
    memberIds: readonly string[] | undefined,
    fresh: boolean,
  ): Promise<ResourceStates[K] | undefined> {
    const same = (await this.byName(ctx, kind, fresh)).get(name) ?? [];
    if (same.length === 0) return undefined;
    const full = UNTAGGED_LISTS.has(kind) ? (await Promise.all(same.map((s) => this.access.read(ctx, kind, s.id)))).filter((s) => s !== undefined) : same;
    const mine = full.filter((s) => isOwned(kind, s, owner, memberIds));
    if (mine.length) return mine[0] as ResourceStates[K];
    if (full.length === 0) return undefined;
    const other = full[0];
    throw new ProviderError({
      code: 'not_owned',
      resource: ctx.resource,
      operation: ctx.operation,
      workspace: ctx.workspace,
      detail:
        `${owner.address} would be ${API_NAMES[kind]} "${name}", but ${full.length === 1 ? 'a' : full.length} ${API_NAMES[kind]}${full.length === 1 ? '' : 's'} of that name ` +
        `(id ${full.map((f) => f.id).join(', ')}) already ${full.length === 1 ? 'exists' : 'exist'} there without this configuration's identity (user tag ${owner.idTag}). ` +
        `drctl adopts only what it created. ` +
        (kind === 'vm'
          ? `To take ${full.length === 1 ? 'it' : 'one'} over, import it: drctl import '${owner.address}' ${other.id}; or give ${owner.address} another name.`
          : `Rename or remove the ${API_NAMES[kind]} in the way, or give ${owner.address} another name.`),
    });
  }

  /** Notes a resource this provider made, so a later lookup in the same run sees it. */
  created(ctx: Ctx, kind: ResourceKind, state: ResourceStates[ResourceKind]): void {
    const p = this.snapshots.get(this.key(kind, ctx));
    if (!p) return;
    void p.then(
      (m) => {
        const list = m.get(state.name);
        if (list) {
          if (!list.some((s) => s.id === state.id)) list.push(state);
        } else m.set(state.name, [state]);
      },
      () => undefined,
    );
  }

  /** Forgets a resource this provider deleted. */
  deleted(ctx: Ctx, kind: ResourceKind, id: string): void {
    const p = this.snapshots.get(this.key(kind, ctx));
    if (!p) return;
    void p.then(
      (m) => {
        for (const [name, list] of m) {
          const rest = list.filter((s) => s.id !== id);
          if (rest.length !== list.length) {
            if (rest.length) m.set(name, rest);
            else m.delete(name);
          }
        }
      },
      () => undefined,
    );
  }
}

/** A VM, volume or network is ours by its tag; a volume group (no tags in PowerVS) by holding our volumes. */
export function isOwned(kind: ResourceKind, s: ResourceStates[ResourceKind], owner: Ownership, memberIds?: readonly string[]): boolean {
  if (kind === 'volume_group') {
    const g = s as VolumeGroupState;
    return memberIds !== undefined && memberIds.length > 0 && g.volumeIds.some((v) => memberIds.includes(v));
  }
  return ((s as { userTags?: readonly string[] }).userTags ?? []).includes(owner.idTag);
}
