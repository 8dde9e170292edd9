// cty's format(): Go's printf verbs over HCL values, with explicit argument indexes, and
// formatlist(), which formats once per element of its list arguments.
import { containsUnknown, decimalDigits, toBoolValue, toNumberValue, toStringValue, UNKNOWN, Unknown, type Conversion, type Value } from '../value.js';
import { FunctionError } from './call.js';
import { graphemes } from './unicode.js';
import { goJsonString, jsonEncode } from './encoding.js';

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

export function formatCall(spec: string, args: readonly Value[]): string {
  try {
    return format(spec, args);
  } catch (e) {
    if (e instanceof FunctionError) throw e;
    throw new FunctionError((e as Error).message);
  }
}

export function formatlist(spec: string, args: readonly Value[]): Value {
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
