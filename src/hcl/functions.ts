// The function library, with Terraform's names, parameters, results and error messages.
// A function receives its arguments already checked (arity, null, primitive conversion) with
// unknown and sensitive values handled by callFunction, so each implementation is the plain
// computation; it throws FunctionError for a bad argument, never for anything else.
import * as path from 'node:path';
import {
  UNKNOWN,
  Sensitive,
  Unknown,
  compareStrings,
  containsSensitive,
  containsUnknown,
  decimalDigits,
  describeValueType,
  isObject,
  markIf,
  numberToString,
  objectValue,
  sortedKeys,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  unmark,
  valueEquals,
  type Conversion,
  type ObjectValue,
  type Value,
} from './value.js';

export interface FunctionParam {
  readonly name: string;
  /** Primitive params are converted before the call ("12" → 12); 'any' passes values as they are. */
  readonly type: 'string' | 'number' | 'bool' | 'any';
  readonly allowNull?: boolean;
  /** The implementation copes with unknown values; otherwise any unknown part makes the result unknown. */
  readonly allowUnknown?: boolean;
  /** May be left out (only trailing params). */
  readonly optional?: boolean;
}

/** What file() may use; the evaluator's Scope provides it. */
export interface FileAccess {
  readonly baseDir?: string;
  readonly readFile?: (absPath: string) => string;
  readonly realPath?: (absPath: string) => string;
}

export interface CallContext {
  readonly files: FileAccess;
  /** Which arguments were sensitive, so error messages don't quote them. */
  readonly sensitiveArgs: readonly boolean[];
}

export interface HclFunction {
  readonly params: readonly FunctionParam[];
  readonly variadic?: FunctionParam;
  /**
   * How sensitive marks reach the result. 'deep' (the default): a mark anywhere in any argument
   * marks the whole result. 'shallow': marks on the arguments themselves move to the result and
   * marks inside collections stay on their elements (for functions that move elements around).
   */
  readonly marks?: 'deep' | 'shallow';
  readonly impl: (args: Value[], ctx: CallContext) => Value;
}

/** A bad argument (by index into the call's arguments) or, without one, a bad call as a whole. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly arg?: number,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** Checks and converts the arguments, calls the function, and carries unknown and sensitive through. */
export function callFunction(fn: HclFunction, args: readonly Value[], files: FileAccess): Value {
  const deep = (fn.marks ?? 'deep') === 'deep';
  let marked = false;
  let unknown = false;
  const sensitiveArgs: boolean[] = [];
  const ready: Value[] = [];
  args.forEach((arg, i) => {
    const param = i < fn.params.length ? fn.params[i] : (fn.variadic as FunctionParam);
    let v = arg;
    let m = false;
    if (deep && containsSensitive(v)) {
      m = true;
      v = unmark(v);
    } else if (v instanceof Sensitive) {
      m = true;
      v = v.value;
    }
    marked ||= m;
    sensitiveArgs.push(m);
    if (v instanceof Unknown || (!param.allowUnknown && containsUnknown(v))) {
      if (!param.allowUnknown) unknown = true;
      ready.push(v);
      return;
    }
    if (v === null) {
      if (!param.allowNull) throw new FunctionError('argument must not be null', i);
      ready.push(v);
      return;
    }
    if (param.type !== 'any') {
      const c = param.type === 'string' ? toStringValue(v) : param.type === 'number' ? toNumberValue(v) : toBoolValue(v);
      if (!c.ok) throw new FunctionError(c.reason, i);
      v = c.value;
    }
    ready.push(v);
  });
  if (unknown) return markIf(UNKNOWN, marked);
  return markIf(fn.impl(ready, { files, sensitiveArgs }), marked);
}

// --- helpers ------------------------------------------------------------------------------------

const str = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'string', ...extra });
const num = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'number', ...extra });
const any = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'any', ...extra });

/** Quotes a value for an error message, unless it was sensitive. */
function quote(ctx: CallContext, i: number, s: string): string {
  return ctx.sensitiveArgs[i] ? '(sensitive value)' : JSON.stringify(s);
}

function wholeNumber(v: Value, arg: number): number {
  const n = v as number;
  if (!Number.isInteger(n)) throw new FunctionError('a whole number is required', arg);
  return n;
}

function tupleArg(v: Value, arg: number, what = 'a list or tuple is required'): readonly Value[] {
  if (!Array.isArray(v)) throw new FunctionError(`${what}, but the value is ${describeValueType(v)}`, arg);
  return v;
}

/** Splits a string into user-perceived characters (grapheme clusters), as Terraform counts them. */
export function graphemes(s: string): string[] {
  // ASCII without CR (CR LF is one cluster) has one cluster per code unit.
  if (/^[\x00-\x0c\x0e-\x7f]*$/.test(s)) return s.split('');
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(seg.segment(s), (x) => x.segment);
}

/** Maps each code point alone, as Go's strings.ToUpper/ToLower do (so "ß" stays one letter). */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** Go's strings.Title: upper-case the first letter of every word. */
function title(s: string): string {
  let out = '';
  let prevSep = true;
  for (const c of s) {
    out += prevSep ? mapRunes(c, (x) => x.toUpperCase()) : c;
    const code = c.codePointAt(0) as number;
    if (code < 0x80) prevSep = !/[A-Za-z0-9_]/.test(c);
    else if (/[\p{L}\p{N}]/u.test(c)) prevSep = false;
    else prevSep = /\s/u.test(c);
  }
  return out;
}

// Go's unicode.IsSpace set (JS's \s also has U+FEFF, and lacks U+0085).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');

/** The single type that values unify to, converting primitives to it, as cty's unification does. */
function unify(values: readonly Value[], what: string): Value[] {
  const kinds = new Set<string>();
  for (const v of values) {
    const t = typeName(v);
    if (t !== 'null' && t !== 'unknown') kinds.add(t);
  }
  if (kinds.size <= 1) return [...values];
  const primitive = [...kinds].every((k) => k === 'string' || k === 'number' || k === 'bool');
  if (!primitive || !kinds.has('string')) throw new FunctionError(`all ${what} must have the same type`);
  return values.map((v) => {
    const c = toStringValue(v);
    return c.ok ? c.value : v;
  });
}

// --- strings --------------------------------------------------------------------------------------

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s);
  if (offset < 0) {
    offset += chars.length;
    if (offset < 0) offset = 0;
  } else if (length === 0) {
    return '';
  }
  if (offset >= chars.length) return '';
  const rest = chars.slice(offset);
  return (length < 0 ? rest : rest.slice(0, length)).join('');
}

/** Translates a Go (RE2) pattern to a JS RegExp: named groups, leading flags, \A \z, POSIX classes. */
export function goRegExp(pattern: string, global: boolean): RegExp {
  let flags = global ? 'g' : '';
  let p = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('U')) throw new Error('the (?U) flag is not supported');
    flags += [...new Set(lead[1])].join('');
    p = p.slice(lead[0].length);
  }
  const posix: Record<string, string> = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\\x00-\\x7F',
    blank: '\\t ',
    cntrl: '\\x00-\\x1F\\x7F',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-\\/:-@\\[-`{-~',
    space: '\\t\\n\\v\\f\\r ',
    upper: 'A-Z',
    word: '0-9A-Za-z_',
    xdigit: '0-9A-Fa-f',
  };
  p = p
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\w+):\]/g, (m, name: string) => posix[name] ?? m);
  try {
    return new RegExp(p, flags + 'u');
  } catch {
    return new RegExp(p, flags);
  }
}

/** Go's Regexp.Expand for a replacement template: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, captures: readonly (string | undefined)[], groups: Readonly<Record<string, string | undefined>> | undefined): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close >= 0 && /^\w+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = /^\w+/.exec(template.slice(i));
      if (m) {
        name = m[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) out += captures[Number(name)] ?? '';
    else out += (groups && Object.hasOwn(groups, name) ? groups[name] : undefined) ?? '';
  }
  return out;
}

function replace(s: string, substring: string, replacement: string): string {
  if (substring.length > 1 && substring.startsWith('/') && substring.endsWith('/')) {
    let re: RegExp;
    try {
      re = goRegExp(substring.slice(1, -1), true);
    } catch (e) {
      throw new FunctionError(`invalid regular expression: ${(e as Error).message}`, 1);
    }
    // The callback gets (match, ...captures, offset, input[, groups]).
    return s.replace(re, (...m: unknown[]) => {
      const last = m[m.length - 1];
      const groups = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
      const captures = m.slice(0, groups ? -3 : -2) as (string | undefined)[];
      return expandTemplate(replacement, captures, groups);
    });
  }
  return s.split(substring).join(replacement);
}

function split(sep: string, s: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

// --- format ---------------------------------------------------------------------------------------

interface Verb {
  raw: string;
  offset: number;
  argNum: number;
  mode: string;
  zero: boolean;
  sharp: boolean;
  plus: boolean;
  minus: boolean;
  space: boolean;
  width: number;
  prec: number;
}

/** Rounds decimal digits (value 0.DIGITS × 10^point) to `keep` digits, ties to even, as Go does. */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep >= digits.length) return { digits, point };
  if (keep < 0) return { digits: '', point };
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const prevOdd = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || prevOdd));
  let kept = digits.slice(0, keep);
  if (!up) return { digits: kept.replace(/0+$/, ''), point };
  // Add one in the last kept place, carrying left.
  let i = kept.length - 1;
  const arr = kept.split('');
  while (i >= 0 && arr[i] === '9') arr[i--] = '0';
  if (i < 0) {
    kept = '1' + arr.join('');
    point += 1;
  } else {
    arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
    kept = arr.join('');
  }
  return { digits: kept.replace(/0+$/, ''), point };
}

function digitAt(digits: string, i: number): string {
  return i >= 0 && i < digits.length ? digits[i] : '0';
}

/** %f body (no sign): `prec` digits after the point. */
function fmtF(digits: string, point: number, prec: number): string {
  let int = '';
  if (point <= 0) int = '0';
  else for (let i = 0; i < point; i++) int += digitAt(digits, i);
  if (prec <= 0) return int;
  let frac = '';
  for (let i = 0; i < prec; i++) frac += digitAt(digits, point + i);
  return `${int}.${frac}`;
}

/** %e body (no sign): one digit, `prec` after the point, exponent of at least two digits. */
function fmtE(digits: string, point: number, prec: number, e: string): string {
  const zero = digits === '';
  let out = zero ? '0' : digits[0];
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(digits, i);
  }
  const exp = zero ? 0 : point - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** Formats a number as Go's big.Float does for %e %E %f %g %G (the verbs cty hands to Go). */
function formatFloat(n: number, mode: string, prec: number): string {
  const { digits: d0, point: p0 } = n === 0 ? { digits: '', point: 0 } : decimalDigits(n);
  const lower = mode.toLowerCase();
  if (lower === 'f') {
    const p = prec < 0 ? 6 : prec;
    const r = roundDigits(d0, p0, p0 + p);
    return fmtF(r.digits, r.point, p);
  }
  if (lower === 'e') {
    const p = prec < 0 ? 6 : prec;
    const r = roundDigits(d0, p0, p + 1);
    return fmtE(r.digits, r.point, p, mode === 'E' ? 'E' : 'e');
  }
  // %g: shortest by default, otherwise `prec` significant digits.
  const shortest = prec < 0;
  let p = shortest ? d0.length : prec === 0 ? 1 : prec;
  const r = shortest ? { digits: d0, point: p0 } : roundDigits(d0, p0, p);
  const mant = r.digits;
  let eprec = p;
  if (eprec > mant.length && mant.length >= r.point) eprec = mant.length;
  if (shortest) eprec = 6;
  const exp = mant === '' ? 0 : r.point - 1;
  if (exp < -4 || exp >= eprec) {
    if (p > mant.length) p = mant.length;
    return fmtE(mant, r.point, Math.max(p - 1, 0), mode === 'G' ? 'E' : 'e');
  }
  if (p > r.point) p = mant.length;
  return fmtF(mant, r.point, Math.max(p - r.point, 0));
}

function pad(verb: Verb, s: string, sign = ''): string {
  const len = graphemes(sign + s).length;
  if (verb.width < 0 || len >= verb.width) return sign + s;
  const n = verb.width - len;
  if (verb.minus) return sign + s + ' '.repeat(n);
  if (verb.zero) return sign + '0'.repeat(n) + s;
  return ' '.repeat(n) + sign + s;
}

/** Go's JSON string encoding (json.Marshal escapes <, > and & too). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Terraform's jsonencode: keys sorted, numbers in plain decimal. */
export function jsonEncode(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(',')}]`;
  if (v instanceof Sensitive) return jsonEncode(v.value);
  if (isObject(v)) return `{${sortedKeys(v).map((k) => `${goJsonString(k)}:${jsonEncode(v[k])}`).join(',')}}`;
  throw new Error('bug: jsonEncode of an unknown value');
}

function formatVerb(verb: Verb, arg: Value): string {
  const at = `${JSON.stringify(verb.raw)} at ${verb.offset}`;
  if (verb.mode !== 'v' && arg === null) throw new Error(`unsupported value for ${at}: null value cannot be formatted`);
  const convert = (c: Conversion): Value => {
    if (!c.ok) throw new Error(`unsupported value for ${at}: ${c.reason}`);
    return c.value;
  };
  switch (verb.mode) {
    case 'v':
      if (!verb.sharp && typeof arg === 'string') return pad(verb, arg);
      if (!verb.sharp && typeof arg === 'number') return pad(verb, (arg < 0 ? '-' : '') + formatFloat(Math.abs(arg), 'g', -1));
      return pad(verb, jsonEncode(arg));
    case 't':
      return pad(verb, convert(toBoolValue(arg)) ? 'true' : 'false');
    case 's':
    case 'q': {
      let s = convert(toStringValue(arg)) as string;
      if (verb.prec > 0) s = graphemes(s).slice(0, verb.prec).join('');
      return pad(verb, verb.mode === 'q' ? goJsonString(s) : s);
    }
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      const n = convert(toNumberValue(arg)) as number;
      if (!Number.isInteger(n)) throw new Error(`unsupported value for ${at}: an integer is required`);
      const big = BigInt(n);
      const mag = big < 0n ? -big : big;
      const base = { b: 2, d: 10, o: 8, x: 16, X: 16 }[verb.mode as 'b' | 'd' | 'o' | 'x' | 'X'];
      let digits = mag.toString(base);
      if (verb.mode === 'X') digits = digits.toUpperCase();
      if (verb.prec >= 0) digits = digits.padStart(verb.prec, '0');
      const prefix = verb.sharp ? { b: '0b', d: '', o: '0', x: '0x', X: '0X' }[verb.mode as 'b' | 'd' | 'o' | 'x' | 'X'] : '';
      const sign = big < 0n ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
      // Go pads integers with zeros only when no precision is given.
      return pad({ ...verb, zero: verb.zero && verb.prec < 0 }, digits, sign + prefix);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'g':
    case 'G': {
      const n = convert(toNumberValue(arg)) as number;
      const body = formatFloat(Math.abs(n), verb.mode, verb.prec);
      const sign = n < 0 || Object.is(n, -0) ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
      return pad(verb, body, sign);
    }
    default:
      throw new Error(`unsupported format verb '${verb.mode}' in ${JSON.stringify(verb.raw)} at offset ${verb.offset}`);
  }
}

/** cty's format(): printf-like verbs, explicit [n] argument indexes, and no unused arguments. */
export function format(spec: string, args: readonly Value[]): string {
  let out = '';
  let next = 1;
  let highest = 0;
  let i = 0;
  const byteOffset = (k: number) => Buffer.byteLength(spec.slice(0, k));
  while (i < spec.length) {
    const pct = spec.indexOf('%', i);
    if (pct < 0) {
      out += spec.slice(i);
      break;
    }
    out += spec.slice(i, pct);
    i = pct + 1;
    if (spec[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    const verb: Verb = {
      raw: '',
      offset: byteOffset(pct),
      argNum: next,
      mode: '',
      zero: false,
      sharp: false,
      plus: false,
      minus: false,
      space: false,
      width: -1,
      prec: -1,
    };
    for (; i < spec.length; i++) {
      const c = spec[i];
      if (c === '0') verb.zero = true;
      else if (c === '#') verb.sharp = true;
      else if (c === '+') verb.plus = true;
      else if (c === '-') verb.minus = true;
      else if (c === ' ') verb.space = true;
      else break;
    }
    const argIndex = () => {
      if (spec[i] !== '[') return;
      const m = /^\[([1-9]\d*)\]/.exec(spec.slice(i));
      if (!m) throw new Error(`unrecognized format character '${spec[i + 1] ?? ''}' at offset ${byteOffset(i + 1)}`);
      verb.argNum = Number(m[1]);
      i += m[0].length;
    };
    argIndex();
    const w = /^\d+/.exec(spec.slice(i));
    if (w) {
      verb.width = Number(w[0]);
      i += w[0].length;
    }
    if (spec[i] === '.') {
      const p = /^\d+/.exec(spec.slice(i + 1));
      if (!p) throw new Error(`unrecognized format character '${spec[i + 1] ?? ''}' at offset ${byteOffset(i + 1)}`);
      verb.prec = Number(p[0]);
      i += 1 + p[0].length;
    }
    argIndex();
    const cp = spec.codePointAt(i);
    if (cp === undefined) throw new Error(`invalid format string starting at offset ${verb.offset}`);
    verb.mode = String.fromCodePoint(cp);
    if (!/^[a-zA-Z]$/.test(verb.mode)) {
      throw new Error(`unrecognized format character '${verb.mode}' at offset ${byteOffset(i)}`);
    }
    i += verb.mode.length;
    verb.raw = spec.slice(pct, i);
    if (verb.argNum > args.length) {
      throw new Error(`not enough arguments for ${JSON.stringify(verb.raw)} at ${verb.offset}: need index ${verb.argNum} but have ${args.length} total`);
    }
    out += formatVerb(verb, args[verb.argNum - 1]);
    highest = Math.max(highest, verb.argNum);
    next = verb.argNum + 1;
  }
  if (highest < args.length) {
    throw new FunctionError(
      highest === 0 ? 'too many arguments; no verbs in format string' : `too many arguments; only ${highest} used by format string`,
      highest + 1,
    );
  }
  return out;
}

function formatCall(spec: string, args: readonly Value[]): string {
  try {
    return format(spec, args);
  } catch (e) {
    if (e instanceof FunctionError) throw e;
    throw new FunctionError((e as Error).message);
  }
}

function formatlist(spec: string, args: readonly Value[]): Value {
  if (args.length === 0) return [formatCall(spec, [])];
  let len = -1;
  let chooser = -1;
  args.forEach((a, i) => {
    if (a instanceof Unknown) return;
    if (Array.isArray(a)) {
      if (len === -1) {
        len = a.length;
        chooser = i;
      } else if (a.length !== len) {
        throw new FunctionError(`argument ${i + 1} has length ${a.length}, which is inconsistent with argument ${chooser + 1} of length ${len}`, i + 1);
      }
    }
  });
  if (args.some((a) => a instanceof Unknown)) return UNKNOWN;
  if (len === 0) return [];
  if (len === -1) len = 1;
  const out: Value[] = [];
  for (let k = 0; k < len; k++) {
    const these = args.map((a) => (Array.isArray(a) ? a[k] : a));
    if (these.some(containsUnknown)) {
      out.push(UNKNOWN);
      continue;
    }
    try {
      out.push(format(spec, these));
    } catch (e) {
      throw new FunctionError(`error on format iteration ${k}: ${(e as Error).message}`);
    }
  }
  return out;
}

// --- collections ----------------------------------------------------------------------------------

function flatten(list: readonly Value[]): Value[] | undefined {
  const out: Value[] = [];
  for (const v of list) {
    // An unknown element might be a list, so the result's length can't be known yet.
    if (v instanceof Unknown) return undefined;
    if (Array.isArray(v)) {
      const inner = flatten(v);
      if (!inner) return undefined;
      out.push(...inner);
    } else out.push(v);
  }
  return out;
}

/** Orders set elements as cty does: strings lexically, numbers ascending, false before true. */
function compareSetElements(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(jsonEncode(a), jsonEncode(b));
}

function distinct(list: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (const v of list) if (!out.some((o) => valueEquals(o, v))) out.push(v);
  return out;
}

function range(args: readonly Value[]): Value[] {
  const ns = args as number[];
  let start: number;
  let end: number;
  let step: number;
  switch (ns.length) {
    case 1:
      [start, end, step] = [0, ns[0], ns[0] < 0 ? -1 : 1];
      break;
    case 2:
      [start, end, step] = [ns[0], ns[1], ns[1] < ns[0] ? -1 : 1];
      break;
    case 3:
      [start, end, step] = [ns[0], ns[1], ns[2]];
      break;
    default:
      throw new FunctionError('must have one, two, or three arguments');
  }
  if (step === 0) throw new FunctionError('step must not be zero', 2);
  const down = step < 0;
  if (down && end > start) throw new FunctionError('end must be less than start when step is negative', 1);
  if (!down && end < start) throw new FunctionError('end must be greater than start when step is positive', 1);
  const out: number[] = [];
  const exact = Number.isInteger(start) && Number.isInteger(step);
  for (let k = 0; ; k++) {
    // Computed from the start each time, and rounded, so 0.1 steps don't drift (0.30000000000000004).
    const n = exact ? start + k * step : Number((start + k * step).toPrecision(15));
    if (down ? n <= end : n >= end) break;
    if (out.length >= 1024) {
      throw new FunctionError('more than 1024 values were generated; either decrease the difference between start and end or use a smaller step');
    }
    out.push(n);
  }
  return out;
}

function convertCollection(v: Value, to: 'list' | 'set' | 'map'): Value {
  if (v === null || v instanceof Unknown) return v;
  const single = `cannot convert ${typeName(v)} to ${to} of any single type`;
  if (to === 'map') {
    if (!isObject(v)) throw new FunctionError(single, 0);
    const keys = Object.keys(v);
    let vals: Value[];
    try {
      vals = unify(keys.map((k) => v[k]), 'values');
    } catch {
      throw new FunctionError(single, 0);
    }
    return objectValue(keys.map((k, i) => [k, vals[i]]));
  }
  if (!Array.isArray(v)) throw new FunctionError(single, 0);
  let elems: Value[];
  try {
    elems = unify(v, 'elements');
  } catch {
    throw new FunctionError(single, 0);
  }
  if (to === 'list') return elems;
  if (elems.some((e) => containsUnknown(e))) return UNKNOWN;
  return distinct(elems).sort(compareSetElements);
}

// --- networks -------------------------------------------------------------------------------------

interface Cidr {
  /** The network address (host bits cleared). */
  readonly addr: bigint;
  readonly prefix: number;
  /** 32 or 128. */
  readonly bits: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    // Terraform's ipaddr accepts leading zeros (as decimal), unlike recent Go.
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIPv6(s: string): bigint | undefined {
  let tail: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  return n;
}

function parseCidr(s: string, arg: number): Cidr {
  const bad = () => new FunctionError(`invalid CIDR expression: invalid CIDR address: ${s}`, arg);
  const slash = s.indexOf('/');
  if (slash < 0) throw bad();
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw bad();
  const prefix = Number(prefixText);
  const v4 = ipText.includes(':') ? undefined : parseIPv4(ipText);
  const v6 = v4 === undefined ? parseIPv6(ipText) : undefined;
  const bits = v4 !== undefined ? 32 : 128;
  const ip = v4 ?? v6;
  if (ip === undefined || prefix > bits) throw bad();
  const hostBits = BigInt(bits - prefix);
  return { addr: (ip >> hostBits) << hostBits, prefix, bits };
}

function formatIP(n: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((n >> s) & 0xffffn));
  // RFC 5952: the longest run (of two or more) zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function bigWhole(v: Value, arg: number): bigint {
  return BigInt(wholeNumber(v, arg));
}

function cidrsubnet(prefixText: string, newbitsV: Value, netnumV: Value): string {
  const c = parseCidr(prefixText, 0);
  const newbits = wholeNumber(newbitsV, 1);
  const netnum = bigWhole(netnumV, 2);
  if (newbits < 0) throw new FunctionError('must extend the prefix by zero or more bits', 1);
  const newPrefix = c.prefix + newbits;
  if (newPrefix > c.bits) throw new FunctionError(`insufficient address space to extend prefix of ${c.prefix} by ${newbits}`, 1);
  const max = (1n << BigInt(newbits)) - 1n;
  if (netnum < 0n || netnum > max) {
    throw new FunctionError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`, 2);
  }
  const addr = c.addr | (netnum << BigInt(c.bits - newPrefix));
  return `${formatIP(addr, c.bits)}/${newPrefix}`;
}

function cidrhost(prefixText: string, hostnumV: Value): string {
  const c = parseCidr(prefixText, 0);
  const hostnum = bigWhole(hostnumV, 1);
  const max = (1n << BigInt(c.bits - c.prefix)) - 1n;
  // A negative host number counts back from the end of the range (-1 is the last address).
  const n = hostnum < 0n ? max + hostnum + 1n : hostnum;
  if (n < 0n || n > max) throw new FunctionError(`prefix of ${c.prefix} does not accommodate a host numbered ${hostnum}`, 1);
  return formatIP(c.addr | n, c.bits);
}

function cidrnetmask(prefixText: string): string {
  const c = parseCidr(prefixText, 0);
  if (c.bits !== 32) throw new FunctionError(`IPv6 addresses cannot have a netmask: ${prefixText}`, 0);
  const mask = ((1n << BigInt(c.prefix)) - 1n) << BigInt(32 - c.prefix);
  return formatIP(mask, 32);
}

// --- files ----------------------------------------------------------------------------------------

function within(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function readConfigFile(p: string, files: FileAccess): string {
  const { baseDir, readFile, realPath } = files;
  if (baseDir === undefined || readFile === undefined) {
    throw new FunctionError('file() is not available here: there is no configuration directory', 0);
  }
  const base = path.resolve(baseDir);
  const abs = path.resolve(base, p);
  const escapes = () => new FunctionError(`path escapes the configuration directory: ${JSON.stringify(p)}`, 0);
  if (!within(base, abs)) throw escapes();
  const missing = () => new FunctionError(`no file exists at ${JSON.stringify(p)}`, 0);
  const failure = (e: unknown) => {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return missing();
    if (code === 'EISDIR') return new FunctionError(`${JSON.stringify(p)} is a directory, not a file`, 0);
    return new FunctionError(`failed to read ${JSON.stringify(p)}: ${(e as Error).message}`, 0);
  };
  if (realPath) {
    let real: string;
    let realBase: string;
    try {
      realBase = realPath(base);
      real = realPath(abs);
    } catch (e) {
      throw failure(e);
    }
    if (!within(realBase, real)) throw escapes();
  }
  try {
    return readFile(abs);
  } catch (e) {
    throw failure(e);
  }
}

// --- json -----------------------------------------------------------------------------------------

function fromJson(j: unknown): Value {
  if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  if (Array.isArray(j)) return j.map(fromJson);
  const o = j as Record<string, unknown>;
  return objectValue(Object.keys(o).map((k) => [k, fromJson(o[k])]));
}

// --- the library ----------------------------------------------------------------------------------

const strings1 = (f: (s: string) => string): HclFunction => ({ params: [str('str')], impl: ([s]) => f(s as string) });

function numbersOf(args: readonly Value[]): number[] {
  if (args.length === 0) throw new FunctionError('must pass at least one number');
  return args as number[];
}

function objectArg(v: Value, arg: number, message: string): ObjectValue {
  if (!isObject(v)) throw new FunctionError(message.replace('%s', typeName(v)), arg);
  return v;
}

/** Terraform's standard functions by name. */
export const standardFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  // strings
  length: {
    params: [any('value', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([v]) => {
      if (v instanceof Unknown) return UNKNOWN;
      if (typeof v === 'string') return graphemes(v).length;
      if (Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new FunctionError('argument must be a string, a collection type, or a structural type', 0);
    },
  },
  lower: strings1((s) => mapRunes(s, (c) => c.toLowerCase())),
  upper: strings1((s) => mapRunes(s, (c) => c.toUpperCase())),
  title: strings1(title),
  trimspace: strings1((s) => s.replace(TRIM_SPACE, '')),
  chomp: strings1((s) => s.replace(/(?:\r\n?|\n)*$/, '')),
  strrev: strings1((s) => graphemes(s).reverse().join('')),
  trim: { params: [str('str'), str('cutset')], impl: ([s, cut]) => trimSet(s as string, cut as string, true, true) },
  trimprefix: {
    params: [str('str'), str('prefix')],
    impl: ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : s),
  },
  trimsuffix: {
    params: [str('str'), str('suffix')],
    impl: ([s, p]) => ((s as string).endsWith(p as string) && (p as string) !== '' ? (s as string).slice(0, -(p as string).length) : s),
  },
  startswith: { params: [str('str'), str('prefix')], impl: ([s, p]) => (s as string).startsWith(p as string) },
  endswith: { params: [str('str'), str('suffix')], impl: ([s, p]) => (s as string).endsWith(p as string) },
  indent: {
    params: [num('spaces'), str('str')],
    impl: ([n, s]) => (s as string).replace(/\n/g, '\n' + ' '.repeat(Math.max(0, wholeNumber(n, 0)))),
  },
  format: {
    params: [str('format')],
    variadic: any('args', { allowNull: true }),
    impl: ([spec, ...args]) => formatCall(spec as string, args),
  },
  formatlist: {
    params: [str('format')],
    variadic: any('args', { allowNull: true, allowUnknown: true }),
    impl: ([spec, ...args]) => formatlist(spec as string, args),
  },
  join: {
    params: [str('separator')],
    variadic: any('lists'),
    impl: ([sep, ...lists]) => {
      if (lists.length === 0) throw new FunctionError('at least one list is required');
      const items: string[] = [];
      lists.forEach((list, li) => {
        const elems = tupleArg(list, li + 1, 'list of string required');
        elems.forEach((e, ei) => {
          if (e === null) {
            throw new FunctionError(
              lists.length > 1
                ? `element ${ei} of list ${li + 1} is null; cannot concatenate null values`
                : `element ${ei} is null; cannot concatenate null values`,
              li + 1,
            );
          }
          const c = toStringValue(e);
          if (!c.ok) throw new FunctionError(`list of string required, but element ${ei} is ${describeValueType(e)}`, li + 1);
          items.push(c.value as string);
        });
      });
      return items.join(sep as string);
    },
  },
  split: { params: [str('separator'), str('str')], impl: ([sep, s]) => split(sep as string, s as string) },
  replace: {
    params: [str('str'), str('substr'), str('replace')],
    impl: ([s, sub, rep]) => replace(s as string, sub as string, rep as string),
  },
  substr: {
    params: [str('str'), num('offset'), num('length')],
    impl: ([s, off, len]) => substr(s as string, wholeNumber(off, 1), wholeNumber(len, 2)),
  },

  // collections
  concat: {
    params: [],
    variadic: any('seqs', { allowUnknown: true }),
    marks: 'shallow',
    impl: (seqs) => {
      if (seqs.length === 0) throw new FunctionError('at least one argument is required');
      const out: Value[] = [];
      for (let i = 0; i < seqs.length; i++) {
        const s = seqs[i];
        if (s instanceof Unknown) return UNKNOWN;
        if (!Array.isArray(s)) throw new FunctionError(`all arguments must be lists or tuples; got ${typeName(s)}`, i);
        out.push(...s);
      }
      return out;
    },
  },
  merge: {
    params: [],
    variadic: any('maps', { allowNull: true, allowUnknown: true }),
    marks: 'shallow',
    impl: (maps) => {
      const entries: [string, Value][] = [];
      for (let i = 0; i < maps.length; i++) {
        const m = maps[i];
        if (m === null) continue;
        if (m instanceof Unknown) return UNKNOWN;
        const o = objectArg(m, i, 'arguments must be maps or objects, got "%s"');
        for (const k of Object.keys(o)) entries.push([k, o[k]]);
      }
      return objectValue(entries);
    },
  },
  lookup: {
    params: [any('inputMap', { allowUnknown: true }), str('key'), any('default', { allowNull: true, allowUnknown: true, optional: true })],
    marks: 'shallow',
    impl: (args, ctx) => {
      const [m, key] = args;
      if (m instanceof Unknown) return UNKNOWN;
      const o = objectArg(m, 0, 'the first argument must be a map or object, but it is a %s');
      if (Object.hasOwn(o, key as string)) return o[key as string];
      if (args.length > 2) return args[2];
      throw new FunctionError(`lookup failed to find key ${quote(ctx, 1, key as string)}`, 1);
    },
  },
  keys: {
    params: [any('inputMap', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([m]) => {
      if (m instanceof Unknown) return UNKNOWN;
      return sortedKeys(objectArg(m, 0, 'must have map or object type, but it is a %s'));
    },
  },
  values: {
    params: [any('mapping', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([m]) => {
      if (m instanceof Unknown) return UNKNOWN;
      const o = objectArg(m, 0, 'values() requires a map as the first argument, but it is a %s');
      return sortedKeys(o).map((k) => o[k]);
    },
  },
  contains: {
    params: [any('list', { allowUnknown: true }), any('value', { allowNull: true, allowUnknown: true })],
    impl: ([list, value]) => {
      if (list instanceof Unknown) return UNKNOWN;
      const elems = tupleArg(list, 0, 'argument must be list, tuple, or set');
      if (elems.length === 0) return false;
      if (value instanceof Unknown) return UNKNOWN;
      let unknown = false;
      for (const e of elems) {
        if (containsUnknown(e) || containsUnknown(value)) {
          unknown = true;
          continue;
        }
        if (valueEquals(e, value)) return true;
      }
      return unknown ? UNKNOWN : false;
    },
  },
  distinct: {
    params: [any('list')],
    marks: 'shallow',
    impl: ([list]) => distinct(tupleArg(list, 0, 'a list is required')),
  },
  flatten: {
    params: [any('list', { allowUnknown: true })],
    impl: ([list]) => {
      if (list instanceof Unknown) return UNKNOWN;
      return flatten(tupleArg(list, 0, 'can only flatten lists, sets and tuples')) ?? UNKNOWN;
    },
  },
  range: { params: [], variadic: num('params'), impl: range },
  element: {
    params: [any('list', { allowUnknown: true }), num('index')],
    marks: 'shallow',
    impl: ([list, index]) => {
      const i = wholeNumber(index, 1);
      if (i < 0) throw new FunctionError('cannot use element function with a negative index', 1);
      if (list instanceof Unknown) return UNKNOWN;
      const elems = tupleArg(list, 0, 'cannot read elements from this value');
      if (elems.length === 0) throw new FunctionError('cannot use element function with an empty list', 0);
      return elems[i % elems.length];
    },
  },
  index: {
    params: [any('list'), any('value', { allowNull: true })],
    impl: ([list, value]) => {
      const i = tupleArg(list, 0, 'argument must be a list or tuple').findIndex((e) => valueEquals(e, value));
      if (i < 0) throw new FunctionError('item not found', 1);
      return i;
    },
  },
  slice: {
    params: [any('list', { allowUnknown: true }), num('start_index'), num('end_index')],
    marks: 'shallow',
    impl: ([list, s, e]) => {
      const start = wholeNumber(s, 1);
      const end = wholeNumber(e, 2);
      if (start < 0) throw new FunctionError('the starting index must be greater than or equal to zero', 1);
      if (start > end) throw new FunctionError('the starting index must be less than or equal to the ending index', 1);
      if (list instanceof Unknown) return UNKNOWN;
      const elems = tupleArg(list, 0, 'a list or tuple is required');
      if (end > elems.length) throw new FunctionError('the ending index must be less than or equal to the length of the list', 2);
      return elems.slice(start, end);
    },
  },
  reverse: {
    params: [any('list', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([list]) => (list instanceof Unknown ? UNKNOWN : [...tupleArg(list, 0, 'can only reverse list or tuple values')].reverse()),
  },
  sort: {
    params: [any('list')],
    impl: ([list]) =>
      tupleArg(list, 0, 'list of string required')
        .map((e, i) => {
          if (e === null) throw new FunctionError(`given list element ${i} is null; a null string cannot be sorted`, 0);
          const c = toStringValue(e);
          if (!c.ok) throw new FunctionError(`list of string required, but element ${i} is ${describeValueType(e)}`, 0);
          return c.value as string;
        })
        .sort(compareStrings),
  },
  compact: {
    params: [any('list')],
    impl: ([list]) => {
      const out: Value[] = [];
      for (const e of tupleArg(list, 0, 'list of string required')) {
        if (e === null) continue;
        const c = toStringValue(e);
        if (!c.ok) throw new FunctionError(`list of string required, but an element is ${describeValueType(e)}`, 0);
        if (c.value !== '') out.push(c.value);
      }
      return out;
    },
  },
  zipmap: {
    params: [any('keys'), any('values', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([ks, vs]) => {
      const keys = tupleArg(ks, 0, 'list of string required').map((k) => {
        const c = toStringValue(k);
        if (!c.ok || k === null) throw new FunctionError('list of string required', 0);
        return c.value as string;
      });
      if (vs instanceof Unknown) return UNKNOWN;
      const vals = tupleArg(vs, 1, 'a list or tuple is required');
      if (keys.length !== vals.length) {
        throw new FunctionError(`number of keys (${keys.length}) does not match number of values (${vals.length})`);
      }
      return objectValue(keys.map((k, i) => [k, vals[i]]));
    },
  },
  coalescelist: {
    params: [],
    variadic: any('vals', { allowNull: true, allowUnknown: true }),
    marks: 'shallow',
    impl: (vals) => {
      if (vals.length === 0) throw new FunctionError('at least one argument is required');
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (v instanceof Unknown) return UNKNOWN;
        if (v === null) continue;
        if (!Array.isArray(v)) throw new FunctionError('coalescelist arguments must be lists or tuples', i);
        if (v.length > 0) return v;
      }
      throw new FunctionError('no non-null arguments');
    },
  },
  one: {
    params: [any('list', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([list]) => {
      if (list instanceof Unknown) return UNKNOWN;
      const elems = tupleArg(list, 0, 'must be a list, set, or tuple value with either zero or one elements');
      if (elems.length > 1) throw new FunctionError('must be a list, set, or tuple value with either zero or one elements', 0);
      return elems.length === 0 ? null : elems[0];
    },
  },
  alltrue: { params: [any('list')], impl: ([list]) => boolsOf(list).every((b) => b) },
  anytrue: { params: [any('list')], impl: ([list]) => boolsOf(list).some((b) => b) },
  sum: {
    params: [any('list')],
    impl: ([list]) => {
      const elems = tupleArg(list, 0, 'argument must be list, set, or tuple');
      if (elems.length === 0) throw new FunctionError('cannot sum an empty list', 0);
      return elems.reduce<number>((acc, e) => {
        const c = toNumberValue(e);
        if (!c.ok || e === null) throw new FunctionError('argument must be list, set, or tuple of number values', 0);
        return acc + (c.value as number);
      }, 0);
    },
  },

  // numbers
  min: { params: [], variadic: num('numbers'), impl: (args) => Math.min(...numbersOf(args)) },
  max: { params: [], variadic: num('numbers'), impl: (args) => Math.max(...numbersOf(args)) },
  abs: { params: [num('num')], impl: ([n]) => Math.abs(n as number) },
  ceil: { params: [num('num')], impl: ([n]) => Math.ceil(n as number) },
  floor: { params: [num('num')], impl: ([n]) => Math.floor(n as number) },
  signum: { params: [num('num')], impl: ([n]) => Math.sign(n as number) + 0 },
  pow: { params: [num('num'), num('power')], impl: ([a, b]) => (a as number) ** (b as number) },
  parseint: {
    params: [any('number'), num('base')],
    impl: ([n, b], ctx) => {
      const base = wholeNumber(b, 1);
      if (base < 2 || base > 62) throw new FunctionError('base must be a whole number between 2 and 62 inclusive', 1);
      if (typeof n !== 'string') throw new FunctionError('first argument must be a string, not ' + typeName(n), 0);
      const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const m = /^([-+]?)(.+)$/.exec(n);
      let acc = 0n;
      const bad = () => new FunctionError(`cannot parse ${quote(ctx, 0, n)} as a base ${base} integer`, 0);
      if (!m) throw bad();
      for (const ch of m[2]) {
        let d = digits.indexOf(ch);
        if (base <= 36 && d >= 36) d -= 26;
        if (d < 0 || d >= base) throw bad();
        acc = acc * BigInt(base) + BigInt(d);
      }
      return Number(m[1] === '-' ? -acc : acc);
    },
  },

  // conversion
  coalesce: {
    params: [],
    variadic: any('vals', { allowNull: true, allowUnknown: true }),
    marks: 'shallow',
    impl: (vals) => {
      const unified = unify(vals, 'arguments');
      const isString = unified.some((v) => typeof v === 'string');
      for (const v of unified) {
        if (v instanceof Unknown) return UNKNOWN;
        if (v === null) continue;
        if (isString && v === '') continue;
        return v;
      }
      throw new FunctionError('no non-null, non-empty-string arguments');
    },
  },
  tolist: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    marks: 'shallow',
    impl: ([v]) => convertCollection(v, 'list'),
  },
  toset: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    impl: ([v]) => convertCollection(v, 'set'),
  },
  tomap: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    marks: 'shallow',
    impl: ([v]) => convertCollection(v, 'map'),
  },
  tostring: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    impl: ([v]) => {
      const c = toStringValue(v);
      if (!c.ok) throw new FunctionError(`cannot convert ${typeName(v)} to string`, 0);
      return c.value;
    },
  },
  tonumber: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    impl: ([v], ctx) => {
      const c = toNumberValue(v);
      if (c.ok) return c.value;
      if (typeof v === 'string') {
        throw new FunctionError(`cannot convert ${quote(ctx, 0, v)} to number; given string must be a decimal representation of a number`, 0);
      }
      throw new FunctionError(`cannot convert ${typeName(v)} to number`, 0);
    },
  },
  tobool: {
    params: [any('v', { allowNull: true, allowUnknown: true })],
    impl: ([v], ctx) => {
      const c = toBoolValue(v);
      if (c.ok) return c.value;
      if (typeof v === 'string') {
        throw new FunctionError(`cannot convert ${quote(ctx, 0, v)} to bool; only the strings "true" or "false" are allowed`, 0);
      }
      throw new FunctionError(`cannot convert ${typeName(v)} to bool`, 0);
    },
  },
  jsonencode: { params: [any('val', { allowNull: true })], impl: ([v]) => jsonEncode(v) },
  jsondecode: {
    params: [str('str')],
    impl: ([s]) => {
      try {
        return fromJson(JSON.parse(s as string));
      } catch (e) {
        throw new FunctionError(`invalid JSON: ${(e as Error).message}`, 0);
      }
    },
  },
  base64encode: { params: [str('str')], impl: ([s]) => Buffer.from(s as string, 'utf8').toString('base64') },
  base64decode: {
    params: [str('str')],
    impl: ([s], ctx) => {
      const text = s as string;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
        throw new FunctionError(`failed to decode base64 data ${quote(ctx, 0, text)}`, 0);
      }
      const out = Buffer.from(text, 'base64').toString('utf8');
      if (out.includes('\uFFFD')) throw new FunctionError('the result of decoding the provided string is not valid UTF-8', 0);
      return out;
    },
  },

  // networks
  cidrsubnet: {
    params: [str('prefix'), num('newbits'), num('netnum')],
    impl: ([p, nb, nn]) => cidrsubnet(p as string, nb, nn),
  },
  cidrhost: { params: [str('prefix'), num('hostnum')], impl: ([p, h]) => cidrhost(p as string, h) },
  cidrnetmask: { params: [str('prefix')], impl: ([p]) => cidrnetmask(p as string) },
  cidrsubnets: {
    params: [str('prefix')],
    variadic: num('newbits'),
    impl: ([p, ...newbits]) => {
      const base = parseCidr(p as string, 0);
      const out: string[] = [];
      // Each subnet starts at the first address after the previous one, aligned to its own size.
      let next = base.addr;
      const end = base.addr + (1n << BigInt(base.bits - base.prefix));
      newbits.forEach((nb, k) => {
        const n = wholeNumber(nb, k + 1);
        if (n < 1) throw new FunctionError('must extend prefix by at least one bit', k + 1);
        if (n > 32) throw new FunctionError('may not extend prefix by more than 32 bits', k + 1);
        const len = base.prefix + n;
        if (len > base.bits) {
          throw new FunctionError(`would extend prefix to ${len} bits, which is too long for an ${base.bits === 32 ? 'IPv4' : 'IPv6'} address`, k + 1);
        }
        const size = 1n << BigInt(base.bits - len);
        const start = ((next + size - 1n) / size) * size;
        if (start + size > end) {
          const prev = out.length ? out[out.length - 1] : `${formatIP(base.addr, base.bits)}/${base.prefix}`;
          throw new FunctionError(`not enough remaining address space for a subnet with a prefix of ${len} bits after ${prev}`, k + 1);
        }
        out.push(`${formatIP(start, base.bits)}/${len}`);
        next = start + size;
      });
      return out;
    },
  },

  // files
  file: { params: [str('path')], impl: ([p], ctx) => readConfigFile(p as string, ctx.files) },
} satisfies Record<string, HclFunction>);

function boolsOf(list: Value): boolean[] {
  return tupleArg(list, 0, 'list of bool required').map((e) => {
    const c = toBoolValue(e);
    if (!c.ok || e === null) throw new FunctionError('list of bool required', 0);
    return c.value as boolean;
  });
}

function trimSet(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && cut.has(chars[a])) a++;
  if (right) while (b > a && cut.has(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

