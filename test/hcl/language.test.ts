// The HCL language points of issue 15: conditional type unification, object keys, unknown
// functions as static errors, heredoc closing markers, byte offsets after invalid UTF-8,
// numbers that a double cannot hold, and NFC-normalised string literals. Each behaves as
// hashicorp/hcl (hclsyntax) does.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/hcl/eval.js';
import { parseHcl, parseHclBytes } from '../../src/hcl/parser.js';
import type { Attribute } from '../../src/hcl/ast.js';
import { UNKNOWN, isSensitive, objectValue, sensitive, valueToJson, type Value } from '../../src/hcl/value.js';
import { evalSrc, rangeOf } from './build.js';

const obj = (o: Record<string, Value>) => objectValue(Object.entries(o));

function value(src: string, vars: Record<string, Value> = {}): unknown {
  const r = evalSrc(src, vars);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('; '));
  return valueToJson(r.value);
}

function diags(src: string, vars: Record<string, Value> = {}): { summary: string; detail?: string; at?: string }[] {
  return evalSrc(src, vars).diagnostics.map((d) => ({
    summary: d.summary,
    detail: d.detail,
    at: d.subject ? `${d.subject.start.column}-${d.subject.end.column}` : undefined,
  }));
}

describe('conditionals unify the types of their results', () => {
  it('converts the chosen result to the type both unify to', () => {
    expect(value('true ? 1 : "a"')).toBe('1');
    expect(value('false ? 1 : "a"')).toBe('a');
    expect(value('true ? true : "x"')).toBe('true');
    expect(value('true ? [1, 2] : ["a"]')).toEqual(['1', '2']);
    expect(value('true ? {a = 1} : {b = "x"}')).toEqual({ a: '1' });
    expect(value('true ? {a = 1, b = true} : {a = "x", b = "y"}')).toEqual({ a: '1', b: 'true' });
  });

  it('leaves results alone when their types already agree, or one is null', () => {
    expect(value('true ? 1 : 2')).toBe(1);
    expect(value('true ? [1] : null')).toEqual([1]);
    expect(value('false ? {a = 1} : null')).toBe(null);
    expect(value('true ? {a = [1]} : {a = [2, 3]}')).toEqual({ a: [1] });
  });

  it("reports types that cannot be unified, over both results, in HCL's words", () => {
    const src = 'true ? 1 : false';
    expect(diags(src)).toEqual([
      {
        summary: 'Inconsistent conditional result types',
        detail: "The true and false result expressions must have consistent types. The 'true' value is number, but the 'false' value is bool.",
        at: `${rangeOf(src, '1').start.column}-${rangeOf(src, 'false').end.column}`,
      },
    ]);
    expect(diags('true ? [1] : {a = 1}')[0].detail).toBe(
      "The true and false result expressions must have consistent types. The 'true' value is tuple, but the 'false' value is object.",
    );
    expect(diags('true ? {a = 1} : {a = [1]}')[0].detail).toBe(
      "The true and false result expressions must have consistent types. Type mismatch for object attribute \"a\": The 'true' value is number, but the 'false' value is tuple.",
    );
  });

  it("does not report errors of the result it did not choose, and keeps the condition's mark", () => {
    expect(value('true ? 1 : var.nope', { var: obj({}) })).toBe(1);
    const r = evalSrc('var.s ? "a" : "b"', { var: obj({ s: sensitive(true) }) });
    expect(isSensitive(r.value)).toBe(true);
  });
});

describe('object keys', () => {
  it('a bare keyword is the key of that name: {null = 1} has a key "null"', () => {
    expect(value('{null = 1, true = 2, false = 3}')).toEqual({ null: 1, true: 2, false: 3 });
  });

  it('a reference written as a key is ambiguous; parentheses or quotes say which is meant', () => {
    const src = '{var.greeting = "world"}';
    expect(diags(src, { var: obj({ greeting: 'hello' }) })).toEqual([
      {
        summary: 'Ambiguous attribute key',
        detail:
          "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
        at: `${rangeOf(src, 'var.greeting').start.column}-${rangeOf(src, 'var.greeting').end.column}`,
      },
    ]);
    expect(diags('{a[0] = 1}', { a: ['k'] })[0].summary).toBe('Ambiguous attribute key');
    expect(value('{(var.greeting) = "world"}', { var: obj({ greeting: 'hello' }) })).toEqual({ hello: 'world' });
    expect(value('{"var.greeting" = "world"}')).toEqual({ 'var.greeting': 'world' });
  });
});

describe('calls to unknown functions', () => {
  it('are errors that can() and try() do not hide', () => {
    for (const src of ['can(nosuchfn())', 'try(nosuchfn(), 1)', 'try(1, nosuchfn())', 'can(upper(nosuchfn("x")))']) {
      const d = diags(src);
      expect(
        d.map((x) => x.summary),
        src,
      ).toEqual(['Call to unknown function']);
      expect(d[0].detail).toBe('There is no function named "nosuchfn".');
    }
  });

  it('suggest a close name', () => {
    expect(diags('can(uper("x"))')[0].detail).toBe('There is no function named "uper". Did you mean "upper"?');
  });

  it('leave can() and try() catching errors of known functions', () => {
    expect(value('can(tonumber("x"))')).toBe(false);
    expect(value('try(tonumber("x"), 7)')).toBe(7);
  });
});

describe('heredocs', () => {
  it('a closing marker on the last line needs a newline after it, as in hclsyntax', () => {
    expect(parseHcl('x = <<EOT\nhi\nEOT', 'h.hcl').diagnostics.map((d) => d.summary)).toEqual(['Unclosed heredoc']);
    expect(parseHcl('x = <<-EOT\n  hi\n  EOT', 'h.hcl').diagnostics.map((d) => d.summary)).toEqual(['Unclosed heredoc']);
    expect(parseHcl('x = <<EOT\nhi\nEOT\n', 'h.hcl').diagnostics).toEqual([]);
    expect(parseHcl('x = <<EOT\r\nhi\r\nEOT\r\n', 'h.hcl').diagnostics).toEqual([]);
  });
});

describe('byte offsets after invalid UTF-8', () => {
  const enc = new TextEncoder();
  const withBad = (before: string, bad: number[], after: string) => new Uint8Array([...enc.encode(before), ...bad, ...enc.encode(after)]);

  it.each([
    [[0xff], 1],
    [[0xe2, 0x82], 2],
    [[0x80, 0x80, 0x80], 3],
  ])('an escape error after %j in the same string points at the escape', (bad, n) => {
    const bytes = withBad('x = "a', bad, 'b\\qZ"\n');
    const r = parseHclBytes(bytes, 'u.hcl');
    const d = r.diagnostics.find((x) => x.summary === 'Invalid escape sequence')!;
    expect(d).toBeDefined();
    const at = 6 + n + 1; // `x = "a`, the bad bytes, `b`
    expect([d.subject!.start.byte, d.subject!.end.byte]).toEqual([at, at + 2]);
    expect(new TextDecoder().decode(bytes.subarray(d.subject!.start.byte, d.subject!.end.byte))).toBe('\\q');
    expect(d.subject!.start.column).toBe(6 + n + 2);
  });

  it('an evaluation error after an invalid byte on the same line points at its expression', () => {
    const bytes = withBad('x = "a', [0xff], 'b ${nosuch}"\n');
    const r = parseHclBytes(bytes, 'u.hcl');
    const e = evaluate((r.body.items[0] as Attribute).expr, { variables: {} });
    const d = e.diagnostics[0];
    expect(new TextDecoder().decode(bytes.subarray(d.subject!.start.byte, d.subject!.end.byte))).toBe('nosuch');
  });
});

describe('numbers a double cannot hold', () => {
  it('a whole number literal past 2^53 that would round is an error; 2^53 itself and exponents are not', () => {
    expect(diags('9007199254740993')).toEqual([
      {
        summary: 'Number out of range',
        detail:
          '9007199254740993 cannot be represented exactly: whole numbers are exact only up to 9007199254740992 (2^53). Write a smaller number, or a string if it is an identifier.',
        at: '1-17',
      },
    ]);
    expect(value('9007199254740992')).toBe(9007199254740992);
    expect(value('18014398509481984')).toBe(18014398509481984); // 2^54 is exact
    expect(value('1.5e300')).toBe(1.5e300);
  });

  it('a literal that overflows is an error, not +Inf', () => {
    expect(diags('1e400')[0].detail).toMatch(/^1e400 is too large: numbers go up to about 1.8e308/);
  });

  it('whole-number arithmetic past 2^53 and overflow are errors', () => {
    expect(diags('9007199254740992 + 1')[0].detail).toBe(
      'Error during operation: the result 9007199254740993 cannot be represented exactly: whole numbers are exact only up to 9007199254740992 (2^53).',
    );
    expect(value('9007199254740990 + 1')).toBe(9007199254740991);
    expect(diags('1e308 * 10')[0].detail).toBe('Error during operation: the result is too large: numbers go up to about 1.8e308.');
    expect(diags('1e308 / 1e-10')[0].summary).toBe('Operation failed');
    expect(diags('pow(10, 400)')[0].detail).toMatch(/the result is too large/);
  });

  it('tonumber and jsondecode refuse such numbers; jsonencode never writes invalid JSON', () => {
    expect(diags('tonumber("9007199254740993")')[0].detail).toMatch(/cannot be represented exactly/);
    expect(diags('jsondecode("[9007199254740993]")')[0].detail).toMatch(/invalid JSON: 9007199254740993 cannot be represented exactly/);
    expect(diags('jsondecode("1e400")')[0].detail).toMatch(/invalid JSON: 1e400 is too large/);
    const out = value('jsonencode([9007199254740992, 1.5e300, -0.5, 1e-7])') as string;
    expect(JSON.parse(out)).toEqual([9007199254740992, 1.5e300, -0.5, 1e-7]);
  });
});

describe('string literals are NFC-normalised', () => {
  it('a decomposed é equals the composed one, in quoted strings, escapes and heredocs', () => {
    expect(value('"e\u0301"')).toBe('\u00e9');
    expect(value('"e\\u0301" == "\\u00e9"')).toBe(true);
    expect(value('length("e\u0301")')).toBe(1);
    const h = parseHcl('x = <<EOT\ne\u0301 ${1}\nEOT\n', 'n.hcl');
    expect(valueToJson(evaluate((h.body.items[0] as Attribute).expr, { variables: {} }).value)).toBe('\u00e9 1\n');
  });

  it('keeps ASCII and already-normal text as it is', () => {
    expect(value('"plain ascii"')).toBe('plain ascii');
    expect(value('"Å ñ 日本"')).toBe('Å ñ 日本');
  });
});

describe('sensitive marks follow through unknown values', () => {
  const vars = { var: obj({ s: sensitive(UNKNOWN), secret: sensitive('x'), u: UNKNOWN }) };

  it('an attribute, an index or a splat of an unknown sensitive value is unknown and sensitive', () => {
    for (const src of ['var.s.name', 'var.s[0]', 'var.s[*].name', 'var.s.*.name']) {
      const r = evalSrc(src, vars);
      expect(r.diagnostics, src).toEqual([]);
      expect(isSensitive(r.value), src).toBe(true);
    }
  });

  it('a conditional on an unknown condition carries the marks of both results', () => {
    expect(isSensitive(evalSrc('var.u ? var.secret : "plain"', vars).value)).toBe(true);
    expect(isSensitive(evalSrc('var.u ? ["a"] : [var.secret]', vars).value)).toBe(true);
    expect(isSensitive(evalSrc('var.u ? "a" : "b"', vars).value)).toBe(false);
    expect(evalSrc('var.u ? null : null', vars).value).toBe(null);
  });

  it("with an unknown left operand, && and || hold back the right operand's errors, as HCL does", () => {
    expect(evalSrc('var.u && [][0]', vars).diagnostics).toEqual([]);
    expect(evalSrc('var.u || true', vars).value).toBe(true);
  });
});
