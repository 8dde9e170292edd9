// Evaluates HCL expressions to values with HCL's semantics. Errors become diagnostics and the
// failing part evaluates to UNKNOWN, which silences everything computed from it: one mistake,
// one diagnostic. Unknown inputs (values known only after apply) propagate without errors.
import type {
  BinaryExpr,
  ConditionalExpr,
  Expression,
  ForExpr,
  FunctionCallExpr,
  GetAttrExpr,
  IndexExpr,
  ObjectExpr,
  Range,
  SplatExpr,
  TemplateExpr,
  TemplateForDirective,
  TemplateIfDirective,
  UnaryExpr,
  VariableExpr,
} from './ast.js';
import { type Diagnostic, errorDiag, spanRanges } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import {
  UNKNOWN,
  Sensitive,
  Unknown,
  compareStrings,
  containsUnknown,
  EXACT_INTEGER_LIMIT,
  inexactNumber,
  inexactResult,
  describeValueType,
  getAttr,
  isObject,
  markIf,
  objectValue,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  valueEquals,
  type Conversion,
  type ObjectValue,
  type Value,
} from './value.js';
import { FunctionError, callFunction, standardFunctions, tooDeep, type CallEnv, type FileAccess, type HclFunction } from './functions/index.js';
import { EvalBudget, LimitExceeded } from './limits.js';
import { parseHclTemplate } from './parser.js';
import { functionCallsOf, referencesOf } from './references.js';

export interface Scope extends FileAccess {
  /** Root names (`var`, `local`, `site`, `each`, `count`, …) and their values. */
  readonly variables: Readonly<Record<string, Value>>;
  /** Functions added to (or replacing) the standard library. */
  readonly functions?: Readonly<Record<string, HclFunction>>;
  /**
   * The work this evaluation may do (see limits.ts). A load passes one budget to every
   * evaluation; without one, each evaluate() call gets the default limits to itself.
   */
  readonly budget?: EvalBudget;
  /** The clock for timestamp(), in milliseconds since the epoch; without it timestamp() is an error. */
  readonly now?: () => number;
}

export interface EvalResult {
  readonly value: Value;
  readonly diagnostics: Diagnostic[];
}

const TOP: Context = { bindings: undefined, item: undefined };

/** What reporting an error costs, in steps (a key is built and looked up to report it once). */
const ERROR_STEPS = 20;

/** What one iteration of a `for` expression or template loop costs beyond its body, in steps. */
const ITERATION_STEPS = 4;

export function evaluate(expr: Expression, scope: Scope): EvalResult {
  const budget = scope.budget ?? new EvalBudget();
  // A budget that ran out stays out: repeat its one report rather than adding more.
  if (budget.exhausted) return { value: UNKNOWN, diagnostics: [limitDiagnostic(budget.exhausted, expr.range)] };
  const run = new Evaluation(scope, budget);
  try {
    const value = run.eval(expr, TOP);
    checkValueSize(value, budget);
    return { value, diagnostics: run.diagnostics() };
  } catch (e) {
    const limit = asLimit(e, budget);
    if (!limit) throw e;
    limit.range ??= expr.range;
    if (limit.exhausts) budget.exhausted ??= limit;
    return { value: UNKNOWN, diagnostics: [...run.diagnostics(), limitDiagnostic(limit, expr.range)] };
  }
}

function limitDiagnostic(limit: LimitExceeded, context: Range): Diagnostic {
  return errorDiag(limit.summary, `${limit.detail} The limits are listed in docs/limits.md.`, limit.range ?? context, limit.range ? undefined : context);
}

/** A limit error, or the engine's own limits (deep recursion, giant strings) turned into one. */
function asLimit(e: unknown, budget: EvalBudget): LimitExceeded | undefined {
  if (e instanceof LimitExceeded) return e;
  if (e instanceof RangeError) {
    if (/call stack/i.test(e.message)) return tooDeep(budget);
    if (/invalid (string|array) length/i.test(e.message)) {
      return new LimitExceeded('Value too large', 'Evaluating this made a string or list larger than the engine can hold.');
    }
  }
  return undefined;
}

/** A value leaving the evaluator has at most maxValueNodes nodes and maxValueDepth levels. */
function checkValueSize(v: Value, budget: EvalBudget): void {
  if (typeof v !== 'object' || v === null) return;
  const { maxValueNodes, maxValueDepth } = budget.limits;
  let nodes = 0;
  const walk = (x: Value, depth: number): void => {
    if (depth > maxValueDepth) throw tooDeep(budget);
    if (++nodes > maxValueNodes) {
      throw new LimitExceeded(
        'Value too large',
        `This value has more than ${maxValueNodes.toLocaleString('en-US')} elements in all (counting every element of every nested list and object), the limit.`,
      );
    }
    if (x instanceof Sensitive) walk(x.value, depth);
    else if (Array.isArray(x)) for (const e of x) walk(e, depth + 1);
    else if (isObject(x)) for (const k in x) walk(x[k], depth + 1);
  };
  walk(v, 0);
}

/** Names bound by enclosing `for` expressions, innermost first. */
interface Binding {
  readonly name: string;
  readonly value: Value;
  readonly parent: Binding | undefined;
}

interface Context {
  readonly bindings: Binding | undefined;
  /** The current element of the innermost splat (what SplatItemExpr stands for). */
  readonly item: { readonly value: Value } | undefined;
}

/** Splits a value into its unmarked form and whether it was sensitive (shallow). */
function strip(v: Value): [Value, boolean] {
  return v instanceof Sensitive ? [v.value, true] : [v, false];
}

class Evaluation {
  private diags: Diagnostic[] = [];
  private seen = new Set<string>();
  private readonly maxSteps: number;
  constructor(
    private readonly scope: Scope,
    private readonly budget: EvalBudget,
  ) {
    this.maxSteps = budget.limits.maxSteps;
  }

  private lookupFunction(name: string): HclFunction | undefined {
    const extra = this.scope.functions;
    if (extra && Object.hasOwn(extra, name)) return extra[name];
    return Object.hasOwn(standardFunctions, name) ? standardFunctions[name] : undefined;
  }

  diagnostics(): Diagnostic[] {
    return this.diags;
  }

  /** Records an error once: a for or splat body failing the same way for every element says so once. */
  private error(summary: string, detail: string, subject: Range, context?: Range): Value {
    // Reporting (and de-duplicating) costs more than evaluating: a loop failing a million times must too.
    this.budget.step(ERROR_STEPS);
    const key = `${summary}\u0000${detail}\u0000${subject.filename}:${subject.start.byte}:${subject.end.byte}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.diags.push(errorDiag(summary, detail, subject, context));
    }
    return UNKNOWN;
  }

  eval(expr: Expression, ctx: Context): Value {
    // One step per expression visited: a plain counter, so the hot path stays cheap.
    const budget = this.budget;
    if (++budget.steps > this.maxSteps) budget.overrun(expr.range);
    switch (expr.kind) {
      case 'Literal': {
        const v = expr.value;
        // Numbers are doubles: a literal that would be rounded or overflow is refused, never changed.
        if (typeof v === 'number' && !(v < EXACT_INTEGER_LIMIT) && expr.raw !== undefined) {
          const why = inexactNumber(expr.raw, v);
          if (why !== undefined) return this.error('Number out of range', `${why}. Write a smaller number, or a string if it is an identifier.`, expr.range);
        }
        return v;
      }
      case 'Template':
        return this.template(expr, ctx);
      case 'TemplateWrap':
        return this.eval(expr.wrapped, ctx);
      case 'Variable':
        return this.variable(expr, ctx);
      case 'GetAttr':
        return this.getAttr(expr, ctx);
      case 'Index':
        return this.index(expr, ctx);
      case 'Splat':
        return this.splat(expr, ctx);
      case 'SplatItem':
        if (!ctx.item) throw new Error('bug: splat item outside a splat expression');
        return ctx.item.value;
      case 'FunctionCall':
        return this.call(expr, ctx);
      case 'Tuple':
        return expr.items.map((item) => this.eval(item, ctx));
      case 'Object':
        return this.object(expr, ctx);
      case 'Unary':
        return this.unary(expr, ctx);
      case 'Binary':
        return this.binary(expr, ctx);
      case 'Conditional':
        return this.conditional(expr, ctx);
      case 'For':
        return this.forExpr(expr, ctx);
      case 'Parens':
        return this.eval(expr.expr, ctx);
      case 'Invalid':
        // The parser already reported it.
        return UNKNOWN;
    }
  }

  // --- references ------------------------------------------------------------------------------

  private variable(expr: VariableExpr, ctx: Context): Value {
    for (let b = ctx.bindings; b; b = b.parent) if (b.name === expr.name) return b.value;
    const vars = this.scope.variables;
    if (Object.hasOwn(vars, expr.name)) return vars[expr.name];
    const names: string[] = [];
    for (let b = ctx.bindings; b; b = b.parent) names.push(b.name);
    names.push(...Object.keys(vars));
    return this.error('Unknown variable', `There is no variable named "${expr.name}".${didYouMean(expr.name, names)}`, expr.range);
  }

  private getAttr(expr: GetAttrExpr, ctx: Context): Value {
    const [obj, marked] = strip(this.eval(expr.object, ctx));
    if (obj instanceof Unknown) return markIf(UNKNOWN, marked);
    const name = expr.name;
    if (obj === null) {
      return this.error('Attempt to get attribute from null value', 'This value is null, so it does not have any attributes.', expr.nameRange, expr.range);
    }
    if (isObject(obj)) {
      const v = getAttr(obj, name);
      if (v === undefined) {
        return this.error(
          'Unsupported attribute',
          `This object does not have an attribute named "${name}".${this.suggest(name, Object.keys(obj))}`,
          expr.nameRange,
          expr.range,
        );
      }
      return markIf(v, marked);
    }
    if (Array.isArray(obj)) {
      // The legacy `list.0` form is parsed as an index, so a name here is always a mistake.
      return this.error(
        'Unsupported attribute',
        `Can't access attributes on a list of objects. Did you mean to access attribute "${name}" for a specific element of the list, or across all elements of the list?`,
        expr.nameRange,
        expr.range,
      );
    }
    return this.error('Unsupported attribute', `Can't access attributes on a primitive-typed value (${typeName(obj)}).`, expr.nameRange, expr.range);
  }

  private index(expr: IndexExpr, ctx: Context): Value {
    const [coll, collMarked] = strip(this.eval(expr.collection, ctx));
    const [key, keyMarked] = strip(this.eval(expr.key, ctx));
    const marked = collMarked || keyMarked;
    if (coll instanceof Unknown) return markIf(UNKNOWN, marked);
    const subject = expr.key.range;
    if (coll === null) {
      return this.error('Attempt to index null value', 'This value is null, so it does not have any indices.', subject, expr.range);
    }
    if (key === null) {
      return this.error('Invalid index', "Can't use a null value as an indexing key.", subject, expr.range);
    }
    if (key instanceof Unknown) {
      if (Array.isArray(coll) || isObject(coll)) return markIf(UNKNOWN, marked);
    }
    const invalid = (why: string) =>
      this.error('Invalid index', `The given key does not identify an element in this collection value${why}`, subject, expr.range);
    if (Array.isArray(coll)) {
      const n = toNumberValue(key);
      if (!n.ok || typeof n.value !== 'number') return invalid(': a number is required.');
      const i = n.value;
      if (!Number.isInteger(i)) return invalid(': the index must be a whole number.');
      if (i < 0) return invalid(': a negative number is not a valid index for a sequence.');
      if (i >= coll.length) {
        return invalid(
          coll.length === 0
            ? ': the collection has no elements.'
            : `: the given index is greater than or equal to the length of the collection (${coll.length}).`,
        );
      }
      return markIf(coll[i], marked);
    }
    if (isObject(coll)) {
      const s = toStringValue(key);
      if (!s.ok || typeof s.value !== 'string') return invalid(': a string is required.');
      const v = getAttr(coll, s.value);
      if (v === undefined) return invalid(`.${this.suggest(s.value, Object.keys(coll))}`);
      return markIf(v, marked);
    }
    return this.error('Invalid index', `This value does not have any indices (it is ${describeValueType(coll)}).`, subject, expr.range);
  }

  private splat(expr: SplatExpr, ctx: Context): Value {
    const [source, marked] = strip(this.eval(expr.source, ctx));
    if (source instanceof Unknown) return markIf(UNKNOWN, marked);
    if (source === null) return markIf([], marked);
    // A splat on a single value treats it as a one-element list, as HCL does.
    const elems: readonly Value[] = Array.isArray(source) ? source : [source];
    const out = elems.map((e) => this.eval(expr.each, { bindings: ctx.bindings, item: { value: e } }));
    return markIf(out, marked);
  }

  // --- constructors ----------------------------------------------------------------------------

  private object(expr: ObjectExpr, ctx: Context): Value {
    const entries: [string, Value][] = [];
    let unknown = false;
    let marked = false;
    for (const item of expr.items) {
      let key: Value;
      const k0 = item.key;
      if (k0.kind === 'Variable') key = k0.name;
      // A bare keyword is its name, as a bare identifier is: `{null = 1}` has a key "null".
      else if (k0.kind === 'Literal' && (k0.value === null || typeof k0.value === 'boolean')) key = String(k0.value);
      else if (isTraversal(k0)) {
        this.error(
          'Ambiguous attribute key',
          "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
          k0.range,
        );
        unknown = true;
        continue;
      } else key = this.eval(k0, ctx);
      const value = this.eval(item.value, ctx);
      const [k, keyMarked] = strip(key);
      marked ||= keyMarked;
      if (k instanceof Unknown) {
        unknown = true;
        continue;
      }
      if (k === null) {
        this.error('Null value as key', "Can't use a null value as a key.", item.key.range);
        unknown = true;
        continue;
      }
      const s = toStringValue(k);
      if (!s.ok || typeof s.value !== 'string') {
        this.error('Incorrect key type', `Can't use this value as a key: ${s.ok ? 'string required' : s.reason}.`, item.key.range);
        unknown = true;
        continue;
      }
      entries.push([s.value, value]);
    }
    if (unknown) return markIf(UNKNOWN, marked);
    return markIf(objectValue(entries), marked);
  }

  // --- templates -------------------------------------------------------------------------------

  private template(expr: TemplateExpr, ctx: Context): Value {
    let out = '';
    let unknown = false;
    let marked = false;
    for (const part of expr.parts) {
      let v: Value;
      if (part.kind === 'TemplateIf') v = this.templateIf(part, ctx);
      else if (part.kind === 'TemplateFor') v = this.templateFor(part, ctx);
      else if (part.kind === 'Literal' && typeof part.value === 'string') {
        out += part.value;
        continue;
      } else v = this.eval(part, ctx);
      const [x, m] = strip(v);
      marked ||= m;
      if (x instanceof Unknown) {
        unknown = true;
        continue;
      }
      if (x === null) {
        this.error('Invalid template interpolation value', 'The expression result is null. Cannot include a null value in a string template.', part.range);
        unknown = true;
        continue;
      }
      const s = toStringValue(x);
      if (!s.ok || typeof s.value !== 'string') {
        this.error(
          'Invalid template interpolation value',
          `Cannot include the given value in a string template: string required, but the value is ${describeValueType(x)}.`,
          part.range,
        );
        unknown = true;
        continue;
      }
      out += s.value;
      if (out.length > this.budget.limits.maxStringLength) this.budget.checkLength(out.length);
    }
    if (out.length > 64) this.budget.string(out.length);
    return markIf(unknown ? UNKNOWN : out, marked);
  }

  /** Evaluates a condition to true/false, or undefined when unknown or invalid (already reported). */
  private condition(expr: Expression, ctx: Context, what: 'conditional' | 'for'): { value: boolean | undefined; marked: boolean } {
    const [c, marked] = strip(this.eval(expr, ctx));
    if (c instanceof Unknown) return { value: undefined, marked };
    if (c === null) {
      if (what === 'for') this.error("Invalid 'for' condition", "The value of the 'if' clause must not be null.", expr.range);
      else this.error('Null condition', 'The condition value is null. Conditions must either be true or false.', expr.range);
      return { value: undefined, marked };
    }
    const b = toBoolValue(c);
    if (!b.ok || typeof b.value !== 'boolean') {
      if (what === 'for') {
        this.error("Invalid 'for' condition", `The value of the 'if' clause must be a bool, but it is ${describeValueType(c)}.`, expr.range);
      } else {
        this.error('Incorrect condition type', `The condition expression must be of type bool, but it is ${describeValueType(c)}.`, expr.range);
      }
      return { value: undefined, marked };
    }
    return { value: b.value, marked };
  }

  private templateIf(d: TemplateIfDirective, ctx: Context): Value {
    const cond = this.condition(d.condition, ctx, 'conditional');
    if (cond.value === undefined) {
      // As for conditionals: report mistakes in either branch now.
      this.template(d.then, ctx);
      if (d.else) this.template(d.else, ctx);
      return markIf(UNKNOWN, cond.marked);
    }
    const branch = cond.value ? d.then : d.else;
    return markIf(branch ? this.template(branch, ctx) : '', cond.marked);
  }

  private templateFor(d: TemplateForDirective, ctx: Context): Value {
    const [coll, marked] = strip(this.eval(d.collection, ctx));
    const pairs = this.iterate(coll, d.collection.range, 'template');
    if (pairs === undefined) return markIf(UNKNOWN, marked);
    // Pieces joined once at the end: appending to one string builds a rope whose nodes can
    // take many times the memory of its characters, long before the length limit is reached.
    const pieces: string[] = [];
    let length = 0;
    let unknown = false;
    let innerMarked = false;
    // An iteration costs several expression visits' worth of work (bindings, a new context).
    this.budget.step(ITERATION_STEPS * pairs.length, d.collection.range);
    for (const [k, v] of pairs) {
      const r = this.template(d.body, { ...ctx, bindings: this.bind(ctx.bindings, d.keyVar, k, d.valueVar, v) });
      const [s, m] = strip(r);
      innerMarked ||= m;
      if (typeof s === 'string') {
        pieces.push(s);
        // Stop before a string outgrows the limit, not after.
        if ((length += s.length) > this.budget.limits.maxStringLength) this.budget.checkLength(length);
      } else unknown = true;
    }
    return markIf(unknown ? UNKNOWN : pieces.join(''), marked || innerMarked);
  }

  // --- for expressions -------------------------------------------------------------------------

  private bind(parent: Binding | undefined, keyVar: string | undefined, key: Value, valueVar: string, value: Value): Binding {
    const withKey: Binding | undefined = keyVar === undefined ? parent : { name: keyVar, value: key, parent };
    return { name: valueVar, value, parent: withKey };
  }

  /** Key/value pairs of a collection (objects in lexical key order), or undefined (unknown or reported). */
  private iterate(coll: Value, range: Range, what: 'for' | 'template'): [Value, Value][] | undefined {
    if (coll instanceof Unknown) return undefined;
    const where = what === 'for' ? "the collection in a 'for' expression" : "the collection in a template 'for' directive";
    if (coll === null) {
      this.error('Iteration over null value', `A null value cannot be used as ${where}.`, range);
      return undefined;
    }
    if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
    if (isObject(coll))
      return Object.keys(coll)
        .sort(compareStrings)
        .map((k) => [k, coll[k]]);
    this.error('Iteration over non-iterable value', `A value of type ${typeName(coll)} cannot be used as ${where}.`, range);
    return undefined;
  }

  private forExpr(expr: ForExpr, ctx: Context): Value {
    const [coll, collMarked] = strip(this.eval(expr.collection, ctx));
    const pairs = this.iterate(coll, expr.collection.range, 'for');
    if (pairs === undefined) return markIf(UNKNOWN, collMarked);
    let marked = collMarked;
    let unknown = false;
    this.budget.step(ITERATION_STEPS * pairs.length, expr.range);
    const tuple: Value[] = [];
    const groups = new Map<string, Value[]>();
    const single = new Map<string, Value>();
    for (const [k, v] of pairs) {
      const inner: Context = { ...ctx, bindings: this.bind(ctx.bindings, expr.keyVar, k, expr.valueVar, v) };
      if (expr.condition) {
        const cond = this.condition(expr.condition, inner, 'for');
        marked ||= cond.marked;
        if (cond.value === undefined) {
          unknown = true;
          continue;
        }
        if (!cond.value) continue;
      }
      if (!expr.isObject) {
        tuple.push(this.eval(expr.valueExpr, inner));
        continue;
      }
      const keyExpr = expr.keyExpr as Expression;
      const [key, keyMarked] = strip(this.eval(keyExpr, inner));
      const value = this.eval(expr.valueExpr, inner);
      marked ||= keyMarked;
      if (key instanceof Unknown) {
        unknown = true;
        continue;
      }
      if (key === null) {
        this.error('Invalid object key', "Key expression in 'for' expression must not produce a null value.", keyExpr.range);
        unknown = true;
        continue;
      }
      const s = toStringValue(key);
      if (!s.ok || typeof s.value !== 'string') {
        this.error(
          'Invalid object key',
          `The key expression produced an invalid result: string required, but the value is ${describeValueType(key)}.`,
          keyExpr.range,
        );
        unknown = true;
        continue;
      }
      if (expr.group) {
        const g = groups.get(s.value);
        if (g) g.push(value);
        else groups.set(s.value, [value]);
      } else {
        if (single.has(s.value)) {
          this.error(
            'Duplicate object key',
            `Two different items produced the key "${s.value}" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
            keyExpr.range,
            expr.range,
          );
          unknown = true;
          continue;
        }
        single.set(s.value, value);
      }
    }
    if (unknown) return markIf(UNKNOWN, marked);
    if (!expr.isObject) return markIf(tuple, marked);
    const obj: ObjectValue = expr.group ? objectValue(groups) : objectValue(single);
    return markIf(obj, marked);
  }

  // --- operators -------------------------------------------------------------------------------

  private operand(v: Value, convert: (v: Value) => Conversion, side: string, range: Range, context: Range): { value: Value; marked: boolean } {
    const [x, marked] = strip(v);
    if (x instanceof Unknown) return { value: UNKNOWN, marked };
    if (x === null) {
      this.error('Invalid operand', `Unsuitable value for ${side} operand: argument must not be null.`, range, context);
      return { value: UNKNOWN, marked };
    }
    const c = convert(x);
    if (!c.ok) {
      this.error('Invalid operand', `Unsuitable value for ${side} operand: ${c.reason}.`, range, context);
      return { value: UNKNOWN, marked };
    }
    return { value: c.value, marked };
  }

  private unary(expr: UnaryExpr, ctx: Context): Value {
    const convert = expr.op === '!' ? toBoolValue : toNumberValue;
    const { value, marked } = this.operand(this.eval(expr.operand, ctx), convert, 'unary', expr.operand.range, expr.range);
    if (value instanceof Unknown) return markIf(UNKNOWN, marked);
    return markIf(expr.op === '!' ? !value : -(value as number), marked);
  }

  private binary(expr: BinaryExpr, ctx: Context): Value {
    const op = expr.op;
    if (op === '==' || op === '!=') {
      const [l, lm] = strip(this.eval(expr.left, ctx));
      const [r, rm] = strip(this.eval(expr.right, ctx));
      if (l instanceof Unknown || r instanceof Unknown) return markIf(UNKNOWN, lm || rm);
      // Equality is decided by known parts first: [1, unknown] == [2, unknown] is false.
      const eq = equality(l, r);
      if (eq === undefined) return markIf(UNKNOWN, lm || rm);
      return markIf(op === '==' ? eq : !eq, lm || rm);
    }
    if (op === '&&' || op === '||') {
      // The left operand alone decides `false && …` and `true || …`; HCL then ignores the right.
      const left = this.operand(this.eval(expr.left, ctx), toBoolValue, 'left', expr.left.range, expr.range);
      if (left.value === (op === '||')) return markIf(left.value, left.marked);
      if (left.value instanceof Unknown) {
        // The left may still decide once known, so (as HCL does) the right's errors wait until then.
        const { value: r, diags } = this.attempt(expr.right, ctx);
        if (diags.length) return markIf(UNKNOWN, left.marked);
        const right = this.operand(r, toBoolValue, 'right', expr.right.range, expr.range);
        return markIf(right.value === (op === '||') ? right.value : UNKNOWN, left.marked || right.marked);
      }
      const right = this.operand(this.eval(expr.right, ctx), toBoolValue, 'right', expr.right.range, expr.range);
      const marked = left.marked || right.marked;
      if (right.value === (op === '||')) return markIf(right.value, marked);
      if (left.value instanceof Unknown || right.value instanceof Unknown) return markIf(UNKNOWN, marked);
      return markIf(right.value, marked);
    }
    const left = this.operand(this.eval(expr.left, ctx), toNumberValue, 'left', expr.left.range, expr.range);
    const right = this.operand(this.eval(expr.right, ctx), toNumberValue, 'right', expr.right.range, expr.range);
    const marked = left.marked || right.marked;
    if (left.value instanceof Unknown || right.value instanceof Unknown) return markIf(UNKNOWN, marked);
    const a = left.value as number;
    const b = right.value as number;
    switch (op) {
      case '+':
      case '-':
      case '*': {
        const n = op === '+' ? a + b : op === '-' ? a - b : a * b;
        // Past 2^53 a double rounds whole numbers, and past 1.8e308 it overflows: say so.
        if (!(Math.abs(n) < EXACT_INTEGER_LIMIT)) {
          const why = inexactResult(a, b, op, n);
          if (why !== undefined) {
            return this.error('Operation failed', `Error during operation: ${why}.`, expr.range);
          }
        }
        return markIf(n, marked);
      }
      case '/':
      case '%':
        if (b === 0) {
          this.error(
            'Operation failed',
            `Error during operation: can't ${op === '/' ? 'divide' : 'compute the remainder of a division'} by zero.`,
            expr.right.range,
            expr.range,
          );
          return UNKNOWN;
        }
        if (!Number.isFinite(a / b))
          return this.error('Operation failed', 'Error during operation: the result is too large: numbers go up to about 1.8e308.', expr.range);
        return markIf(op === '/' ? a / b : a % b, marked);
      case '<':
        return markIf(a < b, marked);
      case '>':
        return markIf(a > b, marked);
      case '<=':
        return markIf(a <= b, marked);
      case '>=':
        return markIf(a >= b, marked);
    }
  }

  private conditional(expr: ConditionalExpr, ctx: Context): Value {
    const cond = this.condition(expr.condition, ctx, 'conditional');
    if (cond.value === undefined) {
      // Still evaluate both branches so mistakes in them are reported now, not after apply. The
      // result may be either, so it carries the marks of both (a secret stays a secret).
      const [t, tm] = strip(this.eval(expr.trueExpr, ctx));
      const [f, fm] = strip(this.eval(expr.falseExpr, ctx));
      const marked = cond.marked || tm || fm || this.hasMark(t) || this.hasMark(f);
      return markIf(t === null && f === null ? null : UNKNOWN, marked);
    }
    // As in HCL, both results are evaluated for their types (the other branch's errors stay
    // silent) and the chosen one is converted to the type both unify to: `true ? 1 : "a"` is "1".
    const chosen = cond.value ? expr.trueExpr : expr.falseExpr;
    const other = cond.value ? expr.falseExpr : expr.trueExpr;
    const value = this.eval(chosen, ctx);
    const { value: otherValue, diags } = this.attempt(other, ctx);
    if (diags.length > 0) return markIf(value, cond.marked);
    const [t, f] = cond.value ? [value, otherValue] : [otherValue, value];
    const unified = unifyPair(t, f, this.budget);
    if (typeof unified === 'string') {
      return this.error(
        'Inconsistent conditional result types',
        `The true and false result expressions must have consistent types. ${unified}.`,
        spanRanges(expr.trueExpr.range, expr.falseExpr.range),
        expr.range,
      );
    }
    return markIf(convertTo(value, unified), cond.marked);
  }

  // --- function calls --------------------------------------------------------------------------

  /** Evaluates `expr` with its diagnostics kept apart, for try() and can(). */
  private attempt(expr: Expression, ctx: Context): { value: Value; diags: Diagnostic[] } {
    const [diags, seen] = [this.diags, this.seen];
    this.diags = [];
    this.seen = new Set();
    try {
      const value = this.eval(expr, ctx);
      return { value, diags: this.diags };
    } finally {
      [this.diags, this.seen] = [diags, seen];
    }
  }

  /** try() and can() see their arguments' errors instead of values, so they are part of the evaluator. */
  private tryOrCan(expr: FunctionCallExpr, ctx: Context): Value {
    const isCan = expr.name === 'can';
    if (expr.args.length === 0 || (isCan && expr.args.length > 1) || expr.expandFinal) {
      const detail = isCan ? 'Function "can" expects 1 argument(s): can(expression).' : 'Function "try" expects at least 1 argument(s): try(expressions...).';
      return expr.args.length === 0 || expr.expandFinal
        ? this.error('Not enough function arguments', detail, expr.closeParenRange, expr.range)
        : this.error('Too many function arguments', detail, expr.args[1].range, expr.range);
    }
    // A call to a function that does not exist is a mistake in the configuration, not a
    // failure try() or can() may catch (as in Terraform, where it is found before evaluation).
    let unknownFn = false;
    for (const arg of expr.args) {
      for (const c of functionCallsOf(arg)) {
        if (!this.lookupFunction(c.name) && c.name !== 'try' && c.name !== 'can') {
          this.unknownFunction(c);
          unknownFn = true;
        }
      }
    }
    if (unknownFn) return UNKNOWN;
    const failures: Diagnostic[] = [];
    for (const arg of expr.args) {
      const { value, diags } = this.attempt(arg, ctx);
      if (diags.some((d) => d.severity === 'error')) {
        failures.push(...diags);
        if (isCan) return false;
        continue;
      }
      // An unknown result might still fail once known, so the outcome is unknown too.
      if (containsUnknown(value)) return UNKNOWN;
      return isCan ? true : value;
    }
    const lines = failures.map((d) => {
      const at = d.subject ? ` (at ${d.subject.filename}:${d.subject.start.line},${d.subject.start.column}-${d.subject.end.column})` : '';
      return `- ${d.summary}${at}\n  ${d.detail ?? ''}`;
    });
    return this.error(
      'Error in function call',
      `Call to function "try" failed: no expression succeeded:\n${lines.join('\n')}\n\nAt least one expression must produce a successful result.`,
      expr.range,
    );
  }

  /** Whether any part of `v` is sensitive, paying a step per node walked. */
  private hasMark(v: Value): boolean {
    this.budget.step();
    if (v instanceof Sensitive) return true;
    if (Array.isArray(v)) return v.some((e) => this.hasMark(e));
    if (isObject(v)) {
      for (const k in v) if (this.hasMark(v[k])) return true;
    }
    return false;
  }

  /** A "Did you mean" over `names`, paid for: each candidate is compared with the name. */
  private suggest(name: string, names: readonly string[]): string {
    this.budget.step(names.length * (1 + Math.ceil(name.length / 4)));
    return didYouMean(name, names);
  }

  private unknownFunction(expr: FunctionCallExpr): Value {
    return this.error(
      'Call to unknown function',
      `There is no function named "${expr.name}".${didYouMean(expr.name, [...Object.keys(this.scope.functions ?? {}), ...Object.keys(standardFunctions), 'try', 'can'])}`,
      expr.nameRange,
      expr.range,
    );
  }

  /**
   * templatefile() and templatestring(): the text parsed as a template and evaluated with only
   * `vars` in scope, on this evaluation's budget. A template may not call templatefile() or
   * templatestring() itself (nor, for templatestring, the file functions), as in Terraform.
   */
  private renderTemplate(source: string, filename: string, vars: ObjectValue, allowFiles: boolean): Value {
    this.budget.step(Math.ceil(source.length / 4));
    const parsed = parseHclTemplate(source, filename);
    if (parsed.diagnostics.length) throw new FunctionError(`invalid template: ${describeDiagnostics(parsed.diagnostics)}`);
    for (const name of Object.keys(vars)) {
      if (!/^[\p{L}_][\p{L}\p{N}_-]*$/u.test(name)) {
        throw new FunctionError(
          `invalid template variable name ${JSON.stringify(name)}: must start with a letter, followed by zero or more letters, digits, and underscores`,
          1,
        );
      }
    }
    for (const ref of referencesOf(parsed.expr)) {
      if (!Object.hasOwn(vars, ref.root)) {
        const r = ref.range;
        throw new FunctionError(
          `vars map does not contain key ${JSON.stringify(ref.root)}, referenced at ${r.filename}:${r.start.line},${r.start.column}-${r.end.column}`,
          1,
        );
      }
    }
    const refuse =
      (why: (name: string) => string) =>
      (name: string): HclFunction => ({
        params: [],
        variadic: { name: 'args', type: 'any', allowNull: true, allowUnknown: true },
        impl: () => {
          throw new FunctionError(why(name));
        },
      });
    const functions: Record<string, HclFunction> = { ...this.scope.functions };
    for (const name of ['templatefile', 'templatestring'])
      functions[name] = refuse((n) => `cannot recursively call ${n} from inside another template function`)(name);
    if (!allowFiles) {
      for (const name of ['file', 'fileexists', 'fileset', 'templatefile']) {
        if (name !== 'templatefile')
          functions[name] = refuse(
            (n) =>
              `cannot use filesystem access functions like ${n} in templatestring templates; consider passing the function result as a template variable instead`,
          )(name);
      }
    }
    const inner = new Evaluation({ ...this.scope, variables: vars, functions }, this.budget);
    const value = inner.eval(parsed.expr, TOP);
    const errors = inner.diagnostics().filter((d) => d.severity === 'error');
    if (errors.length) throw new FunctionError(describeDiagnostics(errors));
    if (value === null) throw new FunctionError('the result of the template is null, which is not a valid result');
    return value;
  }

  private call(expr: FunctionCallExpr, ctx: Context): Value {
    const fn = this.lookupFunction(expr.name);
    if (!fn && (expr.name === 'try' || expr.name === 'can')) return this.tryOrCan(expr, ctx);
    if (!fn) return this.unknownFunction(expr);
    if (fn.checkSyntax) {
      try {
        fn.checkSyntax(expr.args);
      } catch (e) {
        if (!(e instanceof FunctionError)) throw e;
        const param = fn.params[e.arg ?? 0];
        return this.error(
          'Invalid function argument',
          `Invalid value for "${param?.name ?? 'argument'}" parameter: ${e.message}.`,
          expr.args[e.arg ?? 0]?.range ?? expr.range,
          expr.range,
        );
      }
    }
    const args: Value[] = [];
    const ranges: Range[] = [];
    let marked = false;
    let unknown = false;
    expr.args.forEach((a, i) => {
      const v = this.eval(a, ctx);
      if (!(expr.expandFinal && i === expr.args.length - 1)) {
        args.push(v);
        ranges.push(a.range);
        return;
      }
      const [list, m] = strip(v);
      marked ||= m;
      if (list instanceof Unknown) {
        unknown = true;
        return;
      }
      if (!Array.isArray(list)) {
        this.error(
          'Invalid expanding argument value',
          list === null
            ? 'The expanding argument (indicated by ...) must not be null.'
            : `The expanding argument (indicated by ...) must be of a tuple, list, or set type, but it is ${describeValueType(list)}.`,
          a.range,
          expr.range,
        );
        unknown = true;
        return;
      }
      for (const e of list) {
        args.push(e);
        ranges.push(a.range);
      }
    });
    if (unknown) return markIf(UNKNOWN, marked);

    const required = fn.params.filter((p) => !p.optional).length;
    const max = fn.variadic ? Infinity : fn.params.length;
    const signature = fn.params.map((p) => (p.optional ? `[${p.name}]` : p.name)).concat(fn.variadic ? [`${fn.variadic.name}...`] : []);
    if (args.length < required) {
      const missing = fn.params[args.length];
      const qual = fn.variadic || required < fn.params.length ? ' at least' : '';
      return this.error(
        'Not enough function arguments',
        `Function "${expr.name}" expects${qual} ${required} argument(s): ${expr.name}(${signature.join(', ')}). Missing value for "${missing.name}".`,
        expr.closeParenRange,
        expr.range,
      );
    }
    if (args.length > max) {
      return this.error(
        'Too many function arguments',
        `Function "${expr.name}" expects only ${max} argument(s): ${expr.name}(${signature.join(', ')}).`,
        ranges[max],
        expr.range,
      );
    }
    try {
      const env: CallEnv = {
        files: this.scope,
        budget: this.budget,
        now: this.scope.now,
        renderTemplate: (source, filename, vars, allowFiles) => this.renderTemplate(source, filename, vars, allowFiles),
      };
      return markIf(callFunction(fn, args, env), marked);
    } catch (e) {
      if (e instanceof LimitExceeded) {
        e.range ??= expr.range;
        throw e;
      }
      if (!(e instanceof FunctionError)) throw e;
      if (e.arg !== undefined && e.arg < args.length) {
        const param = e.arg < fn.params.length ? fn.params[e.arg] : (fn.variadic ?? fn.params[fn.params.length - 1]);
        return this.error('Invalid function argument', `Invalid value for "${param.name}" parameter: ${e.message}.`, ranges[e.arg], expr.range);
      }
      return this.error('Error in function call', `Call to function "${expr.name}" failed: ${e.message}.`, expr.range);
    }
  }
}

/** Diagnostics as Terraform quotes them inside a function error: `file:line,col-col: summary; detail`. */
function describeDiagnostics(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => {
      const r = d.subject;
      const at = r ? `${r.filename}:${r.start.line},${r.start.column}-${r.end.line === r.start.line ? r.end.column : `${r.end.line},${r.end.column}`}: ` : '';
      return `${at}${d.summary}; ${d.detail ?? ''}`.trim();
    })
    .join(', and ');
}

/** `a.b`, `a[0]`, `a["k"]`: a reference written as an object key, which HCL refuses as ambiguous. */
function isTraversal(e: Expression): boolean {
  if (e.kind === 'GetAttr') return e.object.kind === 'Variable' || isTraversal(e.object);
  if (e.kind === 'Index') {
    const k = e.key;
    const literal = k.kind === 'Literal' || (k.kind === 'Template' && k.parts.every((p) => p.kind === 'Literal'));
    return literal && (e.collection.kind === 'Variable' || isTraversal(e.collection));
  }
  return false;
}

/** Deep equality that can be decided before everything is known; undefined when it can't. */
function equality(a: Value, b: Value): boolean | undefined {
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
function unifyPair(t: Value, f: Value, budget: EvalBudget): Shape | string {
  // Same primitive kinds (the usual case) need no walk.
  if (typeof t === typeof f && (typeof t === 'string' || typeof t === 'number' || typeof t === 'boolean')) return DYNAMIC;
  const ts = shapeOf(t, budget);
  const fs = shapeOf(f, budget);
  return unifyShapes(ts, fs) ?? describeMismatch(ts, fs);
}

/** Converts a value to a unified shape: only primitives change (a number or bool to a string). */
function convertTo(v: Value, s: Shape): Value {
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
