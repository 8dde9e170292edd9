// The HCL language layer: parse with ranges, convert to hcl2json's shape, evaluate, format.
export type * from './ast.js';
export { parseHcl } from './parser.js';
export { toHclJson } from './hcljson.js';
export { evaluate, type Scope, type EvalResult } from './eval.js';
export * from './value.js';
export { referencesOf, type Reference } from './references.js';
export { formatHcl, formatHclChecked } from './fmt.js';
