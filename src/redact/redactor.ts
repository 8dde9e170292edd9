// The one redaction layer: a Redactor knows the secrets of a run (sensitive values of the
// configuration, credentials from the environment, tokens) and hides them, and every URL
// credential, in text and in JSON-like data. drctl applies it where output leaves the process:
// the terminal streams, event emission, event logs, run records, webhook bodies, state and plan
// files; not in the messages themselves.
import { redactUrlCredentials, SENSITIVE_VALUE } from './url.js';

/**
 * Values shorter than this are not searched for in free text: a sensitive "on" or "42" would
 * blot out ordinary words and numbers everywhere. They stay hidden where drctl knows a value is
 * sensitive (plans, state, the structured sinks); docs/language.md says so.
 */
export const MIN_SECRET_LENGTH = 4;

const COMMON = new Set(['true', 'false', 'null', 'undefined', SENSITIVE_VALUE]);

export interface Redactor {
  /** Teaches it more secrets (idempotent); returns itself. */
  learn(values: Iterable<string | number | null | undefined>): Redactor;
  /** `text` with every known secret (also JSON- and URL-escaped) and every URL credential replaced by "(sensitive value)". */
  text(text: string): string;
  /**
   * JSON-like data with every string redacted as `text` does: a copy of what changed, the same
   * object when nothing did. Object keys are kept. Values with toJSON (dates) are redacted as
   * JSON.stringify would write them.
   */
  data<T>(value: T): T;
  /** How many secrets it searches for. */
  readonly size: number;
}

/** A redactor that knows `values` (and finds URL credentials on its own). */
export function newRedactor(values: Iterable<string | number | null | undefined> = []): Redactor {
  const secrets = new Set<string>();
  // Every form a secret is searched in, longest first (so a secret inside another is not
  // replaced piecemeal); rebuilt on the next use after learn().
  let forms: string[] | undefined;
  const formsNow = (): string[] => {
    if (forms) return forms;
    const all = new Set<string>();
    for (const s of secrets) {
      all.add(s);
      all.add(JSON.stringify(s).slice(1, -1));
      all.add(encodeURIComponent(s));
    }
    forms = [...all].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    return forms;
  };
  const text = (s: string): string => {
    const fs = forms ?? formsNow();
    // The common case, measured on every event of a run: nothing learned, no URL-ish characters.
    if (fs.length === 0 && s.indexOf('@') < 0 && s.indexOf('=') < 0) return s;
    let out = s;
    for (let i = 0; i < fs.length; i++) if (out.includes(fs[i])) out = out.split(fs[i]).join(SENSITIVE_VALUE);
    return redactUrlCredentials(out);
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length === 0 ? v : text(v);
    if (typeof v !== 'object' || v === null || depth > 200) return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (typeof e !== 'string' && (typeof e !== 'object' || e === null)) continue;
        const r = walk(e, depth + 1);
        if (r !== e) (copy ??= v.slice())[i] = r;
      }
      return copy ?? v;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const toJSON = (v as { toJSON?: () => unknown }).toJSON;
      return typeof toJSON === 'function' ? walk(toJSON.call(v), depth + 1) : v;
    }
    let copy: Record<string, unknown> | undefined;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const x = o[keys[i]];
      if (typeof x !== 'string' && (typeof x !== 'object' || x === null)) continue;
      const r = walk(x, depth + 1);
      if (r !== x) (copy ??= { ...o })[keys[i]] = r;
    }
    return copy ?? v;
  };
  const redactor: Redactor = {
    learn(values) {
      for (const v of values) {
        if (v === null || v === undefined) continue;
        const s = typeof v === 'number' ? String(v) : v;
        if (s.length < MIN_SECRET_LENGTH || COMMON.has(s) || secrets.has(s)) continue;
        secrets.add(s);
        forms = undefined;
      }
      return redactor;
    },
    text,
    data: <T>(value: T): T => walk(value, 0) as T,
    get size() {
      return secrets.size;
    },
  };
  return redactor.learn(values);
}
