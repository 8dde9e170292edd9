// String functions: case, trimming, splitting and joining, substrings, replace (with Go
// regular expressions), and format/formatlist (whose printf engine is format.ts).
import { UNKNOWN, Unknown, describeValueType, isObject, toStringValue } from '../value.js';
import type { Expression } from '../ast.js';
import { FunctionError, type CallContext, type HclFunction } from './call.js';
import { any, num, str, tupleArg, wholeNumber } from './args.js';
import { graphemes, mapRunes, title, TRIM_SPACE } from './unicode.js';
import { compilePattern, regex, regexall, replaceAll } from './regexp.js';
import { formatCall, formatlist } from './format.js';

const strings1 = (f: (s: string) => string): HclFunction => ({ params: [str('str')], impl: ([s]) => f(s as string) });

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s);
  if (offset < 0) {
    offset += chars.length;
    if (offset < 0) offset = 0;
  } else if (length === 0) {
    return '';
  }
  if (offset >= chars.length) return '';
  const rest = chars.slice(offset);
  return (length < 0 ? rest : rest.slice(0, length)).join('');
}

function replace(s: string, substring: string, replacement: string, ctx: CallContext): string {
  if (substring.length > 1 && substring.startsWith('/') && substring.endsWith('/')) {
    const re = compilePattern(substring.slice(1, -1), ctx.budget, 1);
    return replaceAll(re, s, replacement, ctx.budget);
  }
  if (substring === '') {
    // Go's strings.Replace with an empty old string inserts the new one around every character.
    return Array.from(s).reduce((acc, c) => acc + c + replacement, replacement);
  }
  return s.split(substring).join(replacement);
}

function split(sep: string, s: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

function trimSet(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && cut.has(chars[a])) a++;
  if (right) while (b > a && cut.has(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

/**
 * templatestring() renders a template kept elsewhere, so its first argument must be a reference
 * (`local.t`, `var.t[0]`), not a template written in place, as Terraform requires.
 */
function checkTemplateArg(e: Expression | undefined): void {
  if (!e) return;
  if (e.kind === 'TemplateWrap') {
    throw new FunctionError(
      'invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax',
      0,
    );
  }
  if (e.kind === 'Template') {
    const literal = e.parts.length === 1 && e.parts[0].kind === 'Literal';
    throw new FunctionError(
      literal
        ? 'invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead'
        : 'invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression',
      0,
    );
  }
  const direct = (x: Expression): boolean =>
    x.kind === 'Variable' ||
    (x.kind === 'GetAttr' && direct(x.object)) ||
    (x.kind === 'Index' && direct(x.collection)) ||
    (x.kind === 'Splat' && direct(x.source));
  if (!direct(e)) {
    throw new FunctionError(
      'invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax',
      0,
    );
  }
}

/** String functions. */
export const stringFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  length: {
    params: [any('value', { allowUnknown: true })],
    marks: 'shallow',
    impl: ([v]) => {
      if (v instanceof Unknown) return UNKNOWN;
      if (typeof v === 'string') return graphemes(v).length;
      if (Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new FunctionError('argument must be a string, a collection type, or a structural type', 0);
    },
  },
  lower: strings1((s) => mapRunes(s, (c) => c.toLowerCase())),
  upper: strings1((s) => mapRunes(s, (c) => c.toUpperCase())),
  title: strings1(title),
  trimspace: strings1((s) => s.replace(TRIM_SPACE, '')),
  chomp: strings1((s) => s.replace(/(?:\r\n?|\n)*$/, '')),
  strrev: strings1((s) => graphemes(s).reverse().join('')),
  trim: { params: [str('str'), str('cutset')], impl: ([s, cut]) => trimSet(s as string, cut as string, true, true) },
  trimprefix: {
    params: [str('str'), str('prefix')],
    impl: ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : s),
  },
  trimsuffix: {
    params: [str('str'), str('suffix')],
    impl: ([s, p]) => ((s as string).endsWith(p as string) && (p as string) !== '' ? (s as string).slice(0, -(p as string).length) : s),
  },
  startswith: { params: [str('str'), str('prefix')], impl: ([s, p]) => (s as string).startsWith(p as string) },
  endswith: { params: [str('str'), str('suffix')], impl: ([s, p]) => (s as string).endsWith(p as string) },
  indent: {
    params: [num('spaces'), str('str')],
    impl: ([n, s]) => (s as string).replace(/\n/g, '\n' + ' '.repeat(Math.max(0, wholeNumber(n, 0)))),
  },
  format: {
    params: [str('format')],
    variadic: any('args', { allowNull: true }),
    impl: ([spec, ...args]) => formatCall(spec as string, args),
  },
  formatlist: {
    params: [str('format')],
    variadic: any('args', { allowNull: true, allowUnknown: true }),
    impl: ([spec, ...args]) => formatlist(spec as string, args),
  },
  join: {
    params: [str('separator')],
    variadic: any('lists'),
    impl: ([sep, ...lists]) => {
      if (lists.length === 0) throw new FunctionError('at least one list is required');
      const items: string[] = [];
      lists.forEach((list, li) => {
        const elems = tupleArg(list, li + 1, 'list of string required');
        elems.forEach((e, ei) => {
          if (e === null) {
            throw new FunctionError(
              lists.length > 1
                ? `element ${ei} of list ${li + 1} is null; cannot concatenate null values`
                : `element ${ei} is null; cannot concatenate null values`,
              li + 1,
            );
          }
          const c = toStringValue(e);
          if (!c.ok) throw new FunctionError(`list of string required, but element ${ei} is ${describeValueType(e)}`, li + 1);
          items.push(c.value as string);
        });
      });
      return items.join(sep as string);
    },
  },
  split: { params: [str('separator'), str('str')], impl: ([sep, s]) => split(sep as string, s as string) },
  replace: {
    params: [str('str'), str('substr'), str('replace')],
    impl: ([s, sub, rep], ctx) => replace(s as string, sub as string, rep as string, ctx),
  },
  strcontains: { params: [str('str'), str('substr')], impl: ([s, sub]) => (s as string).includes(sub as string) },
  regex: { params: [str('pattern'), str('string')], impl: ([p, s], ctx) => regex(p as string, s as string, ctx.budget) },
  regexall: { params: [str('pattern'), str('string')], impl: ([p, s], ctx) => regexall(p as string, s as string, ctx.budget) },
  templatestring: {
    params: [str('template'), any('vars')],
    checkSyntax: (args) => checkTemplateArg(args[0]),
    impl: ([template, vars], ctx) => {
      if (!isObject(vars)) throw new FunctionError('invalid vars value: must be a map', 1);
      if (!ctx.renderTemplate) throw new FunctionError('templatestring() is not available here');
      const out = ctx.renderTemplate(template as string, '<templatestring argument>', vars, false);
      const c = toStringValue(out);
      if (!c.ok || typeof c.value !== 'string')
        throw new FunctionError(`invalid template result: string required, but the result is ${describeValueType(out)}`);
      return c.value;
    },
  },
  substr: {
    params: [str('str'), num('offset'), num('length')],
    impl: ([s, off, len]) => substr(s as string, wholeNumber(off, 1), wholeNumber(len, 2)),
  },
});
