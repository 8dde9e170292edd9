// Collection functions: lists, tuples, maps and objects (set order as cty keeps it).
import {
  compareStrings,
  containsUnknown,
  describeValueType,
  objectValue,
  sortedKeys,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  UNKNOWN,
  Unknown,
  valueEquals,
  Sensitive,
  type Value,
} from '../value.js';
import { FunctionError, type HclFunction } from './call.js';
import { any, num, objectArg, quote, str, tupleArg, unify, wholeNumber } from './args.js';
import { jsonEncode } from './encoding.js';

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
export function compareSetElements(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(jsonEncode(a), jsonEncode(b));
}

/** A key that equal elements share (for sets and lookups without quadratic comparisons). */
export function elementKey(v: Value): string {
  if (v instanceof Sensitive) return elementKey(v.value);
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${v}`;
    case 'boolean':
      return v ? 'bt' : 'bf';
    default:
      return v === null ? 'z' : `j${jsonEncode(v)}`;
  }
}

export function distinct(list: readonly Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of list) {
    const k = elementKey(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
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

function boolsOf(list: Value): boolean[] {
  return tupleArg(list, 0, 'list of bool required').map((e) => {
    const c = toBoolValue(e);
    if (!c.ok || e === null) throw new FunctionError('list of bool required', 0);
    return c.value as boolean;
  });
}

/** Collection functions. */
export const collectionFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
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
  chunklist: {
    params: [any('list', { allowUnknown: true }), num('size')],
    marks: 'shallow',
    impl: ([list, size], ctx) => {
      const n = wholeNumber(size, 1);
      if (n < 0) throw new FunctionError('the size argument must be positive', 1);
      if (list instanceof Unknown) return UNKNOWN;
      const elems = tupleArg(list, 0, 'a list is required');
      if (elems.length === 0) return [];
      if (n === 0) return [elems];
      const out: Value[] = [];
      for (let i = 0; i < elems.length; i += n) out.push(elems.slice(i, i + n));
      ctx.budget.step(elems.length);
      return out;
    },
  },
  matchkeys: {
    params: [any('values'), any('keys'), any('searchset')],
    marks: 'shallow',
    impl: ([vs, ks, ss], ctx) => {
      const values = tupleArg(vs, 0, 'a list is required');
      const keys = tupleArg(ks, 1, 'a list is required');
      const search = tupleArg(ss, 2, 'a list is required');
      if (values.length !== keys.length) throw new FunctionError('length of keys and values should be equal');
      let both: Value[];
      try {
        both = unify([...keys, ...search], 'elements');
      } catch {
        throw new FunctionError('keys and searchset must be of the same type');
      }
      const wanted = new Set(both.slice(keys.length).map(elementKey));
      ctx.budget.step(keys.length + search.length);
      return values.filter((_, i) => wanted.has(elementKey(both[i])));
    },
  },
  transpose: {
    params: [any('values')],
    impl: ([m], ctx) => {
      const o = objectArg(m, 0, 'input must be a map of lists of strings');
      const out = new Map<string, string[]>();
      for (const k of sortedKeys(o)) {
        const list = o[k];
        if (list === null) throw new FunctionError('input must not contain null list', 0);
        if (!Array.isArray(list)) throw new FunctionError('input must be a map of lists of strings', 0);
        ctx.budget.step(list.length);
        for (const e of list) {
          if (e === null) throw new FunctionError('input list must not contain null string', 0);
          const c = toStringValue(e);
          if (!c.ok || typeof c.value !== 'string') throw new FunctionError('input must be a map of lists of strings', 0);
          const to = out.get(c.value);
          if (to) to.push(k);
          else out.set(c.value, [k]);
        }
      }
      return objectValue([...out.keys()].sort(compareStrings).map((k) => [k, out.get(k)!]));
    },
  },
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
});
