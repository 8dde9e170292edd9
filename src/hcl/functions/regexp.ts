// Regular expressions as Terraform has them: Go's RE2 syntax and semantics, on re2js (a pure
// JS port of RE2), whose matching is linear in the input: no pattern can make a match take
// exponential time, as `(a+)+$` does on a backtracking engine. replace(), regex(), regexall()
// and fileset()'s globs all go through here.
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';
import { objectValue, type Value } from '../value.js';
import type { EvalBudget } from '../limits.js';
import { FunctionError } from './call.js';

type Engine = typeof RE2JSClass;
type Pattern = InstanceType<Engine>;

// Loaded on first use: 40 ms of start-up that only configurations with regular expressions pay.
const load = createRequire(import.meta.url);

export function regexpEngine(): Engine {
  return (load('re2js') as { RE2JS: Engine }).RE2JS;
}

/** Steps one search costs before it reads the input, and one compile beyond its length. */
const MATCH_STEPS = 300;
const COMPILE_STEPS = 1000;

/** Compiled patterns per budget (one load), so a pattern in a counted block compiles once. */
const CACHE_SIZE = 256;

/** Compiles a Go pattern; a syntax error becomes Go's message, against argument `arg`. */
export function compilePattern(pattern: string, budget: EvalBudget, arg: number, prefix = 'error parsing regexp'): Pattern {
  const key = `re:${pattern}`;
  const cached = budget.memo.get(key) as Pattern | undefined;
  if (cached) return cached;
  const engine = regexpEngine();
  let re: Pattern;
  try {
    re = engine.compile(pattern);
  } catch (e) {
    const m = /^error parsing regexp: (.*)$/s.exec((e as Error).message);
    throw new FunctionError(`${prefix}: ${m ? m[1] : (e as Error).message}`, arg);
  }
  budget.step(COMPILE_STEPS + pattern.length * 10);
  if (budget.memo.size >= CACHE_SIZE) budget.memo.clear();
  budget.memo.set(key, re);
  return re;
}

/** One match: the offsets of the whole match and of each group (-1 when a group took no part). */
interface Match {
  readonly starts: number[];
  readonly ends: number[];
}

/**
 * Every non-overlapping match, as Go's FindAll finds them: an empty match right after the
 * previous match is skipped, and the search moves on by one character after an empty match.
 */
function findAll(re: Pattern, s: string, budget: EvalBudget, limit = Infinity): Match[] {
  const m = re.matcher(s);
  const groups = re.groupCount();
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && out.length < limit) {
    // A match costs far more than an expression (re2js builds its machine state per search).
    budget.step(MATCH_STEPS + Math.ceil((s.length - pos) / 4));
    if (!m.find(pos)) break;
    const start = m.start(0);
    const end = m.end(0);
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      pos = end + (end < s.length && isHighSurrogate(s.charCodeAt(end)) ? 2 : 1);
    } else pos = end;
    prevEnd = end;
    if (!accept) continue;
    const starts = [start];
    const ends = [end];
    for (let g = 1; g <= groups; g++) {
      starts.push(m.start(g));
      ends.push(m.end(g));
    }
    out.push({ starts, ends });
  }
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Go's Regexp.ReplaceAllString: every match replaced by the expanded template. */
export function replaceAll(re: Pattern, s: string, template: string, budget: EvalBudget): string {
  const names = re.namedGroups();
  let out = '';
  let last = 0;
  for (const match of findAll(re, s, budget)) {
    out += s.slice(last, match.starts[0]);
    const captures = match.starts.map((st, g) => (st < 0 ? undefined : s.slice(st, match.ends[g])));
    const groups: Record<string, string | undefined> = Object.create(null);
    for (const name of Object.keys(names)) groups[name] = captures[names[name]];
    out += expandTemplate(template, captures, groups);
    last = match.ends[0];
    if (out.length > budget.limits.maxStringLength) budget.checkLength(out.length);
  }
  return out + s.slice(last);
}

/** What one match of a pattern gives in regex() and regexall(): cty's rules by its groups. */
function matchResult(re: Pattern, s: string, match: Match, shape: 'string' | 'tuple' | 'object'): Value {
  const group = (g: number): Value => (match.starts[g] < 0 ? null : s.slice(match.starts[g], match.ends[g]));
  if (shape === 'string') return group(0);
  if (shape === 'tuple') return match.starts.slice(1).map((_, i) => group(i + 1));
  const names = re.namedGroups();
  return objectValue(Object.keys(names).map((name) => [name, group(names[name])]));
}

/** The result shape of a pattern: no groups a string, unnamed groups a tuple, named ones an object. */
function resultShape(re: Pattern, pattern: string): 'string' | 'tuple' | 'object' {
  const named = Object.keys(re.namedGroups()).length;
  const all = re.groupCount();
  if (all === 0) return 'string';
  if (named > 0 && named < all) {
    throw new FunctionError('invalid regexp pattern: cannot mix both named and unnamed capture groups', 0);
  }
  void pattern;
  return named > 0 ? 'object' : 'tuple';
}

export function regex(pattern: string, s: string, budget: EvalBudget): Value {
  const re = compilePattern(pattern, budget, 0, 'invalid regexp pattern');
  const shape = resultShape(re, pattern);
  const [first] = findAll(re, s, budget, 1);
  if (!first) throw new FunctionError('pattern did not match any part of the given string');
  return matchResult(re, s, first, shape);
}

export function regexall(pattern: string, s: string, budget: EvalBudget): Value[] {
  const re = compilePattern(pattern, budget, 0, 'invalid regexp pattern');
  const shape = resultShape(re, pattern);
  return findAll(re, s, budget).map((m) => matchResult(re, s, m, shape));
}

/** Go's Regexp.Expand for a replacement template: $1, ${1}, $name, ${name}, $$. */
export function expandTemplate(
  template: string,
  captures: readonly (string | undefined)[],
  groups: Readonly<Record<string, string | undefined>> | undefined,
): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close >= 0 && /^\w+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = /^\w+/.exec(template.slice(i));
      if (m) {
        name = m[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) out += captures[Number(name)] ?? '';
    else out += (groups && Object.hasOwn(groups, name) ? groups[name] : undefined) ?? '';
  }
  return out;
}
