// Error recovery: each broken input must give exactly the diagnostics listed (summary and
// subject range), in source order. The lists are complete, so a cascade of follow-on errors
// fails the test. Where it matters, the test also checks that the lines after the error
// still parse.
import { describe, expect, it } from 'vitest';
import { parseHcl, parseHclBytes } from '../../src/hcl/parser.js';
import type { Attribute, Block } from '../../src/hcl/ast.js';
import { bodyOutline, diag } from './parse-helpers.js';

interface Case {
  readonly name: string;
  readonly src: string;
  /** `Summary @line:col-line:col@byte-byte` for each diagnostic, in order. */
  readonly want: readonly string[];
  /** Names of the top-level items that must still be parsed after recovery. */
  readonly keeps?: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: 'unclosed block brace: reported once, at the opening brace',
    src: 'site "home" {\n  location = "dal13"\n',
    want: ['Unclosed configuration block @1:13-1:14@12-13'],
  },
  {
    name: 'unclosed nested block: only the innermost is reported',
    src: 'site "home" {\n  location = "dal13"\n  nested {\n    x = 1\n',
    want: ['Unclosed configuration block @3:10-3:11@44-45'],
  },
  {
    name: 'missing equals sign',
    src: 'a 1\nb = 2\n',
    want: ['Argument or block definition required @1:1-1:2@0-1'],
    keeps: ['b'],
  },
  {
    name: 'colon instead of equals sign',
    src: 'a: 1\nb = 2\n',
    want: ['Argument or block definition required @1:1-1:2@0-1'],
    keeps: ['b'],
  },
  {
    name: 'bad escape sequence',
    src: 'a = "bad \\q escape"\nb = 2\n',
    want: ['Invalid escape sequence @1:10-1:12@9-11'],
    keeps: ['a', 'b'],
  },
  {
    name: 'short \\u escape',
    src: 'a = "\\u12"\n',
    want: ['Invalid escape sequence @1:6-1:10@5-9'],
  },
  {
    name: '\\u escape of a surrogate',
    src: 'a = "\\uD800"\n',
    want: ['Invalid escape sequence @1:6-1:12@5-11'],
  },
  {
    name: 'unterminated heredoc',
    src: 'a = <<EOT\nok\nEOT\nb = <<-EOT\n  still open\n',
    want: ['Unclosed heredoc @4:5-4:11@21-27'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unterminated template string: the next line still parses',
    src: 'x = "unterminated\ny = 2\n',
    want: ['Unterminated template string @1:5-1:18@4-17'],
    keeps: ['x', 'y'],
  },
  {
    name: 'two unterminated strings on two lines: one error each',
    src: 'a = "one\nb = "two\nc = 3\n',
    want: ['Unterminated template string @1:5-1:9@4-8', 'Unterminated template string @2:5-2:9@13-17'],
    keeps: ['a', 'b', 'c'],
  },
  {
    name: 'unclosed interpolation in a quoted string',
    src: 'a = "${x"\nb = 2\n',
    want: ['Unclosed template interpolation sequence @1:6-1:8@5-7'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed interpolation inside a block does not eat the closing brace',
    src: 'b {\n  a = "${x"\n}\nc = 1\n',
    want: ['Unclosed template interpolation sequence @2:8-2:10@11-13'],
    keeps: ['b', 'c'],
  },
  {
    name: 'extra characters in an interpolation',
    src: 'a = "${x y}"\nb = 1\n',
    want: ['Extra characters after interpolation expression @1:10-1:11@9-10'],
    keeps: ['a', 'b'],
  },
  {
    name: 'stray token after a value',
    src: 'a = 1 ]\nb = 2\n',
    want: ['Missing newline after argument @1:7-1:8@6-7'],
    keeps: ['a', 'b'],
  },
  {
    name: 'two arguments on one line',
    src: 'a = 1 b = 2\nc = 3\n',
    want: ['Missing newline after argument @1:7-1:8@6-7'],
    keeps: ['a', 'c'],
  },
  {
    name: 'comma between arguments',
    src: 'a = 1, b = 2\n',
    want: ['Unexpected comma after argument @1:6-1:7@5-6'],
  },
  {
    name: 'duplicate attribute: the second is reported and dropped',
    src: 'locals {\n  a = 1\n  a = 2\n  b = 3\n}\n',
    want: ['Attribute redefined @3:3-3:4@19-20'],
  },
  {
    name: 'unclosed function call, with the next argument on a new line',
    src: 'a = f(1, 2\nb = 3\n',
    want: ['Unterminated function call @1:5-1:7@4-6'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed multi-line function call',
    src: 'a = f(\n  1,\n  2\nb = 3\n',
    want: ['Unterminated function call @1:5-1:7@4-6'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed bracket before the next argument',
    src: 'a = [1, 2\nb = 3\n',
    want: ['Unterminated tuple constructor expression @1:5-1:6@4-5'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed bracket inside a block before the next argument',
    src: 'vm "db01" {\n  networks = [network.db\n  memory_gb = 512\n}\nvm "db02" {\n  memory_gb = 256\n}\n',
    want: ['Unterminated tuple constructor expression @2:14-2:15@25-26'],
    keeps: ['vm', 'vm'],
  },
  {
    name: 'unclosed bracket at the end of the file',
    src: 'x = [1,\n  2,\n  3',
    want: ['Unterminated tuple constructor expression @1:5-1:6@4-5'],
  },
  {
    name: 'unclosed parenthesis',
    src: 'a = (1 + 2\nb = 3\n',
    want: ['Unbalanced parentheses @1:5-1:6@4-5'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed index bracket',
    src: 'a = x[1\nb = 2\n',
    want: ['Missing close bracket on index @1:6-1:7@5-6'],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed object at the end of the file',
    src: 'a = {\n  k = 1\nb = 2\n',
    want: ['Unterminated object constructor expression @1:5-1:6@4-5'],
  },
  {
    name: 'missing comma in a tuple',
    src: 'a = [1 2]\nb = 3\n',
    want: ['Missing item separator @1:8-1:9@7-8'],
    keeps: ['a', 'b'],
  },
  {
    name: 'missing separator in an object',
    src: 'a = {a = 1 b = 2}\nc = 3\n',
    want: ['Missing attribute separator @1:12-1:13@11-12'],
    keeps: ['a', 'c'],
  },
  {
    name: 'bad number',
    src: 'a = 1.2.3\nb = 1\n',
    want: ['Invalid number literal @1:5-1:10@4-9'],
    keeps: ['a', 'b'],
  },
  {
    name: 'for expression missing "in"',
    src: 'a = [for x y : x]\nb = 1\n',
    want: ["Invalid 'for' expression @1:12-1:13@11-12"],
    keeps: ['a', 'b'],
  },
  {
    name: 'unclosed for expression',
    src: 'a = [for x in y : x\nb = 1\n',
    want: ["Invalid 'for' expression @1:5-1:6@4-5"],
    keeps: ['a', 'b'],
  },
  {
    name: 'key expression in a tuple for',
    src: 'a = [for x in y : x => x]\n',
    want: ["Invalid 'for' expression @1:19-1:20@18-19"],
  },
  {
    name: 'unexpected closing brace at the top level',
    src: '}\na = 1\n',
    want: ['Unexpected closing brace @1:1-1:2@0-1'],
    keeps: ['a'],
  },
  {
    name: 'extra closing brace after an argument: one error',
    src: 'b = 1 }\nz = 1\n',
    want: ['Missing newline after argument @1:7-1:8@6-7'],
    keeps: ['b', 'z'],
  },
  {
    name: 'block label that is not a string',
    src: 'b 123 {\n  x = 1\n}\nc = 2\n',
    want: ['Invalid block definition @1:3-1:6@2-5'],
    keeps: ['c'],
  },
  {
    name: 'template sequence in a block label',
    src: 'b "${x}" {}\n',
    want: ['Invalid string literal @1:4-1:6@3-5'],
  },
  {
    name: 'block label missing its closing quote',
    src: 'site "home {\n  location = "dal13"\n}\nsite "dr" {\n  location = "wdc04"\n}\n',
    want: ['Unterminated string literal @1:6-1:13@5-12'],
    keeps: ['site', 'site'],
  },
  {
    name: 'missing block body',
    src: 'b "x"\nc = 2\n',
    want: ['Invalid block definition @1:6-2:1@5-6'],
    keeps: ['c'],
  },
  {
    name: 'missing value',
    src: 'a = \nb = 2\n',
    want: ['Invalid expression @1:5-2:1@4-5'],
    keeps: ['a', 'b'],
  },
  {
    name: 'missing value at the end of the file',
    src: 'a = -',
    want: ['Missing expression @1:6-1:6@5-5'],
  },
  {
    name: 'quoted argument name',
    src: '"a" = 1\nb = 2\n',
    want: ['Invalid argument name @1:1-1:2@0-1'],
    keeps: ['b'],
  },
  {
    name: 'invalid character',
    src: 'a = @b\nc = 1\n',
    want: ['Invalid character @1:5-1:6@4-5'],
    keeps: ['a', 'c'],
  },
  {
    name: 'semicolon after an argument',
    src: 'a = 1;\nb = 2\n',
    want: ['Invalid character @1:6-1:7@5-6'],
    keeps: ['a', 'b'],
  },
  {
    name: 'single-quoted string: one error for the whole string',
    src: "a = 'single'\nb = 2\n",
    want: ['Invalid character @1:5-1:13@4-12'],
    keeps: ['a', 'b'],
  },
  {
    name: 'conditional without a false branch',
    src: 'a = x ? y\nb = 2\n',
    want: ['Missing false expression in conditional @1:10-2:1@9-10'],
    keeps: ['a', 'b'],
  },
  {
    name: 'dot without an attribute name',
    src: 'a = x.\nb = 2\n',
    want: ['Invalid attribute name @1:7-2:1@6-7'],
    keeps: ['a', 'b'],
  },
  {
    name: 'if directive without endif',
    src: 'a = "%{if x}y"\nb = 2\n',
    want: ['Unexpected end of template @1:6-1:13@5-12'],
    keeps: ['a', 'b'],
  },
  {
    name: 'endif without if',
    src: 'a = "%{endif}"\n',
    want: ['Unexpected endif directive @1:6-1:14@5-13'],
  },
  {
    name: 'misspelt template keyword',
    src: 'a = "%{iff x}y%{endif}"\n',
    want: ['Invalid template control keyword @1:8-1:11@7-10'],
  },
  {
    name: 'one-line block with two arguments',
    src: 'b { a = 1 c = 2 }\nd = 3\n',
    want: ['Invalid single-argument block definition @1:11-1:12@10-11'],
    keeps: ['b', 'd'],
  },
  {
    name: 'one-line block closed on the next line',
    src: 'b { a = 1\n}\nd = 3\n',
    want: ['Invalid single-argument block definition @1:10-2:1@9-10'],
    keeps: ['b', 'd'],
  },
  {
    name: 'nested block in a one-line block',
    src: 'b { c {} }\n',
    want: ['Argument definition required @1:5-1:8@4-7'],
  },
  {
    name: 'unterminated block comment',
    src: 'a = 1\n/* unterminated\nb = 1\n',
    want: ['Unterminated comment @2:1-2:3@6-8'],
    keeps: ['a'],
  },
  {
    name: 'unclosed splat bracket',
    src: 'x = a[*\ny = 1\n',
    want: ['Missing close bracket on splat index @1:6-1:8@5-7'],
    keeps: ['x', 'y'],
  },
  {
    name: 'chained legacy index',
    src: 'a = b.0.1\n',
    want: ['Invalid legacy index syntax @1:7-1:10@6-9'],
  },
  {
    name: 'brackets nested too deeply: one error, no stack overflow',
    src: 'a = ' + '['.repeat(10000) + ']'.repeat(10000) + '\nb = 1\n',
    want: ['Expression too deeply nested @1:205-1:206@204-205'],
    keeps: ['a', 'b'],
  },
  {
    name: 'blocks nested too deeply',
    src: 'a {\n'.repeat(500) + '}\n'.repeat(500) + 'b = 1\n',
    want: ['Configuration too deeply nested @201:3-201:4@802-803'],
    keeps: ['a', 'b'],
  },
  {
    name: 'splats chained too deeply',
    src: 'a = x' + '[*]'.repeat(20000) + '\nb = 1\n',
    want: ['Expression too deeply nested @1:603-1:606@602-605'],
    keeps: ['a', 'b'],
  },
  {
    name: 'three independent errors: three diagnostics, in source order',
    src: 'a = 1 +\nb = "ok"\nc = [1 2]\nd {\n  e = @\n}\nf = 3\n',
    want: ['Invalid expression @1:8-2:1@7-8', 'Missing item separator @3:8-3:9@24-25', 'Invalid character @5:7-5:8@37-38'],
    keeps: ['a', 'b', 'c', 'd', 'f'],
  },
];

describe('error recovery', () => {
  it('covers at least 30 broken inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { body, diagnostics } = parseHcl(c.src, 't.hcl');
    expect(diagnostics.map(diag)).toEqual(c.want);
    for (const d of diagnostics) {
      expect(d.severity).toBe('error');
      expect(d.detail?.length ?? 0).toBeGreaterThan(10);
    }
    if (c.keeps !== undefined) {
      const names = body.items.map((i) => (i.kind === 'Attribute' ? i.name : i.type));
      expect(names).toEqual(c.keeps);
    }
  });

  it('names the first definition in "Attribute redefined"', () => {
    const { diagnostics } = parseHcl('x {\n  a = 1\n  a = 2\n}\n', 'dup.hcl');
    expect(diagnostics[0].detail).toContain('dup.hcl:2,3');
  });

  it('keeps the body of a block after an error inside it', () => {
    const { body } = parseHcl('vm "a" {\n  x = [1 2]\n  y = 3\n}\n', 't.hcl');
    expect(bodyOutline(body)).toEqual(['vm "a" {', '  x = [1]', '  y = 3', '}']);
  });

  it('reports a bad line inside a block without losing the sibling blocks', () => {
    const src = 'vm "a" {\n  cpu 4\n}\nvm "b" {\n  cpu = 2\n}\n';
    const { body, diagnostics } = parseHcl(src, 't.hcl');
    expect(diagnostics.map(diag)).toEqual(['Argument or block definition required @2:3-2:6@11-14']);
    const b = body.items[1] as Block;
    expect((b.body.items[0] as Attribute).name).toBe('cpu');
  });
});

describe('invalid UTF-8 (parseHclBytes)', () => {
  const enc = (s: string): number[] => Array.from(new TextEncoder().encode(s));

  it('reports a bad byte in a string once, with its byte range', () => {
    const bytes = new Uint8Array([...enc('a = "x'), 0xff, ...enc('y"\nb = 1\n')]);
    const { body, diagnostics } = parseHclBytes(bytes, 't.hcl');
    expect(diagnostics.map(diag)).toEqual(['Invalid UTF-8 @1:7-1:8@6-7']);
    expect(body.items).toHaveLength(2);
  });

  it('reports a run of bad bytes as one diagnostic, not also as invalid characters', () => {
    const bytes = new Uint8Array([...enc('a = '), 0xc3, 0x28, 0xa0, 0xa1, ...enc('\nb = 1\n')]);
    const { diagnostics } = parseHclBytes(bytes, 't.hcl');
    // 0xc3 is a lead byte without its continuation; "(" is valid; 0xa0 0xa1 are stray.
    expect(diagnostics.map(diag)).toEqual(['Invalid UTF-8 @1:5-1:6@4-5', 'Invalid UTF-8 @1:7-1:9@6-8']);
  });

  it('rejects overlong encodings and encoded surrogates', () => {
    const overlong = parseHclBytes(new Uint8Array([...enc('a = "'), 0xc0, 0xaf, ...enc('"\n')]), 't.hcl');
    expect(overlong.diagnostics.map(diag)).toEqual(['Invalid UTF-8 @1:6-1:8@5-7']);
    const surrogate = parseHclBytes(new Uint8Array([...enc('a = "'), 0xed, 0xa0, 0x80, ...enc('"\n')]), 't.hcl');
    expect(surrogate.diagnostics.map(diag)).toEqual(['Invalid UTF-8 @1:6-1:9@5-8']);
  });
});
