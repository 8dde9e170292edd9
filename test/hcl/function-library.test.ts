import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_FAMILIES, standardFunctions } from '../../src/hcl/functions/index.js';

describe('the function library', () => {
  it('defines each function name in exactly one family', () => {
    const owner = new Map<string, string>();
    const twice: string[] = [];
    for (const [family, table] of Object.entries(FUNCTION_FAMILIES)) {
      for (const name of Object.keys(table)) {
        if (owner.has(name)) twice.push(`${name} (${owner.get(name)} and ${family})`);
        else owner.set(name, family);
      }
    }
    expect(twice).toEqual([]);
  });

  it('lists every family’s functions, family by family in order, and nothing else', () => {
    const expected = Object.values(FUNCTION_FAMILIES).flatMap((table) => Object.keys(table));
    expect(Object.keys(standardFunctions)).toEqual(expected);
    expect(Object.isFrozen(standardFunctions)).toBe(true);
  });

  it('is what the language guide lists, family by family', () => {
    const guide = fs.readFileSync(path.join(import.meta.dirname, '../../docs/language.md'), 'utf8');
    const table = guide.slice(guide.indexOf('### Function library'));
    const rows = [...table.matchAll(/^\| (\w+) \| (`.*`) \|$/gm)].map(([, family, names]) => [family, [...names.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort()]);
    const library = Object.entries(FUNCTION_FAMILIES).map(([family, fns]) => [family, Object.keys(fns).sort()]);
    expect(rows).toEqual(library);
  });
});
