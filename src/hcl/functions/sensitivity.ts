// Sensitivity functions: mark a value sensitive, take the mark off, ask whether it has one. As in
// Terraform, they work on the value's own mark: marks inside a collection stay where they are.
import { Sensitive, sensitive, UNKNOWN, Unknown, type Value } from '../value.js';
import type { FunctionParam, HclFunction } from './call.js';

const value: FunctionParam = { name: 'value', type: 'any', allowNull: true, allowUnknown: true };

/** Sensitivity functions. */
export const sensitivityFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  sensitive: { params: [value], marks: 'raw', impl: ([v]) => sensitive(v) },
  nonsensitive: { params: [value], marks: 'raw', impl: ([v]) => (v instanceof Sensitive ? v.value : v) },
  issensitive: {
    params: [value],
    marks: 'raw',
    impl: ([v]): Value => (v instanceof Sensitive ? true : v instanceof Unknown ? UNKNOWN : false),
  },
});
