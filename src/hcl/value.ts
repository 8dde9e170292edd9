// The value model shared by the evaluator, config and state: plain JS data, so callers can use
// values directly. Objects are built without a prototype (or read with Object.hasOwn), so a key
// named "constructor" or "__proto__" is just a key.

/** A value known only after apply. Operations on it yield UNKNOWN rather than errors. */
export class Unknown {
  toString(): string {
    return '(known after apply)';
  }
}

export const UNKNOWN: Unknown = Object.freeze(new Unknown());

/** A value marked sensitive; the mark follows it through every operation and function. */
export class Sensitive {
  constructor(readonly value: Value) {}
}

export type TupleValue = readonly Value[];
export interface ObjectValue {
  readonly [key: string]: Value;
}
export type Value = null | boolean | number | string | TupleValue | ObjectValue | Unknown | Sensitive;

export type TypeName = 'string' | 'number' | 'bool' | 'null' | 'tuple' | 'object' | 'unknown';

export function isUnknown(v: Value): boolean {
  return v instanceof Unknown || (v instanceof Sensitive && v.value instanceof Unknown);
}

export function isSensitive(v: Value): v is Sensitive {
  return v instanceof Sensitive;
}

/** Marks `v` sensitive (once: marking twice is the same as marking once). */
export function sensitive(v: Value): Value {
  return v instanceof Sensitive ? v : new Sensitive(v);
}

/** Marks `v` sensitive when `marked` is true. */
export function markIf(v: Value, marked: boolean): Value {
  return marked ? sensitive(v) : v;
}

export function isTuple(v: Value): v is TupleValue {
  return Array.isArray(v);
}

export function isObject(v: Value): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof Sensitive);
}

/** An object value from entries; later entries win. */
export function objectValue(entries: Iterable<readonly [string, Value]>): ObjectValue {
  // No prototype (a key like "__proto__" is an ordinary attribute), but made from `{}`: V8 keeps
  // that in fast mode, where Object.create(null) starts a slow dictionary object: larger, and
  // slower to build and read, for every VM instance of a counted block.
  const o: Record<string, Value> = {};
  Object.setPrototypeOf(o, null);
  for (const [k, v] of entries) o[k] = v;
  return o;
}

/** The attribute `name` of an object, or undefined when it has none (prototype keys never count). */
export function getAttr(o: ObjectValue, name: string): Value | undefined {
  return Object.hasOwn(o, name) ? o[name] : undefined;
}

/** Compares strings by Unicode code point, as Go (and so Terraform) orders keys and set elements. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // A surrogate (astral code point) sorts after every BMP code unit above it.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Object keys in Terraform's iteration order (lexical). */
export function sortedKeys(o: ObjectValue): string[] {
  return Object.keys(o).sort(compareStrings);
}

export function typeName(v: Value): TypeName {
  if (v instanceof Sensitive) return typeName(v.value);
  if (v instanceof Unknown) return 'unknown';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'tuple';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** Removes every sensitive mark, however deep. */
export function unmark(v: Value): Value {
  if (v instanceof Sensitive) return unmark(v.value);
  if (Array.isArray(v)) {
    return v.some((e) => containsSensitive(e)) ? v.map(unmark) : v;
  }
  if (isObject(v)) {
    if (!containsSensitive(v)) return v;
    return objectValue(Object.keys(v).map((k) => [k, unmark(v[k])]));
  }
  return v;
}

/**
 * The secrets inside a value: every string leaf under a sensitive mark, and every number leaf
 * there as its decimal text (bools and null say nothing worth hiding). A redaction layer replaces
 * these wherever drctl writes text; empty when nothing in `v` is sensitive.
 */
export function sensitiveLeaves(v: Value, into: Set<string> = new Set()): Set<string> {
  const walk = (x: Value, marked: boolean, depth: number): void => {
    if (depth > 1000) return; // values are bounded far below this; never recurse without end
    if (x instanceof Sensitive) return walk(x.value, true, depth + 1);
    if (Array.isArray(x)) {
      for (const e of x) walk(e, marked, depth + 1);
    } else if (isObject(x)) {
      for (const k of Object.keys(x)) walk(x[k], marked, depth + 1);
    } else if (marked && typeof x === 'string' && x !== '') into.add(x);
    else if (marked && typeof x === 'number') into.add(numberToString(x));
  };
  walk(v, false, 0);
  return into;
}

export function containsSensitive(v: Value): boolean {
  if (v instanceof Sensitive) return true;
  if (Array.isArray(v)) return v.some(containsSensitive);
  if (isObject(v)) {
    for (const k of Object.keys(v)) if (containsSensitive(v[k])) return true;
  }
  return false;
}

/** Whether `v` is unknown or has an unknown value anywhere inside it. */
export function containsUnknown(v: Value): boolean {
  if (v instanceof Unknown) return true;
  if (v instanceof Sensitive) return containsUnknown(v.value);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) {
    for (const k of Object.keys(v)) if (containsUnknown(v[k])) return true;
  }
  return false;
}

/** Structural equality, ignoring sensitive marks. UNKNOWN equals only UNKNOWN. */
export function valueEquals(a: Value, b: Value): boolean {
  if (a instanceof Sensitive) a = a.value;
  if (b instanceof Sensitive) b = b.value;
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((e, i) => valueEquals(e, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
  }
  return false;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const SENSITIVE_DISPLAY = '(sensitive)';
export const UNKNOWN_DISPLAY = '(known after apply)';

/** A JSON-compatible copy for display: sensitive parts become "(sensitive)", unknown parts "(known after apply)". */
export function valueToJson(v: Value): JsonValue {
  if (v instanceof Sensitive) return SENSITIVE_DISPLAY;
  if (v instanceof Unknown) return UNKNOWN_DISPLAY;
  if (Array.isArray(v)) return v.map(valueToJson);
  if (isObject(v)) {
    const o: { [key: string]: JsonValue } = Object.create(null);
    for (const k of Object.keys(v)) o[k] = valueToJson(v[k]);
    return o;
  }
  return v as null | boolean | number | string;
}

// ---------------------------------------------------------------------------------------------
// Numbers as text. cty prints numbers in plain decimal (no exponent), and so do templates,
// tostring() and jsonencode(); JS's String(1e21) would say "1e+21".

/** The shortest decimal digits of |n| and the position of the decimal point (n = 0.DIGITS × 10^point). */
export function decimalDigits(n: number): { digits: string; point: number } {
  const [mant, exp] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  return { digits, point: Number(exp) + 1 };
}

export function numberToString(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const { digits, point } = decimalDigits(n);
  const sign = n < 0 ? '-' : '';
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a number the way HCL converts a string to a number: decimal only, no surrounding space. */
export function parseNumber(s: string): number | undefined {
  if (!DECIMAL.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && inexactNumber(s, n) === undefined ? n : undefined;
}

/** 2^53: every whole number up to it is exact in a double; above it, not every one. */
export const EXACT_INTEGER_LIMIT = 9007199254740992;

/**
 * Why the decimal text `raw` cannot be held exactly as the double `n`, or undefined when it can.
 * Numbers are doubles here (cty's are arbitrary precision), so a literal too large for one, or a
 * whole number above 2^53 that would round, is refused rather than silently changed. Fractions
 * below 2^53 round as floating point always does. Cheap for the usual small numbers.
 */
export function inexactNumber(raw: string, n: number): string | undefined {
  const abs = Math.abs(n);
  if (abs < EXACT_INTEGER_LIMIT) return undefined;
  if (!Number.isFinite(n)) return `${raw} is too large: numbers go up to about 1.8e308`;
  // A whole number written out in digits must come out exactly; one written with a fraction
  // or an exponent (1.5e30) is a floating-point quantity, and rounds as one.
  const m = /^[-+]?(\d+)$/.exec(raw);
  if (!m || BigInt(m[1]) === BigInt(abs)) return undefined;
  return `${raw} cannot be represented exactly: whole numbers are exact only up to 9007199254740992 (2^53)`;
}

/** Why the whole-number result of `a op b` was rounded (it passed 2^53), or undefined when exact. */
export function inexactResult(a: number, b: number, op: '+' | '-' | '*', n: number): string | undefined {
  if (Math.abs(n) < EXACT_INTEGER_LIMIT) return undefined;
  if (!Number.isFinite(n)) return 'the result is too large: numbers go up to about 1.8e308';
  if (!Number.isInteger(a) || !Number.isInteger(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  const exact = op === '+' ? x + y : op === '-' ? x - y : x * y;
  return exact === BigInt(n) ? undefined : `the result ${exact} cannot be represented exactly: whole numbers are exact only up to 9007199254740992 (2^53)`;
}

// ---------------------------------------------------------------------------------------------
// Conversions, following HCL's (cty's) rules for primitive types. Null and unknown pass through
// (a null string is still null); sensitive marks are kept on the converted value.

export type Conversion = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly reason: string };

function through(v: Value, convert: (v: Value) => Conversion): Conversion {
  if (v instanceof Sensitive) {
    const inner = convert(v.value);
    return inner.ok ? { ok: true, value: sensitive(inner.value) } : inner;
  }
  if (v === null || v instanceof Unknown) return { ok: true, value: v };
  return convert(v);
}

export function toStringValue(v: Value): Conversion {
  return through(v, (x) => {
    if (typeof x === 'string') return { ok: true, value: x };
    if (typeof x === 'number') return { ok: true, value: numberToString(x) };
    if (typeof x === 'boolean') return { ok: true, value: x ? 'true' : 'false' };
    return { ok: false, reason: 'string required' };
  });
}

export function toNumberValue(v: Value): Conversion {
  return through(v, (x) => {
    if (typeof x === 'number') return { ok: true, value: x };
    if (typeof x === 'string') {
      const n = parseNumber(x);
      if (n !== undefined) return { ok: true, value: n };
      const inexact = DECIMAL.test(x) ? inexactNumber(x, Number(x)) : undefined;
      return { ok: false, reason: inexact ?? 'a number is required' };
    }
    return { ok: false, reason: 'number required' };
  });
}

export function toBoolValue(v: Value): Conversion {
  return through(v, (x) => {
    if (typeof x === 'boolean') return { ok: true, value: x };
    if (typeof x === 'string') {
      if (x === 'true') return { ok: true, value: true };
      if (x === 'false') return { ok: true, value: false };
      return { ok: false, reason: 'a bool is required' };
    }
    return { ok: false, reason: 'bool required' };
  });
}

/** "string", "number", "bool", "tuple", "object", "null" as used in messages ("a tuple", "an object"). */
export function describeValueType(v: Value): string {
  const t = typeName(v);
  switch (t) {
    case 'object':
      return 'an object';
    case 'unknown':
      return 'an unknown value';
    case 'null':
      return 'null';
    default:
      return `a ${t}`;
  }
}
