// Seeded generator of hostile HCL expressions for the evaluation fuzz test: nested `for`
// expressions and template loops over big ranges, calls to every library function with random
// arguments, deep nesting, regular expressions that backtracking engines choke on, numbers at
// the edges of a double, sensitive and unknown inputs. Case `i` of seed `s` is always the same
// text, so the test (and anyone reading its output) can regenerate any case from its number.
import { standardFunctions } from '../../src/hcl/functions/index.js';

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUNCTIONS = Object.keys(standardFunctions).sort();
const NAMES = ['x', 'y', 'k', 'v'];
const STRINGS = [
  '""',
  '"a"',
  '"hello world"',
  '"é"',
  '"e\\u0301"',
  '"😀x"',
  '"a,b,c\\n1,2,3"',
  '"{\\"a\\": [1, 2]}"',
  '"a: [1, 2]"',
  '"10.0.0.0/16"',
  '"2018-01-02T23:12:01Z"',
  '"15m"',
  '"%s-%d"',
  '"$${x}"',
];
const NUMBERS = ['0', '1', '-1', '2', '3.5', '1000', '1e6', '1e308', '9007199254740992', '9007199254740993', '1e400', '-0.5', '0.1'];
const PATTERNS = [
  '"/(a+)+$/"',
  '"(a+)+$"',
  '"(a|aa)+b"',
  '"(x+x+)+y"',
  '"^(\\\\w+\\\\s?)*$"',
  '"[a-z]+"',
  '"(?P<n>\\\\d+)"',
  '"("',
  '"a{1000}{1000}"',
  '"(?i)A"',
];
const HOSTILE = ['"' + 'a'.repeat(60) + '!"', '"' + 'x'.repeat(60) + '"', 'join("", [for i in range(1000) : "a"])'];

export interface FuzzCase {
  readonly id: number;
  readonly src: string;
}

/** Generates case `id` of `seed`. */
export function fuzzCase(seed: number, id: number): FuzzCase {
  const rand = prng((seed * 1_000_003) ^ (id * 7919));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  let budget = 40; // nodes per case, so cases stay small text

  const coll = (d: number): string => {
    switch (Math.floor(rand() * 7)) {
      case 0:
        return `range(${pick(['0', '3', '10', '100', '1000', '1024', '1025', '-5', '1e6'])})`;
      case 1:
        return 'local.big';
      case 2:
        return 'var.l';
      case 3:
        return 'var.m';
      case 4:
        return `[${Array.from({ length: 1 + Math.floor(rand() * 4) }, () => expr(d + 1)).join(', ')}]`;
      case 5:
        return `{ a = ${expr(d + 1)}, b = ${expr(d + 1)} }`;
      default:
        return expr(d + 1);
    }
  };

  const expr = (d: number): string => {
    if (--budget <= 0 || d > 6) return leaf();
    switch (Math.floor(rand() * 16)) {
      case 0:
      case 1:
        return leaf();
      case 2: {
        const n = pick(NAMES);
        const cond = chance(0.3) ? ` if ${expr(d + 1)}` : '';
        return `[for ${n} in ${coll(d)} : ${chance(0.5) ? n : expr(d + 1)}${cond}]`;
      }
      case 3:
        return `{for k, v in ${coll(d)} : ${chance(0.5) ? 'k' : expr(d + 1)} => ${chance(0.5) ? 'v' : expr(d + 1)}${chance(0.2) ? '...' : ''}}`;
      case 4:
        return `"%{for ${pick(NAMES)} in ${coll(d)}}${'${'}${expr(d + 1)}}%{endfor}"`;
      case 5:
        return `"%{if ${expr(d + 1)}}${'${'}${expr(d + 1)}}%{else}b%{endif}"`;
      case 6:
      case 7: {
        const name = chance(0.05) ? pick(['nosuchfn', 'regexnope', 'uper']) : pick(FUNCTIONS);
        const n = Math.floor(rand() * 4);
        return `${name}(${Array.from({ length: n }, () => expr(d + 1)).join(', ')}${chance(0.05) ? '...' : ''})`;
      }
      case 8:
        return `${pick(['regex', 'regexall', 'replace'])}(${pick(PATTERNS)}, ${pick(HOSTILE)}${chance(0.5) ? ', "b"' : ''})`;
      case 9:
        return `${expr(d + 1)} ${pick(['+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'])} ${expr(d + 1)}`;
      case 10:
        return `${expr(d + 1)} ? ${expr(d + 1)} : ${expr(d + 1)}`;
      case 11: {
        const depth = pick([2, 5, 20, 60, 120, 250]);
        const [o, c] = pick([
          ['[', ']'],
          ['(', ')'],
          ['{a = ', '}'],
          ['[[', ']]'],
        ] as const);
        return o.repeat(depth) + leaf() + c.repeat(depth);
      }
      case 12:
        return `${pick(['try', 'can'])}(${expr(d + 1)}${chance(0.5) ? `, ${expr(d + 1)}` : ''})`;
      case 13:
        return `${coll(d)}[${pick(['0', '1', '"a"', '-1', 'var.n'])}]`;
      case 14:
        return `${coll(d)}[*]${chance(0.5) ? '.a' : ''}`;
      default:
        return `(${expr(d + 1)})`;
    }
  };

  const leaf = (): string => {
    switch (Math.floor(rand() * 8)) {
      case 0:
      case 1:
        return pick(STRINGS);
      case 2:
      case 3:
        return pick(NUMBERS);
      case 4:
        return pick(['true', 'false', 'null']);
      case 5:
        return pick(['var.s', 'var.n', 'var.l', 'var.m', 'var.secret', 'var.u', 'local.big', 'local.deep', 'var.nope']);
      case 6:
        return pick(NAMES);
      default:
        return `"${pick(['x', 'vm-', ''])}${'${'}${pick(['var.s', 'var.n', 'var.secret', 'var.u'])}}"`;
    }
  };

  return { id, src: expr(0) };
}
