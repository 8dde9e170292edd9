// What reviewers ask of drctl: the semantic diff of two states (`drctl state diff OLD NEW`, each
// side a file or git:REF:PATH) and the monthly cost estimate of a configuration (`drctl cost`).
// The state diff is rendered here, since its renderers live with the state (commands reach state
// only through services); the command chooses which rendering it prints.
import { UserError, type Diagnostic } from '../diag/index.js';
import type { CostBreakdown, VarInput } from '../config/index.js';
import { costBreakdown } from '../config/index.js';
import { desiredResources } from '../plan/index.js';
// By path: the state facade leaves the diff out (see state/index.ts).
import { diffStates, type StateDiff } from '../state/diff.js';
import { renderStateDiffMarkdown, renderStateDiffText, stateDiffToJson, type StateDiffLabels } from '../state/render-diff.js';
import { loadStateSide } from '../state/sources.js';
import { loadForEngine } from './config.js';
import type { EngineContext } from './context.js';
import { userErrorOf } from './errors.js';

export interface StateDiffOptions {
  /** The state before: a file path, or git:REF:PATH. */
  readonly before: string;
  /** The state after, the same way. */
  readonly after: string;
}

/** A state diff and its three renderings (text, a pull-request comment, JSON). */
export interface StateDiffReport {
  readonly diff: StateDiff;
  readonly labels: StateDiffLabels;
  /** Same lineage, serial and content: exit 0. */
  readonly equal: boolean;
  text(): string;
  markdown(opts?: { readonly limit?: number }): string;
  /** schemas/state-diff.schema.json */
  json(): Record<string, unknown>;
}

async function side(spec: string, ctx: Pick<EngineContext, 'cwd' | 'env'>) {
  try {
    return await loadStateSide(spec, { cwd: ctx.cwd, env: ctx.env as NodeJS.ProcessEnv });
  } catch (e) {
    throw userErrorOf(e);
  }
}

/** `drctl state diff`: both sides read (a side with no state file is "no state"); neither having one is an error. */
export async function stateDiffService(opts: StateDiffOptions, ctx: Pick<EngineContext, 'cwd' | 'env'>): Promise<StateDiffReport> {
  const [before, after] = await Promise.all([side(opts.before, ctx), side(opts.after, ctx)]);
  if (before.state === null && after.state === null) {
    throw new UserError(`Neither ${opts.before} nor ${opts.after} holds a state: there is nothing to compare.`, [
      'Name a state file that exists (drctl apply writes one), or git:REF:PATH with the path from the repository root.',
    ]);
  }
  const diff = diffStates(before.state, after.state);
  const labels: StateDiffLabels = { before: before.label, after: after.label };
  return {
    diff,
    labels,
    equal: diff.equal,
    text: () => renderStateDiffText(diff, labels),
    markdown: (o = {}) => renderStateDiffMarkdown(diff, labels, { limit: o.limit }),
    json: () => stateDiffToJson(diff, labels),
  };
}

export interface CostOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
}

export interface CostOutcome {
  /** Absent when the configuration does not load (the diagnostics say why). */
  readonly breakdown?: CostBreakdown;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

/** `drctl cost`: the configuration's monthly estimate, the figures the plan's cost line adds up as "after". */
export function costService(opts: CostOptions, ctx: Pick<EngineContext, 'cwd' | 'env' | 'fs'>): CostOutcome {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
  return { breakdown: costBreakdown(desiredResources(loaded.config)), diagnostics: loaded.diagnostics, sources: loaded.sources };
}
