// What the evaluator needs to know about values' shapes: deep equality decided before all is
// known, and the type unification of a conditional's two results (HCL's rules, as far as drctl's
// values carry types). Also: which expressions are traversals (ambiguous object keys).
import type { Expression } from './ast.js';
import type { EvalBudget } from './limits.js';
import { Sensitive, Unknown, compareStrings, isObject, markIf, objectValue, toStringValue, valueEquals, type Value } from './value.js';
/** `a.b`, `a[0]`, `a["k"]`: a reference written as an object key, which HCL refuses as ambiguous. */
export function isTraversal(e: Expression): boolean {
  if (e.kind === 'GetAttr') return e.object.kind === 'Variable' || isTraversal(e.object);
  if (e.kind === 'Index') {
    const k = e.key;
    const literal = k.kind === 'Literal' || (k.kind === 'Template' && k.parts.every((p) => p.kind === 'Literal'));
    return literal && (e.collection.kind === 'Variable' || isTraversal(e.collection));
  }
  return false;
}

/** Deep equality that can be decided before everything is known; undefined when it can't. */
export function equality(a: Value, b: Value): boolean | undefined {
  if (a instanceof Sensitive) a = a.value;
  if (b instanceof Sensitive) b = b.value;
  if (a instanceof Unknown || b instanceof Unknown) return undefined;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    let result: boolean | undefined = true;
    for (let i = 0; i < a.length; i++) {
      const e = equality(a[i], b[i]);
      if (e === false) return false;
      if (e === undefined) result = undefined;
    }
    return result;
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length || !ka.every((k) => Object.hasOwn(b, k))) return false;
    let result: boolean | undefined = true;
    for (const k of ka) {
      const e = equality(a[k], b[k]);
      if (e === false) return false;
      if (e === undefined) result = undefined;
    }
    return result;
  }
  return valueEquals(a, b);
}

// ---------------------------------------------------------------------------------------------
// Type unification for conditionals, after cty's UnifyUnsafe: values carry no declared types
// here, so a value's type is its shape. Null and unknown values fit any type.

type Shape =
  | { readonly k: 'dynamic' }
  | { readonly k: 'string' | 'number' | 'bool' }
  | { readonly k: 'tuple'; readonly elems: readonly Shape[] }
  | { readonly k: 'object'; readonly attrs: ReadonlyMap<string, Shape> }
  | { readonly k: 'list' | 'map'; readonly of: Shape };

const DYNAMIC: Shape = { k: 'dynamic' };
const PRIMS: Record<string, Shape> = { string: { k: 'string' }, number: { k: 'number' }, bool: { k: 'bool' } };

function shapeOf(v: Value, budget: EvalBudget): Shape {
  budget.step();
  if (v instanceof Sensitive) return shapeOf(v.value, budget);
  if (v === null || v instanceof Unknown) return DYNAMIC;
  if (Array.isArray(v)) return { k: 'tuple', elems: v.map((e) => shapeOf(e, budget)) };
  if (isObject(v)) return { k: 'object', attrs: new Map(Object.keys(v).map((k) => [k, shapeOf(v[k], budget)])) };
  return PRIMS[typeof v === 'boolean' ? 'bool' : (typeof v as 'string' | 'number')];
}

function friendly(s: Shape): string {
  switch (s.k) {
    case 'list':
    case 'map':
      return `${s.k} of ${friendly(s.of)}`;
    case 'dynamic':
      return 'dynamic';
    default:
      return s.k;
  }
}

/** The one shape both fit, or undefined. */
function unifyShapes(a: Shape, b: Shape): Shape | undefined {
  if (a.k === 'dynamic') return b;
  if (b.k === 'dynamic') return a;
  const prim = (s: Shape) => s.k === 'string' || s.k === 'number' || s.k === 'bool';
  if (prim(a) && prim(b)) {
    if (a.k === b.k) return a;
    return a.k === 'string' || b.k === 'string' ? PRIMS.string : undefined;
  }
  const seq = (s: Shape) => s.k === 'tuple' || s.k === 'list';
  const rec = (s: Shape) => s.k === 'object' || s.k === 'map';
  if (a.k === 'tuple' && b.k === 'tuple' && a.elems.length === b.elems.length) {
    const elems: Shape[] = [];
    for (let i = 0; i < a.elems.length; i++) {
      const u = unifyShapes(a.elems[i], b.elems[i]);
      if (!u) return undefined;
      elems.push(u);
    }
    return { k: 'tuple', elems };
  }
  if (a.k === 'object' && b.k === 'object' && a.attrs.size === b.attrs.size && [...a.attrs.keys()].every((k) => b.attrs.has(k))) {
    const attrs = new Map<string, Shape>();
    for (const [k, s] of a.attrs) {
      const u = unifyShapes(s, b.attrs.get(k)!);
      if (!u) return undefined;
      attrs.set(k, u);
    }
    return { k: 'object', attrs };
  }
  // Sequences of different lengths become a list, records with different attributes a map,
  // when all their elements unify to one type.
  const members = (s: Shape): Shape[] =>
    s.k === 'tuple' ? [...s.elems] : s.k === 'object' ? [...s.attrs.values()] : s.k === 'list' || s.k === 'map' ? [s.of] : [];
  if ((seq(a) && seq(b)) || (rec(a) && rec(b))) {
    let of: Shape = DYNAMIC;
    for (const m of [...members(a), ...members(b)]) {
      const u = unifyShapes(of, m);
      if (!u) return undefined;
      of = u;
    }
    return { k: seq(a) ? 'list' : 'map', of };
  }
  return undefined;
}

/** Why two shapes don't unify, in HCL's words. */
function describeMismatch(t: Shape, f: Shape): string {
  if (t.k === 'object' && f.k === 'object') {
    const tk = [...t.attrs.keys()].sort(compareStrings);
    const fk = [...f.attrs.keys()].sort(compareStrings);
    for (const name of tk) {
      if (!f.attrs.has(name)) return `The 'true' value includes object attribute "${name}", which is absent in the 'false' value`;
      const ta = t.attrs.get(name)!;
      const fa = f.attrs.get(name)!;
      if (!unifyShapes(ta, fa)) return `Type mismatch for object attribute "${name}": ${describeMismatch(ta, fa)}`;
    }
    for (const name of fk) if (!t.attrs.has(name)) return `The 'false' value includes object attribute "${name}", which is absent in the 'true' value`;
  }
  if (t.k === 'tuple' && f.k === 'tuple') {
    if (t.elems.length !== f.elems.length) return `The 'true' tuple has length ${t.elems.length}, but the 'false' tuple has length ${f.elems.length}`;
    for (let i = 0; i < t.elems.length; i++) {
      if (!unifyShapes(t.elems[i], f.elems[i])) return `Type mismatch for tuple element ${i}: ${describeMismatch(t.elems[i], f.elems[i])}`;
    }
  }
  const tn = friendly(t);
  const fn = friendly(f);
  if (tn === fn) return 'The true and false result types are not the same';
  return `The 'true' value is ${tn}, but the 'false' value is ${fn}`;
}

/** The shape both results unify to, or why they don't. */
export function unifyPair(t: Value, f: Value, budget: EvalBudget): Shape | string {
  // Same primitive kinds (the usual case) need no walk.
  if (typeof t === typeof f && (typeof t === 'string' || typeof t === 'number' || typeof t === 'boolean')) return DYNAMIC;
  const ts = shapeOf(t, budget);
  const fs = shapeOf(f, budget);
  return unifyShapes(ts, fs) ?? describeMismatch(ts, fs);
}

/** Converts a value to a unified shape: only primitives change (a number or bool to a string). */
export function convertTo(v: Value, s: Shape): Value {
  if (s.k === 'dynamic' || v === null || v instanceof Unknown) return v;
  if (v instanceof Sensitive) return markIf(convertTo(v.value, s), true);
  if (s.k === 'string') return typeof v === 'string' ? v : ((toStringValue(v) as { value: Value }).value ?? v);
  if (Array.isArray(v)) {
    if (s.k === 'tuple') return v.map((e, i) => convertTo(e, s.elems[i] ?? DYNAMIC));
    if (s.k === 'list') return v.map((e) => convertTo(e, s.of));
    return v;
  }
  if (isObject(v)) {
    if (s.k === 'object') return objectValue(Object.keys(v).map((k) => [k, convertTo(v[k], s.attrs.get(k) ?? DYNAMIC)]));
    if (s.k === 'map') return objectValue(Object.keys(v).map((k) => [k, convertTo(v[k], s.of)]));
  }
  return v;
}
