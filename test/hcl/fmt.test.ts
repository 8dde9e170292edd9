// The formatter: golden input/expected pairs (fixtures/fmt), idempotence and meaning
// preservation over every HCL file we have, the edge cases of text (CRLF, BOM, final newline),
// and, where terraform is installed, agreement with `terraform fmt` itself.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHcl, formatHclBytes, formatHclChecked } from '../../src/hcl/fmt.js';
import { toHclJson } from '../../src/hcl/hcljson.js';
import { scan } from '../../src/hcl/lexer.js';
import { parseHcl } from '../../src/hcl/parser.js';
import { CORPUS_TF_FILES, corpus, corpusFiles, need, terraform } from '../requirements.js';

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN = path.join(ROOT, 'fixtures/fmt');
const CORPUS = corpus();

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, pattern));
    else if (pattern.test(e.name)) out.push(p);
  }
  return out.sort();
}

const goldenCases = fs
  .readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.in.hcl'))
  .map((f) => f.slice(0, -'.in.hcl'.length))
  .sort();

describe('golden pairs in fixtures/fmt', () => {
  it('has at least 15 pairs, each with its expected output', () => {
    expect(goldenCases.length).toBeGreaterThanOrEqual(15);
    for (const name of goldenCases) expect(fs.existsSync(path.join(GOLDEN, `${name}.out.hcl`)), name).toBe(true);
  });

  it.each(goldenCases)('%s: input formats to the expected text', (name) => {
    const input = read(path.join(GOLDEN, `${name}.in.hcl`));
    const expected = read(path.join(GOLDEN, `${name}.out.hcl`));
    expect(formatHcl(input, `${name}.in.hcl`)).toBe(expected);
  });

  it.each(goldenCases)('%s: the expected text is already canonical', (name) => {
    const expected = read(path.join(GOLDEN, `${name}.out.hcl`));
    expect(formatHcl(expected, `${name}.out.hcl`)).toBe(expected);
  });
});

/** The AST without positions, and with label quoting ignored (fmt quotes bare labels). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'file' || k === 'source' || k === 'quoted') continue;
    if (v !== null && typeof v === 'object' && 'filename' in v && 'start' in v && 'end' in v) continue; // a Range
    out[k] = shape(v);
  }
  return out;
}

/**
 * hcl2json renders non-literal expressions as their source text ("${a+b}"), so the text of an
 * expression changes with its spacing; strip whitespace from strings before comparing. String
 * literals and heredoc text are compared exactly by `shape` above.
 */
function squeezed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, '');
  if (Array.isArray(value)) return value.map(squeezed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, squeezed(v)]));
}

interface Checked {
  readonly valid: number;
  readonly invalid: string[];
  readonly failures: string[];
}

/** For each file that parses: fmt is idempotent and the formatted text means the same. */
function checkFiles(files: readonly string[]): Checked {
  const failures: string[] = [];
  const invalid: string[] = [];
  let valid = 0;
  for (const file of files) {
    const source = read(file);
    const parsed = parseHcl(source, file);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) {
      invalid.push(file);
      continue;
    }
    valid++;
    const once = formatHclChecked(source, file);
    if (once.formatted === undefined) {
      failures.push(`${file}: not formatted: ${once.diagnostics.map((d) => d.summary).join('; ')}`);
      continue;
    }
    const twice = formatHcl(once.formatted, file);
    if (twice !== once.formatted) failures.push(`${file}: fmt(fmt(x)) differs from fmt(x)`);
    const reparsed = parseHcl(once.formatted, file);
    if (reparsed.diagnostics.length > 0) {
      failures.push(`${file}: formatted text does not parse: ${reparsed.diagnostics[0].summary}`);
      continue;
    }
    try {
      expect(shape(reparsed.body)).toEqual(shape(parsed.body));
    } catch {
      failures.push(`${file}: formatted text parses to a different AST`);
    }
    try {
      expect(squeezed(toHclJson(reparsed.body, once.formatted))).toEqual(squeezed(toHclJson(parsed.body, source)));
    } catch {
      failures.push(`${file}: formatted text has a different hcl2json`);
    }
  }
  return { valid, invalid, failures };
}

describe('idempotence and meaning over every HCL file we have', () => {
  it('fixtures/**/*.hcl', () => {
    const files = filesUnder(path.join(ROOT, 'fixtures'), /\.hcl$/);
    const result = checkFiles(files);
    expect(result.failures).toEqual([]);
    // The golden files alone are 2 × the cases, all valid.
    expect(result.valid).toBeGreaterThanOrEqual(2 * goldenCases.length);
  });

  it('plans/*.hcl', () => {
    const files = filesUnder(path.join(ROOT, 'plans'), /\.hcl$/);
    const result = checkFiles(files);
    expect(result.failures).toEqual([]);
    expect(result.valid).toBe(files.length - result.invalid.length);
  });

  it(`../shared/hcl-corpus: all ${CORPUS_TF_FILES} .tf files parse and survive formatting`, (ctx) => {
    need(ctx, CORPUS);
    const files = corpusFiles();
    expect(files.length).toBe(CORPUS_TF_FILES);
    const result = checkFiles(files);
    expect(result.invalid).toEqual([]);
    expect(result.failures).toEqual([]);
  });

  it('../shared/hcl-corpus: files written by terraform fmt stay as they are, apart from blank-line rules', (ctx) => {
    need(ctx, CORPUS);
    // The corpus is terraform-formatted: only blank lines may change.
    const files = corpusFiles();
    expect(files.length).toBe(CORPUS_TF_FILES);
    for (const file of files) {
      const source = read(file);
      const dropBlank = (s: string) =>
        s
          .split('\n')
          .filter((l) => l.trim() !== '')
          .join('\n');
      expect(dropBlank(formatHcl(source, file)), file).toBe(dropBlank(source));
    }
  });
});

describe('rules pinned one by one', () => {
  it('leaves a file with syntax errors unchanged and reports where', () => {
    const source = 'site "home" {\n  location = \n}\n';
    expect(formatHcl(source, 'bad.hcl')).toBe(source);
    const checked = formatHclChecked(source, 'bad.hcl');
    expect(checked.formatted).toBeUndefined();
    const error = checked.diagnostics.find((d) => d.severity === 'error');
    expect(error?.subject?.filename).toBe('bad.hcl');
    expect(error?.subject?.start.line).toBe(2);
  });

  it('refuses invalid UTF-8 rather than writing replacement characters back', () => {
    const bytes = new Uint8Array([...Buffer.from('name = "caf'), 0xe9, ...Buffer.from('"\n')]);
    const result = formatHclBytes(bytes, 'latin1.hcl');
    expect(result.formatted).toBeUndefined();
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('formats valid UTF-8 bytes and keeps a byte order mark', () => {
    const bytes = Buffer.from('\ufeffname="café"\n', 'utf8');
    const result = formatHclBytes(bytes, 'bom.hcl');
    expect(result.formatted).toBe('\ufeffname = "café"\n');
  });

  it('ends the file with exactly one newline', () => {
    expect(formatHcl('a=1')).toBe('a = 1\n');
    expect(formatHcl('a=1\n\n\n\n')).toBe('a = 1\n');
    expect(formatHcl('# only a comment')).toBe('# only a comment\n');
  });

  it('gives an empty or blank file as empty text', () => {
    expect(formatHcl('')).toBe('');
    expect(formatHcl('\n \n\t\n')).toBe('');
  });

  it('keeps CRLF line endings and uses them for the lines it adds', () => {
    const source = 'a {\r\n  x=1\r\n}\r\nb {\r\n}';
    expect(formatHcl(source)).toBe('a {\r\n  x = 1\r\n}\r\n\r\nb {\r\n}\r\n');
  });

  it('replaces tab indentation with two spaces per level', () => {
    expect(formatHcl('a {\n\tb {\n\t\tc = 1\n\t}\n}\n')).toBe('a {\n  b {\n    c = 1\n  }\n}\n');
  });

  it('keeps heredoc text, trailing spaces and the closing marker indentation', () => {
    const source = 'x {\ny = <<-EOT\n    two  \n  one\n      EOT\n}\n';
    expect(formatHcl(source)).toBe('x {\n  y = <<-EOT\n    two  \n  one\n      EOT\n}\n');
  });

  it('indents the lines of a multi-line interpolation inside a heredoc without touching its text', () => {
    const source = 'y = <<EOT\nstart ${join(",",\n[1, 2])} end\nEOT\n';
    expect(formatHcl(source)).toBe('y = <<EOT\nstart ${join(",",\n[1, 2])} end\nEOT\n');
  });

  it('spaces `in` of a for expression before a tuple but, like terraform, not before a parenthesis', () => {
    expect(formatHcl('a = [for x in[1,2]: x]\n')).toBe('a = [for x in [1, 2] : x]\n');
    expect(formatHcl('a = [for x in (var.y): x]\n')).toBe('a = [for x in(var.y) : x]\n');
  });

  it('quotes bare block labels as terraform does', () => {
    expect(formatHcl('site home {\n}\ngroup db "x" { a = 1 }\n')).toBe('site "home" {\n}\n\ngroup "db" "x" { a = 1 }\n');
  });

  it('keeps a run of one-line blocks together but separates a multi-line block from it', () => {
    const source = 'a { x = 1 }\nb { x = 2 }\nc {\n  x = 3\n}\nd { x = 4 }\n';
    expect(formatHcl(source)).toBe('a { x = 1 }\nb { x = 2 }\n\nc {\n  x = 3\n}\n\nd { x = 4 }\n');
  });

  it('does not add a blank line between a block and an attribute', () => {
    expect(formatHcl('a {\n}\nx = 1\n')).toBe('a {\n}\nx = 1\n');
  });

  it('aligns `=` of consecutive attributes only, and a comment line breaks the run', () => {
    expect(formatHcl('a = 1\nlong_name = 2\n')).toBe('a         = 1\nlong_name = 2\n');
    expect(formatHcl('a = 1\n# why\nlong_name = 2\n')).toBe('a = 1\n# why\nlong_name = 2\n');
  });

  it('aligns trailing comments of consecutive lines', () => {
    expect(formatHcl('a = 1 # one\nbbb = 22 # two\n')).toBe('a   = 1  # one\nbbb = 22 # two\n');
  });

  it('removes trailing whitespace after code and after line comments', () => {
    expect(formatHcl('a = 1   \n# note   \n// other\t\n')).toBe('a = 1\n# note\n// other\n');
  });

  it('keeps /* */ comments, inside them too', () => {
    const source = '/*\n   keep   \n*/\na = 1 /* x   y */\n';
    expect(formatHcl(source)).toBe(source);
  });

  it('never moves a token: the formatted text scans to the same tokens', () => {
    const source = read(path.join(GOLDEN, 'drctl-example.in.hcl'));
    const tokens = (text: string) =>
      scan(text, 'x')
        .tokens.filter((t) => t.type !== 'Newline')
        .map((t) => `${t.type}:${text.slice(t.start, t.end).trimEnd()}`);
    expect(tokens(formatHcl(source))).toEqual(tokens(source));
  });
});

// Differential check against the real thing, when it is installed: terraform fmt and drctl fmt
// agree on everything except drctl's own blank-line rules and comment trailing whitespace.
const TERRAFORM = terraform();

function terraformFmt(source: string): string {
  const r = spawnSync('terraform', ['fmt', '-'], { input: source, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`terraform fmt failed: ${r.stderr}`);
  return r.stdout;
}

/** Without blank lines and trailing whitespace: what drctl fmt adds on top of terraform fmt. */
function modBlankLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .filter((l) => l !== '')
    .join('\n');
}

/** Re-spaces a valid file at random where whitespace is free (a seeded generator). */
function mangle(source: string, seed: number): string {
  const toks = scan(source, 'm').tokens;
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = () => [' ', '  ', '\t', '    '][Math.floor(rnd() * 4)];
  const noAfter = new Set(['OQuote', 'QuotedLit', 'StringLit', 'OHeredoc', 'Comment']);
  const noBefore = new Set(['QuotedLit', 'StringLit', 'CQuote', 'CHeredoc', 'Newline', 'EOF']);
  let out = source.slice(0, toks[0].start);
  for (let i = 0; i + 1 < toks.length; i++) {
    const a = toks[i];
    const b = toks[i + 1];
    out += source.slice(a.start, a.end);
    const gap = source.slice(a.end, b.start);
    const joinsTemplate = a.type === 'TemplateSeqEnd' && (b.type === 'TemplateInterp' || b.type === 'TemplateControl');
    const free = !noAfter.has(a.type) && !noBefore.has(b.type) && !joinsTemplate;
    if (/^[ \t]+$/.test(gap)) out += free || a.type === 'Newline' ? pick() : gap;
    else if (gap === '' && free && rnd() < 0.3) out += pick();
    else out += gap;
  }
  return out;
}

describe('agreement with terraform fmt (terraform on PATH)', () => {
  it.for(goldenCases)('%s: same output as terraform fmt, blank lines aside', (name, ctx) => {
    need(ctx, TERRAFORM);
    const input = read(path.join(GOLDEN, `${name}.in.hcl`));
    expect(modBlankLines(formatHcl(input))).toBe(modBlankLines(terraformFmt(input)));
  });

  it('re-spaced ../shared/hcl-corpus files: same output as terraform fmt, blank lines aside', (ctx) => {
    need(ctx, TERRAFORM);
    need(ctx, CORPUS);
    const files = corpusFiles().filter((f, i) => i % 10 === 0 && read(f).trim() !== '');
    expect(files.length).toBeGreaterThan(5);
    for (const [i, file] of files.entries()) {
      const mangled = mangle(read(file), i + 1);
      expect(mangled).not.toBe(read(file));
      expect(modBlankLines(formatHcl(mangled, file)), file).toBe(modBlankLines(terraformFmt(mangled)));
    }
  });
});
