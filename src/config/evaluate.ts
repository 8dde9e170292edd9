// Evaluation in dependency order: locals, outputs and every resource (each instance of a counted
// one), converting each argument to its schema type and recording the decoded attributes.
import type { Expression } from '../hcl/ast.js';
import { evaluate, type Scope } from '../hcl/eval.js';
import { referencesOf } from '../hcl/references.js';
import { isUnknown, objectValue, sensitive as markSensitive, sensitiveLeaves, UNKNOWN, type Value } from '../hcl/value.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import type { Graph } from '../graph/graph.js';
import { topologicalOrder } from '../graph/waves.js';
import { BLOCK_SCHEMAS, type AttrSchema, type BlockSchema } from './schema.js';
import { describeBlock, type CheckedBody } from './body.js';
import { convertValue, type Plain } from './convert.js';
import { decodeRefList, readStaticRef, refAddress } from './refs.js';
import type { Output } from './model.js';
import type { Declaration } from './declarations.js';
import { scopeFor, setScope, type EvalContext } from './scope.js';

/** Locals, outputs and resources, in the graph's order; resources land in ctx.decoded. */
export function evaluateDeclarations(
  decls: ReadonlyMap<string, Declaration>,
  checked: ReadonlyMap<string, CheckedBody>,
  graph: Graph<Declaration>,
  ctx: EvalContext,
): { locals: Map<string, Value>; outputs: Map<string, Output> } {
  const { diags } = ctx;
  const locals = new Map<string, Value>();
  const outputs = new Map<string, Output>();

  for (const address of topologicalOrder(graph)) {
    const d = decls.get(address);
    if (!d) continue;
    if (d.kind === 'local' && d.attr) {
      const r = evaluate(d.attr.expr, scopeFor(ctx));
      diags.push(...r.diagnostics);
      locals.set(d.name, r.value);
      setScope(ctx, 'local', d.name, r.value);
    } else if (d.kind === 'output' && d.block) {
      const body = checked.get(address);
      const valueAttr = body?.attrs.get('value');
      if (!body || !valueAttr) continue;
      const r = evaluate(valueAttr.expr, scopeFor(ctx));
      diags.push(...r.diagnostics);
      const sens = body.attrs.get('sensitive');
      const isSens = sens ? evaluate(sens.expr, scopeFor(ctx)).value === true : false;
      const desc = body.attrs.get('description');
      outputs.set(d.name, {
        name: d.name,
        value: isSens ? markSensitive(r.value) : r.value,
        sensitive: isSens,
        description: desc ? String(evaluate(desc.expr, scopeFor(ctx)).value) : undefined,
        range: d.range,
      });
    } else if (d.kind === 'resource' && d.block) {
      const body = checked.get(address);
      if (body) evaluateResource(d, body, graph, ctx);
    }
  }
  return { locals, outputs };
}

const STATIC_KINDS = new Set(['ref', 'refs', 'anyRefs', 'typeExpr']);

/** An argument evaluated once for every instance of a counted block (it does not use count). */
interface SharedArg {
  readonly value: Plain | undefined;
  readonly sensitive: boolean;
}

/** Evaluates and converts every non-reference argument of a body. */
export function convertAttrs(
  body: CheckedBody,
  schema: BlockSchema,
  ctx: { diags: Diagnostic[]; sensitiveStrings?: Set<string> },
  owner: string,
  scope: Scope,
  sensitiveOut?: Set<string>,
  shared?: ReadonlyMap<string, SharedArg>,
  sharedOut?: Map<string, SharedArg>,
): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const [name, attr] of body.attrs) {
    const s: AttrSchema | undefined = schema.attrs[name] ?? schema.dynamicAttrs;
    if (!s || STATIC_KINDS.has(s.type.kind) || name === 'count') continue;
    const known = shared?.get(name);
    if (known) {
      if (known.sensitive) sensitiveOut?.add(name);
      if (known.value !== undefined) out[name] = known.value;
      continue;
    }
    const v = convertArg(name, attr.expr, s, ctx, owner, scope);
    sharedOut?.set(name, v);
    if (v.sensitive) sensitiveOut?.add(name);
    if (v.value !== undefined) out[name] = v.value;
  }
  return out;
}

function convertArg(
  name: string,
  expr: Expression,
  s: AttrSchema,
  ctx: { diags: Diagnostic[]; sensitiveStrings?: Set<string> },
  owner: string,
  scope: Scope,
): SharedArg {
  const r = evaluate(expr, scope);
  if (r.diagnostics.length) {
    ctx.diags.push(...r.diagnostics);
    return { value: undefined, sensitive: false };
  }
  if (ctx.sensitiveStrings && typeof r.value === 'object' && r.value !== null) sensitiveLeaves(r.value, ctx.sensitiveStrings);
  if (r.value === null && !s.required) return { value: undefined, sensitive: false };
  const marks = { sensitive: false };
  const value = convertValue(r.value, s.type, { diags: ctx.diags, what: `argument "${name}" of ${owner}`, range: expr.range, marks, expr });
  return { value, sensitive: marks.sensitive };
}

/** Whether an expression reads `count` (so each instance of a counted block evaluates it). */
function usesCount(expr: Expression): boolean {
  return referencesOf(expr).some((r) => r.root === 'count');
}

/**
 * The arguments of a counted block that do not use count, evaluated once for all instances:
 * the same expressions over the same scope give the same values, and an error in one is
 * reported once rather than once per instance.
 */
function sharedArgs(body: CheckedBody, schema: BlockSchema, ctx: EvalContext, owner: string): Map<string, SharedArg> {
  const independent: CheckedBody = { ...body, attrs: new Map([...body.attrs].filter(([, a]) => !usesCount(a.expr))) };
  const shared = new Map<string, SharedArg>();
  convertAttrs(independent, schema, ctx, owner, scopeFor(ctx), undefined, undefined, shared);
  return shared;
}

function evaluateResource(d: Declaration, body: CheckedBody, graph: Graph<Declaration>, ctx: EvalContext): void {
  const block = d.block!;
  const schema = BLOCK_SCHEMAS[block.type];
  const owner = describeBlock(block);
  const countAttr = body.attrs.get('count');
  let instances: (number | undefined)[] = [undefined];
  if (countAttr) {
    const r = evaluate(countAttr.expr, scopeFor(ctx));
    ctx.diags.push(...r.diagnostics);
    const marks = { sensitive: false };
    const n = r.diagnostics.length
      ? undefined
      : isUnknown(r.value)
        ? undefined
        : convertValue(
            r.value,
            { kind: 'number', integer: true, min: 0, max: 10_000 },
            { diags: ctx.diags, what: `count of ${owner}`, range: countAttr.expr.range, marks },
          );
    if (r.diagnostics.length === 0 && isUnknown(r.value)) {
      ctx.diags.push(
        errorDiag(
          'Invalid count argument',
          `The count of ${owner} depends on values known only after apply. Use a value from variables or locals.`,
          countAttr.expr.range,
        ),
      );
    }
    if (typeof n !== 'number') return;
    ctx.counts.set(d.address, n);
    instances = Array.from({ length: n }, (_, i) => i);
  }
  // What every instance shares: reference arguments (as syntax), dependencies, and for a counted
  // block the arguments and nested blocks that do not use count.
  const refs = new Map<string, Expression>();
  for (const [name, attr] of body.attrs) {
    const s = schema.attrs[name];
    if (s && (s.type.kind === 'ref' || s.type.kind === 'refs' || s.type.kind === 'anyRefs')) refs.set(name, attr.expr);
  }
  const refValues = [...refs].map(([k, expr]) => [k, refAddressText(expr)] as const);
  const dependsOn = graph.dependencies(d.address).filter((a) => !a.startsWith('var.') && !a.startsWith('local.'));
  const shared = countAttr && instances.length > 1 ? sharedArgs(body, schema, ctx, owner) : undefined;
  const nestedUsesCount = [...body.nested.values()].some((nb) => [...nb.attrs.values()].some((a) => usesCount(a.expr)));
  let sharedNested: { values: Record<string, Record<string, Plain>[]>; sensitive: readonly string[] } | undefined;

  const values: Value[] = [];
  for (const index of instances) {
    const address = index === undefined ? d.address : `${d.address}[${index}]`;
    const scope = scopeFor(ctx, index === undefined ? undefined : { count: objectValue([['index', index]]) });
    const sensitiveAttrs = new Set<string>();
    const attrs = convertAttrs(body, schema, ctx, index === undefined ? owner : `${owner} [${index}]`, scope, sensitiveAttrs, shared);
    let nested: Record<string, Record<string, Plain>[]>;
    if (sharedNested) {
      nested = sharedNested.values;
      for (const k of sharedNested.sensitive) sensitiveAttrs.add(k);
    } else {
      const nestedSensitive = new Set<string>();
      nested = {};
      for (const [type, blocks] of body.blocks) {
        const nestedSchema = schema.blocks![type];
        nested[type] = blocks.map((b) => {
          const nb = body.nested.get(b)!;
          return convertAttrs(nb, nestedSchema, ctx, `the ${describeBlock(b)} block in ${owner}`, scope, nestedSensitive);
        });
      }
      for (const k of nestedSensitive) sensitiveAttrs.add(k);
      if (shared && !nestedUsesCount) sharedNested = { values: nested, sensitive: [...nestedSensitive] };
    }
    ctx.decoded.set(address, { address, declaration: d, index, attrs, nested, refs, checked: body, sensitive: sensitiveAttrs, dependsOn });
    const entries: (readonly [string, Value])[] = Object.entries(attrs).map(([k, v]) => [k, v as Value] as const);
    entries.push(...refValues, ['name', d.name], ['address', address], ['id', UNKNOWN]);
    values.push(objectValue(entries));
  }
  setScope(ctx, block.type, d.name, index0(instances) ? values : values[0]);
}

function index0(instances: (number | undefined)[]): boolean {
  return instances.length === 0 || instances[0] !== undefined;
}

/** How a reference argument appears when another expression reads it: the address(es) as text. */
function refAddressText(expr: Expression): Value {
  const single = readStaticRef(expr);
  if (single) return refAddress(single);
  const list = decodeRefList(expr, 'any', '', []);
  return list ? list.map(refAddress) : null;
}
