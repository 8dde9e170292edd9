// The context an expression is evaluated in: the names enclosing `for` expressions bind, and the
// current splat element; shared by the evaluator and its function calls.
import { Sensitive, type Value } from './value.js';

/** Names bound by enclosing `for` expressions, innermost first. */
export interface Binding {
  readonly name: string;
  readonly value: Value;
  readonly parent: Binding | undefined;
}

export interface Context {
  readonly bindings: Binding | undefined;
  /** The current element of the innermost splat (what SplatItemExpr stands for). */
  readonly item: { readonly value: Value } | undefined;
}

export const TOP: Context = { bindings: undefined, item: undefined };

/** Splits a value into its unmarked form and whether it was sensitive (shallow). */
export function strip(v: Value): [Value, boolean] {
  return v instanceof Sensitive ? [v.value, true] : [v, false];
}
