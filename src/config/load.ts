// Loads a DR configuration directory, stage by stage: read and parse every *.hcl file
// (sources.ts), collect declarations and check them against the schema (declarations.ts),
// resolve references into a graph, reporting every cycle (dependencies.ts), take the input
// variables (variable-values.ts) and the drctl settings (settings.ts), evaluate in dependency
// order (evaluate.ts), decode into typed config (assemble.ts), then apply the domain rules
// (validate.ts). Files come through the `ConfigFs` passed in.
import { type Diagnostic, hasErrors } from '../diag/types.js';
import type { Graph } from '../graph/graph.js';
import { readSources, type ConfigFs } from './sources.js';
import { checkDeclarations, checkSubnetKeys, collectDeclarations, type Declaration } from './declarations.js';
import { buildGraph } from './dependencies.js';
import type { EvalContext } from './scope.js';
import { evaluateVariables, type VarInput } from './variable-values.js';
import { readSettings } from './settings.js';
import { evaluateDeclarations } from './evaluate.js';
import { decodeResourcesIntoConfig } from './assemble.js';
import { validateConfig } from './validate.js';
import { checkScripts } from './scripts.js';
import type { DrConfig, Output, Variable } from './model.js';
import { DEFAULT_LIMITS, EvalBudget, type EvalLimits } from '../hcl/limits.js';
import { sensitiveLeaves, type Value } from '../hcl/value.js';

export type { ConfigFs } from './sources.js';
export type { VarInput } from './variable-values.js';
export type { Declaration } from './declarations.js';
export { convertAttrs } from './evaluate.js';

export interface LoadOptions {
  readonly dir: string;
  readonly fs: ConfigFs;
  readonly vars?: readonly VarInput[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock for timestamp(), in milliseconds since the epoch (the system clock by default). */
  readonly now?: () => number;
  /** Evaluation limits (docs/limits.md); the defaults unless a test needs others. */
  readonly limits?: EvalLimits;
}

export interface LoadResult {
  /** Present when there were no errors. */
  readonly config?: DrConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  /** The reference graph by address (resources, var.*, local.*, output.*). */
  readonly graph?: Graph<Declaration>;
}

export function loadConfig(opts: LoadOptions): LoadResult {
  const diags: Diagnostic[] = [];
  const { dir, fs } = opts;

  const { bodies, sources } = readSources(dir, fs, diags);
  if (hasErrors(diags)) return { diagnostics: diags, sources };

  const decls = collectDeclarations(bodies, diags);
  const checked = checkDeclarations(decls, diags);

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
    budget: new EvalBudget(opts.limits ?? DEFAULT_LIMITS),
    now: opts.now ?? (() => Date.now()),
    sensitiveStrings: new Set(),
  };
  const variables = evaluateVariables(decls, checked, opts, ctx);
  // As in Terraform, bad input values stop the load: every use of them would only fail again.
  if (hasErrors(diags)) return { diagnostics: dedupe(diags), sources, graph };
  const settings = readSettings(decls, checked, ctx);
  const { locals, outputs } = evaluateDeclarations(decls, checked, graph, ctx);
  if (hasErrors(diags)) return { diagnostics: dedupe(diags), sources, graph };

  const config = decodeResourcesIntoConfig(dir, sources, settings, variables, locals, outputs, decls, ctx, collectSensitive(variables, locals, outputs, ctx));
  if (!config) return { diagnostics: dedupe(diags), sources, graph };
  validateConfig(config, diags);
  checkScripts(config, fs, diags);
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

/** Every sensitive leaf the load met: in variables, locals, outputs and resource arguments. */
function collectSensitive(
  variables: ReadonlyMap<string, Variable>,
  locals: ReadonlyMap<string, Value>,
  outputs: ReadonlyMap<string, Output>,
  ctx: EvalContext,
): Set<string> {
  const out = ctx.sensitiveStrings;
  for (const v of variables.values()) sensitiveLeaves(v.value, out);
  for (const v of locals.values()) sensitiveLeaves(v, out);
  for (const o of outputs.values()) sensitiveLeaves(o.value, out);
  return out;
}
