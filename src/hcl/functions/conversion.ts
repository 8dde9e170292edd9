// Type conversion functions: to primitives and between collection kinds, as cty converts.
import { containsUnknown, isObject, objectValue, toBoolValue, toNumberValue, toStringValue, typeName, UNKNOWN, Unknown, type Value } from '../value.js';
import { FunctionError, type HclFunction } from './call.js';
import { any, quote, unify } from './args.js';
import { compareSetElements, distinct } from './collections.js';

function convertCollection(v: Value, to: 'list' | 'set' | 'map'): Value {
  if (v === null || v instanceof Unknown) return v;
  const single = `cannot convert ${typeName(v)} to ${to} of any single type`;
  if (to === 'map') {
    if (!isObject(v)) throw new FunctionError(single, 0);
    const keys = Object.keys(v);
    let vals: Value[];
    try {
      vals = unify(
        keys.map((k) => v[k]),
        'values',
      );
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

/** Type conversion functions. */
export const conversionFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
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
      if (typeof v === 'string' && /represented exactly|too large/.test(c.reason))
        throw new FunctionError(`cannot convert ${quote(ctx, 0, v)} to number: ${c.reason}`, 0);
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
});
