// Finds what an expression refers to, without evaluating it: every static traversal such as
// `vm.db01.site` (a name followed by attribute and literal-index steps), so the config layer can
// build the dependency graph before any value is known.
import type { Expression, FunctionCallExpr, Range, TemplatePart } from './ast.js';

export interface Reference {
  /** The root name: `var`, `local`, `vm`, … */
  readonly root: string;
  /** The static steps after the root: attribute names and literal indexes. */
  readonly path: readonly (string | number)[];
  /** From the root to the end of the last static step. */
  readonly range: Range;
}

/** References in source order; names bound by enclosing `for` expressions are not references. */
export function referencesOf(expr: Expression): Reference[] {
  const out: Reference[] = [];
  walk(expr, undefined, out);
  return out;
}

/** Names bound by enclosing `for` expressions and `%{for}` directives. */
interface Bound {
  readonly name: string;
  readonly parent: Bound | undefined;
}

function isBound(bound: Bound | undefined, name: string): boolean {
  for (let b = bound; b; b = b.parent) if (b.name === name) return true;
  return false;
}

function bind(bound: Bound | undefined, keyVar: string | undefined, valueVar: string): Bound {
  const withKey: Bound | undefined = keyVar === undefined ? bound : { name: keyVar, parent: bound };
  return { name: valueVar, parent: withKey };
}

/** A literal index key (`[0]`, `["a"]`, legacy `.0`), or undefined when the key must be evaluated. */
function literalKey(key: Expression): string | number | undefined {
  if (key.kind === 'Literal') {
    return typeof key.value === 'string' || typeof key.value === 'number' ? key.value : undefined;
  }
  if (key.kind === 'Template' && key.parts.length === 1) {
    const part = key.parts[0];
    if (part.kind === 'Literal' && typeof part.value === 'string') return part.value;
  }
  if (key.kind === 'Template' && key.parts.length === 0) return '';
  return undefined;
}

/** The static traversal `expr` is, if it is one: a Variable followed by attribute/literal-index steps. */
function traversal(expr: Expression): { root: string; rootRange: Range; path: (string | number)[] } | undefined {
  switch (expr.kind) {
    case 'Variable':
      return { root: expr.name, rootRange: expr.range, path: [] };
    case 'GetAttr': {
      const t = traversal(expr.object);
      if (t) t.path.push(expr.name);
      return t;
    }
    case 'Index': {
      const key = literalKey(expr.key);
      if (key === undefined) return undefined;
      const t = traversal(expr.collection);
      if (t) t.path.push(key);
      return t;
    }
    default:
      return undefined;
  }
}

function walk(expr: Expression, bound: Bound | undefined, out: Reference[]): void {
  switch (expr.kind) {
    case 'Variable':
    case 'GetAttr':
    case 'Index': {
      const t = traversal(expr);
      if (t) {
        if (!isBound(bound, t.root)) {
          out.push({ root: t.root, path: t.path, range: { filename: t.rootRange.filename, start: t.rootRange.start, end: expr.range.end } });
        }
        return;
      }
      // Not static as a whole: its static prefix and the expressions inside are.
      if (expr.kind === 'GetAttr') walk(expr.object, bound, out);
      else if (expr.kind === 'Index') {
        walk(expr.collection, bound, out);
        walk(expr.key, bound, out);
      }
      return;
    }
    case 'Literal':
    case 'SplatItem':
    case 'Invalid':
      return;
    case 'Template':
      for (const part of expr.parts) walkPart(part, bound, out);
      return;
    case 'TemplateWrap':
      walk(expr.wrapped, bound, out);
      return;
    case 'Splat':
      walk(expr.source, bound, out);
      walk(expr.each, bound, out);
      return;
    case 'FunctionCall':
      for (const a of expr.args) walk(a, bound, out);
      return;
    case 'Tuple':
      for (const item of expr.items) walk(item, bound, out);
      return;
    case 'Object':
      for (const item of expr.items) {
        // A bare name as a key is the literal string, not a reference.
        if (item.key.kind !== 'Variable') walk(item.key, bound, out);
        walk(item.value, bound, out);
      }
      return;
    case 'Unary':
      walk(expr.operand, bound, out);
      return;
    case 'Binary':
      walk(expr.left, bound, out);
      walk(expr.right, bound, out);
      return;
    case 'Conditional':
      walk(expr.condition, bound, out);
      walk(expr.trueExpr, bound, out);
      walk(expr.falseExpr, bound, out);
      return;
    case 'For': {
      walk(expr.collection, bound, out);
      const inner = bind(bound, expr.keyVar, expr.valueVar);
      if (expr.keyExpr) walk(expr.keyExpr, inner, out);
      walk(expr.valueExpr, inner, out);
      if (expr.condition) walk(expr.condition, inner, out);
      return;
    }
    case 'Parens':
      walk(expr.expr, bound, out);
      return;
  }
}

function walkPart(part: TemplatePart, bound: Bound | undefined, out: Reference[]): void {
  if (part.kind === 'TemplateIf') {
    walk(part.condition, bound, out);
    walk(part.then, bound, out);
    if (part.else) walk(part.else, bound, out);
  } else if (part.kind === 'TemplateFor') {
    walk(part.collection, bound, out);
    walk(part.body, bind(bound, part.keyVar, part.valueVar), out);
  } else {
    walk(part, bound, out);
  }
}

/** Every function call in an expression (and in its templates), in source order. */
export function functionCallsOf(expr: Expression): FunctionCallExpr[] {
  const out: FunctionCallExpr[] = [];
  const visit = (e: Expression | TemplatePart): void => {
    switch (e.kind) {
      case 'FunctionCall':
        out.push(e);
        e.args.forEach(visit);
        return;
      case 'GetAttr':
        return visit(e.object);
      case 'Index':
        visit(e.collection);
        return visit(e.key);
      case 'Template':
        return e.parts.forEach(visit);
      case 'TemplateWrap':
        return visit(e.wrapped);
      case 'TemplateIf':
        visit(e.condition);
        visit(e.then);
        if (e.else) visit(e.else);
        return;
      case 'TemplateFor':
        visit(e.collection);
        return visit(e.body);
      case 'Splat':
        visit(e.source);
        return visit(e.each);
      case 'Tuple':
        return e.items.forEach(visit);
      case 'Object':
        for (const item of e.items) {
          visit(item.key);
          visit(item.value);
        }
        return;
      case 'Unary':
        return visit(e.operand);
      case 'Binary':
        visit(e.left);
        return visit(e.right);
      case 'Conditional':
        visit(e.condition);
        visit(e.trueExpr);
        return visit(e.falseExpr);
      case 'For':
        visit(e.collection);
        if (e.keyExpr) visit(e.keyExpr);
        visit(e.valueExpr);
        if (e.condition) visit(e.condition);
        return;
      case 'Parens':
        return visit(e.expr);
      default:
        return;
    }
  };
  visit(expr);
  return out;
}
