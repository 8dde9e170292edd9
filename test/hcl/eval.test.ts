// Evaluator semantics. The first part builds syntax trees by hand (splat items, explicit ranges,
// values no source text can spell); the rest parses real expressions.
import { describe, expect, it } from 'vitest';
import { evaluate, type EvalResult, type Scope } from '../../src/hcl/eval.js';
import type { Expression } from '../../src/hcl/ast.js';
import {
  UNKNOWN,
  containsSensitive,
  isSensitive,
  numberToString,
  objectValue,
  sensitive,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  unmark,
  valueEquals,
  valueToJson,
  type Value,
} from '../../src/hcl/value.js';
import { at, attr, bin, cond, evalSrc, fn, forObject, forTuple, idx, item, lit, not, object, parse, rangeOf, splat, template, tuple, v } from './build.js';

const obj = (o: Record<string, Value>) => objectValue(Object.entries(o));
const scope = (variables: Record<string, Value>): Scope => ({ variables });
const run = (e: Expression, vars: Record<string, Value> = {}) => evaluate(e, scope(vars));

describe('evaluating hand-built expressions', () => {
  it('resolves variables and attributes, reporting the attribute name range', () => {
    const vars = { var: obj({ region: 'dal13' }) };
    expect(run(attr(v('var'), 'region'), vars).value).toBe('dal13');
    const r = run(attr(v('var', at(1, 3)), 'regoin', at(5, 6)), vars);
    expect(r.value).toBe(UNKNOWN);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        summary: 'Unsupported attribute',
        detail: 'This object does not have an attribute named "regoin". Did you mean "region"?',
        subject: at(5, 6),
        context: { ...at(1, 3), end: at(5, 6).end },
      },
    ]);
  });

  it('an error is reported once and does not cascade into the expressions built on it', () => {
    const e = bin(fn('upper', attr(v('nope', at(1, 4)), 'x')), '+', lit(1));
    const r = run(e, { var: obj({}) });
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Unknown variable']);
    expect(r.diagnostics[0].subject).toEqual(at(1, 4));
    expect(r.value).toBe(UNKNOWN);
  });

  it('splat applies its each-expression to every element with the splat item bound', () => {
    const vms = [obj({ name: 'db01', ip: '10.0.0.5' }), obj({ name: 'app01', ip: '10.0.0.6' })];
    expect(run(splat(v('vms'), attr(item(), 'name')), { vms }).value).toEqual(['db01', 'app01']);
  });

  it('nested splats bind their own items', () => {
    const groups = [obj({ vms: [obj({ n: 'a' }), obj({ n: 'b' })] }), obj({ vms: [obj({ n: 'c' })] })];
    const inner = splat(attr(item(), 'vms'), attr(item(), 'n'));
    expect(run(splat(v('groups'), inner), { groups }).value).toEqual([['a', 'b'], ['c']]);
  });

  it('splat on null gives an empty tuple, on a single object a one-element tuple, on unknown unknown', () => {
    const e = splat(v('x'), attr(item(), 'id'));
    expect(run(e, { x: null }).value).toEqual([]);
    expect(run(e, { x: obj({ id: 7 }) }).value).toEqual([7]);
    expect(run(e, { x: UNKNOWN }).value).toBe(UNKNOWN);
  });

  it('a splat over a sensitive list is sensitive', () => {
    const r = run(splat(v('x'), attr(item(), 'id')), { x: sensitive([obj({ id: 1 })]) });
    expect(isSensitive(r.value)).toBe(true);
    expect(unmark(r.value)).toEqual([1]);
  });

  it('the same mistake in every element of a splat is reported once', () => {
    const r = run(splat(v('xs'), attr(item(), 'nmae', at(30, 4))), { xs: [obj({ name: 1 }), obj({ name: 2 })] });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].detail).toBe('This object does not have an attribute named "nmae". Did you mean "name"?');
  });

  it('for binds key and value variables that shadow the scope', () => {
    const e = forTuple('var', v('xs'), bin(v('var'), '*', v('i')), { keyVar: 'i' });
    expect(run(e, { xs: [10, 20, 30], var: 'outer' }).value).toEqual([0, 20, 60]);
  });

  it('for over an object iterates keys in lexical order', () => {
    const e = forTuple('val', v('m'), template(v('k'), '=', v('val')), { keyVar: 'k' });
    expect(run(e, { m: obj({ zed: 1, alpha: 2 }) }).value).toEqual(['alpha=2', 'zed=1']);
  });

  it('object for with grouping collects values under each key', () => {
    const e = forObject('vm', v('vms'), attr(v('vm'), 'site'), attr(v('vm'), 'name'), { group: true });
    const vms = [obj({ site: 'home', name: 'a' }), obj({ site: 'dr', name: 'b' }), obj({ site: 'home', name: 'c' })];
    expect(run(e, { vms }).value).toEqual({ home: ['a', 'c'], dr: ['b'] });
  });

  it('object for without grouping reports a duplicate key at the key expression', () => {
    const key = attr(v('vm'), 'site', at(40, 4));
    const e = forObject('vm', v('vms'), key, attr(v('vm'), 'name'));
    const vms = [obj({ site: 'home', name: 'a' }), obj({ site: 'home', name: 'c' })];
    const r = run(e, { vms });
    expect(r.value).toBe(UNKNOWN);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].summary).toBe('Duplicate object key');
    expect(r.diagnostics[0].detail).toContain('Two different items produced the key "home"');
    expect(r.diagnostics[0].subject).toEqual(key.range);
  });

  it('for with an unknown condition or key is unknown as a whole', () => {
    expect(run(forTuple('x', v('xs'), v('x'), { condition: v('c') }), { xs: [1], c: UNKNOWN }).value).toBe(UNKNOWN);
    expect(run(forObject('x', v('xs'), v('k'), v('x')), { xs: [1], k: UNKNOWN }).value).toBe(UNKNOWN);
    expect(run(forTuple('x', v('xs'), v('x')), { xs: UNKNOWN }).value).toBe(UNKNOWN);
    expect(run(forTuple('x', v('xs'), v('x')), { xs: [UNKNOWN, 1] }).value).toEqual([UNKNOWN, 1]);
  });

  it('unknown operands make operators unknown without errors', () => {
    for (const e of [bin(v('u'), '+', lit(1)), bin(v('u'), '<', lit(1)), not(v('u')), bin(v('u'), '==', lit(1))]) {
      const r = run(e, { u: UNKNOWN });
      expect(r.value).toBe(UNKNOWN);
      expect(r.diagnostics).toEqual([]);
    }
  });

  it('logical operators decide from a known operand even when the other is unknown', () => {
    expect(run(bin(lit(false), '&&', v('u')), { u: UNKNOWN }).value).toBe(false);
    expect(run(bin(v('u'), '&&', lit(false)), { u: UNKNOWN }).value).toBe(false);
    expect(run(bin(v('u'), '||', lit(true)), { u: UNKNOWN }).value).toBe(true);
    expect(run(bin(v('u'), '||', lit(false)), { u: UNKNOWN }).value).toBe(UNKNOWN);
  });

  it('equality of collections is decided by their known parts', () => {
    expect(run(bin(tuple(lit(1), v('u')), '==', tuple(lit(2), v('u'))), { u: UNKNOWN }).value).toBe(false);
    expect(run(bin(tuple(lit(1), v('u')), '==', tuple(lit(1), lit(3))), { u: UNKNOWN }).value).toBe(UNKNOWN);
    expect(run(bin(tuple(lit(1)), '!=', tuple(lit(1), v('u'))), { u: UNKNOWN }).value).toBe(true);
  });

  it('a conditional with a known condition picks a branch even if the other is unknown', () => {
    expect(run(cond(lit(true), lit('a'), v('u')), { u: UNKNOWN }).value).toBe('a');
    expect(run(cond(v('u'), lit('a'), lit('b')), { u: UNKNOWN }).value).toBe(UNKNOWN);
  });

  it('sensitive values mark results of operators, templates and conditionals', () => {
    const vars = { pw: sensitive('hunter2'), n: sensitive(2), c: sensitive(true) };
    const t = run(template('pw=', v('pw')), vars).value;
    expect(isSensitive(t)).toBe(true);
    expect(unmark(t)).toBe('pw=hunter2');
    const sum = run(bin(v('n'), '+', lit(1)), vars).value;
    expect(isSensitive(sum)).toBe(true);
    expect(unmark(sum)).toBe(3);
    const picked = run(cond(v('c'), lit('a'), lit('b')), vars).value;
    expect(isSensitive(picked)).toBe(true);
    expect(run(bin(v('pw'), '==', lit('x')), vars).value).toEqual(sensitive(false));
  });

  it('a collection literal keeps the mark on its element, not on the collection', () => {
    const r = run(tuple(lit('a'), v('pw')), { pw: sensitive('x') }).value as Value[];
    expect(isSensitive(r)).toBe(false);
    expect(isSensitive(r[1])).toBe(true);
    const o = run(object(['user', lit('u')], ['pass', v('pw')]), { pw: sensitive('x') }).value as Record<string, Value>;
    expect(isSensitive(o)).toBe(false);
    expect(isSensitive(o.pass)).toBe(true);
    expect(o.user).toBe('u');
  });

  it('reading an attribute or element of a sensitive collection is sensitive', () => {
    const vars = { creds: sensitive(obj({ user: 'u' })), xs: sensitive(['a']) };
    expect(run(attr(v('creds'), 'user'), vars).value).toEqual(sensitive('u'));
    expect(run(idx(v('xs'), lit(0)), vars).value).toEqual(sensitive('a'));
  });

  it('object keys: bare names are literal, others evaluate', () => {
    const e = object(['name', lit(1)], [v('k'), lit(2)], [template('x-', v('k')), lit(3)]);
    // A Variable key means the literal name even when a variable of that name exists.
    expect(run(e, { k: 'kk', name: 'ignored' }).value).toEqual({ name: 1, k: 2, 'x-kk': 3 });
  });

  it('prototype keys are never attributes of an object value', () => {
    const r = run(attr(v('o'), 'constructor'), { o: obj({}) });
    expect(r.diagnostics[0]?.summary).toBe('Unsupported attribute');
    const r2 = run(v('toString'), {});
    expect(r2.diagnostics[0]?.summary).toBe('Unknown variable');
  });
});

describe('the value model', () => {
  it('names types, seeing through sensitive marks', () => {
    expect([null, true, 1, 's', [], obj({}), UNKNOWN].map(typeName)).toEqual(['null', 'bool', 'number', 'string', 'tuple', 'object', 'unknown']);
    expect(typeName(sensitive(3))).toBe('number');
  });

  it('compares deeply, ignoring marks and key order', () => {
    expect(valueEquals(obj({ a: [1, { b: 2 } as Value], c: null }), { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(valueEquals([1, 2], [1, 2, 3])).toBe(false);
    expect(valueEquals(obj({ a: 1 }), obj({ b: 1 }))).toBe(false);
    expect(valueEquals(sensitive('x'), 'x')).toBe(true);
    expect(valueEquals('1', 1)).toBe(false);
    expect(valueEquals(UNKNOWN, UNKNOWN)).toBe(true);
    expect(valueEquals(obj({}), obj({ constructor: 1 }))).toBe(false);
  });

  it('shows values as JSON with secrets and unknowns replaced', () => {
    expect(valueToJson(obj({ user: 'u', pw: sensitive('x'), id: UNKNOWN, tags: [sensitive(1)] }))).toEqual({
      user: 'u',
      pw: '(sensitive)',
      id: '(known after apply)',
      tags: ['(sensitive)'],
    });
  });

  it('unmark removes marks at every depth; containsSensitive finds them', () => {
    const v = obj({ a: [sensitive('x')], b: sensitive(obj({ c: 1 })) });
    expect(containsSensitive(v)).toBe(true);
    expect(containsSensitive(unmark(v))).toBe(false);
    expect(unmark(v)).toEqual({ a: ['x'], b: { c: 1 } });
    expect(sensitive(sensitive(1))).toEqual(sensitive(1));
  });

  it('converts primitives with HCL rules', () => {
    expect(toStringValue(12.5)).toEqual({ ok: true, value: '12.5' });
    expect(toStringValue(false)).toEqual({ ok: true, value: 'false' });
    expect(toStringValue([1])).toEqual({ ok: false, reason: 'string required' });
    expect(toNumberValue('12')).toEqual({ ok: true, value: 12 });
    expect(toNumberValue('-1.5e3')).toEqual({ ok: true, value: -1500 });
    expect(toNumberValue(' 12')).toEqual({ ok: false, reason: 'a number is required' });
    expect(toNumberValue('0x10')).toEqual({ ok: false, reason: 'a number is required' });
    expect(toNumberValue(true)).toEqual({ ok: false, reason: 'number required' });
    expect(toBoolValue('true')).toEqual({ ok: true, value: true });
    expect(toBoolValue('yes')).toEqual({ ok: false, reason: 'a bool is required' });
    expect(toBoolValue(1)).toEqual({ ok: false, reason: 'bool required' });
    expect(toStringValue(null)).toEqual({ ok: true, value: null });
    expect(toStringValue(UNKNOWN)).toEqual({ ok: true, value: UNKNOWN });
    expect(toStringValue(sensitive(1))).toEqual({ ok: true, value: sensitive('1') });
  });

  it('prints numbers in plain decimal, as cty does', () => {
    expect([0, -0, 1, -12, 0.1, 1e21, 1.5e-7, 123.456, 2 ** 53].map(numberToString)).toEqual([
      '0',
      '0',
      '1',
      '-12',
      '0.1',
      '1000000000000000000000',
      '0.00000015',
      '123.456',
      '9007199254740992',
    ]);
  });
});

// --- from source text ------------------------------------------------------------------------

const diag = (r: EvalResult) => r.diagnostics.map((d) => `${d.summary}: ${d.detail}`);
const value = (src: string, vars: Record<string, Value> = {}) => {
  const r = evalSrc(src, vars);
  expect(diag(r)).toEqual([]);
  return r.value;
};
const only = (src: string, vars: Record<string, Value> = {}) => {
  const r = evalSrc(src, vars);
  expect(r.diagnostics).toHaveLength(1);
  expect(r.value).toBe(UNKNOWN);
  return r.diagnostics[0];
};

describe('operators', () => {
  it('follow HCL precedence and associativity', () => {
    expect(value('1 + 2 * 3')).toBe(7);
    expect(value('(1 + 2) * 3')).toBe(9);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('12 / 2 / 3')).toBe(2);
    expect(value('2 * 3 % 4')).toBe(2);
    expect(value('-2 * -3')).toBe(6);
    expect(value('1 + 2 == 3')).toBe(true);
    expect(value('1 < 2 == 2 < 3')).toBe(true);
    expect(value('true || false && false')).toBe(true);
    expect(value('!false && false')).toBe(false);
    expect(value('!(false && false)')).toBe(true);
    expect(value('1 + 1 == 2 ? "y" : "n"')).toBe('y');
    expect(value('false ? 1 : true ? 2 : 3')).toBe(2);
  });

  it('do arithmetic and comparison on numbers, converting numeric strings', () => {
    expect(value('7 / 2')).toBe(3.5);
    expect(value('-7 % 3')).toBe(-1);
    expect(value('"5" + 1')).toBe(6);
    expect(value('1 < "2"')).toBe(true);
    expect(value('3 >= 3 && 3 <= 3 && 4 > 3')).toBe(true);
    expect(value('!"false"')).toBe(true);
  });

  it('compare with == and != deeply and without conversion', () => {
    expect(value('[1, [2, "x"]] == [1, [2, "x"]]')).toBe(true);
    expect(value('{ a = 1, b = [2] } == { b = [2], a = 1 }')).toBe(true);
    expect(value('{ a = 1 } == { a = 1, b = 2 }')).toBe(false);
    expect(value('1 == "1"')).toBe(false);
    expect(value('null == null')).toBe(true);
    expect(value('var.x != null', { var: obj({ x: 'a' }) })).toBe(true);
  });

  it('report unsuitable operands at the operand', () => {
    const src = '"abc" + 1';
    const d = only(src);
    expect([d.summary, d.detail]).toEqual(['Invalid operand', 'Unsuitable value for left operand: a number is required.']);
    expect(d.subject).toEqual(rangeOf(src, '"abc"'));
    expect(d.context).toEqual(rangeOf(src, src));
    const d2 = only('1 + true');
    expect(d2.detail).toBe('Unsuitable value for right operand: number required.');
    expect(d2.subject).toEqual(rangeOf('1 + true', 'true'));
    expect(only('!5').detail).toBe('Unsuitable value for unary operand: bool required.');
    expect(only('-"x"').detail).toBe('Unsuitable value for unary operand: a number is required.');
    expect(only('null * 2').detail).toBe('Unsuitable value for left operand: argument must not be null.');
    expect(only('[1] < 2').detail).toBe('Unsuitable value for left operand: number required.');
    expect(only('1 && true').detail).toBe('Unsuitable value for left operand: bool required.');
  });

  it('refuse to divide by zero', () => {
    const d = only('1 / 0');
    expect([d.summary, d.detail]).toEqual(['Operation failed', "Error during operation: can't divide by zero."]);
    expect(only('5 % 0').summary).toBe('Operation failed');
  });

  it('&& and || skip the right operand when the left decides', () => {
    expect(value('false && var.nope')).toBe(false);
    expect(value('true || var.nope')).toBe(true);
    expect(only('true && var.nope').summary).toBe('Unknown variable');
  });
});

describe('conditionals', () => {
  it('require a bool condition', () => {
    const n = only('null ? 1 : 2');
    expect([n.summary, n.detail]).toEqual(['Null condition', 'The condition value is null. Conditions must either be true or false.']);
    expect(n.subject).toEqual(rangeOf('null ? 1 : 2', 'null'));
    expect(only('"yes" ? 1 : 2').summary).toBe('Incorrect condition type');
    expect(value('"true" ? 1 : 2')).toBe(1);
  });

  it('evaluate only the chosen branch when the condition is known', () => {
    expect(value('true ? "ok" : var.nope')).toBe('ok');
  });

  it('still report mistakes in both branches when the condition is unknown', () => {
    const r = evalSrc('var.c ? var.nope : 1', { var: obj({ c: UNKNOWN }) });
    expect(r.value).toBe(UNKNOWN);
    expect(diag(r)).toEqual(['Unsupported attribute: This object does not have an attribute named "nope".']);
  });
});

describe('references to variables, attributes and elements', () => {
  const vars = {
    var: obj({ region: 'dal13', list: ['a', 'b'], map: obj({ home: 'dal13', dr: 'wdc04' }), n: 5, nul: null, s: 'str' }),
    local: obj({ vms: [obj({ name: 'db01' })] }),
  };

  it('read attributes, indexes and the legacy .0 form', () => {
    expect(value('var.region', vars)).toBe('dal13');
    expect(value('var.list[1]', vars)).toBe('b');
    expect(value('var.list["0"]', vars)).toBe('a');
    expect(value('var.map["dr"]', vars)).toBe('wdc04');
    expect(value('var["map"].home', vars)).toBe('dal13');
    expect(value('local.vms.0.name', vars)).toBe('db01');
  });

  it('an unknown root name suggests the closest name', () => {
    const src = 'vars.region';
    const d = only(src, vars);
    expect([d.summary, d.detail]).toEqual(['Unknown variable', 'There is no variable named "vars". Did you mean "var"?']);
    expect(d.subject).toEqual(rangeOf(src, 'vars'));
    expect(only('zzz', vars).detail).toBe('There is no variable named "zzz".');
  });

  it('a missing attribute names the attribute, at the attribute', () => {
    const src = 'var.regoin';
    const d = only(src, vars);
    expect([d.summary, d.detail]).toEqual(['Unsupported attribute', 'This object does not have an attribute named "regoin". Did you mean "region"?']);
    expect(d.subject).toEqual(rangeOf(src, 'regoin'));
  });

  it('attributes of null, primitives and lists are errors that say why', () => {
    expect(only('var.nul.x', vars).summary).toBe('Attempt to get attribute from null value');
    expect(only('var.n.x', vars).detail).toBe("Can't access attributes on a primitive-typed value (number).");
    expect(only('local.vms.name', vars).detail).toContain("Can't access attributes on a list of objects");
  });

  it('bad indexes are "Invalid index" at the key', () => {
    const src = 'var.list[5]';
    const d = only(src, vars);
    expect([d.summary, d.detail]).toEqual([
      'Invalid index',
      'The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection (2).',
    ]);
    expect(d.subject).toEqual(rangeOf(src, '5'));
    expect(only('var.list[-1]', vars).detail).toContain('a negative number is not a valid index');
    expect(only('var.list[1.5]', vars).detail).toContain('whole number');
    expect(only('var.list["x"]', vars).detail).toContain('a number is required');
    expect(only('[][0]', vars).detail).toContain('the collection has no elements');
    expect(only('var.map["drr"]', vars).detail).toBe('The given key does not identify an element in this collection value. Did you mean "dr"?');
    expect(only('var.map[null]', vars).detail).toBe("Can't use a null value as an indexing key.");
    expect(only('var.s[0]', vars).detail).toBe('This value does not have any indices (it is a string).');
    expect(only('var.nul[0]', vars).summary).toBe('Attempt to index null value');
  });
});

describe('templates', () => {
  it('interpolate values converted to strings', () => {
    expect(value('"${1 + 1} items, ${true}, ${1.5}"')).toBe('2 items, true, 1.5');
    expect(value('"vm-${var.name}"', { var: obj({ name: 'db01' }) })).toBe('vm-db01');
    expect(value('"a\\tb\\n"')).toBe('a\tb\n');
  });

  it('a lone interpolation keeps the value unchanged', () => {
    expect(value('"${[1, 2]}"')).toEqual([1, 2]);
    expect(value('"${null}"')).toBe(null);
    expect(value('"${5}"')).toBe(5);
  });

  it('null and collections cannot be interpolated', () => {
    const src = '"x${null}"';
    const d = only(src);
    expect([d.summary, d.detail]).toEqual([
      'Invalid template interpolation value',
      'The expression result is null. Cannot include a null value in a string template.',
    ]);
    expect(d.subject).toEqual(rangeOf(src, 'null'));
    expect(only('"x${[1]}"').detail).toBe('Cannot include the given value in a string template: string required, but the value is a tuple.');
  });

  it('if and for directives, with strip markers', () => {
    expect(value('"%{ if n > 1 }many%{ else }one%{ endif }"', { n: 2 })).toBe('many');
    expect(value('"%{ if n > 1 }many%{ endif }"', { n: 1 })).toBe('');
    expect(value('"%{ for k, v in m }${k}=${v};%{ endfor }"', { m: obj({ b: 2, a: 1 }) })).toBe('a=1;b=2;');
    expect(value('"%{ for i, x in xs }${i}${x}%{ endfor }"', { xs: ['a', 'b'] })).toBe('0a1b');
    expect(value('"[ %{~ for x in xs ~} ${x} %{~ endfor ~} ]"', { xs: ['a', 'b'] })).toBe('[ab]');
    expect(only('"%{ if 3 }x%{ endif }"').summary).toBe('Incorrect condition type');
    expect(only('"%{ for x in 5 }x%{ endfor }"').summary).toBe('Iteration over non-iterable value');
  });

  it('heredocs evaluate like quoted templates', () => {
    const r = evaluate(parse('<<-EOT\n    host ${name}\n      indented\n    EOT\n'), { variables: { name: 'db01' } });
    expect(r.value).toBe('host db01\n  indented\n');
  });
});

describe('collections and for expressions', () => {
  it('build tuples and objects; object keys may be names, strings, numbers or (expressions)', () => {
    expect(value('[1, "two", [3], null]')).toEqual([1, 'two', [3], null]);
    expect(value('{ name = "x", "quoted key" = 1, (k) = 2, 3 = "n", k = 4 }', { k: 'dyn' })).toEqual({
      name: 'x',
      'quoted key': 1,
      dyn: 2,
      3: 'n',
      k: 4,
    });
    expect(value('{ a = 1, a = 2 }')).toEqual({ a: 2 });
    expect(only('{ (k) = 1 }', { k: null }).summary).toBe('Null value as key');
    expect(only('{ (k) = 1 }', { k: [1] }).summary).toBe('Incorrect key type');
  });

  it('tuple for with index, condition and nesting', () => {
    expect(value('[for s in ["a", "b"] : upper(s)]')).toEqual(['A', 'B']);
    expect(value('[for i, s in ["a", "b"] : "${i}${s}"]')).toEqual(['0a', '1b']);
    expect(value('[for n in [1, 2, 3, 4] : n * n if n % 2 == 0]')).toEqual([4, 16]);
    expect(value('[for xs in [[1, 2], [3]] : [for x in xs : x + 1]]')).toEqual([[2, 3], [4]]);
    expect(value('[for k, v in { b = 2, a = 1 } : "${k}${v}"]')).toEqual(['a1', 'b2']);
  });

  it('object for, with grouping', () => {
    expect(value('{ for s in ["a", "b"] : s => upper(s) }')).toEqual({ a: 'A', b: 'B' });
    expect(value('{ for k, v in { x = 1 } : v => k }')).toEqual({ 1: 'x' });
    expect(value('{ for s in ["apple", "avocado", "banana"] : substr(s, 0, 1) => s... }')).toEqual({
      a: ['apple', 'avocado'],
      b: ['banana'],
    });
  });

  it('object for reports a duplicate key at the key expression', () => {
    const src = '{ for s in ["ab", "ac"] : substr(s, 0, 1) => s }';
    const d = only(src);
    expect(d.summary).toBe('Duplicate object key');
    expect(d.detail).toBe(
      `Two different items produced the key "a" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
    );
    expect(d.subject).toEqual(rangeOf(src, 'substr(s, 0, 1)'));
  });

  it('for errors: null or primitive collection, bad condition, null key', () => {
    expect(only('[for x in null : x]').summary).toBe('Iteration over null value');
    expect(only('[for x in "abc" : x]').detail).toBe("A value of type string cannot be used as the collection in a 'for' expression.");
    expect(only('[for x in [1] : x if x]').summary).toBe("Invalid 'for' condition");
    expect(only('{ for x in [1] : null => x }').summary).toBe('Invalid object key');
  });

  it('for variables are scoped to the expression', () => {
    const r = evalSrc('[[for x in [1] : x], x]');
    expect(diag(r)).toEqual(['Unknown variable: There is no variable named "x".']);
  });
});

describe('splat expressions', () => {
  const vars = {
    vm: obj({
      all: [obj({ name: 'db01', disks: [10, 20], tags: obj({ env: 'prod' }) }), obj({ name: 'app01', disks: [30], tags: obj({ env: 'dev' }) })],
      one: obj({ name: 'solo' }),
      none: null,
    }),
  };

  it('full and attribute-only splats over a list', () => {
    expect(value('vm.all[*].name', vars)).toEqual(['db01', 'app01']);
    expect(value('vm.all.*.name', vars)).toEqual(['db01', 'app01']);
    expect(value('vm.all[*].tags.env', vars)).toEqual(['prod', 'dev']);
    expect(value('vm.all[*].disks[0]', vars)).toEqual([10, 30]);
    expect(value('length(vm.all[*])', vars)).toBe(2);
  });

  it('a single value becomes a one-element list; null becomes an empty list', () => {
    expect(value('vm.one[*].name', vars)).toEqual(['solo']);
    expect(value('vm.none[*].name', vars)).toEqual([]);
  });

  it('the index after a full splat applies to each element', () => {
    // [*].disks[0] indexes each element's disks; ([*].disks)[0] would index the result.
    expect(value('(vm.all[*].disks)[0]', vars)).toEqual([10, 20]);
  });
});

describe('function calls', () => {
  it('call library functions and expand a final list argument', () => {
    expect(value('upper("dr")')).toBe('DR');
    expect(value('max(xs...)', { xs: [3, 9, 2] })).toBe(9);
    expect(value('format("%s-%s", pair...)', { pair: ['a', 'b'] })).toBe('a-b');
    expect(value('concat(["a"], ["b"])')).toEqual(['a', 'b']);
  });

  it('an unknown function suggests the closest name, at the name', () => {
    const src = 'lenght(xs)';
    const d = only(src, { xs: [] });
    expect([d.summary, d.detail]).toEqual(['Call to unknown function', 'There is no function named "lenght". Did you mean "length"?']);
    expect(d.subject).toEqual(rangeOf(src, 'lenght'));
    expect(d.context).toEqual(rangeOf(src, src));
  });

  it('too few arguments points at the closing parenthesis and names the parameters', () => {
    const src = 'substr("abc", 1)';
    const d = only(src);
    expect([d.summary, d.detail]).toEqual([
      'Not enough function arguments',
      'Function "substr" expects 3 argument(s): substr(str, offset, length). Missing value for "length".',
    ]);
    expect(d.subject).toEqual(rangeOf(src, ')'));
  });

  it('too many arguments points at the first extra argument', () => {
    const src = 'upper("a", "b")';
    const d = only(src);
    expect([d.summary, d.detail]).toEqual(['Too many function arguments', 'Function "upper" expects only 1 argument(s): upper(str).']);
    expect(d.subject).toEqual(rangeOf(src, '"b"'));
  });

  it('a bad argument is reported at that argument, naming the parameter', () => {
    const src = 'cidrsubnet("10.0.0.0/16", 9, 600)';
    const d = only(src);
    expect([d.summary, d.detail]).toEqual([
      'Invalid function argument',
      'Invalid value for "netnum" parameter: prefix extension of 9 does not accommodate a subnet numbered 600.',
    ]);
    expect(d.subject).toEqual(rangeOf(src, '600'));
    expect(d.context).toEqual(rangeOf(src, src));
  });

  it('expanding a non-list is an error', () => {
    expect(only('max(5...)').summary).toBe('Invalid expanding argument value');
    expect(only('max(n...)', { n: null }).detail).toBe('The expanding argument (indicated by ...) must not be null.');
  });

  it('scope functions extend the library', () => {
    const r = evalSrc('double(21) + length([1])', {}, { functions: { double: { params: [{ name: 'n', type: 'number' }], impl: ([n]) => (n as number) * 2 } } });
    expect(r.value).toBe(43);
  });

  it('try returns the first argument that evaluates without errors', () => {
    const vars = { var: obj({ cfg: obj({ size: 5 }) }) };
    expect(value('try(var.cfg.region, var.cfg.size, "x")', vars)).toBe(5);
    expect(value('try(var.cfg.nope.deeper, "fallback")', vars)).toBe('fallback');
    expect(value('try(tonumber("x"), 0)', vars)).toBe(0);
    const d = only('try(var.cfg.a, var.cfg.b)', vars);
    expect(d.summary).toBe('Error in function call');
    expect(d.detail).toContain('no expression succeeded');
    expect(d.detail).toContain('This object does not have an attribute named "a"');
    expect(value('try(var.u, 1)', { var: obj({ u: UNKNOWN }) })).toBe(UNKNOWN);
  });

  it('can says whether an expression evaluates without errors', () => {
    expect(value('can(var.x.y)', { var: obj({ x: obj({ y: 1 }) }) })).toBe(true);
    expect(value('can(var.x.z)', { var: obj({ x: obj({ y: 1 }) }) })).toBe(false);
    expect(only('can(regexnope("x"))').summary).toBe('Call to unknown function');
    expect(only('can(1, 2)').summary).toBe('Too many function arguments');
  });
});

describe('unknown values', () => {
  const vars = { vm: obj({ id: UNKNOWN, ips: [UNKNOWN, '10.0.0.6'], flag: UNKNOWN }) };
  const cases: [string, Value][] = [
    ['"vm-${vm.id}"', UNKNOWN],
    ['vm.id + 1', UNKNOWN],
    ['vm.id == null', UNKNOWN],
    ['vm.flag ? 1 : 2', UNKNOWN],
    ['vm.id.anything', UNKNOWN],
    ['vm.id[0]', UNKNOWN],
    ['[1, 2][vm.id]', UNKNOWN],
    ['upper(vm.id)', UNKNOWN],
    ['coalesce(vm.id, "x")', UNKNOWN],
    ['[vm.id, 1]', [UNKNOWN, 1]],
    ['length([vm.id, vm.id])', 2],
    ['length(vm.ips)', 2],
    ['vm.ips[1]', '10.0.0.6'],
    ['{ a = vm.id }', { a: UNKNOWN }],
    ['{ (vm.id) = 1 }', UNKNOWN],
    ['[for ip in vm.ips : ip]', [UNKNOWN, '10.0.0.6']],
    ['join(",", vm.ips)', UNKNOWN],
    ['lookup({ a = vm.id }, "a")', UNKNOWN],
    ['keys({ a = vm.id })', ['a']],
    ['true ? "known" : vm.id', 'known'],
    ['vm.id[*].x', UNKNOWN],
  ];
  for (const [src, want] of cases) {
    it(`${src} → ${JSON.stringify(valueToJson(want))}, without diagnostics`, () => {
      const r = evalSrc(src, vars);
      expect(diag(r)).toEqual([]);
      expect(r.value).toEqual(want);
    });
  }
});

describe('sensitive values', () => {
  const vars = { var: obj({ pw: sensitive('hunter2'), user: 'admin', secrets: sensitive(obj({ a: 'x' })) }) };
  const marked = (src: string) => {
    const r = evalSrc(src, vars);
    expect(diag(r)).toEqual([]);
    return r.value;
  };

  it('results computed from a sensitive value are sensitive', () => {
    for (const src of [
      '"${var.user}:${var.pw}"',
      'var.pw == "x"',
      'length(var.pw)',
      'upper(var.pw)',
      '{ for k, v in var.secrets : k => v }',
      'var.secrets.a',
      '[for c in [var.pw] : c][0]',
      'var.pw != null ? 1 : 0',
    ]) {
      expect(isSensitive(marked(src)), src).toBe(true);
    }
    expect(unmark(marked('"${var.user}:${var.pw}"'))).toBe('admin:hunter2');
  });

  it('values next to a sensitive one in a literal stay unmarked', () => {
    const o = marked('{ user = var.user, password = var.pw }') as Record<string, Value>;
    expect(isSensitive(o)).toBe(false);
    expect(o.user).toBe('admin');
    expect(isSensitive(o.password)).toBe(true);
    expect(valueToJson(o)).toEqual({ user: 'admin', password: '(sensitive)' });
  });
});
