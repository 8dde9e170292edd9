// Shared by the families: parameter declarations and the checks of argument shapes.
import { describeValueType, isObject, toStringValue, typeName, type ObjectValue, type Value } from '../value.js';
import { FunctionError, type CallContext, type FunctionParam } from './call.js';

export const str = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'string', ...extra });
export const num = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'number', ...extra });
export const any = (name: string, extra: Partial<FunctionParam> = {}): FunctionParam => ({ name, type: 'any', ...extra });

/** Quotes a value for an error message, unless it was sensitive. */
export function quote(ctx: CallContext, i: number, s: string): string {
  return ctx.sensitiveArgs[i] ? '(sensitive value)' : JSON.stringify(s);
}

export function wholeNumber(v: Value, arg: number): number {
  const n = v as number;
  if (!Number.isInteger(n)) throw new FunctionError('a whole number is required', arg);
  return n;
}

export function tupleArg(v: Value, arg: number, what = 'a list or tuple is required'): readonly Value[] {
  if (!Array.isArray(v)) throw new FunctionError(`${what}, but the value is ${describeValueType(v)}`, arg);
  return v;
}

export function objectArg(v: Value, arg: number, message: string): ObjectValue {
  if (!isObject(v)) throw new FunctionError(message.replace('%s', typeName(v)), arg);
  return v;
}

/** The single type that values unify to, converting primitives to it, as cty's unification does. */
export function unify(values: readonly Value[], what: string): Value[] {
  const kinds = new Set<string>();
  for (const v of values) {
    const t = typeName(v);
    if (t !== 'null' && t !== 'unknown') kinds.add(t);
  }
  if (kinds.size <= 1) return [...values];
  const primitive = [...kinds].every((k) => k === 'string' || k === 'number' || k === 'bool');
  if (!primitive || !kinds.has('string')) throw new FunctionError(`all ${what} must have the same type`);
  return values.map((v) => {
    const c = toStringValue(v);
    return c.ok ? c.value : v;
  });
}
