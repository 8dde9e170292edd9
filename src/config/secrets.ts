// What the configuration knows is secret, for the redaction layer (src/redact): the text of every
// sensitive value (DrConfig.sensitiveStrings), and arguments holding URL credentials, which are
// marked sensitive here so state keeps their keyed hash and plans show "(sensitive value)".
import { isObject, Sensitive, type Value } from '../hcl/value.js';
import { hasUrlCredentials, urlCredentials } from '../redact/index.js';
import type { Plain } from './convert.js';
import type { DecodedAttrs } from './decode.js';
import type { Output, Variable } from './model.js';

/** The strings (and numbers, as text) of `v` that sit under a sensitive mark. */
export function sensitiveValueStrings(v: Value, into: Set<string>): Set<string> {
  const walk = (x: Value, marked: boolean, depth: number): void => {
    if (depth > 1000) return; // values are bounded far below this
    if (x instanceof Sensitive) return walk(x.value, true, depth + 1);
    if (Array.isArray(x)) for (const e of x) walk(e, marked, depth + 1);
    else if (isObject(x)) for (const k of Object.keys(x)) walk(x[k], marked, depth + 1);
    else if (marked && typeof x === 'string' && x !== '') into.add(x);
    else if (marked && typeof x === 'number') into.add(String(x));
  };
  walk(v, false, 0);
  return into;
}

function plainStrings(v: Plain | undefined, into: Set<string>, depth = 0): void {
  if (v === undefined || v === null || depth > 1000) return;
  if (typeof v === 'string') {
    if (v !== '') into.add(v);
  } else if (typeof v === 'number') into.add(String(v));
  else if (Array.isArray(v)) for (const e of v) plainStrings(e, into, depth + 1);
  else if (typeof v === 'object') for (const k of Object.keys(v)) plainStrings(v[k], into, depth + 1);
}

function holdsUrlCredentials(v: Plain | undefined, depth = 0): boolean {
  if (typeof v === 'string') return hasUrlCredentials(v);
  if (v === null || typeof v !== 'object' || depth > 1000) return false;
  if (Array.isArray(v)) return v.some((e) => holdsUrlCredentials(e, depth + 1));
  return Object.keys(v).some((k) => holdsUrlCredentials(v[k], depth + 1));
}

/**
 * A resource's arguments with URL credentials (`https://user:pass@host`, `?token=…`) marked
 * sensitive, as if they came from a sensitive variable: the whole value and the credentials
 * inside it join `secrets`.
 */
export function markUrlCredentials(d: DecodedAttrs, secrets: Set<string>): DecodedAttrs {
  let marked: Set<string> | undefined;
  const check = (name: string, v: Plain | undefined) => {
    if (!holdsUrlCredentials(v)) return;
    (marked ??= new Set(d.sensitive)).add(name);
    const texts = new Set<string>();
    plainStrings(v, texts);
    for (const t of texts) if (hasUrlCredentials(t)) for (const s of [t, ...urlCredentials(t)]) secrets.add(s);
  };
  for (const name of Object.keys(d.attrs)) check(name, d.attrs[name]);
  for (const blocks of Object.values(d.nested)) for (const b of blocks) for (const name of Object.keys(b)) check(name, b[name]);
  return marked ? { ...d, sensitive: marked } : d;
}

/**
 * The text of every sensitive value of a load: in variables, locals, outputs, and the arguments
 * of resources that were marked sensitive (by a sensitive input, or by URL credentials).
 */
export function collectSensitiveStrings(
  variables: ReadonlyMap<string, Variable>,
  locals: ReadonlyMap<string, Value>,
  outputs: ReadonlyMap<string, Output>,
  decoded: Iterable<DecodedAttrs>,
  into: Set<string> = new Set(),
): Set<string> {
  for (const v of variables.values()) sensitiveValueStrings(v.value, into);
  for (const v of locals.values()) sensitiveValueStrings(v, into);
  for (const o of outputs.values()) sensitiveValueStrings(o.value, into);
  for (const d of decoded) {
    if (d.sensitive.size === 0) continue;
    for (const name of d.sensitive) {
      plainStrings(d.attrs[name], into);
      for (const blocks of Object.values(d.nested)) for (const b of blocks) plainStrings(b[name], into);
    }
  }
  return into;
}
