// Date and time functions on RFC 3339 timestamp strings, as cty and Terraform define them. A
// timestamp keeps its own UTC offset: formatdate() and timeadd() print in it. timestamp() reads
// the clock the caller passes in, so evaluation stays a pure function of its inputs.
import { FunctionError, type CallContext, type HclFunction } from './call.js';
import { str } from './args.js';

interface Timestamp {
  /** Milliseconds since the epoch (the instant). */
  readonly ms: number;
  /** Offset from UTC in minutes (the time zone it was written in). */
  readonly offset: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Go's time.Parse(time.RFC3339, …), with cty's messages for the usual mistakes. */
export function parseTimestamp(ts: string): Timestamp {
  const m = RFC3339.exec(ts);
  const bad = (why: string) => new FunctionError(`not a valid RFC3339 timestamp: ${why}`);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(ts)) throw bad("missing required time introducer 'T'");
    if (/^\d{4}-\d{2}-\d{2}[ t]/.test(ts)) throw bad("missing required time introducer 'T'");
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(ts)) throw bad('end of string before UTC offset');
    throw new FunctionError(`not a valid RFC3339 timestamp: cannot parse ${JSON.stringify(ts)}`);
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12) throw bad('month out of range');
  if (d < 1 || d > daysInMonth(y, mo)) throw bad('day out of range');
  if (h > 23) throw bad('hour must be between 0 and 23 inclusive');
  if (mi > 59) throw bad('minute out of range');
  if (s > 59) throw bad('second out of range');
  let offset = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) throw bad('time zone offset out of range');
    offset = sign * (oh * 60 + om);
  }
  const frac = m[7] ? Number(`0${m[7]}`) * 1000 : 0;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) + frac - offset * 60_000;
  return { ms, offset };
}

/** The wall-clock fields of a timestamp in its own offset. */
function fields(t: Timestamp): Date {
  return new Date(t.ms + t.offset * 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function formatOffset(offset: number, colon: boolean, zForUtc: boolean): string {
  if (offset === 0 && zForUtc) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

/** Go's t.Format(time.RFC3339): seconds precision, the timestamp's own offset. */
export function formatRfc3339(t: Timestamp): string {
  const f = fields(t);
  const y = f.getUTCFullYear();
  return `${pad(y, 4)}-${pad(f.getUTCMonth() + 1)}-${pad(f.getUTCDate())}T${pad(f.getUTCHours())}:${pad(f.getUTCMinutes())}:${pad(f.getUTCSeconds())}${formatOffset(t.offset, true, true)}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Splits a formatdate() spec as cty does: quoted literals, runs of one letter, other text. */
function tokens(spec: string): string[] {
  const out: string[] = [];
  let i = 0;
  const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
  while (i < spec.length) {
    const c = spec[i];
    let j = i + 1;
    if (c === "'") {
      if (spec[i + 1] === "'") j = i + 2;
      else {
        j = spec.length;
        for (let k = i + 1; k < spec.length; k++) {
          if (spec[k] !== "'") continue;
          if (spec[k + 1] === "'") {
            k++;
            continue;
          }
          j = k + 1;
          break;
        }
      }
    } else if (isLetter(c)) {
      while (spec[j] === c) j++;
    } else {
      while (j < spec.length && spec[j] !== "'" && !isLetter(spec[j])) j++;
    }
    out.push(spec.slice(i, j));
    i = j;
  }
  return out;
}

function formatdate(spec: string, ts: string): string {
  let t: Timestamp;
  try {
    t = parseTimestamp(ts);
  } catch (e) {
    throw new FunctionError((e as Error).message, 1);
  }
  const f = fields(t);
  let out = '';
  const verb = (tok: string, why: string) => new FunctionError(`invalid date format verb ${JSON.stringify(tok)}${why}`, 0);
  for (const tok of tokens(spec)) {
    const c = tok[0];
    const n = tok.length;
    if (c === "'") {
      if (tok[n - 1] !== "'" || n === 1) throw new FunctionError("unterminated literal '", 0);
      out += n === 2 ? "'" : tok.slice(1, -1).replace(/''/g, "'");
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += tok;
      continue;
    }
    const two = (v: number, what: string) => {
      if (n === 1) return String(v);
      if (n === 2) return pad(v);
      throw verb(tok, `: ${what}`);
    };
    switch (c) {
      case 'Y': {
        const y = f.getUTCFullYear();
        if (n === 2) out += pad(y % 100);
        else if (n === 4) out += pad(y, 4);
        else throw verb(tok, ': year must either be "YY" or "YYYY"');
        break;
      }
      case 'M': {
        const m = f.getUTCMonth();
        if (n <= 2) out += two(m + 1, '');
        else if (n === 3) out += MONTHS[m].slice(0, 3);
        else if (n === 4) out += MONTHS[m];
        else throw verb(tok, ': month must be "M", "MM", "MMM", or "MMMM"');
        break;
      }
      case 'D':
        out += two(f.getUTCDate(), 'day of month must either be "D" or "DD"');
        break;
      case 'E':
        if (n === 3) out += DAYS[f.getUTCDay()].slice(0, 3);
        else if (n === 4) out += DAYS[f.getUTCDay()];
        else throw verb(tok, ': day of week must either be "EEE" or "EEEE"');
        break;
      case 'h':
        out += two(f.getUTCHours(), '24-hour must either be "h" or "hh"');
        break;
      case 'H':
        out += two(f.getUTCHours() % 12 || 12, '12-hour must either be "H" or "HH"');
        break;
      case 'A':
      case 'a': {
        if (n !== 2) throw verb(tok, `: must be "${c}${c}"`);
        const pm = f.getUTCHours() >= 12;
        out += c === 'A' ? (pm ? 'PM' : 'AM') : pm ? 'pm' : 'am';
        break;
      }
      case 'm':
        out += two(f.getUTCMinutes(), 'minute must either be "m" or "mm"');
        break;
      case 's':
        out += two(f.getUTCSeconds(), 'second must either be "s" or "ss"');
        break;
      case 'Z':
        if (n === 1) out += formatOffset(t.offset, true, true);
        else if (n === 3) out += t.offset === 0 ? 'UTC' : formatOffset(t.offset, false, false);
        else if (n === 4) out += formatOffset(t.offset, false, false);
        else if (n === 5) out += formatOffset(t.offset, true, false);
        else throw verb(tok, ': timezone must be Z, ZZZZ, or ZZZZZ');
        break;
      default:
        throw verb(tok, '');
    }
  }
  return out;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(text: string): number {
  const bad = () => new FunctionError(`time: invalid duration ${JSON.stringify(text)}`, 1);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = part.exec(s);
    if (!m) {
      const n = /^(\d+(?:\.\d*)?|\.\d+)([^\d.]*)/.exec(s);
      if (!n) throw bad();
      if (n[2] === '') throw new FunctionError(`time: missing unit in duration ${JSON.stringify(text)}`, 1);
      throw new FunctionError(`time: unknown unit ${JSON.stringify(n[2])} in duration ${JSON.stringify(text)}`, 1);
    }
    total += Number(m[1]) * UNITS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}

function timestamp(ctx: CallContext): string {
  if (!ctx.now) throw new FunctionError('timestamp() is not available here: no clock was given');
  return formatRfc3339({ ms: Math.floor(ctx.now() / 1000) * 1000, offset: 0 });
}

function parseArg(ts: string, arg: number): Timestamp {
  try {
    return parseTimestamp(ts);
  } catch (e) {
    throw new FunctionError((e as Error).message, arg);
  }
}

/** Date and time functions. */
export const datetimeFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  timestamp: { params: [], impl: (_args, ctx) => timestamp(ctx) },
  formatdate: { params: [str('format'), str('time')], cost: 200, impl: ([spec, ts]) => formatdate(spec as string, ts as string) },
  timeadd: {
    params: [str('timestamp'), str('duration')],
    cost: 200,
    impl: ([ts, d]) => {
      const t = parseArg(ts as string, 0);
      // Go's RFC 3339 output drops fractions of a second.
      return formatRfc3339({ ms: Math.floor((t.ms + parseGoDuration(d as string)) / 1000) * 1000, offset: t.offset });
    },
  },
  timecmp: {
    params: [str('timestamp_a'), str('timestamp_b')],
    cost: 200,
    impl: ([a, b]) => {
      const x = parseArg(a as string, 0).ms;
      const y = parseArg(b as string, 1).ms;
      return x === y ? 0 : x < y ? -1 : 1;
    },
  },
});
