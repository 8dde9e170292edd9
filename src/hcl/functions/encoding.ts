// Encoding functions: JSON (as Terraform writes it) and base64.
import { inexactNumber, isObject, numberToString, objectValue, Sensitive, sortedKeys, type Value } from '../value.js';
import { FunctionError, tooDeep, type HclFunction } from './call.js';
import type { EvalBudget } from '../limits.js';
import { yamlDecode, yamlEncode } from './yaml.js';
import { any, quote, str } from './args.js';

/** Go's JSON string encoding (json.Marshal escapes <, > and & too). */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Terraform's jsonencode: keys sorted, numbers in plain decimal. */
export function jsonEncode(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    // JSON has no infinities: never write "+Inf" into a document someone else parses.
    if (!Number.isFinite(v)) throw new FunctionError('cannot encode an infinite number as JSON');
    return numberToString(v);
  }
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(',')}]`;
  if (v instanceof Sensitive) return jsonEncode(v.value);
  if (isObject(v))
    return `{${sortedKeys(v)
      .map((k) => `${goJsonString(k)}:${jsonEncode(v[k])}`)
      .join(',')}}`;
  throw new Error('bug: jsonEncode of an unknown value');
}

function fromJson(j: unknown, budget: EvalBudget): Value {
  budget.step();
  if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  if (Array.isArray(j)) return j.map((e) => fromJson(e, budget));
  const o = j as Record<string, unknown>;
  return objectValue(Object.keys(o).map((k) => [k, fromJson(o[k], budget)]));
}

/**
 * Checks JSON text before parsing it: nesting no deeper than the value limit, and every number
 * one a double holds exactly (JSON.parse would round 9007199254740993 and make 1e400 Infinity).
 */
function checkJson(text: string, budget: EvalBudget): void {
  const max = budget.limits.maxValueDepth;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) throw tooDeep(budget);
    } else if (c === 93 || c === 125) depth--;
    else if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const raw = text.slice(i, j);
      const why = inexactNumber(raw, Number(raw));
      if (why !== undefined) throw new FunctionError(`invalid JSON: ${why}`, 0);
      i = j - 1;
    }
  }
}

/** Go's url.QueryEscape: RFC 3986 unreserved characters stay, a space becomes "+", the rest %XX of each UTF-8 byte. */
function urlencode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's encoding/csv reader (RFC 4180), as csvdecode() uses it: the first record names the columns. */
function csvdecode(text: string, budget: EvalBudget): Value {
  budget.step(100 + text.length);
  const records: { fields: string[]; line: number }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const fail = (at: number, col: number, why: string) => new FunctionError(`CSV parse error on line ${at}, column ${col}: ${why}`, 0);
  while (i < n) {
    // Empty lines are skipped.
    if (text[i] === '\n') {
      i++;
      line++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      let col = 1;
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw fail(start, col, 'extraneous or missing " in quoted-field');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\r' && text[i + 1] === '\n') {
            field += '\n';
            i += 2;
            line++;
            continue;
          }
          if (c === '\n') line++;
          field += c;
          i++;
          col++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          throw fail(line, col, 'extraneous or missing " in quoted-field');
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"') throw fail(line, i - from + 1, 'bare " in non-quoted-field');
          i++;
        }
        field = text.slice(from, i);
        if (field.endsWith('\r') && i >= n) field = field.slice(0, -1);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    }
    records.push({ fields, line: start });
  }
  if (records.length === 0) throw new FunctionError('missing header line', 0);
  const headers = records[0].fields;
  const seen = new Set<string>();
  for (const h of headers) {
    if (seen.has(h)) throw new FunctionError(`duplicate column name ${JSON.stringify(h)}`, 0);
    seen.add(h);
  }
  budget.collection(records.length - 1);
  return records.slice(1).map((r) => {
    if (r.fields.length !== headers.length) throw new FunctionError(`CSV parse error on line ${r.line}: wrong number of fields`, 0);
    return objectValue(headers.map((h, k) => [h, r.fields[k]]));
  });
}

/** Encoding functions. */
export const encodingFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  jsonencode: { params: [any('val', { allowNull: true })], impl: ([v]) => jsonEncode(v) },
  jsondecode: {
    params: [str('str')],
    impl: ([s], ctx) => {
      const text = s as string;
      ctx.budget.step(Math.ceil(text.length / 16));
      checkJson(text, ctx.budget);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new FunctionError(`invalid JSON: ${(e as Error).message}`, 0);
      }
      return fromJson(parsed, ctx.budget);
    },
  },
  yamlencode: { params: [any('value', { allowNull: true })], impl: ([v], ctx) => yamlEncode(v, ctx.budget) },
  yamldecode: { params: [str('src')], impl: ([s], ctx) => yamlDecode(s as string, ctx.budget) },
  csvdecode: { params: [str('str')], impl: ([s], ctx) => csvdecode(s as string, ctx.budget) },
  urlencode: { params: [str('str')], impl: ([s]) => urlencode(s as string) },
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
});
