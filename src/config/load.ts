// Loads a DR configuration directory: parse every *.hcl file, check structure against the schema,
// resolve references into a graph (reporting every cycle), evaluate in dependency order, decode
// into typed config, then apply the domain rules. Files come through the `ConfigFs` passed in.
import * as path from 'node:path';
import type { Attribute, Block, Body, Expression, Range } from '../hcl/ast.js';
import { parseHcl, parseHclBytes } from '../hcl/parser.js';
import { evaluate, type Scope } from '../hcl/eval.js';
import { referencesOf } from '../hcl/references.js';
import { isUnknown, objectValue, sensitive as markSensitive, UNKNOWN, type Value } from '../hcl/value.js';
import { type Diagnostic, errorDiag, hasErrors, spanRanges } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { Graph } from '../graph/graph.js';
import { findCycles, describeCycle } from '../graph/cycles.js';
import { topologicalOrder } from '../graph/waves.js';
import { BLOCK_SCHEMAS, RESOURCE_BLOCK_TYPES, TOP_LEVEL_BLOCK_TYPES, type AttrSchema, type BlockSchema } from './schema.js';
import { checkBody, checkLabels, declRange, describeBlock, type CheckedBody } from './body.js';
import { convertValue, type Plain } from './convert.js';
import { decodeRef, decodeRefList, readStaticRef, refAddress, type StaticRef } from './refs.js';
import {
  ANY_TYPE,
  convertToVarType,
  describeSource,
  describeVarType,
  parseVarArg,
  readTypeExpr,
  undeclaredVarDiag,
  varsFromEnv,
  type RawVarValue,
  type VarType,
} from './variables.js';
import { decodeResource, type DecodedAttrs, type MutableConfig } from './decode.js';
import { validateConfig } from './validate.js';
import { decodeStorage } from './storage.js';
import type { DrConfig, MovedBlock, Output, Settings, Variable } from './model.js';

/** The files a load may read; tests and commands pass node:fs-backed or in-memory versions. */
export interface ConfigFs {
  readdir(dir: string): string[];
  readFile(file: string): Uint8Array;
  /** Resolves symlinks (absolute path in, absolute path out), so file() can refuse a link out of the directory. */
  realPath?(file: string): string;
}

/** Variable inputs in command-line order: later ones win, as in Terraform. */
export type VarInput = { readonly kind: 'var'; readonly arg: string } | { readonly kind: 'file'; readonly path: string };

export interface LoadOptions {
  readonly dir: string;
  readonly fs: ConfigFs;
  readonly vars?: readonly VarInput[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadResult {
  /** Present when there were no errors. */
  readonly config?: DrConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  /** The reference graph by address (resources, var.*, local.*, output.*). */
  readonly graph?: Graph<Declaration>;
}

export interface Declaration {
  readonly address: string;
  readonly kind: 'resource' | 'var' | 'local' | 'output' | 'settings' | 'moved';
  readonly type: string;
  readonly name: string;
  readonly block?: Block;
  /** For locals: the attribute. */
  readonly attr?: Attribute;
  readonly range: Range;
  readonly declRange: Range;
}

const utf8 = new TextDecoder('utf-8');

export function loadConfig(opts: LoadOptions): LoadResult {
  const diags: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const { dir, fs } = opts;

  let names: string[];
  try {
    names = fs.readdir(dir).filter((n) => n.endsWith('.hcl')).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    diags.push(
      errorDiag(
        'Cannot read configuration directory',
        code === 'ENOENT'
          ? `The directory "${dir}" does not exist. Run drctl in a directory with *.hcl files, or pass the directory, e.g. drctl validate plans/.`
          : code === 'ENOTDIR'
            ? `"${dir}" is a file, not a directory. Pass the directory that holds it.`
            : `Reading "${dir}" failed: ${(e as Error).message}.`,
      ),
    );
    return { diagnostics: diags, sources };
  }
  if (names.length === 0) {
    diags.push(
      errorDiag(
        'No configuration files',
        `drctl reads every *.hcl file in a directory, and "${dir}" has none. Create one (see plans/ in the drctl repository for an example), or pass the right directory.`,
      ),
    );
    return { diagnostics: diags, sources };
  }

  const bodies: Body[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = fs.readFile(file);
    const parsed = parseHclBytes(bytes, file);
    sources.set(file, utf8.decode(bytes));
    diags.push(...parsed.diagnostics);
    bodies.push(parsed.body);
  }
  if (hasErrors(diags)) return { diagnostics: diags, sources };

  const decls = collectDeclarations(bodies, diags);
  const checked = new Map<string, CheckedBody>();
  for (const d of decls.values()) {
    if (d.block && d.kind !== 'local') {
      const schema = BLOCK_SCHEMAS[d.block.type];
      checked.set(d.address, checkBody(d.block.body, schema, describeBlock(d.block), declRange(d.block), diags));
    }
  }

  checkSubnetKeys(decls, checked, diags);
  const graph = buildGraph(decls, checked, diags);
  if (hasErrors(diags)) return { diagnostics: dedupe(diags), sources, graph };

  const ctx: EvalContext = {
    dir,
    fs,
    diags,
    scopeValues: new Map(),
    decoded: new Map(),
    counts: new Map(),
  };
  const variables = evaluateVariables(decls, checked, opts, ctx);
  // As in Terraform, bad input values stop the load: every use of them would only fail again.
  if (hasErrors(diags)) return { diagnostics: dedupe(diags), sources, graph };
  const locals = new Map<string, Value>();
  const outputs = new Map<string, Output>();
  const settings = readSettings(decls, checked, ctx);

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
  if (hasErrors(diags)) return { diagnostics: dedupe(diags), sources, graph };

  const config = decodeResourcesIntoConfig(dir, sources, settings, variables, locals, outputs, decls, ctx);
  if (!config) return { diagnostics: dedupe(diags), sources, graph };
  validateConfig(config, diags);
  return { config: hasErrors(diags) ? undefined : config, diagnostics: dedupe(diags), sources, graph };
}

/** Counted blocks evaluate once per instance; the same mistake is reported once. */
function dedupe(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = JSON.stringify([d.severity, d.summary, d.detail, d.subject]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Declarations

function collectDeclarations(bodies: readonly Body[], diags: Diagnostic[]): Map<string, Declaration> {
  const decls = new Map<string, Declaration>();
  let movedCount = 0;
  const add = (d: Declaration, what: string) => {
    const prev = decls.get(d.address);
    if (prev) {
      diags.push(
        errorDiag(
          `Duplicate ${what}`,
          `${what[0].toUpperCase()}${what.slice(1)} was already declared at ${prev.declRange.filename}:${prev.declRange.start.line},${prev.declRange.start.column}. Each ${d.type === 'local' ? 'local value' : d.type} needs a unique name; rename or remove one of them.`,
          d.declRange,
        ),
      );
      return;
    }
    decls.set(d.address, d);
  };
  for (const body of bodies) {
    for (const item of body.items) {
      if (item.kind === 'Attribute') {
        diags.push(
          errorDiag(
            'Unsupported argument',
            `Arguments are not expected at the top level of a file. Put "${item.name}" inside a block; for a shared value use locals { ${item.name} = … }.`,
            item.nameRange,
            item.range,
          ),
        );
        continue;
      }
      const schema: BlockSchema | undefined = BLOCK_SCHEMAS[item.type];
      if (!schema) {
        diags.push(
          errorDiag(
            'Unsupported block type',
            `Blocks of type "${item.type}" are not expected here.${didYouMean(item.type, TOP_LEVEL_BLOCK_TYPES)}${didYouMean(item.type, TOP_LEVEL_BLOCK_TYPES) ? '' : ` drctl knows ${TOP_LEVEL_BLOCK_TYPES.join(', ')}.`}`,
            item.typeRange,
            item.range,
          ),
        );
        continue;
      }
      if (!checkLabels(item, schema, diags)) continue;
      const range = item.range;
      const dr = declRange(item);
      if (item.type === 'locals') {
        for (const a of item.body.items) {
          if (a.kind === 'Block') {
            diags.push(errorDiag('Unsupported block type', `Blocks are not expected in locals; write ${a.type} = { … } to define an object.`, a.typeRange, a.range));
            continue;
          }
          add({ address: `local.${a.name}`, kind: 'local', type: 'local', name: a.name, attr: a, range: a.range, declRange: a.nameRange }, `local value "${a.name}"`);
        }
      } else if (item.type === 'variable') {
        const name = item.labels[0].value;
        add({ address: `var.${name}`, kind: 'var', type: 'variable', name, block: item, range, declRange: dr }, `variable "${name}"`);
      } else if (item.type === 'output') {
        const name = item.labels[0].value;
        add({ address: `output.${name}`, kind: 'output', type: 'output', name, block: item, range, declRange: dr }, `output "${name}"`);
      } else if (item.type === 'drctl') {
        add({ address: 'drctl', kind: 'settings', type: 'drctl', name: 'drctl', block: item, range, declRange: dr }, 'drctl settings block');
      } else if (item.type === 'moved') {
        const address = `moved#${movedCount++}`;
        decls.set(address, { address, kind: 'moved', type: 'moved', name: address, block: item, range, declRange: dr });
      } else {
        const name = item.labels[0].value;
        add({ address: `${item.type}.${name}`, kind: 'resource', type: item.type, name, block: item, range, declRange: dr }, `${item.type} "${name}"`);
      }
    }
  }
  return decls;
}

/** A network's subnets are keyed by site name, so any other key is an unsupported argument. */
function checkSubnetKeys(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, diags: Diagnostic[]): void {
  const siteNames = [...decls.values()].filter((d) => d.kind === 'resource' && d.type === 'site').map((d) => d.name);
  const fixed = Object.keys(BLOCK_SCHEMAS.network.attrs);
  for (const d of decls.values()) {
    if (d.kind !== 'resource' || d.type !== 'network') continue;
    for (const [name, attr] of checked.get(d.address)?.attrs ?? []) {
      if (name in BLOCK_SCHEMAS.network.attrs || siteNames.includes(name)) continue;
      diags.push(
        errorDiag(
          'Unsupported argument',
          `An argument named "${name}" is not expected in network "${d.name}". Besides ${fixed.join(', ')}, a network takes one subnet per site, named after the site (${siteNames.join(', ')}).${didYouMean(name, [...siteNames, ...fixed])}`,
          attr.nameRange,
          attr.range,
        ),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// References and the graph

const SCOPE_ROOTS: Readonly<Record<string, string>> = { var: 'variable', local: 'local value' };

function expressionsOf(d: Declaration, body: CheckedBody | undefined): Expression[] {
  if (d.attr) return [d.attr.expr];
  if (!body) return [];
  const out: Expression[] = [];
  const visit = (b: CheckedBody | Body) => {
    if ('items' in b) {
      for (const item of b.items) {
        if (item.kind === 'Attribute') out.push(item.expr);
        else visit(item.body);
      }
      return;
    }
    for (const a of b.attrs.values()) out.push(a.expr);
    for (const list of b.blocks.values()) for (const blk of list) visit(blk.body);
  };
  visit(body);
  return out;
}

function buildGraph(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, diags: Diagnostic[]): Graph<Declaration> {
  const graph = new Graph<Declaration>();
  for (const d of decls.values()) graph.addNode(d.address, d);
  const namesOf = (type: string) => [...decls.values()].filter((x) => x.type === type || (type === 'var' && x.kind === 'var') || (type === 'local' && x.kind === 'local')).map((x) => x.name);

  for (const d of decls.values()) {
    if (d.kind === 'moved') continue; // moved blocks name old addresses that no longer exist.
    const isCountable = d.block !== undefined && BLOCK_SCHEMAS[d.block.type]?.countable === true;
    for (const expr of expressionsOf(d, checked.get(d.address))) {
      for (const ref of referencesOf(expr)) {
        const first = ref.path[0];
        if (ref.root === 'count') {
          if (!isCountable || !checked.get(d.address)?.attrs.has('count')) {
            diags.push(errorDiag('Reference to "count" in non-counted context', `count.index is only available in a block that sets count = N.`, ref.range));
          }
          continue;
        }
        const isScoped = ref.root in SCOPE_ROOTS;
        const isResource = (RESOURCE_BLOCK_TYPES as readonly string[]).includes(ref.root);
        if (!isScoped && !isResource) continue; // unknown roots are reported by evaluation, with a suggestion.
        if (typeof first !== 'string') {
          const what = isScoped ? SCOPE_ROOTS[ref.root] : ref.root;
          diags.push(errorDiag('Invalid reference', `A reference to a ${what} needs a name after "${ref.root}.", like ${ref.root}.${ref.root === 'var' ? 'env' : 'example'}.`, ref.range));
          continue;
        }
        const target = `${ref.root}.${first}`;
        // A variable's validation block reads the variable itself; that is not a dependency.
        if (d.kind === 'var' && target === d.address) continue;
        if (!decls.has(target)) {
          const kindName = isScoped ? SCOPE_ROOTS[ref.root] : ref.root;
          diags.push(
            errorDiag(
              `Reference to undeclared ${kindName}`,
              `A ${kindName} named "${first}" has not been declared.${didYouMean(first, namesOf(ref.root))}${isScoped ? '' : ` Declare it with a ${ref.root} "${first}" block, or fix the reference.`}`,
              ref.range,
            ),
          );
          continue;
        }
        graph.addEdge(d.address, target);
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    const first = decls.get(cycle.members[0]);
    diags.push(
      errorDiag(
        'Cycle in references',
        `${cycle.members.length === 1 ? `${cycle.members[0]} refers to itself` : `These ${cycle.members.length} blocks refer to each other in a loop`}: ${describeCycle(cycle)}. Members: ${cycle.members.join(', ')}. Remove one of the references to break the loop.`,
        first?.declRange,
      ),
    );
  }
  return graph;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface EvalContext {
  readonly dir: string;
  readonly fs: ConfigFs;
  readonly diags: Diagnostic[];
  /** root name → name → value, turned into the scope's objects. */
  /** root name → an object of name → value, filled as evaluation proceeds (never copied). */
  readonly scopeValues: Map<string, Record<string, Value>>;
  /** The scope, built once over scopeValues. */
  scope?: Scope;
  /** Resource address (instance address for counted blocks) → decoded attributes. */
  readonly decoded: Map<string, DecodedAttrs>;
  /** Counted block address → instance count. */
  readonly counts: Map<string, number>;
}

function setScope(ctx: EvalContext, root: string, name: string, value: Value): void {
  rootObject(ctx, root)[name] = value;
}

function rootObject(ctx: EvalContext, root: string): Record<string, Value> {
  let o = ctx.scopeValues.get(root);
  if (!o) ctx.scopeValues.set(root, (o = Object.create(null) as Record<string, Value>));
  return o;
}

// Evaluation runs in dependency order, so a block only ever sees what is already filled in;
// sharing one scope (instead of copying it per block) keeps loading linear in the config size.
function scopeFor(ctx: EvalContext, extra?: Readonly<Record<string, Value>>): Scope {
  if (!ctx.scope) {
    // A plain object (not Object.create(null), which V8 keeps in slow dictionary mode): the
    // evaluator looks names up with Object.hasOwn, so the prototype's names are never seen.
    const variables: Record<string, Value> = {};
    for (const root of ['var', 'local', ...RESOURCE_BLOCK_TYPES]) variables[root] = rootObject(ctx, root);
    ctx.scope = {
      variables,
      baseDir: ctx.dir,
      // file() resolves to an absolute path; the ConfigFs reads paths in the form `dir` was given.
      readFile: (abs: string) => utf8.decode(ctx.fs.readFile(path.join(ctx.dir, path.relative(path.resolve(ctx.dir), abs)))),
      realPath: ctx.fs.realPath && ((abs: string) => ctx.fs.realPath!(abs)),
    };
  }
  const base = ctx.scope;
  if (!extra) return base;
  return { variables: Object.assign({}, base.variables, extra), baseDir: base.baseDir, readFile: base.readFile, realPath: base.realPath };
}

function evaluateVariables(
  decls: ReadonlyMap<string, Declaration>,
  checked: ReadonlyMap<string, CheckedBody>,
  opts: LoadOptions,
  ctx: EvalContext,
): Map<string, Variable> {
  const { diags } = ctx;
  const declared = new Map<string, { d: Declaration; type: VarType; sensitive: boolean; nullable: boolean; description?: string; default?: Value; badDefault?: boolean }>();
  for (const d of decls.values()) {
    if (d.kind !== 'var') continue;
    const body = checked.get(d.address);
    if (!body) continue;
    const typeAttr = body.attrs.get('type');
    const type = typeAttr ? (readTypeExpr(typeAttr.expr, diags) ?? ANY_TYPE) : ANY_TYPE;
    const constOf = (name: string): Value | undefined => {
      const a = body.attrs.get(name);
      if (!a) return undefined;
      const r = evaluate(a.expr, { variables: Object.create(null) });
      if (r.diagnostics.length) {
        diags.push(
          errorDiag('Variables not allowed', `The ${name} of variable "${d.name}" must be a literal value: it cannot refer to other variables, locals or blocks.`, a.expr.range),
        );
        return undefined;
      }
      return r.value;
    };
    const sens = constOf('sensitive') === true;
    const nullable = constOf('nullable') !== false;
    const desc = constOf('description');
    const def = body.attrs.has('default') ? constOf('default') : undefined;
    let defaultValue: Value | undefined;
    if (def !== undefined) {
      const r = convertToVarType(def, type);
      if ('error' in r) {
        diags.push(errorDiag('Invalid default value for variable', `The default value of variable "${d.name}" does not match its type ${describeVarType(type)}: ${r.error}.`, body.attrs.get('default')!.expr.range));
      } else defaultValue = r.value;
    }
    const badDefault = body.attrs.has('default') && defaultValue === undefined;
    declared.set(d.name, { d, type, sensitive: sens, nullable, description: typeof desc === 'string' ? desc : undefined, default: defaultValue, badDefault });
  }

  // Inputs: environment first, then -var-file and -var in command-line order.
  const inputs: RawVarValue[] = [...varsFromEnv(opts.env ?? {})];
  for (const input of opts.vars ?? []) {
    if (input.kind === 'var') {
      const v = parseVarArg(input.arg, diags);
      if (v) inputs.push(v);
    } else inputs.push(...readVarFile(input.path, ctx));
  }
  const given = new Map<string, RawVarValue>();
  for (const v of inputs) {
    if (!declared.has(v.name)) {
      const dg = undeclaredVarDiag(v, declared.keys());
      if (dg) diags.push(dg);
      continue;
    }
    given.set(v.name, v);
  }

  const out = new Map<string, Variable>();
  for (const [name, decl] of declared) {
    const input = given.get(name);
    let value: Value;
    if (input) {
      const raw = typeof input.raw === 'string' ? parseRawVar(input.raw, decl.type, input, diags) : input.raw.value;
      if (raw === undefined) continue;
      const r = convertToVarType(raw, decl.type);
      if ('error' in r) {
        diags.push(
          errorDiag(
            'Invalid value for input variable',
            `The value for variable "${name}" from ${describeSource(input.source)} is not valid: ${r.error} (the type is ${describeVarType(decl.type)}).`,
            input.source.kind === 'file' ? input.source.range : undefined,
          ),
        );
        continue;
      }
      value = r.value;
    } else if (decl.default !== undefined) {
      value = decl.default;
    } else if (decl.badDefault) {
      continue; // the invalid default was reported; "no value" would say it again.
    } else {
      diags.push(
        errorDiag(
          'No value for required variable',
          `The variable "${name}" has no default, so a value is required. Set it with -var "${name}=…", in a -var-file, or with the environment variable DRCTL_VAR_${name}.`,
          decl.d.declRange,
        ),
      );
      continue;
    }
    if (value === null && !decl.nullable) {
      diags.push(errorDiag('Required variable not set', `The variable "${name}" is not nullable, but its value is null.`, decl.d.declRange));
      continue;
    }
    if (decl.sensitive) value = markSensitive(value);
    checkValidations(decl.d, checked.get(decl.d.address), value, ctx);
    out.set(name, { name, value, sensitive: decl.sensitive, description: decl.description, range: decl.d.declRange });
    setScope(ctx, 'var', name, value);
  }
  return out;
}

function parseRawVar(raw: string, type: VarType, input: RawVarValue, diags: Diagnostic[]): Value | undefined {
  // As Terraform does: primitive types take the text as it is; complex ones parse it as HCL.
  if (type.kind === 'string' || type.kind === 'number' || type.kind === 'bool' || type.kind === 'any') return raw;
  const where = input.source.kind === 'env' ? input.source.name : '<value for var.' + input.name + '>';
  const parsed = parseHcl(`v = ${raw}\n`, where);
  const attr = parsed.body.items[0];
  if (parsed.diagnostics.length || !attr || attr.kind !== 'Attribute') {
    diags.push(
      errorDiag(
        'Invalid value for input variable',
        `The value for variable "${input.name}" from ${describeSource(input.source)} is not valid HCL for the type ${describeVarType(type)}: ${parsed.diagnostics[0]?.summary ?? 'expected one expression'}. Write it as HCL, e.g. ["a", "b"] or { key = "value" }.`,
      ),
    );
    return undefined;
  }
  const r = evaluate(attr.expr, { variables: Object.create(null) });
  if (r.diagnostics.length) {
    diags.push(errorDiag('Invalid value for input variable', `The value for variable "${input.name}" from ${describeSource(input.source)} must be a constant: ${r.diagnostics[0].summary}.`));
    return undefined;
  }
  return r.value;
}

function readVarFile(file: string, ctx: EvalContext): RawVarValue[] {
  let bytes: Uint8Array;
  try {
    bytes = ctx.fs.readFile(file);
  } catch (e) {
    ctx.diags.push(errorDiag('Cannot read variables file', `Reading the -var-file "${file}" failed: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Check the path.`));
    return [];
  }
  const out: RawVarValue[] = [];
  if (file.endsWith('.json')) {
    const text = utf8.decode(bytes);
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      ctx.diags.push(errorDiag('Invalid variables file', `${file} is not valid JSON: ${(e as Error).message}.`));
      return [];
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      ctx.diags.push(errorDiag('Invalid variables file', `${file} must hold a JSON object of variable values.`));
      return [];
    }
    for (const [k, v] of Object.entries(obj)) out.push({ name: k, raw: { value: v as Value }, source: { kind: 'file', range: jsonKeyRange(text, file, k) } });
    return out;
  }
  const parsed = parseHclBytes(bytes, file);
  ctx.diags.push(...parsed.diagnostics);
  for (const item of parsed.body.items) {
    if (item.kind === 'Block') {
      ctx.diags.push(errorDiag('Unexpected block in variables file', `A variables file holds only name = value lines; remove the ${item.type} block.`, item.typeRange));
      continue;
    }
    const r = evaluate(item.expr, { variables: Object.create(null) });
    if (r.diagnostics.length) {
      ctx.diags.push(errorDiag('Variables not allowed', `Values in a variables file must be constants; "${item.name}" refers to something else.`, item.expr.range));
      continue;
    }
    out.push({ name: item.name, raw: { value: r.value }, source: { kind: 'file', range: item.nameRange } });
  }
  return out;
}

/** Where `"key":` is written in a JSON variables file (its first occurrence), so messages can name the line. */
function jsonKeyRange(text: string, file: string, key: string): Range {
  const quoted = JSON.stringify(key);
  const m = new RegExp(`${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).exec(text);
  const at = m ? m.index : 0;
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: [...before.slice(before.lastIndexOf('\n') + 1)].length + 1, byte: new TextEncoder().encode(before).length };
  };
  return { filename: file, start: pos(at), end: pos(m ? at + quoted.length : 0) };
}

function checkValidations(d: Declaration, body: CheckedBody | undefined, value: Value, ctx: EvalContext): void {
  for (const v of body?.blocks.get('validation') ?? []) {
    const cond = v.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === 'condition');
    const msg = v.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === 'error_message');
    if (!cond) continue;
    const scope: Scope = { variables: objectValue([['var', objectValue([[d.name, value]])]]) };
    const r = evaluate(cond.expr, scope);
    if (r.diagnostics.length) {
      ctx.diags.push(...r.diagnostics);
      continue;
    }
    if (isUnknown(r.value)) continue;
    if (typeof r.value !== 'boolean') {
      ctx.diags.push(errorDiag('Invalid validation condition', `The condition for variable "${d.name}" must be true or false.`, cond.expr.range));
      continue;
    }
    if (!r.value) {
      const text = msg ? evaluate(msg.expr, scope).value : undefined;
      ctx.diags.push(
        errorDiag(
          'Invalid value for variable',
          `${typeof text === 'string' ? text : `The value of variable "${d.name}" failed its validation.`}\n\nThis was checked by the validation rule at ${cond.range.filename}:${cond.range.start.line}.`,
          d.declRange,
          cond.expr.range,
        ),
      );
    }
  }
}

/** Settings from the drctl block, evaluated with variables only. */
function readSettings(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, ctx: EvalContext): Settings {
  const d = decls.get('drctl');
  const body = d ? checked.get('drctl') : undefined;
  if (!d || !body) return { backend: { type: 'local', implicit: true }, workspaces: {} };
  const attrs = convertAttrs(body, BLOCK_SCHEMAS.drctl, ctx, 'the drctl block', scopeFor(ctx));
  const { backend, encryption } = decodeStorage(body, (b, schema, owner) => convertAttrs(b, schema, ctx, owner, scopeFor(ctx)), ctx.diags);
  return {
    parallelism: attrs.parallelism as number | undefined,
    endpoint: attrs.endpoint as string | undefined,
    region: attrs.region as string | undefined,
    workspaces: (attrs.workspaces as Record<string, string> | undefined) ?? {},
    backend,
    encryption,
    range: d.range,
  };
}

const STATIC_KINDS = new Set(['ref', 'refs', 'anyRefs', 'typeExpr']);

/** Evaluates and converts every non-reference argument of a body. */
/** An argument evaluated once for every instance of a counted block (it does not use count). */
interface SharedArg {
  readonly value: Plain | undefined;
  readonly sensitive: boolean;
}

export function convertAttrs(
  body: CheckedBody,
  schema: BlockSchema,
  ctx: { diags: Diagnostic[] },
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

function convertArg(name: string, expr: Expression, s: AttrSchema, ctx: { diags: Diagnostic[] }, owner: string, scope: Scope): SharedArg {
  const r = evaluate(expr, scope);
  if (r.diagnostics.length) {
    ctx.diags.push(...r.diagnostics);
    return { value: undefined, sensitive: false };
  }
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
    const n = r.diagnostics.length ? undefined : isUnknown(r.value) ? undefined : convertValue(r.value, { kind: 'number', integer: true, min: 0, max: 10_000 }, { diags: ctx.diags, what: `count of ${owner}`, range: countAttr.expr.range, marks });
    if (r.diagnostics.length === 0 && isUnknown(r.value)) {
      ctx.diags.push(errorDiag('Invalid count argument', `The count of ${owner} depends on values known only after apply. Use a value from variables or locals.`, countAttr.expr.range));
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

// ---------------------------------------------------------------------------------------------
// Typed decoding

function decodeMoves(decls: ReadonlyMap<string, Declaration>, diags: Diagnostic[]): MovedBlock[] {
  const out: MovedBlock[] = [];
  for (const d of decls.values()) {
    if (d.kind !== 'moved' || !d.block) continue;
    const get = (name: string) => d.block!.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === name);
    const from = get('from');
    const to = get('to');
    if (!from || !to) continue; // reported as missing arguments
    const a = readStaticRef(from.expr);
    const b = readStaticRef(to.expr);
    for (const [ref, attr] of [[a, from], [b, to]] as const) {
      if (!ref) diags.push(errorDiag('Invalid moved address', 'from and to must be resource addresses written directly, like vm.old_name.', attr.expr.range));
    }
    if (!a || !b) continue;
    if (a.type !== b.type) {
      diags.push(errorDiag('Invalid moved block', `A moved block renames a resource within its type; ${refAddress(a)} and ${refAddress(b)} are of different types.`, d.declRange));
      continue;
    }
    out.push({ from: refAddress(a), to: refAddress(b), range: d.range });
  }
  return out;
}

function decodeResourcesIntoConfig(
  dir: string,
  sources: ReadonlyMap<string, string>,
  settings: Settings,
  variables: Map<string, Variable>,
  locals: Map<string, Value>,
  outputs: Map<string, Output>,
  decls: ReadonlyMap<string, Declaration>,
  ctx: EvalContext,
): DrConfig | undefined {
  const resolveRefs = (refs: readonly StaticRef[], what: string): string[] | undefined => {
    const out: string[] = [];
    let ok = true;
    for (const r of refs) {
      const base = `${r.type}.${r.name}`;
      if (!decls.has(base)) {
        ok = false; // already reported by the graph
        continue;
      }
      const count = ctx.counts.get(base);
      if (r.index === undefined) {
        if (count === undefined) out.push(base);
        else for (let i = 0; i < count; i++) out.push(`${base}[${i}]`);
      } else if (count === undefined) {
        ctx.diags.push(errorDiag('Unexpected index', `${base} does not set count, so it has no instances to index; refer to it as ${base} in ${what}.`, r.range));
        ok = false;
      } else if (r.index < 0 || r.index >= count) {
        ctx.diags.push(errorDiag('Invalid index', `${base} has ${count} instance${count === 1 ? '' : 's'} (count = ${count}), so [${r.index}] is out of range in ${what}.`, r.range));
        ok = false;
      } else out.push(refAddress(r));
    }
    return ok ? out : undefined;
  };
  const config = {
    dir,
    sources,
    settings,
    variables,
    locals,
    outputs,
    sites: new Map(),
    orchestrators: new Map(),
    replicationPolicies: new Map(),
    networks: new Map(),
    volumeGroups: new Map(),
    vms: new Map(),
    recoveryPlans: new Map(),
    drills: new Map(),
    notifications: new Map(),
    moves: decodeMoves(decls, ctx.diags),
  } satisfies DrConfig & MutableConfig;
  const before = ctx.diags.length;
  for (const decoded of ctx.decoded.values()) {
    decodeResource(decoded, config, ctx.diags, resolveRefs);
  }
  return hasErrors(ctx.diags.slice(before)) ? undefined : config;
}

