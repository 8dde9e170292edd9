// Limits where a load meets its inputs (docs/limits.md): variables files nested too deep or
// holding numbers that would round, functions inside -var values, files that are not regular
// (a FIFO never hangs a load), one evaluation budget per load, the clock for timestamp(), and
// the set of sensitive strings a redaction layer needs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { nodeConfigFs, readRegularFile } from '../../src/config/node-fs.js';
import { DEFAULT_LIMITS } from '../../src/hcl/limits.js';
import { BASE, diagSummary, error, load, memoryFs } from './load-helpers.js';

const cli = (arg: string) => ({ kind: 'var' as const, arg });
const file = (p: string) => ({ kind: 'file' as const, path: p });

function nested(depth: number): string {
  return '['.repeat(depth) + '1' + ']'.repeat(depth);
}

describe('JSON variables files', () => {
  test('a file nested 3,000 levels deep is refused where it goes past the limit, with no cascade', () => {
    const src = 'variable "v" {\n  type = any\n}\n' + BASE;
    const json = `{\n  "v": ${nested(3000)}\n}\n`;
    const r = loadConfig({ dir: 'cfg', fs: memoryFs({ 'cfg/main.hcl': src, 'cfg/v.json': json }), vars: [file('cfg/v.json')], env: {} });
    expect(diagSummary(r)).toEqual([error('Variables file too deeply nested', 'cfg/v.json:2:207-2:207')]);
    expect(r.diagnostics[0].detail).toContain('more than 200 levels deep');
  });

  test('a file nested within the limit loads', () => {
    const src = 'variable "v" {\n  type = any\n}\n' + BASE;
    const r = loadConfig({ dir: 'cfg', fs: memoryFs({ 'cfg/main.hcl': src, 'cfg/v.json': `{"v": ${nested(150)}}` }), vars: [file('cfg/v.json')], env: {} });
    expect(r.diagnostics).toEqual([]);
  });

  test('a number that would round is refused, not changed', () => {
    const src = 'variable "n" {\n  type = number\n}\n' + BASE;
    const r = loadConfig({ dir: 'cfg', fs: memoryFs({ 'cfg/main.hcl': src, 'cfg/v.json': '{"n": 9007199254740993}' }), vars: [file('cfg/v.json')], env: {} });
    expect(diagSummary(r)).toEqual([error('Number out of range', 'cfg/v.json:1:7-1:7')]);
  });
});

describe('-var values of complex type', () => {
  const src = 'variable "x" {\n  type = list(string)\n}\n' + BASE;

  test('may call functions, and a catastrophic pattern for a backtracking engine finishes', () => {
    const r = load(src, { vars: [cli(`x=[replace("${'a'.repeat(5000)}!", "/(a+)+$/", "b")]`)] });
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.variables.get('x')!.value).toEqual(['a'.repeat(5000) + '!']);
  });

  test('run under the same limits: nested loops over big ranges are refused, with the limit named', () => {
    const r = load(src, { vars: [cli('x=[for a in range(1000) : join(",", [for b in range(1000) : join(",", [for c in range(1000) : c])])]')] });
    expect(diagSummary(r)).toEqual([error('Invalid value for input variable')]);
    expect(r.diagnostics[0].detail).toContain('Evaluation too expensive');
    expect(r.diagnostics[0].detail).toContain('docs/limits.md');
  });
});

describe('one budget per load', () => {
  test('expensive locals spend it together, and running out is reported once', () => {
    const locals = Array.from({ length: 30 }, (_, i) => `  l${i} = length([for a in range(1000) : [for b in range(500) : b]])`).join('\n');
    const r = load(`locals {\n${locals}\n}\n` + BASE);
    const summaries = r.diagnostics.map((d) => d.summary);
    expect(summaries).toEqual(['Evaluation too expensive']);
  });

  test('a tighter budget can be passed in, and a normal configuration stays well within the default', () => {
    const r = loadConfig({ dir: 'cfg', fs: memoryFs({ 'cfg/main.hcl': BASE }), env: {}, limits: { ...DEFAULT_LIMITS, maxSteps: 10 } });
    expect(r.diagnostics.map((d) => d.summary)).toContain('Evaluation too expensive');
    expect(load(BASE).diagnostics).toEqual([]);
  });
});

describe('timestamp() reads the clock passed in', () => {
  test('so a load is a pure function of its inputs', () => {
    const src = 'locals {\n  at = timestamp()\n}\n' + BASE;
    const r = loadConfig({ dir: 'cfg', fs: memoryFs({ 'cfg/main.hcl': src }), env: {}, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(r.config!.locals.get('at')).toBe('2026-01-02T03:04:05Z');
  });
});

describe('sensitive values', () => {
  test('the config lists every sensitive string: variables, what is derived from them, in locals and arguments', () => {
    const src =
      'variable "secret" {\n  sensitive = true\n  default   = "hunter2"\n}\n' +
      'locals {\n  shout = upper(var.secret)\n  plain = "nothing to hide"\n}\n' +
      'notification "ops" {\n  webhook = "http://127.0.0.1:9000/hook/${base64encode(var.secret)}"\n}\n' +
      BASE;
    const r = load(src);
    expect(r.diagnostics).toEqual([]);
    const s = r.config!.sensitiveStrings;
    expect(s.has('hunter2')).toBe(true);
    expect(s.has('HUNTER2')).toBe(true);
    expect(s.has(`http://127.0.0.1:9000/hook/${Buffer.from('hunter2').toString('base64')}`)).toBe(true);
    expect(s.has('nothing to hide')).toBe(false);
    expect([...s].some((x) => x.includes('dal13'))).toBe(false);
  });

  test('nonsensitive() takes the mark off a derived value, but the secret itself stays listed', () => {
    const src = 'variable "secret" {\n  sensitive = true\n  default   = "hunter2"\n}\nlocals {\n  digest = nonsensitive(sha256(var.secret))\n}\n' + BASE;
    const r = load(src);
    expect(r.config!.sensitiveStrings.has('hunter2')).toBe(true);
    expect([...r.config!.sensitiveStrings].some((x) => x.length === 64)).toBe(false);
  });
});

describe('files that are not regular', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-fifo-'));
    fs.mkdirSync(path.join(dir, 'cfg'));
    execFileSync('mkfifo', [path.join(dir, 'cfg', 'pipe')]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('file() of a FIFO in the configuration directory is refused, without waiting on it', () => {
    fs.writeFileSync(path.join(dir, 'cfg', 'main.hcl'), 'locals {\n  x = file("pipe")\n}\n' + BASE);
    const r = loadConfig({ dir: path.join(dir, 'cfg'), fs: nodeConfigFs, env: {} });
    expect(r.diagnostics.map((d) => d.detail)).toEqual(['Invalid value for "path" parameter: "pipe" is a named pipe, not a regular file.']);
  });

  test('a FIFO named like a configuration file, or given as a variables file, is refused too', () => {
    const hcl = path.join(dir, 'cfg', 'z.hcl');
    execFileSync('mkfifo', [hcl]);
    try {
      fs.writeFileSync(path.join(dir, 'cfg', 'main.hcl'), BASE);
      const r = loadConfig({ dir: path.join(dir, 'cfg'), fs: nodeConfigFs, env: {} });
      expect(diagSummary(r)).toEqual([error('Cannot read configuration file')]);
      expect(r.diagnostics[0].detail).toContain('is not a regular file');
      const v = loadConfig({
        dir: path.join(dir, 'cfg'),
        fs: { ...nodeConfigFs, readdir: () => ['main.hcl'] },
        vars: [file(path.join(dir, 'cfg', 'pipe'))],
        env: {},
      });
      expect(diagSummary(v)).toEqual([error('Cannot read variables file')]);
    } finally {
      fs.rmSync(hcl);
    }
  });

  test('reading stops at the size limit', () => {
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, 'x'.repeat(5000));
    expect(() => readRegularFile(big, 4096)).toThrow(expect.objectContaining({ code: 'EFBIG' }));
    expect(readRegularFile(big, 5000).length).toBe(5000);
    expect(() => readRegularFile(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  test('file() refuses a file past the function limit', () => {
    fs.writeFileSync(path.join(dir, 'cfg', 'huge.txt'), Buffer.alloc(DEFAULT_LIMITS.maxFileBytes + 1, 0x61));
    fs.writeFileSync(path.join(dir, 'cfg', 'main.hcl'), 'locals {\n  x = file("huge.txt")\n}\n' + BASE);
    const r = loadConfig({ dir: path.join(dir, 'cfg'), fs: nodeConfigFs, env: {} });
    expect(r.diagnostics.map((d) => d.detail)).toEqual([
      'Invalid value for "path" parameter: "huge.txt" is larger than 4,194,304 bytes, the limit for files read by functions.',
    ]);
    fs.rmSync(path.join(dir, 'cfg', 'huge.txt'));
  });
});
