import { describe, expect, it } from 'vitest';
import { canonicalJson, findJsonSyntaxError, positionAt } from '../../src/state/json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth by code unit, not by locale', () => {
    const a = { b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' }, B: true, é: 0 };
    expect(canonicalJson(a)).toBe('{"B":true,"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1,"é":0}');
  });

  it('gives the same text whatever order keys were inserted in', () => {
    const one = { vm: { memory_gb: 256, processors: 4 }, site: 'home' };
    const two = { site: 'home', vm: { processors: 4, memory_gb: 256 } };
    expect(canonicalJson(one, 2)).toBe(canonicalJson(two, 2));
  });

  it('pretty-prints with two spaces and keeps empty containers inline', () => {
    expect(canonicalJson({ a: [], b: {}, c: [1] }, 2)).toBe('{\n  "a": [],\n  "b": {},\n  "c": [\n    1\n  ]\n}');
  });

  it('drops undefined properties like JSON.stringify, and uses toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], when: new Date(0) })).toBe('{"b":[null],"when":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses values JSON cannot hold, naming where they are', () => {
    expect(() => canonicalJson({ vm: { memory_gb: NaN } })).toThrow(/\$\.vm\.memory_gb: NaN/);
    expect(() => canonicalJson({ ids: new Map() })).toThrow(/\$\.ids: a Map cannot be stored/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});

describe('positionAt', () => {
  it('counts lines and columns from 1 and bytes from 0 in UTF-8', () => {
    const text = '{\n  "city": "Zürich",\n  x';
    const index = text.indexOf('x');
    expect(positionAt(text, index)).toEqual({ line: 3, column: 3, byte: Buffer.byteLength(text.slice(0, index)) });
    expect(positionAt(text, text.indexOf(','))).toEqual({ line: 2, column: 19, byte: 21 });
  });
});

describe('findJsonSyntaxError', () => {
  it('points at the offending character with a useful message', () => {
    const text = '{"version": 1,\n  "serial": 3,\n  "lineage": "x",,\n}';
    const problem = findJsonSyntaxError(text)!;
    expect(positionAt(text, problem.index)).toMatchObject({ line: 3, column: 18 });
    expect(problem.message).toMatch(/Expected a property name/);
  });

  it('names trailing commas, single quotes, unterminated strings and empty files', () => {
    expect(findJsonSyntaxError('{"a": 1,\n}')).toEqual({ index: 7, message: "Trailing comma before '}' is not allowed in JSON" });
    expect(findJsonSyntaxError("{'a': 1}")!.message).toMatch(/double quotes/);
    expect(findJsonSyntaxError('{"a": "b\n"}')!.message).toMatch(/Unterminated string/);
    expect(findJsonSyntaxError('  ')!.message).toBe('The file is empty');
    expect(findJsonSyntaxError('{"a": 1} x')!.message).toMatch(/after the end/);
    expect(findJsonSyntaxError('{"a": [1, 2}')!.message).toBe("Expected ',' or ']' but found '}'");
  });

  it('agrees with JSON.parse on which texts are valid, over many mutated documents', () => {
    const valid = '{"version":1,"serial":3,"resources":[{"a":"x\\"y","n":-1.5e3,"t":true,"f":false,"z":null,"u":"\\u00e9"}],"o":{}}';
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const alphabet = '{}[],:"\\ 0123456789-+.eEtrufalsn';
    let disagreements = 0;
    let invalidSeen = 0;
    for (let k = 0; k < 3000; k++) {
      const chars = [...valid];
      const edits = 1 + rand(3);
      for (let e = 0; e < edits; e++) {
        const at = rand(chars.length);
        const kind = rand(3);
        if (kind === 0) chars.splice(at, 1);
        else if (kind === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]);
        else chars[at] = alphabet[rand(alphabet.length)];
      }
      const text = chars.join('');
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
        invalidSeen++;
      }
      if (parses !== (findJsonSyntaxError(text) === undefined)) disagreements++;
    }
    expect(invalidSeen).toBeGreaterThan(1000);
    expect(disagreements).toBe(0);
  });

  it('copes with deep nesting without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(99_999);
    expect(findJsonSyntaxError(deep)!.message).toMatch(/end of file/);
  });
});
