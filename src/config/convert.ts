// Converts evaluated values to the types the schema asks for, with HCL's conversions (a number
// where a string is wanted becomes its decimal text, "true" becomes a bool) and one clear
// diagnostic per mismatch.
import type { Expression, ObjectItem, Range } from '../hcl/ast.js';
import { spanRanges } from '../diag/types.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { isSensitive, isUnknown, unmark, type Value } from '../hcl/value.js';
import { parseDuration } from './duration.js';
import { parseCidr } from './cidr.js';
import type { ArgType } from './schema.js';

/** A converted value: plain JSON data. `undefined` means an error was reported. */
export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

export interface ConvertContext {
  readonly diags: Diagnostic[];
  /** What is being converted, for messages: `argument "memory_gb" of vm "db01"`. */
  readonly what: string;
  readonly range: Range;
  /** Set when any part of the value was marked sensitive (shared by nested conversions). */
  readonly marks: { sensitive: boolean };
  /** The value's syntax, when known, so errors inside a list or object point at the element. */
  readonly expr?: Expression;
}

function unwrapParens(e: Expression): Expression {
  return e.kind === 'Parens' ? unwrapParens(e.expr) : e;
}

/** The static key of an object constructor item: `name = …` or `"name" = …`. */
export function objectItemKey(item: ObjectItem): string | undefined {
  const k = item.key;
  if (k.kind === 'Variable') return k.name;
  if (k.kind === 'Literal' && typeof k.value === 'string') return k.value;
  if (k.kind === 'Template' && k.parts.length === 1 && k.parts[0].kind === 'Literal' && typeof k.parts[0].value === 'string') return k.parts[0].value;
  return undefined;
}

/** The syntax of element `i` of a tuple constructor with `length` elements, if `expr` is one. */
export function tupleItemSyntax(expr: Expression | undefined, i: number, length: number): Expression | undefined {
  const e = expr && unwrapParens(expr);
  return e?.kind === 'Tuple' && e.items.length === length ? e.items[i] : undefined;
}

/** The item for key `k` of an object constructor, if `expr` is one with that key written statically. */
export function objectItemSyntax(expr: Expression | undefined, k: string): ObjectItem | undefined {
  const e = expr && unwrapParens(expr);
  if (e?.kind !== 'Object') return undefined;
  for (let i = e.items.length - 1; i >= 0; i--) if (objectItemKey(e.items[i]) === k) return e.items[i];
  return undefined;
}

/** The range of an object item from its key to the end of its value: `size_gb = 300`. */
export function objectItemRange(item: ObjectItem): Range {
  return spanRanges(item.key.range, item.value.range);
}

/** Details are sentences: `argument "x" of …` starts one as `Argument "x" of …`. */
function sentence(what: string): string {
  return what.charAt(0).toUpperCase() + what.slice(1);
}

function within(ctx: ConvertContext, what: string, expr: Expression | undefined): ConvertContext {
  return { diags: ctx.diags, marks: ctx.marks, what, expr, range: expr?.range ?? ctx.range };
}

export function describeType(t: ArgType): string {
  switch (t.kind) {
    case 'string':
      return t.oneOf ? `one of ${t.oneOf.map((s) => `"${s}"`).join(', ')}` : 'a string';
    case 'number':
      return t.integer ? 'a whole number' : 'a number';
    case 'bool':
      return 'true or false';
    case 'duration':
      return 'a duration such as "30s", "15m" or "4h"';
    case 'cidr':
      return 'an IPv4 CIDR block such as "10.0.0.0/24"';
    case 'list':
      return `a list of ${describeType(t.of).replace(/^an? /, '')}s`;
    case 'map':
      return `a map of ${describeType(t.of).replace(/^an? /, '')}s`;
    case 'object':
      return `an object with ${Object.keys(t.attrs).join(', ')}`;
    case 'command':
      return 'a script path, or a list of a script path and its arguments';
    default:
      return 'a value';
  }
}

function kindOf(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a bool';
    default:
      return 'an object';
  }
}

function mismatch(ctx: ConvertContext, t: ArgType, got: string): undefined {
  ctx.diags.push(
    errorDiag('Incorrect attribute value type', `Inappropriate value for ${ctx.what}: ${describeType(t)} is required, but this is ${got}.`, ctx.range),
  );
  return undefined;
}

/** Converts `raw` to `t`; reports and returns undefined on failure. Sensitive marks set ctx.marks.sensitive. */
export function convertValue(raw: Value, t: ArgType, ctx: ConvertContext): Plain | undefined {
  let v = raw;
  if (isSensitive(v)) {
    ctx.marks.sensitive = true;
    v = unmark(v);
  }
  if (isUnknown(v)) {
    ctx.diags.push(
      errorDiag(
        'Value not known at plan time',
        `The value of ${ctx.what} depends on something known only after apply (such as a provider-assigned id). drctl needs it to plan; use a value from the configuration instead.`,
        ctx.range,
      ),
    );
    return undefined;
  }
  switch (t.kind) {
    case 'any':
      return toPlain(v, ctx);
    case 'string': {
      let s: string;
      if (typeof v === 'string') s = v;
      else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
      else return mismatch(ctx, t, kindOf(v));
      const alias = t.aliases?.(s);
      if (alias !== undefined) return alias;
      if (t.oneOf && !t.oneOf.includes(s)) {
        ctx.diags.push(
          errorDiag('Invalid value', `"${s}" is not a valid value for ${ctx.what}: expected ${describeType(t)}.${didYouMean(s, t.oneOf)}`, ctx.range),
        );
        return undefined;
      }
      return s;
    }
    case 'number': {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) n = Number(v);
      else return mismatch(ctx, t, kindOf(v));
      if (t.integer && !Number.isInteger(n)) return mismatch(ctx, t, `the fractional number ${n}`);
      if ((t.min !== undefined && n < t.min) || (t.max !== undefined && n > t.max)) {
        const bounds =
          t.min !== undefined && t.max !== undefined ? `between ${t.min} and ${t.max}` : t.min !== undefined ? `at least ${t.min}` : `at most ${t.max}`;
        ctx.diags.push(errorDiag('Value out of range', `${sentence(ctx.what)} must be ${bounds}; got ${n}.`, ctx.range));
        return undefined;
      }
      return n;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return mismatch(ctx, t, kindOf(v));
    case 'duration': {
      if (typeof v !== 'string') return mismatch(ctx, t, kindOf(v));
      const secs = parseDuration(v);
      if (secs === undefined) {
        ctx.diags.push(
          errorDiag('Invalid duration', `"${v}" is not a duration for ${ctx.what}. Write a number and a unit: "30s", "15m", "4h", "1h30m" or "2d".`, ctx.range),
        );
        return undefined;
      }
      return secs;
    }
    case 'cidr': {
      if (typeof v !== 'string') return mismatch(ctx, t, kindOf(v));
      const c = parseCidr(v);
      if (!c) {
        ctx.diags.push(
          errorDiag(
            'Invalid CIDR block',
            `"${v}" is not a valid IPv4 CIDR block for ${ctx.what}. Write an address and a prefix length, e.g. "10.10.0.0/24".`,
            ctx.range,
          ),
        );
        return undefined;
      }
      if (c.hostBitsSet) {
        ctx.diags.push(
          errorDiag(
            'Invalid CIDR block',
            `"${v}" has host bits set, so it is not a network address. Did you mean a network like "${formatBase(c.base)}/${c.prefix}"?`,
            ctx.range,
          ),
        );
        return undefined;
      }
      return v;
    }
    case 'command': {
      // A program and its arguments, never a shell line: "scripts/check.sh" or ["scripts/check.sh", "--db", "ERP"].
      const argv =
        typeof v === 'string' ? [v] : Array.isArray(v) ? convertValue(v, { kind: 'list', of: { kind: 'string' } }, ctx) : mismatch(ctx, t, kindOf(v));
      if (!Array.isArray(argv)) return undefined;
      if (argv.length === 0 || argv[0] === '') {
        ctx.diags.push(errorDiag('Invalid command', `${sentence(ctx.what)} needs a script path: ${describeType(t)}.`, ctx.range));
        return undefined;
      }
      return argv;
    }
    case 'list': {
      if (!Array.isArray(v)) return mismatch(ctx, t, kindOf(v));
      const out: Plain[] = [];
      let ok = true;
      v.forEach((item, i) => {
        const r = convertValue(item, t.of, within(ctx, `element ${i} of ${ctx.what}`, tupleItemSyntax(ctx.expr, i, v.length)));
        if (r === undefined) ok = false;
        else out.push(r);
      });
      return ok ? out : undefined;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return mismatch(ctx, t, kindOf(v));
      const out: { [k: string]: Plain } = {};
      let ok = true;
      for (const [k, item] of Object.entries(v as Record<string, Value>)) {
        const r = convertValue(item, t.of, within(ctx, `key "${k}" of ${ctx.what}`, objectItemSyntax(ctx.expr, k)?.value));
        if (r === undefined) ok = false;
        else out[k] = r;
      }
      return ok ? out : undefined;
    }
    case 'object': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return mismatch(ctx, t, kindOf(v));
      const obj = v as Record<string, Value>;
      const out: { [k: string]: Plain } = {};
      let ok = true;
      for (const k of Object.keys(obj)) {
        if (!(k in t.attrs)) {
          ctx.diags.push(
            errorDiag(
              'Unsupported attribute',
              `${sentence(ctx.what)} has no attribute "${k}"; expected ${Object.keys(t.attrs).join(', ')}.${didYouMean(k, Object.keys(t.attrs))}`,
              objectItemSyntax(ctx.expr, k)?.key.range ?? ctx.range,
            ),
          );
          ok = false;
        }
      }
      for (const [k, schema] of Object.entries(t.attrs)) {
        if (!Object.hasOwn(obj, k) || obj[k] === null) {
          if (schema.required) {
            ctx.diags.push(errorDiag('Missing required attribute', `${sentence(ctx.what)} needs the attribute "${k}".`, ctx.range));
            ok = false;
          }
          continue;
        }
        const r = convertValue(obj[k], schema.type, within(ctx, `"${k}" in ${ctx.what}`, objectItemSyntax(ctx.expr, k)?.value));
        if (r === undefined) ok = false;
        else out[k] = r;
      }
      return ok ? out : undefined;
    }
    default:
      return toPlain(v, ctx);
  }
}

function toPlain(v: Value, ctx: ConvertContext): Plain {
  if (isSensitive(v)) {
    ctx.marks.sensitive = true;
    return toPlain(unmark(v), ctx);
  }
  if (Array.isArray(v)) return v.map((x) => toPlain(x, ctx));
  if (v !== null && typeof v === 'object') {
    if (isUnknown(v)) return null;
    const out: { [k: string]: Plain } = {};
    for (const [k, x] of Object.entries(v as Record<string, Value>)) out[k] = toPlain(x, ctx);
    return out;
  }
  return v as Plain;
}

function formatBase(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
