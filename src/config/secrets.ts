// What the configuration knows is secret, besides sensitive values (collected during evaluation
// into DrConfig.sensitiveStrings, load.ts): arguments holding URL credentials are marked
// sensitive here, so state keeps their keyed hash and plans show "(sensitive value)", and their
// text joins sensitiveStrings for the redaction layer (src/redact).
import { hasUrlCredentials, urlCredentials } from '../redact/index.js';
import type { Plain } from './convert.js';
import type { DecodedAttrs } from './decode.js';

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
