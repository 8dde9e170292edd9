// Settings from the drctl block (backend, endpoint, region, workspaces), evaluated with variables only.
import { BLOCK_SCHEMAS } from './schema.js';
import type { CheckedBody } from './body.js';
import type { Settings } from './model.js';
import type { Declaration } from './declarations.js';
import { convertAttrs } from './evaluate.js';
import { scopeFor, type EvalContext } from './scope.js';
import { decodeStorage } from './storage.js';

/** Settings from the drctl block, evaluated with variables only. */
export function readSettings(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, ctx: EvalContext): Settings {
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
