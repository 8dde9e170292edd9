// Golden round trips pin the file format: each fixtures/state/<case>.in.json is parsed and
// written back, and must equal <case>.out.json byte for byte. Regenerate deliberately with
// UPDATE_GOLDEN=1 and review the diff like any format change.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseState, serializeState } from '../../src/state/index.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/state');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.json'))
  .map((f) => f.slice(0, -'.in.json'.length))
  .sort();

function roundTrip(text: string, name: string): string {
  const parsed = parseState(text, name);
  if (!parsed.ok) throw parsed.error;
  return serializeState(parsed.state);
}

describe('state format golden files', () => {
  it('has golden cases to check', () => {
    expect(cases).toEqual(expect.arrayContaining(['canonical', 'format0', 'messy', 'minimal', 'plaintext-secret']));
  });

  for (const name of cases) {
    it(`${name}: in → out matches the golden file`, () => {
      const input = readFileSync(join(dir, `${name}.in.json`), 'utf8');
      const outPath = join(dir, `${name}.out.json`);
      const actual = roundTrip(input, `${name}.in.json`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(outPath, actual);
      // A missing golden is a failure, never written from the output it is meant to check.
      expect(existsSync(outPath), `${outPath} is missing: write it with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(outPath, 'utf8'));
    });

    it(`${name}: the output is a fixed point (reading and writing it changes nothing)`, () => {
      const golden = readFileSync(join(dir, `${name}.out.json`), 'utf8');
      expect(roundTrip(golden, `${name}.out.json`)).toBe(golden);
    });
  }

  it('canonical input comes back byte-identical', () => {
    const input = readFileSync(join(dir, 'canonical.in.json'), 'utf8');
    expect(roundTrip(input, 'canonical.in.json')).toBe(input);
  });

  it('a plaintext secret in the input never reaches the output', () => {
    const out = readFileSync(join(dir, 'plaintext-secret.out.json'), 'utf8');
    for (const secret of ['hunter2', 'tok-beta', 'k-123-secret']) expect(out).not.toContain(secret);
    expect(out).toContain('tok-alpha'); // not listed as sensitive
    expect(out).toContain('ksysadmin');
  });
});
