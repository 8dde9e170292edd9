// Encoding functions: JSON (as Terraform writes it) and base64.
import { isObject, numberToString, objectValue, Sensitive, sortedKeys, type Value } from '../value.js';
import { FunctionError, type HclFunction } from './call.js';
import { any, quote, str } from './args.js';

/** Go's JSON string encoding (json.Marshal escapes <, > and & too). */
export function goJsonString(s: string): string {
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
  if (isObject(v))
    return `{${sortedKeys(v)
      .map((k) => `${goJsonString(k)}:${jsonEncode(v[k])}`)
      .join(',')}}`;
  throw new Error('bug: jsonEncode of an unknown value');
}

function fromJson(j: unknown): Value {
  if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  if (Array.isArray(j)) return j.map(fromJson);
  const o = j as Record<string, unknown>;
  return objectValue(Object.keys(o).map((k) => [k, fromJson(o[k])]));
}

/** Encoding functions. */
export const encodingFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
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
});
