// Loading the configuration for a use case.
import * as path from 'node:path';
import { loadConfig, type LoadResult, type VarInput } from '../config/index.js';
import type { EngineContext } from './context.js';
import { redactorFor } from './redaction.js';

export function loadForEngine(ctx: Pick<EngineContext, 'cwd' | 'env' | 'fs'>, dir: string, vars: readonly VarInput[]): LoadResult {
  // Diagnostics name files relative to where drctl runs, as the user wrote the directory.
  const shown = path.relative(process.cwd(), path.resolve(ctx.cwd, dir)) || '.';
  return loadConfig({ dir: shown, fs: ctx.fs, vars, env: ctx.env });
}

/**
 * `drctl validate` and `drctl graph`: the configuration in `dir` (named as given), with its
 * diagnostics and graph. The context's redactor learns the configuration's secrets.
 */
export function loadConfiguration(
  opts: { readonly dir: string; readonly vars: readonly VarInput[] },
  ctx: Pick<EngineContext, 'env' | 'fs'> & Partial<Pick<EngineContext, 'redactor'>>,
): LoadResult {
  const loaded = loadConfig({ dir: opts.dir, fs: ctx.fs, vars: opts.vars, env: ctx.env });
  if (loaded.config && ctx.redactor) redactorFor({ env: ctx.env, redactor: ctx.redactor }, loaded.config);
  return loaded;
}
