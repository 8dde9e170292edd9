// Evaluates HCL expressions to values with HCL's semantics. Errors become diagnostics and the
// failing part evaluates to UNKNOWN, which silences everything computed from it: one mistake,
// one diagnostic. Unknown inputs (values known only after apply) propagate without errors.
import type {
  BinaryExpr,
  ConditionalExpr,
  Expression,
  ForExpr,
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
  type Conversion,
  type ObjectValue,
  type Value,
} from './value.js';
import { standardFunctions, tooDeep, type FileAccess, type HclFunction } from './functions/index.js';
import { EvalBudget, LimitExceeded } from './limits.js';
import { callExpr } from './eval-calls.js';
import { strip, TOP, type Binding, type Context } from './eval-context.js';
import { convertTo, equality, isTraversal, unifyPair } from './eval-shapes.js';

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

/** One evaluation (diagnostics, budget); the function-call half lives in eval-calls.ts. */
export class Evaluation {
  diags: Diagnostic[] = [];
  seen = new Set<string>();
  private readonly maxSteps: number;
  constructor(
    readonly scope: Scope,
    readonly budget: EvalBudget,
  ) {
    this.maxSteps = budget.limits.maxSteps;
  }

  lookupFunction(name: string): HclFunction | undefined {
    const extra = this.scope.functions;
    if (extra && Object.hasOwn(extra, name)) return extra[name];
    return Object.hasOwn(standardFunctions, name) ? standardFunctions[name] : undefined;
  }

  diagnostics(): Diagnostic[] {
    return this.diags;
  }

  /** Records an error once: a for or splat body failing the same way for every element says so once. */
  error(summary: string, detail: string, subject: Range, context?: Range): Value {
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
        return callExpr(this, expr, ctx);
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

  /** Evaluates `expr` with its diagnostics kept apart, for try() and can(). */
  attempt(expr: Expression, ctx: Context): { value: Value; diags: Diagnostic[] } {
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

  /** A fresh evaluation over `scope` on this one's budget (templatefile and templatestring). */
  spawn(scope: Scope): Evaluation {
    return new Evaluation(scope, this.budget);
  }
}
