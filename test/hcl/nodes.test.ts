// AST nodes keep string offsets and build their ranges when asked (src/hcl/nodes.ts). These
// tests pin what consumers rely on: ranges are plain {filename, start, end} objects with the
// values the parser always gave, in any order of reading, and nodes show only their AST fields.
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src/hcl/parser.js';
import type { Attribute, Block, Expression, TemplateExpr, TupleExpr } from '../../src/hcl/ast.js';
import { diag, rng, sexpr } from './parse-helpers.js';

function onlyAttribute(src: string): Attribute {
  const { body, diagnostics } = parseHcl(src, 't.hcl');
  expect(diagnostics.map(diag)).toEqual([]);
  return body.items[0] as Attribute;
}

describe('ranges read from nodes', () => {
  const src = 'vm "db01" {\n  memory_gb = 256\n}\n';
  const block = parseHcl(src, 'main.hcl').body.items[0] as Block;
  const attr = block.body.items[0] as Attribute;

  it('are plain ranges equal to ones written by hand', () => {
    expect(attr.expr.range).toEqual({ filename: 'main.hcl', start: { line: 2, column: 15, byte: 26 }, end: { line: 2, column: 18, byte: 29 } });
    expect(attr.nameRange).toEqual({ filename: 'main.hcl', start: { line: 2, column: 3, byte: 14 }, end: { line: 2, column: 12, byte: 23 } });
    expect(attr.equalsRange).toEqual({ filename: 'main.hcl', start: { line: 2, column: 13, byte: 24 }, end: { line: 2, column: 14, byte: 25 } });
    expect(attr.range).toEqual({ filename: 'main.hcl', start: { line: 2, column: 3, byte: 14 }, end: { line: 2, column: 18, byte: 29 } });
  });

  it('serialise as {filename, start, end} with {line, column, byte} positions', () => {
    const r = attr.range;
    expect(Object.keys(r)).toEqual(['filename', 'start', 'end']);
    expect(Object.keys(r.start)).toEqual(['line', 'column', 'byte']);
    expect(JSON.parse(JSON.stringify({ subject: r }))).toEqual({ subject: r });
  });

  it('give the same value on every read, whatever was read in between', () => {
    const first = attr.range;
    expect(rng(block.closeBraceRange)).toBe('3:1-3:2@30-31');
    expect(rng(block.typeRange)).toBe('1:1-1:3@0-2');
    expect(attr.range).toEqual(first);
  });

  it('are right for non-ASCII lines whichever node is asked first', () => {
    const { body } = parseHcl('a = "é"\nb = "😀x"\nc = "ok"\n', 'u.hcl');
    const part = (k: number): Expression => (body.items[k] as Attribute).expr;
    const literal = (k: number) => (part(k) as TemplateExpr).parts[0];
    // Last line first, then back to the first, then the middle: the line table is built on
    // the first request and each position is found from scratch.
    expect(rng(literal(2).range)).toBe('3:6-3:8@26-28');
    expect(rng(literal(0).range)).toBe('1:6-1:7@5-7');
    expect(rng(literal(1).range)).toBe('2:6-2:8@14-19');
  });

  it('of an indented heredoc start after the indent that was removed', () => {
    const x = onlyAttribute('x = <<-EOT\n    a\n      b\n    EOT\n').expr as TemplateExpr;
    expect(x.parts.map((p) => (p.kind === 'Literal' ? p.value : p.kind))).toEqual(['a\n  b\n']);
    expect(rng(x.parts[0].range)).toBe('2:5-4:1@15-25');
    expect(rng(x.range)).toBe('1:5-4:8@4-32');
  });
});

describe('node fields', () => {
  it('are the AST fields only: no offsets or source in keys or JSON', () => {
    const attr = onlyAttribute('machine_type = "s922"\n');
    expect(Object.keys(attr)).toEqual(['name', 'expr']);
    expect(JSON.parse(JSON.stringify(attr))).toEqual({ name: 'machine_type', expr: { parts: [{ value: 's922' }] } });
  });

  it('include kind, read from the node class and not writable', () => {
    const attr = onlyAttribute('n = 1\n');
    expect(attr.kind).toBe('Attribute');
    expect(attr.expr.kind).toBe('Literal');
    expect('kind' in attr).toBe(true);
    expect(() => {
      (attr as { kind: string }).kind = 'Block';
    }).toThrow(TypeError);
  });

  it('that only some nodes of a kind have are absent from the others', () => {
    const { body } = parseHcl('a = 1.50\nb = "x"\nc = <<EOT\nhi\nEOT\nd { e = true }\n', 't.hcl');
    const [a, b, c, d] = body.items as [Attribute, Attribute, Attribute, Block];
    expect(a.expr).toMatchObject({ kind: 'Literal', value: 1.5, raw: '1.50' });
    const quoted = b.expr as TemplateExpr;
    expect('raw' in quoted.parts[0]).toBe(false);
    expect('heredoc' in quoted).toBe(false);
    expect((c.expr as TemplateExpr).heredoc).toEqual({ marker: 'EOT', indented: false });
    expect(body.file?.filename).toBe('t.hcl');
    expect('file' in d.body).toBe(false);
  });
});

describe('lists', () => {
  it('nest inside one another with their own items and ranges', () => {
    const x = onlyAttribute('x = [f(1, [2, {a = [3, 4], b = g()}]), [], {}, h([5]...)]\n').expr as TupleExpr;
    expect(sexpr(x)).toBe('[(call f 1 [2 {a=[3 4] b=(call g)}]) [] {} (call h [5]...)]');
    expect(x.items.map((i) => rng(i.range))).toEqual(['1:6-1:38@5-37', '1:40-1:42@39-41', '1:44-1:46@43-45', '1:48-1:57@47-56']);
    expect(rng(x.range)).toBe('1:5-1:58@4-57');
  });

  it('hold every item of a file denser than the scanner first allows for', () => {
    // "0," is two tokens in two characters: far more than the one token in three that the
    // scanner reserves room for at first.
    const n = 30_000;
    const src = `x = [${'0,'.repeat(n - 1)}0]\ny = 1\n`;
    const { body, diagnostics } = parseHcl(src, 'dense.hcl');
    expect(diagnostics).toEqual([]);
    const items = ((body.items[0] as Attribute).expr as TupleExpr).items;
    expect(items).toHaveLength(n);
    const lastAt = 5 + 2 * (n - 1);
    expect(rng(items[n - 1].range)).toBe(`1:${lastAt + 1}-1:${lastAt + 2}@${lastAt}-${lastAt + 1}`);
    expect(rng((body.items[1] as Attribute).range)).toBe(`2:1-2:6@${lastAt + 3}-${lastAt + 8}`);
  });
});

describe('an argument set twice', () => {
  // Short bodies are searched item by item, long ones through a map: both find the first.
  it.each([3, 40])('is reported against the first definition in a body of %i arguments', (count) => {
    const lines = Array.from({ length: count }, (_, k) => `  a${k} = ${k}`);
    const src = `vm "x" {\n${lines.join('\n')}\n  a1 = 9\n}\n`;
    const { body, diagnostics } = parseHcl(src, 'dup.hcl');
    const dupLine = count + 2;
    expect(diagnostics.map(diag)).toEqual([`Attribute redefined @${dupLine}:3-${dupLine}:5@${src.lastIndexOf('a1 = 9')}-${src.lastIndexOf('a1 = 9') + 2}`]);
    expect(diagnostics[0].detail).toContain('dup.hcl:3,3');
    const items = (body.items[0] as Block).body.items as Attribute[];
    expect(items.map((i) => i.name)).toEqual(lines.map((_, k) => `a${k}`));
    expect((items[1].expr as { value: unknown }).value).toBe(1);
  });
});
