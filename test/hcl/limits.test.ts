// Evaluation limits (src/hcl/limits.ts, docs/limits.md): every way an expression can run long
// or grow without bound is refused with a diagnostic at the expression, try() and can() do not
// hide it, and a budget shared by a load stays spent once spent.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate } from '../../src/hcl/eval.js';
import { DEFAULT_LIMITS, EvalBudget, type EvalLimits } from '../../src/hcl/limits.js';
import { MAX_DEPTH } from '../../src/hcl/parse-core.js';
import { MAX_SOURCE_BYTES } from '../../src/config/sources.js';
import { UNKNOWN, objectValue, type Value } from '../../src/hcl/value.js';
import { evalSrc, parse, rangeOf } from './build.js';

const small = (over: Partial<EvalLimits>): EvalBudget => new EvalBudget({ ...DEFAULT_LIMITS, ...over });

function only(src: string, vars: Record<string, Value> = {}, budget?: EvalBudget) {
  const r = evalSrc(src, vars, budget ? { budget } : {});
  expect(r.value).toBe(UNKNOWN);
  expect(r.diagnostics).toHaveLength(1);
  return r.diagnostics[0];
}

describe('the step budget', () => {
  it('refuses nested for expressions over big ranges, at the innermost expression', () => {
    const src = '[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]';
    const d = only(src);
    expect(d.summary).toBe('Evaluation too expensive');
    expect(d.detail).toContain('10,000,000 steps');
    expect(d.detail).toContain('docs/limits.md');
    // The subject is inside the innermost `for`, where the work multiplies.
    const inner = rangeOf(src, '[for c in range(1000) : c]');
    const text = src.slice(d.subject!.start.column - 1, d.subject!.end.column - 1);
    expect(d.subject!.start.column).toBeGreaterThanOrEqual(inner.start.column);
    expect(d.subject!.end.column).toBeLessThanOrEqual(inner.end.column);
    expect(['c', '[for c in range(1000) : c]']).toContain(text);
  });

  it('refuses nested template loops the same way', () => {
    const d = only('"%{for a in range(1000)}%{for b in range(1000)}%{for c in range(1000)}x%{endfor}%{endfor}%{endfor}"');
    expect(d.summary).toBe('Evaluation too expensive');
  });

  it('is not hidden by try() or can()', () => {
    for (const src of [
      'can([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]])',
      'try([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]], 1)',
    ]) {
      expect(only(src).summary, src).toBe('Evaluation too expensive');
    }
  });

  it('is shared by every evaluation against one budget, and stays spent', () => {
    const budget = small({ maxSteps: 12_000 });
    const first = evaluate(parse('[for i in range(1000) : i * 2]'), { variables: {}, budget });
    expect(first.diagnostics).toEqual([]);
    const second = evaluate(parse('[for i in range(1000) : i * 2]'), { variables: {}, budget });
    expect(second.diagnostics.map((d) => d.summary)).toEqual(['Evaluation too expensive']);
    // A later evaluation repeats the same report (at the same place) instead of adding new ones.
    const third = evaluate(parse('1 + 1'), { variables: {}, budget });
    expect(third.value).toBe(UNKNOWN);
    expect(third.diagnostics).toEqual(second.diagnostics);
  });

  it('gives each evaluate() call its own default budget when none is passed', () => {
    for (let i = 0; i < 3; i++) expect(evalSrc('length([for a in range(1000) : [for b in range(1000) : b]])').value).toBe(1000);
  });

  it('counts what functions walk: a value shared a thousand times is walked a thousand times', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => i);
    const d = only('length(flatten([for i in range(1000) : local.big]))', { local: objectValue([['big', big]]) });
    expect(['Evaluation too expensive', 'Collection too large', 'Value too large']).toContain(d.summary);
  });
});

describe('sizes', () => {
  it('refuses a template loop that would build a string past the length limit, before building it', () => {
    const d = only('"%{for i in range(1000)}${s}%{endfor}"', { s: 'x'.repeat(100_000) });
    expect(d.summary).toBe('String too long');
    expect(d.detail).toBe('This makes a string of more than 16,777,216 characters, the limit. The limits are listed in docs/limits.md.');
  });

  it('refuses a function result past the string limit', () => {
    const d = only('join("", [for i in range(1000) : s])', { s: 'x'.repeat(20_000) });
    expect(d.summary).toBe('String too long');
  });

  it('counts all the text a load makes', () => {
    const budget = small({ maxStringChars: 1_000_000 });
    const d = only('[for i in range(100) : join("", [for j in range(100) : s])]', { s: 'x'.repeat(200) }, budget);
    expect(d.summary).toBe('Evaluation made too much text');
  });

  it('refuses a value with more nodes than the limit, as locals that double each other make', () => {
    let v: Value = 'x';
    for (let i = 0; i < 25; i++) v = [v, v];
    const d = only('[local.v]', { local: objectValue([['v', v]]) });
    expect(['Value too large', 'Value too deeply nested']).toContain(d.summary);
  });

  it('refuses values nested deeper than the limit', () => {
    let v: Value = 1;
    for (let i = 0; i < 300; i++) v = [v];
    expect(only('[local.v]', { local: objectValue([['v', v]]) }).summary).toBe('Value too deeply nested');
    const deep = '['.repeat(300) + ']'.repeat(300);
    expect(only(`jsondecode(s)`, { s: deep }).summary).toBe('Value too deeply nested');
  });

  it('keeps the limits it was given', () => {
    const budget = small({ maxCollectionLength: 10 });
    expect(only('setproduct([1, 2, 3, 4], [1, 2, 3])', {}, budget).summary).toBe('Collection too large');
  });
});

describe('regular expressions run in linear time', () => {
  it('replace() with a pattern that backtracking engines take exponential time on finishes', () => {
    const r = evalSrc('replace(s, "/(a+)+$/", "b")', { s: 'a'.repeat(5000) + '!' });
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toBe('a'.repeat(5000) + '!');
    const m = evalSrc('regexall("(x+x+)+y", s)', { s: 'x'.repeat(5000) });
    expect(m.value).toEqual([]);
  });
});

describe('docs/limits.md', () => {
  const page = fs.readFileSync(path.join(import.meta.dirname, '../../docs/limits.md'), 'utf8');
  const row = (name: string): string => {
    const line = page.split('\n').find((l) => l.startsWith(`| ${name} |`));
    if (!line) throw new Error(`docs/limits.md has no row "${name}"`);
    return line.split('|')[2].trim();
  };
  const num = (s: string): number => Number(/^[\d,]+/.exec(s)![0].replace(/,/g, ''));

  it('gives the numbers the code uses', () => {
    expect(num(row('evaluation steps per load'))).toBe(DEFAULT_LIMITS.maxSteps);
    expect(num(row('characters of text made per load'))).toBe(DEFAULT_LIMITS.maxStringChars);
    expect(num(row('length of one string'))).toBe(DEFAULT_LIMITS.maxStringLength);
    expect(num(row('elements one function makes'))).toBe(DEFAULT_LIMITS.maxCollectionLength);
    expect(num(row('size of one value'))).toBe(DEFAULT_LIMITS.maxValueNodes);
    expect(num(row('depth of one value'))).toBe(DEFAULT_LIMITS.maxValueDepth);
    expect(num(row('size of a file read by a function'))).toBe(DEFAULT_LIMITS.maxFileBytes);
    expect(num(row('nesting depth of HCL source'))).toBe(MAX_DEPTH);
    expect(num(row('nesting depth of a JSON variables file'))).toBe(MAX_DEPTH);
    expect(num(row('size of a `*.hcl` file or variables file'))).toBe(MAX_SOURCE_BYTES);
  });
});
