// Evaluator semantics. The first part builds syntax trees by hand (splat items, explicit ranges,
// values no source text can spell); the rest parses real expressions.
import { describe, expect, it } from 'vitest';
import { evaluate, type Scope } from '../../src/hcl/eval.js';
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
import { at, attr, bin, cond, fn, forObject, forTuple, idx, item, lit, not, object, splat, template, tuple, v } from './build.js';

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
