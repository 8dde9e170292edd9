// Oracle tests: for every valid input, our parse converted to hcl2json's shape must equal what
// hcl2-parser (hashicorp/hcl compiled to JS) returns. Inputs: our fixtures, the real-world
// Terraform corpus in ../shared/hcl-corpus, and DR definitions from the bench generator.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src/hcl/parser.js';
import { toHclJson } from '../../src/hcl/hcljson.js';
import { diag } from './parse-helpers.js';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';
import { CORPUS_DIR, CORPUS_TF_FILES, corpus, corpusFiles, need } from '../requirements.js';

const require = createRequire(import.meta.url);
const hcl2 = require('hcl2-parser') as { parseToObject(src: string): [unknown, unknown] };

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const fixturesDir = path.join(repoRoot, 'fixtures/hcl/valid');

function filesUnder(dir: string, exts: string[]): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return filesUnder(p, exts);
      return exts.some((x) => e.name.endsWith(x)) ? [p] : [];
    })
    .sort();
}

/** hcl2-parser's answer; it signals a parse error by a null result. */
function oracle(src: string): unknown {
  const [result, err] = hcl2.parseToObject(src);
  if (result === null || result === undefined) throw new Error(`hcl2-parser rejected the input: ${String(err)}`);
  return result;
}

function expectSameAsOracle(src: string, filename: string): void {
  const { body, diagnostics } = parseHcl(src, filename);
  expect(diagnostics.map(diag)).toEqual([]);
  expect(toHclJson(body)).toEqual(oracle(src));
}

describe('oracle: fixtures/hcl/valid', () => {
  const files = filesUnder(fixturesDir, ['.hcl']);

  it('has at least 40 fixtures, one of them a large DR definition', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    const large = files.filter((f) => fs.statSync(f).size > 50_000);
    expect(large.length).toBeGreaterThanOrEqual(1);
  });

  it.each(files.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
    expectSameAsOracle(fs.readFileSync(file, 'utf8'), file);
  });
});

describe('oracle: real-world corpus (../shared/hcl-corpus)', () => {
  const CORPUS = corpus();
  const files = corpusFiles();

  // Absent, this is the one test here: it skips (naming the path) or, when required, fails.
  it(`holds the ${CORPUS_TF_FILES} Terraform files`, (ctx) => {
    need(ctx, CORPUS);
    expect(files.length).toBe(CORPUS_TF_FILES);
  });

  it.each(files.map((f) => [path.relative(CORPUS_DIR, f), f]))('%s', (_name, file) => {
    expectSameAsOracle(fs.readFileSync(file, 'utf8'), file);
  });
});

describe('oracle: generated DR definitions', () => {
  it.each([1, 4, 25, 120])('%i VMs', (count) => {
    const src = generateDrDefinition(count);
    expectSameAsOracle(src, `gen-${count}.hcl`);
  });
});

describe('oracle: hcl2json quirks, pinned', () => {
  // Each is what hcl2-parser was observed to return; the live oracle confirms it still does.
  it.each([
    ['x = -1\n', { x: -1 }],
    ['x = !true\n', { x: false }],
    ['x = --1\n', { x: '${--1}' }],
    ['x = -"1"\n', { x: '${-"1"}' }],
    ['x = "${1.50}"\n', { x: 1.5 }],
    ['x = "a${1.50}${true}"\n', { x: 'a1.5true' }],
    ['x = "a${1e21}"\n', { x: 'a1000000000000000000000' }],
    ['x = "x${a ? b : "c"}"\n', { x: 'x%{if a}${b}%{else}c%{endif}' }],
    ['x = "%{ if a ~} y %{~ else ~} z %{~ endif }"\n', { x: '%{if a}y%{else}z%{endif}' }],
    ['x = "%{for k, v in m}${k}%{endfor}"\n', { x: '%{for k, v in m}${k}%{endfor}' }],
    ['x = "$${a} %%{b}"\n', { x: '${a} %{b}' }],
    ['x = { a.b = 1, a[0] = 2, (k) = 3, "s" = 4, 5 = 6, a[b] = 7 }\n', { x: { 'a.b': 1, 'a[0]': 2, '${(k)}': 3, s: 4, '5': 6, '${a[b]}': 7 } }],
    ['x = [for v in l : v]\n', { x: '${[for v in l : v]}' }],
    ['x = f(\n  a, # note\n)\n', { x: '${f(\n  a, # note\n)}' }],
    ['b {}\nb = 1\n', { b: 1 }],
    ['b "x" "y" {}\nb "x" "z" {}\n', { b: { x: { y: [{}], z: [{}] } } }],
  ])('%j', (src, want) => {
    const { body, diagnostics } = parseHcl(src, 'q.hcl');
    expect(diagnostics).toEqual([]);
    expect(toHclJson(body)).toEqual(want);
    expect(oracle(src)).toEqual(want);
  });
});

describe('oracle: the comparison can tell outputs apart', () => {
  it('renders blocks, labels, literals and expressions as hcl2-parser does', () => {
    const src = 'site "home" {\n  location = "dal13"\n  ha = true\n  n = -1\n  ref = site.dr.location\n}\n';
    const { body } = parseHcl(src, 'sites.hcl');
    expect(toHclJson(body)).toEqual({
      site: { home: [{ location: 'dal13', ha: true, n: -1, ref: '${site.dr.location}' }] },
    });
    expect(oracle(src)).toEqual(toHclJson(body));
  });

  it('would notice a changed value', () => {
    const a = toHclJson(parseHcl('x = "${a}b"\n', 'a.hcl').body);
    const b = oracle('x = "${a}c"\n');
    expect(a).not.toEqual(b);
  });
});
