// Numeric functions.
import { typeName, type Value } from '../value.js';
import { FunctionError, type HclFunction } from './call.js';
import { any, num, quote, wholeNumber } from './args.js';

function numbersOf(args: readonly Value[]): number[] {
  if (args.length === 0) throw new FunctionError('must pass at least one number');
  return args as number[];
}

/** Numeric functions. */
export const numberFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  min: { params: [], variadic: num('numbers'), impl: (args) => Math.min(...numbersOf(args)) },
  max: { params: [], variadic: num('numbers'), impl: (args) => Math.max(...numbersOf(args)) },
  abs: { params: [num('num')], impl: ([n]) => Math.abs(n as number) },
  ceil: { params: [num('num')], impl: ([n]) => Math.ceil(n as number) },
  floor: { params: [num('num')], impl: ([n]) => Math.floor(n as number) },
  signum: { params: [num('num')], impl: ([n]) => Math.sign(n as number) + 0 },
  pow: { params: [num('num'), num('power')], impl: ([a, b]) => (a as number) ** (b as number) },
  parseint: {
    params: [any('number'), num('base')],
    impl: ([n, b], ctx) => {
      const base = wholeNumber(b, 1);
      if (base < 2 || base > 62) throw new FunctionError('base must be a whole number between 2 and 62 inclusive', 1);
      if (typeof n !== 'string') throw new FunctionError('first argument must be a string, not ' + typeName(n), 0);
      const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const m = /^([-+]?)(.+)$/.exec(n);
      let acc = 0n;
      const bad = () => new FunctionError(`cannot parse ${quote(ctx, 0, n)} as a base ${base} integer`, 0);
      if (!m) throw bad();
      for (const ch of m[2]) {
        let d = digits.indexOf(ch);
        if (base <= 36 && d >= 36) d -= 26;
        if (d < 0 || d >= base) throw bad();
        acc = acc * BigInt(base) + BigInt(d);
      }
      return Number(m[1] === '-' ? -acc : acc);
    },
  },
});
