// What evaluation shares across stages: the diagnostics, the values filled in so far (one scope
// over them, never copied), the decoded resources and the instance counts.
import * as path from 'node:path';
import type { Scope } from '../hcl/eval.js';
import type { Value } from '../hcl/value.js';
import type { Diagnostic } from '../diag/types.js';
import { RESOURCE_BLOCK_TYPES } from './schema.js';
import type { DecodedAttrs } from './decode.js';
import type { ConfigFs } from './sources.js';

const utf8 = new TextDecoder('utf-8');

export interface EvalContext {
  readonly dir: string;
  readonly fs: ConfigFs;
  readonly diags: Diagnostic[];
  /** root name → an object of name → value, filled as evaluation proceeds (never copied). */
  readonly scopeValues: Map<string, Record<string, Value>>;
  /** The scope, built once over scopeValues. */
  scope?: Scope;
  /** Resource address (instance address for counted blocks) → decoded attributes. */
  readonly decoded: Map<string, DecodedAttrs>;
  /** Counted block address → instance count. */
  readonly counts: Map<string, number>;
}

export function setScope(ctx: EvalContext, root: string, name: string, value: Value): void {
  rootObject(ctx, root)[name] = value;
}

function rootObject(ctx: EvalContext, root: string): Record<string, Value> {
  let o = ctx.scopeValues.get(root);
  if (!o) ctx.scopeValues.set(root, (o = Object.create(null) as Record<string, Value>));
  return o;
}

// Evaluation runs in dependency order, so a block only ever sees what is already filled in;
// sharing one scope (instead of copying it per block) keeps loading linear in the config size.
export function scopeFor(ctx: EvalContext, extra?: Readonly<Record<string, Value>>): Scope {
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
