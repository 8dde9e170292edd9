// Table tests for the HCL parser: each construct's AST shape (as an S-expression) and ranges.
import { describe, expect, it } from 'vitest';
import { parseHcl, parseHclBytes, parseHclExpression } from '../../src/hcl/parser.js';
import { scan } from '../../src/hcl/lexer.js';
import type { Attribute, Block, Expression, TemplateExpr } from '../../src/hcl/ast.js';
import { bodyOutline, diag, rng, sexpr, walkExpressions } from './parse-helpers.js';

/** Parses `x = <src>` and returns the expression, failing on any diagnostic. */
function expr(src: string): Expression {
  const { body, diagnostics } = parseHcl(`x = ${src}\n`, 't.hcl');
  expect(diagnostics.map(diag)).toEqual([]);
  expect(body.items).toHaveLength(1);
  return (body.items[0] as Attribute).expr;
}

describe('expressions: literals', () => {
  it.each([
    ['1', '1'],
    ['0', '0'],
    ['007', '7'],
    ['1.5', '1.5'],
    ['1.5e3', '1500'],
    ['2E-2', '0.02'],
    ['1e+2', '100'],
    ['9007199254740992', '9007199254740992'],
    ['12345678901234567890', '12345678901234567000'],
    ['1e22', '1e+22'],
    ['true', 'true'],
    ['false', 'false'],
    ['null', 'null'],
  ])('%s', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(rng(e.range)).toBe(`1:5-1:${5 + src.length}@4-${4 + src.length}`);
  });

  it('keeps the digits of a number as written', () => {
    const e = expr('1.50');
    expect(e).toMatchObject({ kind: 'Literal', value: 1.5, raw: '1.50' });
  });
});

describe('expressions: strings and escapes', () => {
  it.each([
    ['"abc"', '(tpl "abc")'],
    ['""', '(tpl "")'],
    ['"a\\nb"', '(tpl "a\\nb")'],
    ['"tab\\there\\r"', '(tpl "tab\\there\\r")'],
    ['"q\\"q"', '(tpl "q\\"q")'],
    ['"back\\\\slash"', '(tpl "back\\\\slash")'],
    ['"\\u00e9t\\u00E9"', '(tpl "été")'],
    ['"\\U0001F600"', '(tpl "😀")'],
    ['"$${literal}"', '(tpl "${literal}")'],
    ['"%%{literal}"', '(tpl "%{literal}")'],
    ['"$$ and %% alone"', '(tpl "$$ and %% alone")'],
    ['"$${a}${b}"', '(tpl "${a}" b)'],
    ['"a $ b % c"', '(tpl "a $ b % c")'],
  ])('%s', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(e.range.start.byte).toBe(4);
    expect(e.range.end.byte).toBe(4 + src.length);
  });
});

describe('expressions: templates', () => {
  it.each([
    ['"${a}"', '(wrap a)'],
    ['"${ a.b }"', '(wrap (. a b))'],
    ['"x-${a}-y"', '(tpl "x-" a "-y")'],
    ['"${a}${b}"', '(tpl a b)'],
    ['"${"in${b}"}"', '(wrap (tpl "in" b))'],
    ['"%{if a}yes%{endif}"', '(tpl (if a (tpl "yes")))'],
    ['"%{if a}yes%{else}no%{endif}"', '(tpl (if a (tpl "yes") else (tpl "no")))'],
    ['"%{ if a ~} yes %{~ endif }"', '(tpl (if a (tpl "yes")))'],
    ['"%{for x in xs}${x},%{endfor}"', '(tpl (tfor x in xs (tpl x ",")))'],
    ['"%{for k, v in m}${k}=${v} %{endfor}"', '(tpl (tfor k,v in m (tpl k "=" v " ")))'],
    ['"%{if a}%{if b}ab%{endif}%{endif}"', '(tpl (if a (tpl (if b (tpl "ab")))))'],
    ['"a ${~ b ~} c"', '(tpl "a" b "c")'],
    ['"a\\n ${~ b}"', '(tpl "a" b)'],
    ['"${a ~}  "', '(tpl a "")'],
  ])('%s', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(rng(e.range)).toBe(`1:5-1:${5 + [...src].length}@4-${4 + Buffer.byteLength(src)}`);
  });

  it('gives interpolations and literal parts their own ranges', () => {
    const e = expr('"ab${c}d"') as TemplateExpr;
    expect(e.parts.map((p) => rng(p.range))).toEqual(['1:6-1:8@5-7', '1:10-1:11@9-10', '1:12-1:13@11-12']);
  });

  it('ranges an if directive from %{if to the closing brace of endif', () => {
    const e = expr('"%{if a}b%{endif}"') as TemplateExpr;
    expect(rng(e.parts[0].range)).toBe('1:6-1:22@5-21');
  });
});

describe('expressions: heredocs', () => {
  it.each([
    ['<<EOT\nhello\nEOT', '(heredoc EOT "hello\\n")'],
    ['<<EOT\nhello ${name}!\nEOT', '(heredoc EOT "hello " name "!\\n")'],
    ['<<EOT\nEOT', '(heredoc EOT "")'],
    ['<<EOT\n  keep\n    indent\n  EOT', '(heredoc EOT "  keep\\n    indent\\n")'],
    ['<<-EOT\n    a\n      b\n    EOT', '(heredoc- EOT "a\\n  b\\n")'],
    ['<<-EOT\n    a\n\n    b\n    EOT', '(heredoc- EOT "a\\n\\nb\\n")'],
    ['<<-EOT\n    a\n  ${b}\n    EOT', '(heredoc- EOT "  a\\n" b "\\n")'],
    ['<<-EOT\n\ta\n\t  b\n\tEOT', '(heredoc- EOT "a\\n  b\\n")'],
    ['<<EOT\n$${not} %%{this}\nEOT', '(heredoc EOT "${not} %{this}\\n")'],
    ['<<EOT\nno \\n escapes\nEOT', '(heredoc EOT "no \\\\n escapes\\n")'],
    ['<<EOT\n%{ for x in y ~}\n  ${x}\n%{ endfor ~}\nEOT', '(heredoc EOT (tfor x in y (tpl "  " x "\\n")) "")'],
    ['<<EOT\na   \n   ${~ x ~}   \n   b\nEOT', '(heredoc EOT "a   \\n" x "   b\\n")'],
    ['<<EOT\nEOTX\nEOT', '(heredoc EOT "EOTX\\n")'],
  ])('%j', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
  });

  it('ranges a heredoc from <<EOT to the end of the closing marker', () => {
    const { body, diagnostics } = parseHcl('x = <<EOT\nhi\nEOT\ny = 1\n', 't.hcl');
    expect(diagnostics).toEqual([]);
    const x = body.items[0] as Attribute;
    expect(rng(x.expr.range)).toBe('1:5-3:4@4-16');
    expect((x.expr as TemplateExpr).heredoc).toEqual({ marker: 'EOT', indented: false });
    expect(rng((body.items[1] as Attribute).range)).toBe('4:1-4:6@17-22');
  });

  it('refuses a closing marker on the last line without a newline, as hclsyntax does', () => {
    const r = parseHcl('x = <<EOT\nhi\nEOT', 't.hcl');
    expect(r.diagnostics.map((d) => [d.summary, d.detail])).toEqual([
      [
        'Unclosed heredoc',
        'The closing "EOT" marker is on the last line with no newline after it, so it does not end the heredoc. End the file with a newline.',
      ],
    ]);
    expect(parseHclExpression('<<EOT\nhi\nEOT', 'e').diagnostics.map((d) => d.summary)).toEqual(['Unclosed heredoc']);
    expect(parseHcl('x = <<EOT\nhi\nEOT\n', 't.hcl').diagnostics).toEqual([]);
  });

  it('reads CRLF line endings in heredocs', () => {
    const { body, diagnostics } = parseHcl('x = <<EOT\r\nhi\r\nEOT\r\n', 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(sexpr((body.items[0] as Attribute).expr)).toBe('(heredoc EOT "hi\\r\\n")');
  });
});

describe('expressions: collections', () => {
  it.each([
    ['[]', '[]'],
    ['[1, 2, 3]', '[1 2 3]'],
    ['[1, 2,]', '[1 2]'],
    ['[\n  1,\n  2\n]', '[1 2]'],
    ['{}', '{}'],
    ['{ a = 1, b = "x" }', '{a=1 b=(tpl "x")}'],
    ['{ a = 1\n b = 2\n}', '{a=1 b=2}'],
    ['{ a: 1, "b": 2 }', '{a:1 (tpl "b"):2}'],
    ['{ (k) = 1, "${p}-x" = 2, 3 = 4 }', '{(paren k)=1 (tpl p "-x")=2 3=4}'],
    ['{ a = 1, }', '{a=1}'],
    ['{\n  a = [\n    1,\n  ]\n}', '{a=[1]}'],
    ['[{ a = 1 }, [2]]', '[{a=1} [2]]'],
  ])('%j', (src, want) => {
    expect(sexpr(expr(src))).toBe(want);
  });
});

describe('expressions: traversals, splats and calls', () => {
  it.each([
    ['a', 'a'],
    ['a.b.c', '(. (. a b) c)'],
    ['a[0]', '([] a 0)'],
    ['a["k"]', '([] a (tpl "k"))'],
    ['a[b.c]', '([] a (. b c))'],
    ['a.0', '([] a 0)'],
    ['a.0.b', '(. ([] a 0) b)'],
    ['a[*]', '(splat a *)'],
    ['a[*].b', '(splat a (. * b))'],
    ['a[*].b[0].c', '(splat a (. ([] (. * b) 0) c))'],
    ['a.*', '(attr-splat a *)'],
    ['a.*.b.c', '(attr-splat a (. (. * b) c))'],
    ['a.*.b[0]', '([] (attr-splat a (. * b)) 0)'],
    ['a.*.b.0', '(attr-splat a ([] (. * b) 0))'],
    ['f()', '(call f)'],
    ['f(1, "a")', '(call f 1 (tpl "a"))'],
    ['f(1, 2,)', '(call f 1 2)'],
    ['f(xs...)', '(call f xs...)'],
    ['f(1, xs...)', '(call f 1 xs...)'],
    ['f(\n  a,\n  b\n)', '(call f a b)'],
    ['f(a)[0].b', '(. ([] (call f a) 0) b)'],
    ['provider::ns::fn(1)', '(call provider::ns::fn 1)'],
    ['{ a = 1 }.a', '(. {a=1} a)'],
    ['[1, 2][0]', '([] [1 2] 0)'],
    ['"abc"[0]', '([] (tpl "abc") 0)'],
    ['with-dash_and_123', 'with-dash_and_123'],
    ['été.ça', '(. été ça)'],
  ])('%j', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(e.range.start.byte).toBe(4);
    expect(e.range.end.byte).toBe(4 + Buffer.byteLength(src));
  });

  it('ranges each traversal step from the start of the whole expression', () => {
    const e = expr('aa.bb[0]');
    expect(rng(e.range)).toBe('1:5-1:13@4-12');
    if (e.kind !== 'Index' || e.collection.kind !== 'GetAttr') throw new Error(sexpr(e));
    expect(rng(e.collection.range)).toBe('1:5-1:10@4-9');
    expect(rng(e.collection.nameRange)).toBe('1:8-1:10@7-9');
    expect(rng(e.key.range)).toBe('1:11-1:12@10-11');
  });

  it('ranges a splat item as the [*] or .* marker', () => {
    const full = expr('a[*].b');
    const attr = expr('a.*.b');
    if (full.kind !== 'Splat' || attr.kind !== 'Splat') throw new Error('not splats');
    const items: string[] = [];
    walkExpressions(full.each, (n) => n.kind === 'SplatItem' && items.push(rng(n.range)));
    walkExpressions(attr.each, (n) => n.kind === 'SplatItem' && items.push(rng(n.range)));
    expect(items).toEqual(['1:6-1:9@5-8', '1:6-1:8@5-7']);
  });

  it("records a call's name, parentheses and expansion", () => {
    const e = expr('join(",", xs...)');
    expect(e).toMatchObject({ kind: 'FunctionCall', name: 'join', expandFinal: true });
    if (e.kind !== 'FunctionCall') throw new Error();
    expect([rng(e.nameRange), rng(e.openParenRange), rng(e.closeParenRange)]).toEqual(['1:5-1:9@4-8', '1:9-1:10@8-9', '1:20-1:21@19-20']);
  });
});

describe('expressions: operators', () => {
  it.each([
    ['1 + 2', '(+ 1 2)'],
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (paren (+ 1 2)) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['8 / 4 % 3', '(% (/ 8 4) 3)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c', '(|| (&& a b) c)'],
    ['a == b != c', '(!= (== a b) c)'],
    ['a < b == c >= d', '(== (< a b) (>= c d))'],
    ['a + b > c', '(> (+ a b) c)'],
    ['a <= b || c > d', '(|| (<= a b) (> c d))'],
    ['!a', '(! a)'],
    ['!a == b', '(== (! a) b)'],
    ['-1', '(- 1)'],
    ['- 1', '(- 1)'],
    ['-a.b', '(- (. a b))'],
    ['-1 + 2', '(+ (- 1) 2)'],
    ['--1', '(- (- 1))'],
    ['!!true', '(! (! true))'],
    ['a * -b', '(* a (- b))'],
    ['a ? b : c', '(? a b c)'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['a == 1 ? "x" : "y"', '(? (== a 1) (tpl "x") (tpl "y"))'],
    ['a ? b ? c : d : e', '(? a (? b c d) e)'],
    ['(a)', '(paren a)'],
    ['((a))', '(paren (paren a))'],
    ['(\n  a +\n  b\n)', '(paren (+ a b))'],
  ])('%j', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(e.range.end.byte).toBe(4 + src.length);
  });

  it('ranges a binary operator and its operands', () => {
    const e = expr('a + bc');
    if (e.kind !== 'Binary') throw new Error();
    expect([rng(e.range), rng(e.opRange), rng(e.left.range), rng(e.right.range)]).toEqual(['1:5-1:11@4-10', '1:7-1:8@6-7', '1:5-1:6@4-5', '1:9-1:11@8-10']);
  });
});

describe('expressions: for', () => {
  it.each([
    ['[for x in xs : x]', '(for[] x in xs : x)'],
    ['[for i, x in xs : x * i if i > 0]', '(for[] i,x in xs : (* x i) if (> i 0))'],
    ['{for k, v in m : k => v}', '(for{} k,v in m : k => v)'],
    ['{for k, v in m : v.group => k...}', '(for{} k,v in m : (. v group) => k...)'],
    ['{for k, v in m : k => v... if v != null}', '(for{} k,v in m : k => v... if (!= v null))'],
    ['[\n  for x in xs :\n  upper(x)\n]', '(for[] x in xs : (call upper x))'],
    ['{\n  for x in xs : x => 1\n}', '(for{} x in xs : x => 1)'],
    ['[for x in a ? b : c : x]', '(for[] x in (? a b c) : x)'],
  ])('%j', (src, want) => {
    const e = expr(src);
    expect(sexpr(e)).toBe(want);
    expect(e.range.end.byte).toBe(4 + src.length);
  });
});

describe('bodies', () => {
  it('parses attributes and blocks with quoted and bare labels', () => {
    const src = [
      'name = "erp"',
      'site "home" {',
      '  location = "dal13"',
      '}',
      'resource aws_instance "web" {',
      '  ami = "x"',
      '  nested {',
      '    deep = true',
      '  }',
      '}',
      'empty {}',
      '',
    ].join('\n');
    const { body, diagnostics } = parseHcl(src, 'main.hcl');
    expect(diagnostics).toEqual([]);
    expect(bodyOutline(body)).toEqual([
      'name = (tpl "erp")',
      'site "home" {',
      '  location = (tpl "dal13")',
      '}',
      'resource aws_instance "web" {',
      '  ami = (tpl "x")',
      '  nested {',
      '    deep = true',
      '  }',
      '}',
      'empty {',
      '}',
    ]);
  });

  it('records the ranges of a block: type, labels, braces and the whole', () => {
    const src = 'vm "db01" x {\n  cpu = 4\n}\n';
    const { body } = parseHcl(src, 'vms.hcl');
    const b = body.items[0] as Block;
    expect({
      type: rng(b.typeRange),
      labels: b.labels.map((l) => `${l.value}/${l.quoted}/${rng(l.range)}`),
      open: rng(b.openBraceRange),
      close: rng(b.closeBraceRange),
      whole: rng(b.range),
      body: rng(b.body.range),
    }).toEqual({
      type: '1:1-1:3@0-2',
      labels: ['db01/true/1:4-1:10@3-9', 'x/false/1:11-1:12@10-11'],
      open: '1:13-1:14@12-13',
      close: '3:1-3:2@24-25',
      whole: '1:1-3:2@0-25',
      body: '1:13-3:2@12-25',
    });
    expect(b.range.filename).toBe('vms.hcl');
  });

  it('records the ranges of an attribute: name, equals sign and the whole', () => {
    const { body } = parseHcl('  memory_gb = 256 # comment\n', 't.hcl');
    const a = body.items[0] as Attribute;
    expect([rng(a.nameRange), rng(a.equalsRange), rng(a.expr.range), rng(a.range)]).toEqual([
      '1:3-1:12@2-11',
      '1:13-1:14@12-13',
      '1:15-1:18@14-17',
      '1:3-1:18@2-17',
    ]);
  });

  it('parses one-line blocks with a single argument, and empty ones', () => {
    const { body, diagnostics } = parseHcl('group "db" { vms = [vm.db01] }\nhigh_availability {}\nx { }\n', 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(bodyOutline(body)).toEqual(['group "db" {', '  vms = [(. vm db01)]', '}', 'high_availability {', '}', 'x {', '}']);
    const g = body.items[0] as Block;
    expect(rng(g.closeBraceRange)).toBe('1:30-1:31@29-30');
  });

  it('ignores all three comment styles, including inside expressions', () => {
    const src = [
      '# hash comment',
      '// slash comment',
      '/* block',
      '   comment */',
      'a = 1 # trailing',
      'b = 2 // trailing',
      'c = /* inline */ 3',
      'd = [',
      '  1, # one',
      '  2, /* two */',
      ']',
      'e = {',
      '  k = 1 // one',
      '}',
      '',
    ].join('\n');
    const { body, diagnostics } = parseHcl(src, 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(bodyOutline(body)).toEqual(['a = 1', 'b = 2', 'c = 3', 'd = [1 2]', 'e = {k=1}']);
  });

  it('accepts CRLF line endings, a missing final newline and a byte order mark', () => {
    const { body, diagnostics } = parseHcl('\uFEFFa = 1\r\nb {\r\n  c = 2\r\n}\r\nd = 3', 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(bodyOutline(body)).toEqual(['a = 1', 'b {', '  c = 2', '}', 'd = 3']);
    const d = body.items[2] as Attribute;
    expect(rng(d.range)).toBe('5:1-5:6@27-32');
  });

  it('parses an empty file and a file of comments to an empty body', () => {
    expect(parseHcl('', 'e.hcl')).toMatchObject({ body: { items: [] }, diagnostics: [] });
    const only = parseHcl('# nothing\n\n// here\n', 'e.hcl');
    expect(only.body.items).toEqual([]);
    expect(only.diagnostics).toEqual([]);
    expect(rng(only.body.range)).toBe('1:1-4:1@0-19');
  });

  it('keeps the source on the root body', () => {
    const src = 'a = 1\n';
    expect(parseHcl(src, 'f.hcl').body.file).toEqual({ filename: 'f.hcl', source: src });
  });
});

describe('positions', () => {
  it('counts columns in code points and bytes in UTF-8', () => {
    // "é" is 2 bytes, "😀" is 4 bytes (2 UTF-16 units), both one column.
    const src = 'a = "é😀"\nb = 1\n';
    const { body } = parseHcl(src, 't.hcl');
    const a = body.items[0] as Attribute;
    const b = body.items[1] as Attribute;
    expect(rng(a.expr.range)).toBe('1:5-1:9@4-12');
    expect(rng(b.range)).toBe('2:1-2:6@13-18');
  });

  it('measures lines after multi-line comments and heredocs', () => {
    const src = '/* one\ntwo */ a = <<EOT\nx\nEOT\nb = 2\n';
    const { body, diagnostics } = parseHcl(src, 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(rng((body.items[0] as Attribute).nameRange)).toBe('2:8-2:9@14-15');
    expect(rng((body.items[1] as Attribute).nameRange)).toBe('5:1-5:2@30-31');
  });

  it('gives every node of a realistic file a range inside the file, start before end', () => {
    const src = [
      'vm "db01" {',
      '  name     = "${local.prefix}-db01"',
      '  networks = [for n in var.nets : network[n].id if n != "x"]',
      '  disks    = { for d in local.disks : d.name => d.size_gb... }',
      '  ok       = length(var.list) > 0 ? upper(var.s) : "none"',
      '  ips      = aws_instance.web[*].private_ip',
      '}',
      '',
    ].join('\n');
    const { body, diagnostics } = parseHcl(src, 't.hcl');
    expect(diagnostics).toEqual([]);
    const block = body.items[0] as Block;
    let count = 0;
    for (const item of block.body.items) {
      walkExpressions((item as Attribute).expr, (n) => {
        count++;
        expect(n.range.start.byte).toBeLessThanOrEqual(n.range.end.byte);
        expect(n.range.start.byte).toBeGreaterThanOrEqual(item.range.start.byte);
        expect(n.range.end.byte).toBeLessThanOrEqual(item.range.end.byte);
        // ASCII file: the byte offset must agree with line and column.
        const lineStart =
          src
            .split('\n')
            .slice(0, n.range.start.line - 1)
            .join('\n').length + (n.range.start.line > 1 ? 1 : 0);
        expect(lineStart + n.range.start.column - 1).toBe(n.range.start.byte);
      });
    }
    expect(count).toBeGreaterThan(30);
  });
});

describe('scanner', () => {
  it('keeps comments and newlines as tokens for the formatter', () => {
    const { tokens, diagnostics } = scan('a = 1 # c\n/* d */\n', 't.hcl');
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => t.type)).toEqual(['Ident', 'Equal', 'Number', 'Comment', 'Newline', 'Comment', 'Newline', 'EOF']);
    const comment = tokens[3];
    expect(rng(comment.range)).toBe('1:7-1:10@6-9');
  });

  it('splits templates into literal, interpolation and sequence-end tokens', () => {
    const { tokens } = scan('"a${b}c" <<EOT\nx${y}\nEOT\n', 't.hcl');
    expect(tokens.map((t) => t.type)).toEqual([
      'OQuote',
      'QuotedLit',
      'TemplateInterp',
      'Ident',
      'TemplateSeqEnd',
      'QuotedLit',
      'CQuote',
      'OHeredoc',
      'StringLit',
      'TemplateInterp',
      'Ident',
      'TemplateSeqEnd',
      'StringLit',
      'CHeredoc',
      'Newline',
      'EOF',
    ]);
  });

  it('scans operators greedily', () => {
    const { tokens } = scan('== != <= >= && || => ... :: < > ! ? : . , ~}', 't.hcl');
    expect(tokens.map((t) => t.type)).toEqual([
      'EqualOp',
      'NotEqual',
      'LessThanEq',
      'GreaterThanEq',
      'And',
      'Or',
      'FatArrow',
      'Ellipsis',
      'DoubleColon',
      'LessThan',
      'GreaterThan',
      'Bang',
      'Question',
      'Colon',
      'Dot',
      'Comma',
      'TemplateSeqEnd',
      'EOF',
    ]);
  });

  it('never ends a number with a dot, so 1..2 is a number and dots', () => {
    const { tokens } = scan('1.5 1. 2e3 4e', 't.hcl');
    const src = '1.5 1. 2e3 4e';
    expect(tokens.map((t) => `${t.type}:${src.slice(t.start, t.end)}`)).toEqual([
      'Number:1.5',
      'Number:1',
      'Dot:.',
      'Number:2e3',
      'Number:4',
      'Ident:e',
      'EOF:',
    ]);
  });
});

describe('parseHclExpression', () => {
  it('parses one expression, ignoring newlines', () => {
    const { expr: e, diagnostics } = parseHclExpression('[\n "a",\n "b"\n]', 'cli');
    expect(diagnostics).toEqual([]);
    expect(sexpr(e)).toBe('[(tpl "a") (tpl "b")]');
  });

  it('reports characters after the expression', () => {
    const { diagnostics } = parseHclExpression('1 2', 'cli');
    expect(diagnostics.map(diag)).toEqual(['Extra characters after expression @1:3-1:4@2-3']);
  });
});

describe('parseHclBytes', () => {
  it('parses valid UTF-8 bytes like the string', () => {
    const src = 'a = "é"\n';
    const fromBytes = parseHclBytes(new TextEncoder().encode(src), 't.hcl');
    const fromString = parseHcl(src, 't.hcl');
    expect(fromBytes.diagnostics).toEqual([]);
    expect(bodyOutline(fromBytes.body)).toEqual(bodyOutline(fromString.body));
  });

  it('keeps byte offsets of the original file after a bad byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a = "'), 0xff, 0xfe, ...new TextEncoder().encode('"\nb = 1\n')]);
    const { body, diagnostics } = parseHclBytes(bytes, 't.hcl');
    expect(diagnostics.map(diag)).toEqual(['Invalid UTF-8 @1:6-1:8@5-7']);
    const b = body.items[1] as Attribute;
    expect(rng(b.range)).toBe('2:1-2:6@9-14');
  });
});
