// Function calls for the evaluator: argument checks and expansion, try() and can() (which see
// their arguments' errors), unknown functions, and the templates templatefile() and
// templatestring() render on the calling evaluation's budget.
import type { FunctionCallExpr, Range } from './ast.js';
import type { Diagnostic } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import type { Evaluation } from './eval.js';
import { strip, TOP, type Context } from './eval-context.js';
import { UNKNOWN, Unknown, containsUnknown, describeValueType, markIf, type ObjectValue, type Value } from './value.js';
import { FunctionError, callFunction, standardFunctions, type CallEnv, type HclFunction } from './functions/index.js';
import { LimitExceeded } from './limits.js';
import { parseHclTemplate } from './parser.js';
import { functionCallsOf, referencesOf } from './references.js';
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

/** try() and can() see their arguments' errors instead of values, so they are part of the evaluator. */
export function tryOrCan(ev: Evaluation, expr: FunctionCallExpr, ctx: Context): Value {
  const isCan = expr.name === 'can';
  if (expr.args.length === 0 || (isCan && expr.args.length > 1) || expr.expandFinal) {
    const detail = isCan ? 'Function "can" expects 1 argument(s): can(expression).' : 'Function "try" expects at least 1 argument(s): try(expressions...).';
    return expr.args.length === 0 || expr.expandFinal
      ? ev.error('Not enough function arguments', detail, expr.closeParenRange, expr.range)
      : ev.error('Too many function arguments', detail, expr.args[1].range, expr.range);
  }
  // A call to a function that does not exist is a mistake in the configuration, not a
  // failure try() or can() may catch (as in Terraform, where it is found before evaluation).
  let unknownFn = false;
  for (const arg of expr.args) {
    for (const c of functionCallsOf(arg)) {
      if (!ev.lookupFunction(c.name) && c.name !== 'try' && c.name !== 'can') {
        unknownFunction(ev, c);
        unknownFn = true;
      }
    }
  }
  if (unknownFn) return UNKNOWN;
  const failures: Diagnostic[] = [];
  for (const arg of expr.args) {
    const { value, diags } = ev.attempt(arg, ctx);
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
  return ev.error(
    'Error in function call',
    `Call to function "try" failed: no expression succeeded:\n${lines.join('\n')}\n\nAt least one expression must produce a successful result.`,
    expr.range,
  );
}

export function unknownFunction(ev: Evaluation, expr: FunctionCallExpr): Value {
  return ev.error(
    'Call to unknown function',
    `There is no function named "${expr.name}".${didYouMean(expr.name, [...Object.keys(ev.scope.functions ?? {}), ...Object.keys(standardFunctions), 'try', 'can'])}`,
    expr.nameRange,
    expr.range,
  );
}

/**
 * templatefile() and templatestring(): the text parsed as a template and evaluated with only
 * `vars` in scope, on this evaluation's budget. A template may not call templatefile() or
 * templatestring() itself (nor, for templatestring, the file functions), as in Terraform.
 */
export function renderTemplate(ev: Evaluation, source: string, filename: string, vars: ObjectValue, allowFiles: boolean): Value {
  ev.budget.step(Math.ceil(source.length / 4));
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
  const functions: Record<string, HclFunction> = { ...ev.scope.functions };
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
  const inner = ev.spawn({ ...ev.scope, variables: vars, functions });
  const value = inner.eval(parsed.expr, TOP);
  const errors = inner.diagnostics().filter((d) => d.severity === 'error');
  if (errors.length) throw new FunctionError(describeDiagnostics(errors));
  if (value === null) throw new FunctionError('the result of the template is null, which is not a valid result');
  return value;
}

export function callExpr(ev: Evaluation, expr: FunctionCallExpr, ctx: Context): Value {
  const fn = ev.lookupFunction(expr.name);
  if (!fn && (expr.name === 'try' || expr.name === 'can')) return tryOrCan(ev, expr, ctx);
  if (!fn) return unknownFunction(ev, expr);
  if (fn.checkSyntax) {
    try {
      fn.checkSyntax(expr.args);
    } catch (e) {
      if (!(e instanceof FunctionError)) throw e;
      const param = fn.params[e.arg ?? 0];
      return ev.error(
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
    const v = ev.eval(a, ctx);
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
      ev.error(
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
    return ev.error(
      'Not enough function arguments',
      `Function "${expr.name}" expects${qual} ${required} argument(s): ${expr.name}(${signature.join(', ')}). Missing value for "${missing.name}".`,
      expr.closeParenRange,
      expr.range,
    );
  }
  if (args.length > max) {
    return ev.error(
      'Too many function arguments',
      `Function "${expr.name}" expects only ${max} argument(s): ${expr.name}(${signature.join(', ')}).`,
      ranges[max],
      expr.range,
    );
  }
  try {
    const env: CallEnv = {
      files: ev.scope,
      budget: ev.budget,
      now: ev.scope.now,
      renderTemplate: (source, filename, vars, allowFiles) => renderTemplate(ev, source, filename, vars, allowFiles),
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
      return ev.error('Invalid function argument', `Invalid value for "${param.name}" parameter: ${e.message}.`, ranges[e.arg], expr.range);
    }
    return ev.error('Error in function call', `Call to function "${expr.name}" failed: ${e.message}.`, expr.range);
  }
}
