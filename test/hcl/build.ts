// Test helpers for the evaluator: parse-and-evaluate from source text, call a function with
// values (including UNKNOWN and sensitive ones, which no source text can spell), and build
// syntax trees by hand where a test needs a node or a range the parser would not give.
import type { BinaryOp, Expression, FunctionCallExpr, Range } from '../../src/hcl/ast.js';
import { evaluate, type EvalResult, type Scope } from '../../src/hcl/eval.js';
import type { Value } from '../../src/hcl/value.js';
import { parseHclExpression } from '../../src/hcl/parser.js';

export function at(col: number, width = 1): Range {
  return {
    filename: 't.hcl',
    start: { line: 1, column: col, byte: col - 1 },
    end: { line: 1, column: col + width, byte: col - 1 + width },
  };
}

let nextCol = 1000;
function fresh(): Range {
  return at(nextCol++);
}

export const lit = (value: null | boolean | number | string, range = fresh()): Expression => ({ kind: 'Literal', value, range });
export const v = (name: string, range = fresh()): Expression => ({ kind: 'Variable', name, range });

/**
 * Calls `name` with the given values as arguments: each value is passed through a scope
 * variable (a0, a1, …), so unknown and sensitive values can be arguments too.
 */
export function call(name: string, ...args: Value[]): EvalResult {
  return callIn({}, name, ...args);
}

export function callIn(scope: Omit<Scope, 'variables'>, name: string, ...args: Value[]): EvalResult {
  const variables: Record<string, Value> = {};
  const argExprs = args.map((a, i) => {
    variables[`a${i}`] = a;
    return v(`a${i}`, at(10 + i * 3, 2));
  });
  const expr: FunctionCallExpr = {
    kind: 'FunctionCall',
    name,
    nameRange: at(1, name.length),
    args: argExprs,
    expandFinal: false,
    openParenRange: at(9),
    closeParenRange: at(99),
    range: at(1, 99),
  };
  return evaluate(expr, { ...scope, variables });
}

/** The value of a call that must succeed. */
export function ok(name: string, ...args: Value[]): Value {
  const r = call(name, ...args);
  if (r.diagnostics.length) {
    throw new Error(`${name}() failed: ${r.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('; ')}`);
  }
  return r.value;
}

/** The one diagnostic of a call that must fail, as "summary: detail". */
export function fails(name: string, ...args: Value[]): string {
  const r = call(name, ...args);
  if (r.diagnostics.length !== 1) {
    throw new Error(`${name}() gave ${r.diagnostics.length} diagnostics, value ${JSON.stringify(r.value)}`);
  }
  const d = r.diagnostics[0];
  return `${d.summary}: ${d.detail}`;
}

// --- node builders ----------------------------------------------------------------------------

export const attr = (object: Expression, name: string, range = fresh()): Expression => ({
  kind: 'GetAttr',
  object,
  name,
  nameRange: range,
  range: { ...object.range, end: range.end },
});
export const idx = (collection: Expression, key: Expression, range = fresh()): Expression => ({
  kind: 'Index',
  collection,
  key,
  range: { ...collection.range, end: range.end },
});
export const tuple = (...items: Expression[]): Expression => ({ kind: 'Tuple', items, range: fresh() });
export const object = (...items: [Expression | string, Expression][]): Expression => ({
  kind: 'Object',
  items: items.map(([k, value]) => ({ key: typeof k === 'string' ? v(k) : k, value, separator: '=' as const })),
  range: fresh(),
});
export const parens = (expr: Expression): Expression => ({ kind: 'Parens', expr, range: fresh() });
export const bin = (left: Expression, op: BinaryOp, right: Expression): Expression => ({
  kind: 'Binary',
  op,
  left,
  right,
  opRange: fresh(),
  range: { ...left.range, end: right.range.end },
});
export const not = (operand: Expression): Expression => ({ kind: 'Unary', op: '!', operand, range: fresh() });
export const neg = (operand: Expression): Expression => ({ kind: 'Unary', op: '-', operand, range: fresh() });
export const cond = (condition: Expression, trueExpr: Expression, falseExpr: Expression): Expression => ({
  kind: 'Conditional',
  condition,
  trueExpr,
  falseExpr,
  range: fresh(),
});
export const item = (): Expression => ({ kind: 'SplatItem', range: fresh() });
export const splat = (source: Expression, each: Expression): Expression => ({ kind: 'Splat', source, each, full: true, range: fresh() });
export const template = (...parts: (Expression | string)[]): Expression => ({
  kind: 'Template',
  parts: parts.map((p) => (typeof p === 'string' ? lit(p) : p)),
  range: fresh(),
});
export const fn = (name: string, ...args: Expression[]): Expression => ({
  kind: 'FunctionCall',
  name,
  nameRange: fresh(),
  args,
  expandFinal: false,
  openParenRange: fresh(),
  closeParenRange: fresh(),
  range: fresh(),
});
export const forTuple = (
  valueVar: string,
  collection: Expression,
  valueExpr: Expression,
  opts: { keyVar?: string; condition?: Expression } = {},
): Expression => ({
  kind: 'For',
  keyVar: opts.keyVar,
  valueVar,
  collection,
  valueExpr,
  condition: opts.condition,
  group: false,
  isObject: false,
  range: fresh(),
});
export const forObject = (
  valueVar: string,
  collection: Expression,
  keyExpr: Expression,
  valueExpr: Expression,
  opts: { keyVar?: string; condition?: Expression; group?: boolean } = {},
): Expression => ({
  kind: 'For',
  keyVar: opts.keyVar,
  valueVar,
  collection,
  keyExpr,
  valueExpr,
  condition: opts.condition,
  group: opts.group ?? false,
  isObject: true,
  range: fresh(),
});

// --- source text ------------------------------------------------------------------------------

/** Parses one expression (which must parse cleanly). */
export function parse(src: string): Expression {
  const r = parseHclExpression(src, 't.hcl');
  if (r.diagnostics.length) throw new Error(`parse failed: ${r.diagnostics.map((d) => d.detail ?? d.summary).join('; ')}`);
  return r.expr;
}

/** Parses and evaluates one expression. */
export function evalSrc(src: string, variables: Record<string, Value> = {}, extra: Omit<Scope, 'variables'> = {}): EvalResult {
  return evaluate(parse(src), { ...extra, variables });
}

/** The range of the `nth` occurrence of `needle` in single-line ASCII source `src`. */
export function rangeOf(src: string, needle: string, nth = 0): Range {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = src.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" not found in ${src}`);
  }
  return at(i + 1, needle.length);
}
