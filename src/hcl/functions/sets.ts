// Set functions. Values carry no set type here, so lists and tuples are taken as sets: their
// elements unified to one type (a number beside a string becomes a string, as cty converts),
// duplicates dropped, and the result in cty's set order (strings lexically, numbers ascending).
// setproduct() keeps its arguments' order, as cty does when they are all lists.
import { describeValueType, type Value } from '../value.js';
import { FunctionError, type CallContext, type HclFunction } from './call.js';
import { any, unify } from './args.js';
import { compareSetElements, distinct, elementKey } from './collections.js';

/** Each argument as a set of elements, all unified to one type. */
function asSets(args: readonly Value[], ctx: CallContext): Value[][] {
  const lists = args.map((a, i) => {
    if (!Array.isArray(a)) throw new FunctionError(`a set or list is required, but the value is ${describeValueType(a)}`, i);
    return a as readonly Value[];
  });
  const all = lists.flat();
  ctx.budget.step(all.length);
  let unified: Value[];
  try {
    unified = unify(all, 'elements');
  } catch {
    throw new FunctionError('given sets must all have compatible element types');
  }
  const out: Value[][] = [];
  let k = 0;
  for (const l of lists) {
    out.push(distinct(unified.slice(k, k + l.length)));
    k += l.length;
  }
  return out;
}

const sorted = (xs: Value[]): Value[] => xs.sort(compareSetElements);

/** Set functions. */
export const setFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  setunion: {
    params: [any('first_set')],
    variadic: any('other_sets'),
    impl: (args, ctx) => sorted(distinct(asSets(args, ctx).flat())),
  },
  setintersection: {
    params: [any('first_set')],
    variadic: any('other_sets'),
    impl: (args, ctx) => {
      const [first, ...rest] = asSets(args, ctx);
      const others = rest.map((s) => new Set(s.map(elementKey)));
      return sorted(first.filter((v) => others.every((o) => o.has(elementKey(v)))));
    },
  },
  setsubtract: {
    params: [any('a'), any('b')],
    impl: (args, ctx) => {
      const [a, b] = asSets(args, ctx);
      const drop = new Set(b.map(elementKey));
      return sorted(a.filter((v) => !drop.has(elementKey(v))));
    },
  },
  setproduct: {
    params: [],
    variadic: any('sets'),
    impl: (args, ctx) => {
      if (args.length < 2) throw new FunctionError('at least two arguments are required');
      const lists = args.map((a, i) => {
        if (!Array.isArray(a)) throw new FunctionError('a set or a list is required', i);
        return a as readonly Value[];
      });
      // The size is known before any element is made: refuse a product past the limits first.
      const total = lists.reduce((n, l) => n * l.length, 1);
      ctx.budget.collection(total);
      if (total === 0) return [];
      let product: Value[][] = [[]];
      for (const l of lists) {
        const next: Value[][] = [];
        for (const prefix of product) for (const e of l) next.push([...prefix, e]);
        product = next;
      }
      return product;
    },
  },
});
