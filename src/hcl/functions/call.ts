// How a function is called: its parameters, the checks and conversions made before it runs, and
// the unknown and sensitive marks carried around it, so each implementation is the plain
// computation; it throws FunctionError for a bad argument, never for anything else.
import { isObject, markIf, Sensitive, toBoolValue, toNumberValue, toStringValue, UNKNOWN, Unknown, unmark, type ObjectValue, type Value } from '../value.js';
import type { Expression } from '../ast.js';
import { EvalBudget, LimitExceeded } from '../limits.js';

export interface FunctionParam {
  readonly name: string;
  /** Primitive params are converted before the call ("12" → 12); 'any' passes values as they are. */
  readonly type: 'string' | 'number' | 'bool' | 'any';
  readonly allowNull?: boolean;
  /** The implementation copes with unknown values; otherwise any unknown part makes the result unknown. */
  readonly allowUnknown?: boolean;
  /** May be left out (only trailing params). */
  readonly optional?: boolean;
}

/** What kind of thing is at a path (following symlinks), as the file functions tell them apart. */
export type FileKind = 'file' | 'directory' | 'fifo' | 'socket' | 'device' | 'other';

/** What the file functions may use; the evaluator's Scope provides it. */
export interface FileAccess {
  /** The configuration directory: files are read only below it. */
  readonly baseDir?: string;
  /**
   * Reads a regular file as UTF-8 text, given an absolute path: at most `maxBytes` bytes, and
   * never waiting on a FIFO or device (an error with code ENOTREG or EFBIG instead).
   */
  readonly readFile?: (absPath: string, maxBytes: number) => string;
  /** Resolves symlinks, so a link that points outside baseDir is refused. */
  readonly realPath?: (absPath: string) => string;
  /** What is at a path (following symlinks), or undefined when nothing is. */
  readonly stat?: (absPath: string) => FileKind | undefined;
  /** The names in a directory. */
  readonly readdir?: (absPath: string) => string[];
}

/** What a call can reach beyond its arguments: files, the budget, the clock, the template renderer. */
export interface CallEnv {
  readonly files: FileAccess;
  readonly budget: EvalBudget;
  /** The time for timestamp(), in milliseconds since the epoch. */
  readonly now?: () => number;
  /**
   * Renders template text with the given variables (templatefile(), templatestring()); the
   * evaluator provides it, so functions need not import it. Errors come back as a FunctionError.
   */
  readonly renderTemplate?: (source: string, filename: string, vars: ObjectValue, allowFiles: boolean) => Value;
}

export interface CallContext extends CallEnv {
  /** Which arguments were sensitive, so error messages don't quote them. */
  readonly sensitiveArgs: readonly boolean[];
}

export interface HclFunction {
  readonly params: readonly FunctionParam[];
  readonly variadic?: FunctionParam;
  /**
   * How sensitive marks reach the result. 'deep' (the default): a mark anywhere in any argument
   * marks the whole result. 'shallow': marks on the arguments themselves move to the result and
   * marks inside collections stay on their elements (for functions that move elements around).
   * 'raw': the arguments arrive as they are, marks and unknowns included, and the result is
   * returned as the function made it (sensitive(), nonsensitive(), issensitive()).
   */
  readonly marks?: 'deep' | 'shallow' | 'raw';
  readonly impl: (args: Value[], ctx: CallContext) => Value;
  /**
   * Steps one call costs beyond the usual (CALL_STEPS), for functions whose fixed work is far
   * more than an expression's: hashing, parsing, date and network arithmetic, regex matching.
   * A step is about a tenth of a microsecond of work; the numbers are measured, not exact.
   */
  readonly cost?: number;
  /** Checks the argument expressions as written, before any is evaluated (templatestring). */
  readonly checkSyntax?: (args: readonly Expression[]) => void;
}

/** A bad argument (by index into the call's arguments) or, without one, a bad call as a whole. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly arg?: number,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** What a walk over an argument found: marks and unknown parts anywhere inside it. */
interface Scan {
  sensitive: boolean;
  unknown: boolean;
}

/** One walk over a value for both marks, charging the budget per node (values can share parts). */
function scan(v: Value, budget: EvalBudget, out: Scan, depth: number): void {
  if (depth > budget.limits.maxValueDepth) throw tooDeep(budget);
  budget.step();
  if (v instanceof Sensitive) {
    out.sensitive = true;
    scan(v.value, budget, out, depth + 1);
  } else if (v instanceof Unknown) out.unknown = true;
  else if (Array.isArray(v)) {
    for (const e of v) scan(e, budget, out, depth + 1);
  } else if (isObject(v)) {
    for (const k in v) scan(v[k], budget, out, depth + 1);
  }
}

/** What any call costs: checking and converting its arguments, building its context. */
const CALL_STEPS = 10;

export function tooDeep(budget: EvalBudget): LimitExceeded {
  return new LimitExceeded(
    'Value too deeply nested',
    `A value is nested more than ${budget.limits.maxValueDepth} levels deep (lists in lists, objects in objects).`,
  );
}

/** Checks and converts the arguments, calls the function, and carries unknown and sensitive through. */
export function callFunction(fn: HclFunction, args: readonly Value[], env: CallEnv): Value {
  if (fn.marks === 'raw') return fn.impl([...args], { ...env, sensitiveArgs: args.map(() => false) });
  const deep = (fn.marks ?? 'deep') === 'deep';
  const budget = env.budget;
  let marked = false;
  let unknown = false;
  const sensitiveArgs: boolean[] = [];
  const ready: Value[] = [];
  const found: Scan = { sensitive: false, unknown: false };
  args.forEach((arg, i) => {
    const param = i < fn.params.length ? fn.params[i] : (fn.variadic as FunctionParam);
    let v = arg;
    let m = false;
    found.sensitive = false;
    found.unknown = false;
    // Primitives need no walk; collections are walked once for both marks.
    if (typeof v === 'object' && v !== null) scan(v, budget, found, 0);
    if (deep && found.sensitive) {
      m = true;
      v = unmark(v);
    } else if (v instanceof Sensitive) {
      m = true;
      v = v.value;
    }
    marked ||= m;
    sensitiveArgs.push(m);
    if (v instanceof Unknown || (!param.allowUnknown && found.unknown)) {
      if (!param.allowUnknown) unknown = true;
      ready.push(v);
      return;
    }
    if (v === null) {
      if (!param.allowNull) throw new FunctionError('argument must not be null', i);
      ready.push(v);
      return;
    }
    if (param.type !== 'any') {
      const c = param.type === 'string' ? toStringValue(v) : param.type === 'number' ? toNumberValue(v) : toBoolValue(v);
      if (!c.ok) throw new FunctionError(c.reason, i);
      v = c.value;
    }
    ready.push(v);
  });
  if (unknown) return markIf(UNKNOWN, marked);
  budget.step(CALL_STEPS + (fn.cost ?? 0));
  const result = fn.impl(ready, { ...env, sensitiveArgs });
  // What a function makes counts against the budget: long strings, big collections.
  if (typeof result === 'string') budget.string(result.length);
  else if (typeof result === 'number' && !Number.isFinite(result)) throw new FunctionError('the result is too large: numbers go up to about 1.8e308');
  else if (Array.isArray(result)) budget.collection(result.length);
  return markIf(result, marked);
}
