// Converts a parsed body to the JSON shape of hcl2json v0.3 (what hcl2-parser's parseToObject
// returns), so hcl2-parser can serve as a test oracle. Its rules, observed and from its source:
// - blocks nest by type then by each label; the innermost value is a list of bodies;
// - attributes are set after blocks (an attribute wins over a block of the same name);
// - number/bool/null literals and `-1`/`!true` become JSON values, tuples arrays, objects
//   objects; strings are rendered with `${…}` for interpolations and `%{if}`/`%{for}` kept;
// - anything else becomes "${<source text as written>}";
// - an object key that is a plain traversal (`a`, `a.b`, `a[0]`) is its source text.
// Where hcl2json fails on a valid body (a block that is both labelled and unlabelled), this
// keeps the later block rather than failing.
import type { Body, Expression, LiteralExpr, ObjectItem, Range, TemplateExpr, TemplatePart } from './ast.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** hcl2json's rendering of `body`; `source` defaults to the text kept on the root body. */
export function toHclJson(body: Body, source?: string): unknown {
  const text = source ?? body.file?.source ?? '';
  return new Converter(text).body(body);
}

function has(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function set(obj: JsonObject, key: string, value: Json): void {
  // "__proto__" must become an own property, as JSON.parse makes it.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Converter {
  /** UTF-8 byte offset → string index, only built for non-ASCII sources. */
  private byteIndex: Int32Array | undefined;

  constructor(private readonly src: string) {
    if (/[^\x00-\x7f]/.test(src)) this.byteIndex = buildByteIndex(src);
  }

  body(body: Body): JsonObject {
    const out: JsonObject = {};
    for (const item of body.items) {
      if (item.kind !== 'Block') continue;
      let cur = out;
      let key = item.type;
      for (const label of item.labels) {
        const inner = has(cur, key) ? cur[key] : undefined;
        if (isObject(inner)) {
          cur = inner;
        } else {
          const fresh: JsonObject = {};
          set(cur, key, fresh);
          cur = fresh;
        }
        key = label.value;
      }
      const value = this.body(item.body);
      const existing = has(cur, key) ? cur[key] : undefined;
      if (Array.isArray(existing)) existing.push(value);
      else set(cur, key, [value]);
    }
    for (const item of body.items) {
      if (item.kind === 'Attribute') set(out, item.name, this.expr(item.expr));
    }
    return out;
  }

  private expr(e: Expression): Json {
    switch (e.kind) {
      case 'Literal':
        return e.value;
      case 'Unary': {
        const v = e.operand;
        if (v.kind === 'Literal') {
          if (e.op === '-' && typeof v.value === 'number') return -v.value;
          if (e.op === '!' && typeof v.value === 'boolean') return !v.value;
        }
        return this.wrap(e.range);
      }
      case 'Template':
        return this.template(e);
      case 'TemplateWrap':
        return this.expr(e.wrapped);
      case 'Tuple':
        return e.items.map((item) => this.expr(item));
      case 'Object': {
        const out: JsonObject = {};
        for (const item of e.items) set(out, this.key(item), this.expr(item.value));
        return out;
      }
      default:
        return this.wrap(e.range);
    }
  }

  private template(t: TemplateExpr): string {
    let s = '';
    for (const part of t.parts) s += this.stringPart(part);
    return s;
  }

  private stringPart(p: TemplatePart): string {
    switch (p.kind) {
      case 'Literal':
        return literalText(p);
      case 'Template':
        return this.template(p);
      case 'TemplateWrap':
        return this.stringPart(p.wrapped);
      case 'TemplateIf': {
        const otherwise = p.else === undefined ? '' : this.template(p.else);
        return `%{if ${this.source(p.condition.range)}}${this.template(p.then)}${otherwise.length > 0 ? `%{else}${otherwise}` : ''}%{endif}`;
      }
      case 'Conditional': {
        // hcl2json renders every conditional inside a template as an if directive.
        const otherwise = this.stringPart(p.falseExpr);
        return `%{if ${this.source(p.condition.range)}}${this.stringPart(p.trueExpr)}${otherwise.length > 0 ? `%{else}${otherwise}` : ''}%{endif}`;
      }
      case 'TemplateFor': {
        const names = p.keyVar !== undefined ? `${p.keyVar}, ${p.valueVar}` : p.valueVar;
        return `%{for ${names} in ${this.source(p.collection.range)}}${this.template(p.body)}%{endfor}`;
      }
      default:
        return this.wrap(p.range);
    }
  }

  private key(item: ObjectItem): string {
    const k = item.key;
    if (isScopeTraversal(k)) return this.source(k.range);
    return this.stringPart(k);
  }

  private wrap(r: Range): string {
    return '${' + this.source(r) + '}';
  }

  /** The source text of a range; like hcl2json, a ")" right after it is included. */
  private source(r: Range): string {
    const start = this.index(r.start.byte);
    let end = this.index(r.end.byte);
    if (this.src.charCodeAt(end) === 41) end++;
    return this.src.slice(start, end);
  }

  private index(byte: number): number {
    if (this.byteIndex === undefined) return byte;
    return this.byteIndex[Math.min(byte, this.byteIndex.length - 1)];
  }
}

/** What hclsyntax parses as a ScopeTraversalExpr: a name followed by static steps only. */
function isScopeTraversal(e: Expression): boolean {
  for (;;) {
    switch (e.kind) {
      case 'Variable':
        return true;
      case 'GetAttr':
        e = e.object;
        continue;
      case 'Index': {
        const k = e.key;
        const literalKey = k.kind === 'Literal' || (k.kind === 'Template' && k.parts.length === 1 && k.parts[0].kind === 'Literal');
        if (!literalKey) return false;
        e = e.collection;
        continue;
      }
      default:
        return false;
    }
  }
}

/** A literal converted to a string as cty does (numbers in plain decimal notation). */
function literalText(l: LiteralExpr): string {
  const v = l.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '';
  return l.raw !== undefined ? decimalText(l.raw) : plainNumber(v);
}

/** Exact decimal text of a number literal as written (`1.50` → "1.5", `1e3` → "1000"). */
function decimalText(raw: string): string {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (m === null) return raw;
  let digits = (m[1] ?? '') + (m[2] ?? '');
  let point = (m[1] ?? '').length + Number(m[3] ?? '0');
  // Trim leading zeros (moving the point) and trailing zeros.
  let lead = 0;
  while (lead < digits.length - 1 && digits[lead] === '0') lead++;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits.length === 0) return '0';
  if (point <= 0) return '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return digits.slice(0, point) + '.' + digits.slice(point);
}

function plainNumber(n: number): string {
  const s = String(n);
  if (!s.includes('e')) return s;
  return decimalText(s.replace('+', ''));
}

function buildByteIndex(src: string): Int32Array {
  const map = new Int32Array(src.length * 3 + 1);
  let b = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    let w: number;
    if (c < 0x80) w = 1;
    else if (c < 0x800) w = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < src.length) {
      const d = src.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        for (let k = 0; k < 4; k++) map[b + k] = i;
        b += 4;
        i++;
        continue;
      }
      w = 3;
    } else w = 3;
    for (let k = 0; k < w; k++) map[b + k] = i;
    b += w;
  }
  map[b] = src.length;
  return map.subarray(0, b + 1);
}
