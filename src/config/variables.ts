// Input variables: type constraints (read from syntax), values from the environment
// (DRCTL_VAR_<name>), -var-file and -var, conversion to the declared type, and validation blocks.
import type { Expression, Range } from '../hcl/ast.js';
import { type Diagnostic, errorDiag, warningDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { isSensitive, isUnknown, sensitive as markSensitive, unmark, type Value } from '../hcl/value.js';

export type VarType =
  | { readonly kind: 'string' | 'number' | 'bool' | 'any' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly of: VarType }
  | { readonly kind: 'tuple'; readonly items: readonly VarType[] }
  | { readonly kind: 'object'; readonly attrs: Readonly<Record<string, { readonly type: VarType; readonly optional: boolean }>> };

export const ANY_TYPE: VarType = { kind: 'any' };

export function describeVarType(t: VarType): string {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${describeVarType(t.of)})`;
    case 'tuple':
      return `tuple([${t.items.map(describeVarType).join(', ')}])`;
    case 'object':
      return `object({${Object.entries(t.attrs)
        .map(([k, a]) => `${k} = ${a.optional ? `optional(${describeVarType(a.type)})` : describeVarType(a.type)}`)
        .join(', ')}})`;
    default:
      return t.kind;
  }
}

const PRIMITIVES = ['string', 'number', 'bool', 'any'];
const COLLECTIONS = ['list', 'set', 'map'];

/** Reads a type constraint such as `list(object({name = string}))` from its syntax. */
export function readTypeExpr(expr: Expression, diags: Diagnostic[]): VarType | undefined {
  const bad = (why: string): undefined => {
    diags.push(
      errorDiag(
        'Invalid type specification',
        `${why} Use string, number, bool, any, list(T), set(T), map(T), tuple([T, …]) or object({name = T, …}).`,
        expr.range,
      ),
    );
    return undefined;
  };
  if (expr.kind === 'Variable') {
    if (PRIMITIVES.includes(expr.name)) return { kind: expr.name as 'string' };
    if (COLLECTIONS.includes(expr.name)) return bad(`The type "${expr.name}" needs an element type, like ${expr.name}(string).`);
    return bad(`"${expr.name}" is not a type.${didYouMean(expr.name, [...PRIMITIVES, ...COLLECTIONS, 'object', 'tuple'])}`);
  }
  if (expr.kind === 'Literal' && typeof expr.value === 'string' && PRIMITIVES.includes(expr.value)) {
    return { kind: expr.value as 'string' };
  }
  if (expr.kind !== 'FunctionCall') return bad('This is not a type.');
  const [arg] = expr.args;
  if (expr.args.length !== 1) return bad(`${expr.name}(…) takes exactly one argument.`);
  if (COLLECTIONS.includes(expr.name)) {
    const of = readTypeExpr(arg, diags);
    return of && { kind: expr.name as 'list', of };
  }
  if (expr.name === 'tuple') {
    if (arg.kind !== 'Tuple') return bad('tuple(…) takes a list of types, like tuple([string, number]).');
    const items: VarType[] = [];
    for (const item of arg.items) {
      const t = readTypeExpr(item, diags);
      if (!t) return undefined;
      items.push(t);
    }
    return { kind: 'tuple', items };
  }
  if (expr.name === 'object') {
    if (arg.kind !== 'Object') return bad('object(…) takes an object of types, like object({name = string}).');
    const attrs: Record<string, { type: VarType; optional: boolean }> = {};
    for (const item of arg.items) {
      const key = item.key.kind === 'Variable' ? item.key.name : item.key.kind === 'Literal' && typeof item.key.value === 'string' ? item.key.value : undefined;
      if (key === undefined) return bad('Object type attribute names must be plain names.');
      let optional = false;
      let typeExpr = item.value;
      if (typeExpr.kind === 'FunctionCall' && typeExpr.name === 'optional') {
        optional = true;
        typeExpr = typeExpr.args[0];
        if (!typeExpr) return bad('optional(…) needs a type.');
      }
      const t = readTypeExpr(typeExpr, diags);
      if (!t) return undefined;
      attrs[key] = { type: t, optional };
    }
    return { kind: 'object', attrs };
  }
  return bad(`"${expr.name}" is not a type constructor.`);
}

/** Converts `v` to `t` with HCL's rules; returns the converted value or a reason it cannot be. */
export function convertToVarType(v: Value, t: VarType, path = ''): { value: Value } | { error: string } {
  if (isSensitive(v)) {
    const r = convertToVarType(unmark(v), t, path);
    return 'value' in r ? { value: markSensitive(r.value) } : r;
  }
  if (isUnknown(v) || v === null || t.kind === 'any') return { value: v };
  const at = path ? ` at ${path}` : '';
  switch (t.kind) {
    case 'string':
      if (typeof v === 'string') return { value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { value: String(v) };
      return { error: `a string is required${at}` };
    case 'number':
      if (typeof v === 'number') return { value: v };
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return { value: Number(v) };
      return { error: `a number is required${at}` };
    case 'bool':
      if (typeof v === 'boolean') return { value: v };
      if (v === 'true' || v === 'false') return { value: v === 'true' };
      return { error: `a bool is required${at}` };
    case 'list':
    case 'set': {
      if (!Array.isArray(v)) return { error: `a ${t.kind} is required${at}` };
      const out: Value[] = [];
      for (let i = 0; i < v.length; i++) {
        const r = convertToVarType(v[i], t.of, `${path}[${i}]`);
        if ('error' in r) return r;
        out.push(r.value);
      }
      return { value: t.kind === 'set' ? dedupe(out) : out };
    }
    case 'tuple': {
      if (!Array.isArray(v) || v.length !== t.items.length) return { error: `a tuple of ${t.items.length} elements is required${at}` };
      const out: Value[] = [];
      for (let i = 0; i < v.length; i++) {
        const r = convertToVarType(v[i], t.items[i], `${path}[${i}]`);
        if ('error' in r) return r;
        out.push(r.value);
      }
      return { value: out };
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) return { error: `a map is required${at}` };
      const out: Record<string, Value> = {};
      for (const [k, x] of Object.entries(v as Record<string, Value>)) {
        const r = convertToVarType(x, t.of, `${path}["${k}"]`);
        if ('error' in r) return r;
        out[k] = r.value;
      }
      return { value: out };
    }
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return { error: `an object is required${at}` };
      const obj = v as Record<string, Value>;
      const out: Record<string, Value> = {};
      for (const [k, a] of Object.entries(t.attrs)) {
        if (!Object.hasOwn(obj, k)) {
          if (a.optional) {
            out[k] = null;
            continue;
          }
          return { error: `attribute "${k}" is required${at}` };
        }
        const r = convertToVarType(obj[k], a.type, path ? `${path}.${k}` : k);
        if ('error' in r) return r;
        out[k] = r.value;
      }
      const extra = Object.keys(obj).find((k) => !(k in t.attrs));
      if (extra) return { error: `attribute "${extra}" is not expected${at}` };
      return { value: out };
    }
  }
}

function dedupe(values: Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of values) {
    const key = JSON.stringify(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/** Where a variable's value came from, for messages. */
export type VarSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'cli'; readonly arg: string }
  | { readonly kind: 'file'; readonly range: Range };

export interface RawVarValue {
  readonly name: string;
  /** A raw string (env, -var) is parsed per the declared type; a file value is already a Value. */
  readonly raw: string | { readonly value: Value };
  readonly source: VarSource;
}

export function describeSource(s: VarSource): string {
  switch (s.kind) {
    case 'default':
      return 'its default';
    case 'env':
      return `the environment variable ${s.name}`;
    case 'cli':
      return `-var "${s.arg}"`;
    case 'file':
      return `${s.range.filename} line ${s.range.start.line}`;
  }
}

/** `-var name=value`: splits at the first "=" and reports a malformed argument. */
export function parseVarArg(arg: string, diags: Diagnostic[]): RawVarValue | undefined {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    diags.push(
      errorDiag('Invalid -var option', `The -var option "${arg}" is not of the form name=value. Write it as -var "name=value", e.g. -var "env=prod".`),
    );
    return undefined;
  }
  return { name: arg.slice(0, eq).trim(), raw: arg.slice(eq + 1), source: { kind: 'cli', arg } };
}

/** DRCTL_VAR_<name> environment variables, as Terraform reads TF_VAR_<name>. */
export function varsFromEnv(env: Readonly<Record<string, string | undefined>>): RawVarValue[] {
  const out: RawVarValue[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('DRCTL_VAR_') && v !== undefined && k.length > 10) {
      out.push({ name: k.slice(10), raw: v, source: { kind: 'env', name: k } });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function undeclaredVarDiag(v: RawVarValue, declared: Iterable<string>): Diagnostic | undefined {
  const hint = didYouMean(v.name, declared);
  switch (v.source.kind) {
    case 'env':
      return undefined; // The environment may hold values for other configurations.
    case 'cli':
      return errorDiag(
        'Value for undeclared variable',
        `A variable named "${v.name}" was assigned with ${describeSource(v.source)}, but the configuration does not declare it.${hint} Declare it with a variable "${v.name}" block, or remove the option.`,
      );
    case 'file':
      return warningDiag(
        'Value for undeclared variable',
        `The variables file sets "${v.name}", but the configuration does not declare a variable of that name.${hint}`,
        v.source.range,
      );
    default:
      return undefined;
  }
}
