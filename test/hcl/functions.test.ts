import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { call, callIn, fails, ok } from './build.js';
import { UNKNOWN, isSensitive, objectValue, sensitive, unmark, type Value } from '../../src/hcl/value.js';

const obj = (o: Record<string, Value>) => objectValue(Object.entries(o));

describe('string functions', () => {
  it('length counts characters (grapheme clusters), list elements and object attributes', () => {
    expect(ok('length', 'hello')).toBe(5);
    expect(ok('length', 'e\u0301té')).toBe(3);
    expect(ok('length', '👍🏽!')).toBe(2);
    expect(ok('length', 'a\r\nb')).toBe(3);
    expect(ok('length', [1, 2, 3])).toBe(3);
    expect(ok('length', obj({ a: 1, b: 2 }))).toBe(2);
    expect(ok('length', '')).toBe(0);
  });

  it('length of a list with unknown elements is known; of an unknown value is unknown', () => {
    expect(ok('length', [UNKNOWN, UNKNOWN])).toBe(2);
    expect(ok('length', UNKNOWN)).toBe(UNKNOWN);
  });

  it('length rejects numbers, bools and null', () => {
    expect(fails('length', 5)).toBe(
      'Invalid function argument: Invalid value for "value" parameter: argument must be a string, a collection type, or a structural type.',
    );
    expect(fails('length', null)).toBe('Invalid function argument: Invalid value for "value" parameter: argument must not be null.');
  });

  it('lower, upper and title change case per letter', () => {
    expect(ok('lower', 'HeLLo Ünï')).toBe('hello ünï');
    expect(ok('upper', 'straße')).toBe('STRAßE');
    expect(ok('title', 'hello world-wide web_site')).toBe('Hello World-Wide Web_site');
    expect(ok('upper', 42)).toBe('42');
  });

  it('trimspace removes leading and trailing whitespace only', () => {
    expect(ok('trimspace', '  \t\n a b \r\n')).toBe('a b');
    expect(ok('trimspace', '\u00a0x\u3000')).toBe('x');
  });

  it('string functions reject lists with a typed message', () => {
    expect(fails('lower', ['a'])).toBe('Invalid function argument: Invalid value for "str" parameter: string required.');
  });

  it('join concatenates one or more lists with a separator, converting numbers and bools', () => {
    expect(ok('join', ', ', ['a', 'b', 'c'])).toBe('a, b, c');
    expect(ok('join', '-', ['a'], [1, true])).toBe('a-1-true');
    expect(ok('join', ',', [])).toBe('');
  });

  it('join refuses null elements and non-lists', () => {
    expect(fails('join', ',', ['a', null])).toBe(
      'Invalid function argument: Invalid value for "lists" parameter: element 1 is null; cannot concatenate null values.',
    );
    expect(fails('join', ',', 'abc')).toMatch(/Invalid value for "lists" parameter: list of string required/);
    expect(fails('join', ',')).toBe('Error in function call: Call to function "join" failed: at least one list is required.');
  });

  it('join of a list with an unknown element is unknown', () => {
    expect(ok('join', ',', ['a', UNKNOWN])).toBe(UNKNOWN);
  });

  it('split divides on every separator, keeping empty parts', () => {
    expect(ok('split', ',', 'a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(ok('split', ',', '')).toEqual(['']);
    expect(ok('split', '', 'ab😀')).toEqual(['a', 'b', '😀']);
  });

  it('replace replaces every occurrence of a substring', () => {
    expect(ok('replace', 'a.b.c', '.', '-')).toBe('a-b-c');
    expect(ok('replace', 'aaa', 'a', 'b')).toBe('bbb');
    expect(ok('replace', 'a$1', '$1', 'x')).toBe('ax');
  });

  it('replace with /regex/ uses Go syntax and $n / ${name} expansion', () => {
    expect(ok('replace', 'hello world', '/o(\\w)/', '0$1')).toBe('hello w0rld');
    expect(ok('replace', 'db01-dal13', '/(?P<host>\\w+)-(?P<dc>\\w+)/', '${dc}/${host}')).toBe('dal13/db01');
    // Go reads "$1x" as the group named "1x", which does not exist.
    expect(ok('replace', 'ab', '/(a)/', '$1x')).toBe('b');
    expect(ok('replace', 'ab', '/(a)/', '${1}x')).toBe('axb');
    expect(ok('replace', 'ab', '/(a)/', '$$')).toBe('$b');
    expect(ok('replace', 'ABC', '/(?i)b/', '-')).toBe('A-C');
    expect(ok('replace', 'a1b22', '/[[:digit:]]+/', '#')).toBe('a#b#');
  });

  it('replace reports an invalid regular expression against the substring argument', () => {
    expect(fails('replace', 'x', '/(/', 'y')).toBe(
      'Invalid function argument: Invalid value for "substr" parameter: error parsing regexp: missing closing ): `(`.',
    );
  });

  it('substr counts characters, allows a negative offset and length -1', () => {
    expect(ok('substr', 'hello world', 1, 4)).toBe('ello');
    expect(ok('substr', '🤔🤷', 0, 1)).toBe('🤔');
    expect(ok('substr', 'hello world', -5, -1)).toBe('world');
    expect(ok('substr', 'hello world', -5, 3)).toBe('wor');
    expect(ok('substr', 'hello', 10, 2)).toBe('');
    expect(ok('substr', 'hello', 2, 0)).toBe('');
    expect(ok('substr', 'hello', 3, 100)).toBe('lo');
    expect(ok('substr', 'hello', -10, 2)).toBe('he');
  });

  it('substr requires whole numbers', () => {
    expect(fails('substr', 'hello', 1.5, 2)).toBe('Invalid function argument: Invalid value for "offset" parameter: a whole number is required.');
    expect(fails('substr', 'hello', 'x', 2)).toBe('Invalid function argument: Invalid value for "offset" parameter: a number is required.');
  });

  it('small string helpers behave as in Terraform', () => {
    expect(ok('chomp', 'hello\r\n\n')).toBe('hello');
    expect(ok('trim', '?!hello?!', '!?')).toBe('hello');
    expect(ok('trimprefix', 'helloworld', 'hello')).toBe('world');
    expect(ok('trimsuffix', 'helloworld', 'world')).toBe('hello');
    expect(ok('startswith', 'hello', 'he')).toBe(true);
    expect(ok('endswith', 'hello', 'he')).toBe(false);
    expect(ok('strrev', 'abc')).toBe('cba');
    expect(ok('indent', 2, 'a\nb')).toBe('a\n  b');
  });
});

describe('format and formatlist', () => {
  it('formats strings, numbers and bools with the default verbs', () => {
    expect(ok('format', 'Hello, %s!', 'Ander')).toBe('Hello, Ander!');
    expect(ok('format', 'There are %d lights', 4)).toBe('There are 4 lights');
    expect(ok('format', '%t/%t', true, 'false')).toBe('true/false');
    expect(ok('format', '100%%')).toBe('100%');
    expect(ok('format', '%s', 12.5)).toBe('12.5');
  });

  it('%v uses %g for numbers and JSON for collections; %#v is always JSON', () => {
    expect(ok('format', '%v', 'x')).toBe('x');
    expect(ok('format', '%v', 1000000)).toBe('1e+06');
    expect(ok('format', '%v', 123456)).toBe('123456');
    expect(ok('format', '%v', [1, 'a'])).toBe('[1,"a"]');
    expect(ok('format', '%v', obj({ b: 1, a: true }))).toBe('{"a":true,"b":1}');
    expect(ok('format', '%#v', 'x')).toBe('"x"');
    expect(ok('format', '%v', null)).toBe('null');
    expect(ok('format', '%v|%d|%.1f|%e', -5, -5, -2.25, -1500)).toBe('-5|-5|-2.2|-1.500000e+03');
  });

  it('supports width, precision, flags and explicit argument indexes', () => {
    expect(ok('format', '%.2f', 3.14159)).toBe('3.14');
    expect(ok('format', '%8.3f|', 3.14159)).toBe('   3.142|');
    expect(ok('format', '%-6s|', 'ab')).toBe('ab    |');
    expect(ok('format', '%6s|', 'ab')).toBe('    ab|');
    expect(ok('format', '%05d', 42)).toBe('00042');
    expect(ok('format', '%05d', -42)).toBe('-0042');
    expect(ok('format', '%+d', 5)).toBe('+5');
    expect(ok('format', '%x %X %o %b', 255, 255, 8, 5)).toBe('ff FF 10 101');
    expect(ok('format', '%#x', 255)).toBe('0xff');
    expect(ok('format', '%e', 1234.5678)).toBe('1.234568e+03');
    expect(ok('format', '%.1e', 0.000123)).toBe('1.2e-04');
    expect(ok('format', '%g', 0.00001)).toBe('1e-05');
    expect(ok('format', '%g', 100)).toBe('100');
    expect(ok('format', '%.3g', 1234.5)).toBe('1.23e+03');
    expect(ok('format', '%q', 'a "b" <c>')).toBe('"a \\"b\\" \\u003cc\\u003e"');
    expect(ok('format', '%.3s', 'abcdef')).toBe('abc');
    expect(ok('format', '%[2]s %[1]s', 'a', 'b')).toBe('b a');
    expect(ok('format', '%f', 1)).toBe('1.000000');
    expect(ok('format', '%.0f', 2.5)).toBe('2');
    expect(ok('format', '%.2f', 0.125)).toBe('0.12');
    expect(ok('format', '%.2f', 2.675)).toBe('2.68');
  });

  it('reports too few and too many arguments, bad verbs and bad values', () => {
    expect(fails('format', '%s %s', 'a')).toBe(
      'Error in function call: Call to function "format" failed: not enough arguments for "%s" at 3: need index 2 but have 1 total.',
    );
    expect(fails('format', 'hi', 'a')).toBe('Invalid function argument: Invalid value for "args" parameter: too many arguments; no verbs in format string.');
    expect(fails('format', '%s', 'a', 'b')).toBe(
      'Invalid function argument: Invalid value for "args" parameter: too many arguments; only 1 used by format string.',
    );
    expect(fails('format', '%z', 1)).toBe('Error in function call: Call to function "format" failed: unsupported format verb \'z\' in "%z" at offset 0.');
    expect(fails('format', '%d', 1.5)).toBe(
      'Error in function call: Call to function "format" failed: unsupported value for "%d" at 0: an integer is required.',
    );
    expect(fails('format', '%d', 'x')).toMatch(/unsupported value for "%d" at 0: a number is required/);
    expect(fails('format', '%s', null)).toMatch(/null value cannot be formatted/);
  });

  it('format with an unknown argument is unknown', () => {
    expect(ok('format', '%s-%s', 'a', UNKNOWN)).toBe(UNKNOWN);
  });

  it('formatlist iterates lists in step and repeats single values', () => {
    expect(ok('formatlist', 'Hello, %s!', ['Valentina', 'Ander'])).toEqual(['Hello, Valentina!', 'Hello, Ander!']);
    expect(ok('formatlist', '%s=%d', ['a', 'b'], [1, 2])).toEqual(['a=1', 'b=2']);
    expect(ok('formatlist', '%s.%s', 'vm', ['a', 'b'])).toEqual(['vm.a', 'vm.b']);
    expect(ok('formatlist', '%s', 'x')).toEqual(['x']);
    expect(ok('formatlist', '%s', [])).toEqual([]);
  });

  it('formatlist refuses lists of different lengths', () => {
    expect(fails('formatlist', '%s%s', ['a'], ['b', 'c'])).toBe(
      'Invalid function argument: Invalid value for "args" parameter: argument 2 has length 2, which is inconsistent with argument 1 of length 1.',
    );
  });

  it('formatlist makes only the affected element unknown', () => {
    expect(ok('formatlist', '%s!', ['a', UNKNOWN])).toEqual(['a!', UNKNOWN]);
  });
});

describe('collection functions', () => {
  it('concat joins lists in order and keeps unknown elements', () => {
    expect(ok('concat', ['a'], ['b', 'c'], [])).toEqual(['a', 'b', 'c']);
    expect(ok('concat', [UNKNOWN], [1])).toEqual([UNKNOWN, 1]);
    expect(ok('concat', ['a'], UNKNOWN)).toBe(UNKNOWN);
  });

  it('concat rejects non-lists, naming the argument', () => {
    expect(fails('concat', ['a'], 'b')).toBe(
      'Invalid function argument: Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string.',
    );
  });

  it('merge combines objects, later arguments winning, nulls skipped', () => {
    expect(ok('merge', obj({ a: 1, b: 2 }), null, obj({ b: 3, c: 4 }))).toEqual({ a: 1, b: 3, c: 4 });
    expect(ok('merge')).toEqual({});
    expect(ok('merge', obj({ a: 1 }), UNKNOWN)).toBe(UNKNOWN);
    expect(ok('merge', obj({ a: UNKNOWN }))).toEqual({ a: UNKNOWN });
    expect(fails('merge', obj({}), [1])).toBe('Invalid function argument: Invalid value for "maps" parameter: arguments must be maps or objects, got "tuple".');
  });

  it('merge keeps keys named like Object.prototype members as plain keys', () => {
    const merged = ok('merge', obj({ constructor: 'x' }), objectValue([['__proto__', 'y']])) as Record<string, Value>;
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'constructor']);
    expect(merged.constructor).toBe('x');
  });

  it('lookup returns the value, the default, or an error naming the key', () => {
    const m = obj({ a: 'ay', b: 'bee' });
    expect(ok('lookup', m, 'a')).toBe('ay');
    expect(ok('lookup', m, 'c', 'what?')).toBe('what?');
    expect(ok('lookup', m, 'c', null)).toBe(null);
    expect(ok('lookup', obj({}), 'constructor', 'd')).toBe('d');
    expect(fails('lookup', m, 'c')).toBe('Invalid function argument: Invalid value for "key" parameter: lookup failed to find key "c".');
    expect(fails('lookup', m)).toMatch(/^Not enough function arguments: Function "lookup" expects at least 2 argument\(s\)/);
    expect(fails('lookup', m, 'a', 'b', 'c')).toMatch(/^Too many function arguments: Function "lookup" expects only 3 argument\(s\)/);
  });

  it('lookup with a sensitive key does not quote it in the error', () => {
    const msg = fails('lookup', obj({ a: 1 }), sensitive('hunter2'));
    expect(msg).toContain('lookup failed to find key (sensitive value)');
    expect(msg).not.toContain('hunter2');
  });

  it('keys are sorted; values follow the sorted keys', () => {
    const m = obj({ zeta: 1, alpha: 2, mid: 3 });
    expect(ok('keys', m)).toEqual(['alpha', 'mid', 'zeta']);
    expect(ok('values', m)).toEqual([2, 3, 1]);
    expect(ok('keys', obj({ a: UNKNOWN }))).toEqual(['a']);
    expect(fails('keys', [1])).toMatch(/Invalid value for "inputMap" parameter: must have map or object type/);
  });

  it('contains compares deeply and is unknown only when an unknown could match', () => {
    expect(ok('contains', ['a', 'b'], 'b')).toBe(true);
    expect(ok('contains', ['a', 'b'], 'z')).toBe(false);
    expect(ok('contains', [[1, 2], obj({ a: 1 })], obj({ a: 1 }))).toBe(true);
    expect(ok('contains', [1], '1')).toBe(false);
    expect(ok('contains', ['a', UNKNOWN], 'a')).toBe(true);
    expect(ok('contains', ['a', UNKNOWN], 'b')).toBe(UNKNOWN);
    expect(ok('contains', [], UNKNOWN)).toBe(false);
    expect(fails('contains', 'abc', 'a')).toMatch(/argument must be list, tuple, or set/);
  });

  it('distinct keeps the first of each value', () => {
    expect(ok('distinct', ['a', 'b', 'a', 'c', 'b'])).toEqual(['a', 'b', 'c']);
    expect(ok('distinct', [[1], [1], [2]])).toEqual([[1], [2]]);
    expect(ok('distinct', ['a', UNKNOWN])).toBe(UNKNOWN);
  });

  it('flatten flattens nested lists deeply but not objects', () => {
    expect(ok('flatten', [['a', 'b'], [], ['c', ['d', ['e']]]])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ok('flatten', [obj({ a: [1] }), null])).toEqual([{ a: [1] }, null]);
    expect(ok('flatten', [['a'], UNKNOWN])).toBe(UNKNOWN);
    expect(ok('flatten', [obj({ a: UNKNOWN })])).toEqual([{ a: UNKNOWN }]);
    expect(fails('flatten', 'x')).toMatch(/can only flatten lists, sets and tuples/);
  });

  it('range follows Terraform: one to three arguments, direction from the arguments', () => {
    expect(ok('range', 3)).toEqual([0, 1, 2]);
    expect(ok('range', 1, 4)).toEqual([1, 2, 3]);
    expect(ok('range', 1, 8, 2)).toEqual([1, 3, 5, 7]);
    expect(ok('range', 4, 1)).toEqual([4, 3, 2]);
    expect(ok('range', -3)).toEqual([0, -1, -2]);
    expect(ok('range', 10, 5, -2)).toEqual([10, 8, 6]);
    expect(ok('range', 0)).toEqual([]);
    expect(ok('range', 0, 1, 0.25)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(ok('range', 0, 0.5, 0.1)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect((ok('range', 1024) as Value[]).length).toBe(1024);
  });

  it('range errors: zero step, wrong direction, more than 1024 values, arity', () => {
    expect(fails('range', 1, 4, 0)).toBe('Invalid function argument: Invalid value for "params" parameter: step must not be zero.');
    expect(fails('range', 1, 4, -1)).toBe(
      'Invalid function argument: Invalid value for "params" parameter: end must be less than start when step is negative.',
    );
    expect(fails('range', 4, 1, 1)).toMatch(/end must be greater than start when step is positive/);
    expect(fails('range', 1025)).toBe(
      'Error in function call: Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step.',
    );
    expect(fails('range')).toMatch(/must have one, two, or three arguments/);
    expect(fails('range', 1, 2, 3, 4)).toMatch(/must have one, two, or three arguments/);
  });

  it('element wraps around; slice, reverse, sort, compact, zipmap, index, one', () => {
    expect(ok('element', ['a', 'b', 'c'], 4)).toBe('b');
    expect(fails('element', [], 0)).toMatch(/cannot use element function with an empty list/);
    expect(ok('slice', ['a', 'b', 'c', 'd'], 1, 3)).toEqual(['b', 'c']);
    expect(fails('slice', ['a'], 0, 2)).toMatch(/ending index must be less than or equal to the length/);
    expect(ok('reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(ok('sort', ['b', 'a', 'C', '10', '9'])).toEqual(['10', '9', 'C', 'a', 'b']);
    expect(ok('compact', ['a', '', null, 'b'])).toEqual(['a', 'b']);
    expect(ok('zipmap', ['a', 'b'], [1, 2])).toEqual({ a: 1, b: 2 });
    expect(ok('index', ['a', 'b'], 'b')).toBe(1);
    expect(fails('index', ['a'], 'z')).toMatch(/item not found/);
    expect(ok('one', [])).toBe(null);
    expect(ok('one', ['x'])).toBe('x');
    expect(ok('coalescelist', [], ['a'])).toEqual(['a']);
    expect(ok('alltrue', [true, 'true'])).toBe(true);
    expect(ok('anytrue', [])).toBe(false);
    expect(ok('sum', [1, 2, 3.5])).toBe(6.5);
  });
});

describe('number functions', () => {
  it('min and max take any number of numbers (numeric strings convert)', () => {
    expect(ok('min', 12, 54, 3)).toBe(3);
    expect(ok('max', 12, '54', 3)).toBe(54);
    expect(fails('min')).toMatch(/must pass at least one number/);
    expect(fails('max', 1, 'x')).toBe('Invalid function argument: Invalid value for "numbers" parameter: a number is required.');
  });

  it('abs, ceil, floor', () => {
    expect(ok('abs', -12.4)).toBe(12.4);
    expect(ok('ceil', 5.1)).toBe(6);
    expect(ok('floor', -5.1)).toBe(-6);
    expect(ok('floor', 5)).toBe(5);
    expect(ok('abs', UNKNOWN)).toBe(UNKNOWN);
    expect(fails('ceil', true)).toBe('Invalid function argument: Invalid value for "num" parameter: number required.');
  });

  it('parseint, signum and pow', () => {
    expect(ok('parseint', 'FF', 16)).toBe(255);
    expect(ok('parseint', '-101', 2)).toBe(-5);
    expect(fails('parseint', '12', 1)).toMatch(/base must be a whole number between 2 and 62/);
    expect(ok('signum', -3)).toBe(-1);
    expect(ok('pow', 2, 10)).toBe(1024);
  });
});

describe('conversion functions', () => {
  it('coalesce returns the first non-null, non-empty argument, unifying types', () => {
    expect(ok('coalesce', null, '', 'b', 'c')).toBe('b');
    expect(ok('coalesce', null, 2, 3)).toBe(2);
    expect(ok('coalesce', '', 1)).toBe('1');
    expect(ok('coalesce', null, UNKNOWN, 'x')).toBe(UNKNOWN);
    expect(ok('coalesce', 'a', UNKNOWN)).toBe('a');
    expect(fails('coalesce', null, '')).toBe('Error in function call: Call to function "coalesce" failed: no non-null, non-empty-string arguments.');
    expect(fails('coalesce', 1, true)).toMatch(/all arguments must have the same type/);
  });

  it('tolist and tomap unify primitive elements to one type', () => {
    expect(ok('tolist', ['a', 1, true])).toEqual(['a', '1', 'true']);
    expect(ok('tolist', [1, 2])).toEqual([1, 2]);
    expect(ok('tolist', null)).toBe(null);
    expect(ok('tomap', obj({ a: 1, b: 'x' }))).toEqual({ a: '1', b: 'x' });
    expect(fails('tolist', 'a')).toBe('Invalid function argument: Invalid value for "v" parameter: cannot convert string to list of any single type.');
    expect(fails('tolist', [1, true])).toMatch(/cannot convert tuple to list of any single type/);
    expect(fails('tomap', [1])).toMatch(/cannot convert tuple to map of any single type/);
  });

  it('toset removes duplicates and orders like Terraform sets', () => {
    expect(ok('toset', ['c', 'a', 'b', 'a'])).toEqual(['a', 'b', 'c']);
    expect(ok('toset', [10, 9, 100, 9])).toEqual([9, 10, 100]);
    expect(ok('toset', ['b', 1])).toEqual(['1', 'b']);
    expect(ok('toset', ['a', UNKNOWN])).toBe(UNKNOWN);
  });

  it('tostring, tonumber and tobool convert primitives and refuse the rest', () => {
    expect(ok('tostring', 12)).toBe('12');
    expect(ok('tostring', 1e21)).toBe('1000000000000000000000');
    expect(ok('tostring', true)).toBe('true');
    expect(ok('tostring', null)).toBe(null);
    expect(fails('tostring', [1])).toBe('Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to string.');
    expect(ok('tonumber', '12.5')).toBe(12.5);
    expect(ok('tonumber', null)).toBe(null);
    expect(fails('tonumber', 'twelve')).toBe(
      'Invalid function argument: Invalid value for "v" parameter: cannot convert "twelve" to number; given string must be a decimal representation of a number.',
    );
    expect(fails('tonumber', true)).toMatch(/cannot convert bool to number/);
    expect(ok('tobool', 'true')).toBe(true);
    expect(fails('tobool', 'yes')).toBe(
      'Invalid function argument: Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed.',
    );
    expect(fails('tobool', 1)).toMatch(/cannot convert number to bool/);
  });

  it('tonumber of a sensitive string does not quote it in the error', () => {
    const msg = fails('tonumber', sensitive('s3cret'));
    expect(msg).not.toContain('s3cret');
    expect(msg).toContain('(sensitive value)');
  });

  it('jsonencode sorts keys and escapes like Terraform', () => {
    expect(ok('jsonencode', obj({ b: [1, 'two', null], a: true }))).toBe('{"a":true,"b":[1,"two",null]}');
    expect(ok('jsonencode', '<&>')).toBe('"\\u003c\\u0026\\u003e"');
    expect(ok('jsonencode', 0.1)).toBe('0.1');
    expect(ok('jsonencode', 1e21)).toBe('1000000000000000000000');
    expect(ok('jsonencode', null)).toBe('null');
    expect(ok('jsonencode', [UNKNOWN])).toBe(UNKNOWN);
  });

  it('jsondecode parses into values with prototype-free objects', () => {
    const v = ok('jsondecode', '{"a":[1,2],"constructor":{"b":null}}') as Record<string, Value>;
    expect(v).toEqual({ a: [1, 2], constructor: { b: null } });
    expect(Object.getPrototypeOf(v)).toBe(null);
    expect(ok('jsondecode', '"x"')).toBe('x');
    expect(fails('jsondecode', '{nope')).toMatch(/^Invalid function argument: Invalid value for "str" parameter: invalid JSON/);
  });

  it('base64 round-trips UTF-8 text', () => {
    expect(ok('base64encode', 'héllo')).toBe('aMOpbGxv');
    expect(ok('base64decode', 'aMOpbGxv')).toBe('héllo');
    expect(fails('base64decode', '!!')).toMatch(/failed to decode base64 data/);
  });
});

describe('network functions', () => {
  it('cidrsubnet extends an IPv4 prefix', () => {
    expect(ok('cidrsubnet', '172.16.0.0/12', 4, 2)).toBe('172.18.0.0/16');
    expect(ok('cidrsubnet', '10.1.2.0/24', 4, 15)).toBe('10.1.2.240/28');
    expect(ok('cidrsubnet', '10.1.2.3/16', 8, 1)).toBe('10.1.1.0/24');
    expect(ok('cidrsubnet', '10.0.0.0/8', 0, 0)).toBe('10.0.0.0/8');
  });

  it('cidrsubnet extends an IPv6 prefix', () => {
    expect(ok('cidrsubnet', 'fd00:fd12:3456:7890::/56', 16, 162)).toBe('fd00:fd12:3456:7800:a200::/72');
    expect(ok('cidrsubnet', '2001:db8::/32', 16, 1)).toBe('2001:db8:1::/48');
  });

  it('cidrsubnet errors name the argument and say why', () => {
    expect(fails('cidrsubnet', '10.0.0.0/16', 9, 600)).toBe(
      'Invalid function argument: Invalid value for "netnum" parameter: prefix extension of 9 does not accommodate a subnet numbered 600.',
    );
    expect(fails('cidrsubnet', '10.0.0.0/30', 3, 0)).toBe(
      'Invalid function argument: Invalid value for "newbits" parameter: insufficient address space to extend prefix of 30 by 3.',
    );
    expect(fails('cidrsubnet', '10.0.0.0/33', 1, 0)).toBe(
      'Invalid function argument: Invalid value for "prefix" parameter: invalid CIDR expression: invalid CIDR address: 10.0.0.0/33.',
    );
    expect(fails('cidrsubnet', '10.0.0.256/8', 1, 0)).toMatch(/invalid CIDR address: 10.0.0.256\/8/);
    expect(fails('cidrsubnet', 'banana', 1, 0)).toMatch(/invalid CIDR address: banana/);
    expect(fails('cidrsubnet', '10.0.0.0/8', 1, -1)).toMatch(/does not accommodate a subnet numbered -1/);
  });

  it('cidrhost picks a host, counting back from the end for negative numbers', () => {
    expect(ok('cidrhost', '10.12.112.0/20', 16)).toBe('10.12.112.16');
    expect(ok('cidrhost', '10.12.112.0/20', 268)).toBe('10.12.113.12');
    expect(ok('cidrhost', '10.0.0.0/24', -1)).toBe('10.0.0.255');
    expect(ok('cidrhost', '10.0.0.0/24', -256)).toBe('10.0.0.0');
    expect(ok('cidrhost', 'fd00:fd12:3456:7890:00a2::/72', 34)).toBe('fd00:fd12:3456:7890::22');
    expect(fails('cidrhost', '10.0.0.0/24', 256)).toBe(
      'Invalid function argument: Invalid value for "hostnum" parameter: prefix of 24 does not accommodate a host numbered 256.',
    );
    expect(fails('cidrhost', '10.0.0.0/24', -257)).toMatch(/prefix of 24 does not accommodate a host numbered -257/);
  });

  it('cidrnetmask gives the IPv4 mask and refuses IPv6', () => {
    expect(ok('cidrnetmask', '172.16.0.0/12')).toBe('255.240.0.0');
    expect(ok('cidrnetmask', '10.0.0.0/32')).toBe('255.255.255.255');
    expect(ok('cidrnetmask', '0.0.0.0/0')).toBe('0.0.0.0');
    expect(fails('cidrnetmask', '2001:db8::/32')).toBe(
      'Invalid function argument: Invalid value for "prefix" parameter: IPv6 addresses cannot have a netmask: 2001:db8::/32.',
    );
  });

  it('cidrsubnets allocates consecutive aligned subnets', () => {
    expect(ok('cidrsubnets', '10.1.0.0/16', 4, 4, 8, 4)).toEqual(['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']);
    expect(fails('cidrsubnets', '10.0.0.0/30', 1, 1, 1)).toMatch(/not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2\/31/);
  });
});

describe('file()', () => {
  function tempConfig(): { dir: string; cleanup: () => void } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-file-'));
    const dir = path.join(root, 'config');
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'scripts', 'db-ready.sh'), '#!/bin/sh\necho ready\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'top secret');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'link.txt'));
    return { dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
  }
  const readFile = (p: string) => fs.readFileSync(p, 'utf8');

  it('reads a file relative to the configuration directory', () => {
    const { dir, cleanup } = tempConfig();
    try {
      const r = callIn({ baseDir: dir, readFile }, 'file', 'scripts/db-ready.sh');
      expect(r.diagnostics).toEqual([]);
      expect(r.value).toBe('#!/bin/sh\necho ready\n');
      expect(callIn({ baseDir: dir, readFile }, 'file', './scripts/../scripts/db-ready.sh').value).toBe('#!/bin/sh\necho ready\n');
    } finally {
      cleanup();
    }
  });

  it('refuses paths that escape the configuration directory, without reading them', () => {
    const { dir, cleanup } = tempConfig();
    try {
      const reads: string[] = [];
      const spy = (p: string) => {
        reads.push(p);
        return readFile(p);
      };
      for (const p of ['../secret.txt', path.join(dir, '..', 'secret.txt'), '/etc/passwd', 'scripts/../../secret.txt']) {
        const r = callIn({ baseDir: dir, readFile: spy }, 'file', p);
        expect(r.diagnostics).toHaveLength(1);
        expect(r.diagnostics[0].summary).toBe('Invalid function argument');
        expect(r.diagnostics[0].detail).toContain('Invalid value for "path" parameter: path escapes the configuration directory');
        expect(r.value).toBe(UNKNOWN);
      }
      expect(reads).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('refuses a symlink that points outside when realPath is given', () => {
    const { dir, cleanup } = tempConfig();
    try {
      const r = callIn({ baseDir: dir, readFile, realPath: (p) => fs.realpathSync(p) }, 'file', 'link.txt');
      expect(r.diagnostics.map((d) => d.detail)).toEqual(['Invalid value for "path" parameter: path escapes the configuration directory: "link.txt".']);
    } finally {
      cleanup();
    }
  });

  it('reports a missing file and a missing file reader', () => {
    const { dir, cleanup } = tempConfig();
    try {
      const r = callIn({ baseDir: dir, readFile }, 'file', 'nope.txt');
      expect(r.diagnostics[0].detail).toBe(
        'Invalid value for "path" parameter: no file exists at "nope.txt"; this function works only with files that are distributed as part of the configuration source code.',
      );
      const d = callIn({ baseDir: dir, readFile }, 'file', 'scripts');
      expect(d.diagnostics[0].detail).toContain('is a directory');
      expect(call('file', 'x').diagnostics[0].detail).toContain('file() is not available here');
    } finally {
      cleanup();
    }
  });
});

describe('wrong argument types', () => {
  const cases: [string, Value[], string][] = [
    ['trimspace', [[]], 'Invalid value for "str" parameter: string required.'],
    ['title', [obj({})], 'Invalid value for "str" parameter: string required.'],
    ['split', [',', [1]], 'Invalid value for "str" parameter: string required.'],
    ['split', [null, 'a'], 'Invalid value for "separator" parameter: argument must not be null.'],
    ['values', ['x'], 'Invalid value for "mapping" parameter: values() requires a map as the first argument, but it is a string.'],
    ['distinct', ['x'], 'Invalid value for "list" parameter: a list is required, but the value is a string.'],
    ['abs', ['x'], 'Invalid value for "num" parameter: a number is required.'],
    ['floor', [null], 'Invalid value for "num" parameter: argument must not be null.'],
    ['toset', ['a'], 'Invalid value for "v" parameter: cannot convert string to set of any single type.'],
    ['tomap', ['a'], 'Invalid value for "v" parameter: cannot convert string to map of any single type.'],
    ['cidrhost', ['10.0.0.0/8', 'x'], 'Invalid value for "hostnum" parameter: a number is required.'],
    ['cidrhost', ['10.0.0.0/8', 1.5], 'Invalid value for "hostnum" parameter: a whole number is required.'],
    ['cidrnetmask', [[]], 'Invalid value for "prefix" parameter: string required.'],
    ['lookup', ['x', 'k'], 'Invalid value for "inputMap" parameter: the first argument must be a map or object, but it is a string.'],
    ['file', [[]], 'Invalid value for "path" parameter: string required.'],
  ];
  for (const [name, args, detail] of cases) {
    it(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) → ${detail}`, () => {
      const r = call(name, ...args);
      expect(r.diagnostics.map((d) => [d.summary, d.detail])).toEqual([['Invalid function argument', detail]]);
      expect(r.value).toBe(UNKNOWN);
    });
  }

  it('the diagnostic points at the offending argument', () => {
    const r = call('substr', 'abc', 0, 'x');
    // build.ts places argument i at column 10 + 3i.
    expect(r.diagnostics[0].subject?.start.column).toBe(16);
  });
});

describe('unknown and sensitive arguments', () => {
  it('a sensitive argument makes the result sensitive', () => {
    const r = ok('upper', sensitive('secret'));
    expect(isSensitive(r)).toBe(true);
    expect(unmark(r)).toBe('SECRET');
    const j = ok('join', ',', ['a', sensitive('b')]);
    expect(isSensitive(j)).toBe(true);
    expect(unmark(j)).toBe('a,b');
  });

  it('functions that move elements keep marks on the elements they move', () => {
    const c = ok('concat', ['a'], [sensitive('b')]) as Value[];
    expect(isSensitive(c)).toBe(false);
    expect(isSensitive(c[1])).toBe(true);
    const l = ok('lookup', obj({ pw: sensitive('x'), user: 'u' }), 'user');
    expect(l).toBe('u');
    expect(isSensitive(ok('length', sensitive([1, 2])))).toBe(true);
    expect(ok('length', [sensitive(1), 2])).toBe(2);
  });

  it('jsonencode of anything sensitive is sensitive as a whole', () => {
    const r = ok('jsonencode', obj({ user: 'u', pw: sensitive('x') }));
    expect(isSensitive(r)).toBe(true);
    expect(unmark(r)).toBe('{"pw":"x","user":"u"}');
  });

  it('an unknown primitive argument makes the result unknown, sensitive if any input was', () => {
    expect(ok('cidrhost', UNKNOWN, 1)).toBe(UNKNOWN);
    const r = ok('upper', sensitive(UNKNOWN));
    expect(isSensitive(r)).toBe(true);
  });
});
