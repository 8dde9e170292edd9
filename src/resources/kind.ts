// What every resource type module shares: the desired record a type derives from config, the
// context its cloud operations run in, readers for the JSON attributes state keeps, the cloud
// name of an address, and creating with adoption of what an interrupted run left behind.
import type { ResourceType } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import type { Ownership, Provider, ResourceKind, VmState } from '../provider/index.js';
// Direct, not the facade: the facade loads the PowerVS client, which a plan without state never needs.
import { isProviderError } from '../provider/errors.js';

export interface DesiredResource {
  readonly address: string;
  readonly type: ResourceType;
  readonly name: string;
  /** Config-managed attributes, JSON data, as stored in state (minus the `cloud` record). */
  readonly attributes: JsonObject;
  /** Resource addresses this one needs first (sorted). */
  readonly dependsOn: readonly string[];
  /** Top-level attribute names whose values are sensitive. */
  readonly sensitiveAttributes: readonly string[];
}

export interface KindContext {
  readonly provider: Provider;
  /** The current state of another resource (for ids of networks and volume groups). */
  readonly lookup: (address: string) => StateResource | undefined;
  readonly progress: (message: string) => void;
  /** Real ms an operation may take before it is abandoned. */
  readonly timeoutMs?: number;
  /** The address of another resource whose state holds this cloud id, if any. */
  readonly ownerOf?: (cloudId: string) => string | undefined;
  /** The identity (user tags) of what this state creates for an address, or a part of it. */
  readonly owner: (address: string, part?: string) => Ownership;
  /** The sites state records (a VM's copy at the other site is found through them). */
  readonly sites?: () => readonly StateResource[];
}

/** What the cloud assigned to a resource: its id, and the `cloud` record state keeps. */
export interface Applied {
  readonly id: string;
  readonly cloud: JsonObject;
}

export interface Observed {
  /** Config-managed attributes as the cloud reports them (only those the cloud knows). */
  readonly attributes: JsonObject;
  readonly cloud: JsonObject;
}

/** How refresh reads: one object at a time, or through a listing (plan/make.ts listingReader). */
export interface RefreshContext {
  readonly provider: Pick<Provider, 'read'>;
}

export const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
export const num = (v: JsonValue | undefined): number => (typeof v === 'number' ? v : 0);
export const obj = (v: JsonValue | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
export const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The name a resource has in PowerVS: `vm.app[3]` → "app-3" (config/cloud-names.ts, which validation checks too). */
// Direct, not the config facade: one small module of names, not the loader.
export { cloudName } from '../config/cloud-names.js';

/** `site.home` → "home": the key of a site in subnets and cloud id maps. */
export function siteKey(site: string): string {
  return site.slice('site.'.length);
}

/** The object without its undefined members (state never stores an absent attribute). */
export function clean(o: Record<string, JsonValue | undefined>): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** Sorted resource dependencies: references and depends_on, plus `extra`, without var/local/output. */
export function resourceDeps(deps: readonly string[], extra: readonly (string | undefined)[] = []): string[] {
  const set = new Set<string>();
  for (const d of [...deps, ...extra]) {
    if (!d) continue;
    // Instances of counted blocks depend on what their block depends on.
    if (/^(var|local|output)\./.test(d)) continue;
    set.add(d);
  }
  return [...set].sort();
}

/**
 * Creates a resource for `address`, or adopts the one an interrupted run made for it: the
 * provider looks it up by the address's identity tag before it sends the create (and before any
 * retry), and refuses one of the same name that lacks the tag (someone else's: import it). Never
 * adopts one that state already records for another address (a `moved` resource keeps its cloud
 * name and its old tags, so a new block with the old address would otherwise take it over).
 */
export async function createOrAdopt<K extends ResourceKind>(
  ctx: KindContext,
  kind: K,
  workspace: string,
  spec: Parameters<Provider['create']>[2] & { name: string },
  address: string,
  part?: string,
): Promise<Awaited<ReturnType<Provider['read']>> & { id: string }> {
  const owned = { ...spec, owner: ctx.owner(address, part) };
  let adopted = false;
  const create = () => ctx.provider.create(kind, workspace, owned as never, { timeoutMs: ctx.timeoutMs, onAdopt: () => (adopted = true) });
  const made = (await create()) as Awaited<ReturnType<Provider['read']>> & { id: string };
  if (!adopted) return made;
  const holder = ctx.ownerOf?.(made.id);
  if (holder) {
    throw new Error(
      `${address} would adopt the ${kind} "${spec.name}" (${made.id}) in ${workspace}, but state records it as ${holder} (renamed by a moved block?). Give this resource another name.`,
    );
  }
  // What a failed create left behind (a VM that never booted) is not worth keeping: start over.
  if (kind === 'vm' && (made as VmState).status === 'ERROR') {
    ctx.progress(`the ${kind} "${spec.name}" an earlier attempt made is in ERROR; deleting it and creating it again`);
    await ctx.provider.delete(kind, workspace, made.id, { missingOk: true, timeoutMs: ctx.timeoutMs });
    adopted = false;
    return (await create()) as Awaited<ReturnType<Provider['read']>> & { id: string };
  }
  ctx.progress(`adopted the ${kind} "${spec.name}" an interrupted run created (it carries this state's identity)`);
  return made;
}
