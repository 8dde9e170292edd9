// Fuzz test: thousands of seeded mutations of the valid fixtures. Whatever the input, the parser
// returns (never throws, never hangs), and every range it reports — in diagnostics and on AST
// nodes — lies inside the file, starts before it ends, and has a line and column that agree
// with its byte offset.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHcl, parseHclBytes } from '../../src/hcl/parser.js';
import type { Body, Range } from '../../src/hcl/ast.js';
import type { Diagnostic } from '../../src/diag/types.js';
import { walkExpressions } from './parse-helpers.js';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const fixtures = fs
  .readdirSync(path.join(repoRoot, 'fixtures/hcl/valid'))
  .filter((f) => f.endsWith('.hcl'))
  .sort()
  .map((f) => fs.readFileSync(path.join(repoRoot, 'fixtures/hcl/valid', f), 'utf8'))
  // The big generated file costs time without adding kinds of syntax; use its first part.
  .map((src) => (src.length > 8000 ? src.slice(0, 8000) : src));

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

const PUNCT = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  '=',
  ',',
  '.',
  ':',
  '?',
  '!',
  '*',
  '/',
  '%',
  '+',
  '-',
  '<',
  '>',
  '&',
  '|',
  '~',
  '$',
  '#',
  ';',
  "'",
  '\\',
  '\n',
  ' ',
  '\t',
  '\r',
  '@',
  'é',
  '😀',
  '\u0000',
  '\u00a0',
  '\u2003',
  '\uFEFF',
  '\uD800',
];
const TOKENS = [
  '${',
  '%{',
  '}',
  '~}',
  '<<EOT\n',
  '<<-EOT\n',
  '\nEOT\n',
  '/*',
  '*/',
  '//',
  '...',
  '=>',
  '::',
  '[*]',
  '.*',
  'for',
  ' in ',
  ' if ',
  'endif',
  'endfor',
  'else',
  '"${',
  '\\u12',
  '\\q',
  '$${',
  '%%{',
  '1.2.3',
  '0x',
  '\r\n',
];

function mutate(src: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const pos = (): number => Math.floor(rand() * (src.length + 1));
  const rounds = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < rounds; r++) {
    const at = pos();
    switch (Math.floor(rand() * 8)) {
      case 0: // delete a few chars
        src = src.slice(0, at) + src.slice(at + 1 + Math.floor(rand() * 4));
        break;
      case 1: // insert punctuation
        src = src.slice(0, at) + pick(PUNCT) + src.slice(at);
        break;
      case 2: // insert a token-like fragment
        src = src.slice(0, at) + pick(TOKENS) + src.slice(at);
        break;
      case 3: {
        // duplicate a slice
        const len = Math.floor(rand() * 40);
        src = src.slice(0, at) + src.slice(at, at + len) + src.slice(at);
        break;
      }
      case 4: {
        // swap two chars
        const b = pos();
        const [i, j] = at < b ? [at, b] : [b, at];
        if (j < src.length && i < j) src = src.slice(0, i) + src[j] + src.slice(i + 1, j) + src[i] + src.slice(j + 1);
        break;
      }
      case 5: {
        // delete a whole "word" (a run of non-space)
        let end = at;
        while (end < src.length && !/\s/.test(src[end])) end++;
        src = src.slice(0, at) + src.slice(end);
        break;
      }
      case 6: // truncate
        src = src.slice(0, at);
        break;
      default: {
        // move a line elsewhere
        const lines = src.split('\n');
        const from = Math.floor(rand() * lines.length);
        const [line] = lines.splice(from, 1);
        lines.splice(Math.floor(rand() * (lines.length + 1)), 0, line);
        src = lines.join('\n');
      }
    }
  }
  return src;
}

/** Line and column (code points) of every UTF-8 char boundary, by byte offset. */
function boundaries(src: string): Map<number, string> {
  const map = new Map<number, string>();
  let line = 1;
  let col = 1;
  let byte = 0;
  for (const ch of src) {
    map.set(byte, `${line}:${col}`);
    const cp = ch.codePointAt(0) ?? 0;
    // Lone surrogates are encoded as U+FFFD (3 bytes).
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (ch === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  map.set(byte, `${line}:${col}`);
  return map;
}

function checkRange(r: Range | undefined, size: number, at: Map<number, string>, what: string): string | undefined {
  if (r === undefined) return undefined;
  for (const p of [r.start, r.end]) {
    if (p.byte < 0 || p.byte > size) return `${what}: byte ${p.byte} outside 0..${size}`;
    const want = at.get(p.byte);
    if (want !== `${p.line}:${p.column}`) return `${what}: ${p.line}:${p.column} at byte ${p.byte}, expected ${want ?? 'a char boundary'}`;
  }
  if (r.start.byte > r.end.byte) return `${what}: starts after it ends`;
  return undefined;
}

function problems(src: string, body: Body, diagnostics: readonly Diagnostic[]): string[] {
  const size = Buffer.byteLength(src, 'utf8');
  const at = boundaries(src);
  const out: string[] = [];
  const check = (r: Range | undefined, what: string): void => {
    const p = checkRange(r, size, at, what);
    if (p !== undefined) out.push(p);
  };
  for (const d of diagnostics) {
    if (d.summary === 'Internal parser error') out.push(`internal error: ${d.detail ?? ''}`);
    check(d.subject, `diagnostic "${d.summary}" subject`);
    check(d.context, `diagnostic "${d.summary}" context`);
  }
  const visitBody = (b: Body): void => {
    check(b.range, 'body');
    for (const item of b.items) {
      check(item.range, `${item.kind} range`);
      if (item.kind === 'Attribute') {
        check(item.nameRange, 'attribute name');
        walkExpressions(item.expr, (e) => check(e.range, `${e.kind} node`));
      } else {
        check(item.typeRange, 'block type');
        for (const l of item.labels) check(l.range, 'label');
        visitBody(item.body);
      }
    }
  };
  visitBody(body);
  return out;
}

const CASES = 5000;
const BYTE_CASES = 500;

describe('fuzz', () => {
  it(`survives ${CASES} seeded mutations of the fixtures with sound ranges`, () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    const rand = prng(20240601);
    const failures: string[] = [];
    let withDiagnostics = 0;
    for (let n = 0; n < CASES; n++) {
      const src = mutate(fixtures[n % fixtures.length], rand);
      let result;
      try {
        result = parseHcl(src, 'fuzz.hcl');
      } catch (err) {
        failures.push(`case ${n} threw ${String(err)}: ${JSON.stringify(src).slice(0, 200)}`);
        continue;
      }
      if (result.diagnostics.length > 0) withDiagnostics++;
      for (const p of problems(src, result.body, result.diagnostics)) {
        failures.push(`case ${n}: ${p}: ${JSON.stringify(src).slice(0, 300)}`);
        break;
      }
      if (failures.length > 10) break;
    }
    expect(failures).toEqual([]);
    // Most mutations break the file; the test must actually exercise error paths.
    expect(withDiagnostics).toBeGreaterThan(CASES / 2);
    // No wall-clock assertion (it flakes on a loaded machine): a parse that never ends fails on
    // this test's timeout, and parse speed is measured in bench/parse.bench.mjs.
  }, 300_000);

  it(`survives ${BYTE_CASES} inputs with invalid UTF-8 bytes`, () => {
    const rand = prng(7);
    const enc = new TextEncoder();
    const failures: string[] = [];
    for (let n = 0; n < BYTE_CASES; n++) {
      const bytes = Array.from(enc.encode(fixtures[n % fixtures.length]));
      const bad = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < bad; k++) {
        const at = Math.floor(rand() * (bytes.length + 1));
        const junk = [0xff, 0xfe, 0xc3, 0x80, 0xe2, 0x82, 0xf0, 0xed, 0xa0][Math.floor(rand() * 9)];
        bytes.splice(at, rand() < 0.5 ? 1 : 0, junk);
      }
      const input = new Uint8Array(bytes);
      let result;
      try {
        result = parseHclBytes(input, 'fuzz.hcl');
      } catch (err) {
        failures.push(`case ${n} threw ${String(err)}`);
        continue;
      }
      for (const d of result.diagnostics) {
        const s = d.subject;
        if (d.summary === 'Internal parser error') failures.push(`case ${n}: internal error`);
        if (s !== undefined && (s.start.byte < 0 || s.end.byte > input.length || s.start.byte > s.end.byte)) {
          failures.push(`case ${n}: "${d.summary}" range ${s.start.byte}-${s.end.byte} outside 0..${input.length}`);
        }
      }
      const valid = (() => {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(input);
          return true;
        } catch {
          return false;
        }
      })();
      const reported = result.diagnostics.some((d) => d.summary === 'Invalid UTF-8');
      if (valid === reported) failures.push(`case ${n}: valid=${valid} but reported=${reported}`);
      if (failures.length > 10) break;
    }
    expect(failures).toEqual([]);
  });
});
