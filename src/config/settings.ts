// Settings from the drctl block (backend, endpoint, region, workspaces), evaluated with variables only.
import { errorDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { BLOCK_SCHEMAS } from './schema.js';
import type { CheckedBody } from './body.js';
import type { Settings } from './model.js';
import type { Declaration } from './declarations.js';
import { convertAttrs } from './evaluate.js';
import { scopeFor, type EvalContext } from './scope.js';

/** Settings from the drctl block, evaluated with variables only. */
export function readSettings(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, ctx: EvalContext): Settings {
  const d = decls.get('drctl');
  const body = d ? checked.get('drctl') : undefined;
  if (!d || !body) return { backend: { type: 'local' }, workspaces: {} };
  const attrs = convertAttrs(body, BLOCK_SCHEMAS.drctl, ctx, 'the drctl block', scopeFor(ctx));
  const backendBlock = body.blocks.get('backend')?.[0];
  let backend: Settings['backend'] = { type: 'local' };
  if (backendBlock) {
    const type = backendBlock.labels[0].value;
    const b = body.nested.get(backendBlock)!;
    const ba = convertAttrs(b, BLOCK_SCHEMAS.drctl.blocks!.backend, ctx, `backend "${type}"`, scopeFor(ctx));
    if (type === 'local') backend = { type: 'local', path: ba.path as string | undefined };
    else if (type === 'postgres') backend = { type: 'postgres', connEnv: ba.conn_str_env as string | undefined };
    else {
      ctx.diags.push(errorDiag('Unsupported backend', `drctl stores state in a "local" file or in "postgres"; "${type}" is not a backend.${didYouMean(type, ['local', 'postgres'])}`, backendBlock.labels[0].range));
    }
  }
  return {
    parallelism: attrs.parallelism as number | undefined,
    endpoint: attrs.endpoint as string | undefined,
    region: attrs.region as string | undefined,
    workspaces: (attrs.workspaces as Record<string, string> | undefined) ?? {},
    backend,
    range: d.range,
  };
}
