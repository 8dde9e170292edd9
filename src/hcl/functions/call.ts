// How a function is called: its parameters, the checks and conversions made before it runs, and
// the unknown and sensitive marks carried around it, so each implementation is the plain
// computation; it throws FunctionError for a bad argument, never for anything else.
import {
  containsSensitive,
  containsUnknown,
  markIf,
  Sensitive,
  toBoolValue,
  toNumberValue,
  toStringValue,
  UNKNOWN,
  Unknown,
  unmark,
  type Value,
} from '../value.js';

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

/** What file() may use; the evaluator's Scope provides it. */
export interface FileAccess {
  readonly baseDir?: string;
  readonly readFile?: (absPath: string) => string;
  readonly realPath?: (absPath: string) => string;
}

export interface CallContext {
  readonly files: FileAccess;
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
   */
  readonly marks?: 'deep' | 'shallow';
  readonly impl: (args: Value[], ctx: CallContext) => Value;
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

/** Checks and converts the arguments, calls the function, and carries unknown and sensitive through. */
export function callFunction(fn: HclFunction, args: readonly Value[], files: FileAccess): Value {
  const deep = (fn.marks ?? 'deep') === 'deep';
  let marked = false;
  let unknown = false;
  const sensitiveArgs: boolean[] = [];
  const ready: Value[] = [];
  args.forEach((arg, i) => {
    const param = i < fn.params.length ? fn.params[i] : (fn.variadic as FunctionParam);
    let v = arg;
    let m = false;
    if (deep && containsSensitive(v)) {
      m = true;
      v = unmark(v);
    } else if (v instanceof Sensitive) {
      m = true;
      v = v.value;
    }
    marked ||= m;
    sensitiveArgs.push(m);
    if (v instanceof Unknown || (!param.allowUnknown && containsUnknown(v))) {
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
  return markIf(fn.impl(ready, { files, sensitiveArgs }), marked);
}
