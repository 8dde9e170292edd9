// What evaluation shares across stages: the diagnostics, the values filled in so far (one scope
// over them, never copied), the decoded resources and the instance counts.
import * as path from 'node:path';
import type { Scope } from '../hcl/eval.js';
import type { Value } from '../hcl/value.js';
import type { EvalBudget } from '../hcl/limits.js';
import type { Diagnostic } from '../diag/types.js';
import { RESOURCE_BLOCK_TYPES } from './schema.js';
import type { DecodedAttrs } from './decode.js';
import type { ConfigFs } from './sources.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
  /** The work every evaluation of this load shares (limits.ts). */
  readonly budget: EvalBudget;
  /** The clock for timestamp(), in milliseconds since the epoch. */
  readonly now: () => number;
  /** The text of every sensitive value met so far (sensitiveLeaves), for the redaction layer. */
  readonly sensitiveStrings: Set<string>;
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
    // file() and friends resolve to absolute paths; the ConfigFs reads paths in the form `dir` was given.
    const inDir = (abs: string) => path.join(ctx.dir, path.relative(path.resolve(ctx.dir), abs));
    const fs = ctx.fs;
    ctx.scope = {
      variables,
      baseDir: ctx.dir,
      budget: ctx.budget,
      now: ctx.now,
      readFile: (abs: string, maxBytes: number) => {
        const bytes = fs.readFile(inDir(abs), maxBytes);
        if (bytes.length > maxBytes) throw Object.assign(new Error('file too large'), { code: 'EFBIG' });
        try {
          return utf8.decode(bytes);
        } catch {
          throw Object.assign(new Error('not UTF-8'), { code: 'EILSEQ' });
        }
      },
      realPath: fs.realPath && ((abs: string) => fs.realPath!(abs)),
      stat: fs.stat && ((abs: string) => fs.stat!(inDir(abs))),
      readdir: (abs: string) => fs.readdir(inDir(abs)),
    };
  }
  const base = ctx.scope;
  if (!extra) return base;
  return { ...base, variables: Object.assign({}, base.variables, extra) };
}
