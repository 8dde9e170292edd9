// The plan and apply use cases the commands and the console call. They never see flags or a
// terminal: options come in as data, progress goes out as events, and files, clock and
// environment are passed in. They connect the engine to the cloud (cloud.ts) and hand it the
// Provider; a declarative move (a flipped site role) runs through the DR runs after apply.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrConfig, VarInput } from '../config/index.js';
import { diagnosticsToJson, UserError, type Diagnostic } from '../diag/index.js';
import { openState, readState, StateMissingError, type DrState, type StateSession, type LocalFileBackend } from '../state/index.js';
import {
  decodePlanFile,
  desiredResources,
  encodePlanFile,
  eventEmitter,
  hasChanges,
  makePlan,
  outputsJson,
  restorePlanSecrets,
  withRolesHeld,
  type Plan,
  type PlanInputs,
} from '../plan/index.js';
import { applyPlan, type ApplyResult } from '../apply/index.js';
import type { DeclarativeMoveResult } from '../lifecycle/index.js';
import { connectCloud, timeScaleOf, type CloudConnection } from './cloud.js';
import { loadForEngine } from './config.js';
import type { DrContext, EngineContext } from './context.js';
import { userErrorOf } from './errors.js';
import { redacting, redactorFor } from './redaction.js';
import { backendFor, statePathOf } from './state-location.js';
import { DRCTL_VERSION } from './version.js';

export interface PlanOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly refresh: boolean;
  readonly destroy: boolean;
  readonly targets: readonly string[];
  readonly replace: readonly string[];
  readonly parallelism?: number;
  /** Write the plan here (`-out`). */
  readonly out?: string;
  /** Override the state path of the settings block (`-state`). */
  readonly statePath?: string;
}

export interface PlanOutcome {
  readonly plan?: Plan;
  readonly config?: DrConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

async function readStateOrNull(backend: LocalFileBackend): Promise<DrState | null> {
  try {
    return (await readState(backend)).state;
  } catch (e) {
    if (e instanceof StateMissingError) return null;
    throw userErrorOf(e);
  }
}

function checkParallelism(n: number | undefined): number | undefined {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UserError(`-parallelism must be a whole number of at least 1; got ${n}.`);
  return n;
}

function planInputs(
  opts: PlanOptions,
  config: DrConfig,
  state: DrState | null,
  provider: CloudConnection['provider'] | undefined,
  parallelism: number,
  emit: PlanInputs['emit'],
  diagnostics: readonly Diagnostic[],
): PlanInputs {
  return {
    config,
    state,
    provider,
    refresh: opts.refresh,
    destroy: opts.destroy,
    targets: opts.targets,
    replace: opts.replace,
    parallelism,
    drctlVersion: DRCTL_VERSION,
    emit,
    diagnostics: diagnosticsToJson(diagnostics),
  };
}

/** `drctl plan`: load, refresh, diff; writes the plan file when asked. */
export async function planService(opts: PlanOptions, ctx: EngineContext): Promise<PlanOutcome> {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
  const config = loaded.config;
  const parallelism = checkParallelism(opts.parallelism) ?? config.settings.parallelism ?? 10;
  const backend = backendFor(statePathOf(config, ctx, opts.statePath));
  const redactor = redactorFor(ctx, config);
  try {
    const state = await readStateOrNull(backend);
    const emit = eventEmitter(redacting(ctx.sink, redactor), ctx.now);
    let cloud: CloudConnection | undefined;
    try {
      if (opts.refresh && state && state.resources.length) cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env, redactor });
      const plan = await makePlan(planInputs(opts, config, state, cloud?.provider, parallelism, emit, loaded.diagnostics));
      if (opts.out) writeFileAtomic(path.resolve(ctx.cwd, opts.out), encodePlanFile(plan, { redact: (v) => redactor.data(v) }));
      return { plan, config, diagnostics: loaded.diagnostics, sources: loaded.sources };
    } finally {
      await cloud?.close();
    }
  } finally {
    await backend.close();
  }
}

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readPlanFile(file: string): Plan {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`Cannot read the plan file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, [
      'Make one with: drctl plan -out plan.bin',
    ]);
  }
  const decoded = decodePlanFile(bytes);
  if (!decoded.ok) throw new UserError(`${file} cannot be applied: ${decoded.reason}.`, ['Make a new plan with: drctl plan -out plan.bin']);
  return decoded.plan;
}

export interface ApplyOptions extends PlanOptions {
  /** Apply this saved plan instead of planning now. */
  readonly planFile?: string;
  readonly lockTimeoutMs: number;
  /** Asked with the plan before anything changes; false cancels. Absent means approved (-auto-approve). */
  readonly approve?: (plan: Plan) => Promise<boolean>;
  readonly signal?: AbortSignal;
  readonly operation?: string;
}

export interface ApplyOutcome extends PlanOutcome {
  readonly result?: ApplyResult;
  readonly cancelled?: boolean;
  /** The plan's declarative moves (role flips), run after the resource changes. */
  readonly moves?: readonly DeclarativeMoveResult[];
}

/** Refuses a saved plan made against another state, or against an older version of this one. */
export function checkPlanMatchesState(plan: Plan, session: StateSession, file: string): void {
  const empty = session.serial === 0 && session.resources.length === 0;
  if (plan.errored) throw new UserError(`${file} was made from a configuration with errors and cannot be applied.`);
  if (plan.state === null) {
    if (!empty) {
      throw new UserError(
        `${file} was made when there was no state, but the state now holds ${session.resources.length} resources (serial ${session.serial}).`,
        ['The plan is stale: make a new one with drctl plan -out plan.bin'],
      );
    }
    return;
  }
  if (plan.state.lineage !== session.lineage) {
    throw new UserError(`${file} was made for a different state (lineage ${plan.state.lineage}); this state's lineage is ${session.lineage}.`, [
      'Apply it to the state it was made for, or make a new plan here.',
    ]);
  }
  if (plan.state.serial !== session.serial) {
    throw new UserError(`${file} is stale: it was made at state serial ${plan.state.serial}, and the state is now at serial ${session.serial}.`, [
      'Something changed the state since the plan was made. Make a new plan with drctl plan -out plan.bin',
    ]);
  }
}

/** `drctl apply`: lock the state, plan (or read the saved plan), approve, apply, persist. */
export async function applyService(opts: ApplyOptions, ctx: EngineContext & Partial<Pick<DrContext, 'drSink' | 'wall' | 'timeScale'>>): Promise<ApplyOutcome> {
  let config: DrConfig | undefined;
  let diagnostics: readonly Diagnostic[] = [];
  let sources: ReadonlyMap<string, string> = new Map();
  let saved: Plan | undefined;
  if (opts.planFile) {
    saved = readPlanFile(path.resolve(ctx.cwd, opts.planFile));
    const loaded = loadForEngine(ctx, saved.configDir, opts.vars);
    config = loaded.config;
    diagnostics = loaded.diagnostics;
    sources = loaded.sources;
    if (!config) return { diagnostics, sources };
    // The file holds keyed hashes of its sensitive values: the configuration supplies them.
    const restored = restorePlanSecrets(saved, new Map(desiredResources(config).map((d) => [d.address, d.attributes])), outputsJson(config));
    if (!restored.ok) throw new UserError(`${opts.planFile} cannot be applied: ${restored.reason}.`, ['Or make a new plan with: drctl plan -out plan.bin']);
    saved = restored.plan;
  } else {
    const loaded = loadForEngine(ctx, opts.dir, opts.vars);
    if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
    config = loaded.config;
    diagnostics = loaded.diagnostics;
    sources = loaded.sources;
  }
  const parallelism = checkParallelism(opts.parallelism) ?? config.settings.parallelism ?? 10;
  const backend = backendFor(statePathOf(config, ctx, opts.statePath));
  const redactor = redactorFor(ctx, config);
  const session = await openState(backend, {
    drctlVersion: DRCTL_VERSION,
    lock: { operation: opts.operation ?? 'apply' },
    lockTimeoutMs: opts.lockTimeoutMs,
    signal: opts.signal,
    redact: (v) => redactor.data(v),
  }).catch((e: unknown) => {
    throw userErrorOf(e);
  });
  const emit = eventEmitter(redacting(ctx.sink, redactor), ctx.now);
  for (const w of session.warnings) emit({ type: 'log', level: 'warn', message: w });
  let cloud: CloudConnection | undefined;
  try {
    cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env, redactor });
    let plan: Plan;
    if (saved) {
      checkPlanMatchesState(saved, session, opts.planFile!);
      plan = saved;
    } else {
      const state: DrState = {
        serial: session.serial,
        lineage: session.lineage,
        drctlVersion: DRCTL_VERSION,
        resources: session.resources,
        lifecycles: session.lifecycles,
        outputs: {},
      };
      plan = await makePlan(planInputs(opts, config, state, cloud.provider, parallelism, emit, diagnostics));
      if (opts.approve && hasChanges(plan) && !(await opts.approve(plan))) {
        return { plan, config, diagnostics, sources, cancelled: true };
      }
    }
    if (!plan.runbooks?.length) {
      const result = await applyPlan({ plan, session, provider: cloud.provider, parallelism, emit, signal: opts.signal, now: ctx.now });
      return { plan, config, diagnostics, sources, result };
    }
    // A declarative move: resource changes first (sites keep their recorded role), then the move.
    const result = await applyPlan({ plan: withRolesHeld(plan), session, provider: cloud.provider, parallelism, emit, signal: opts.signal, now: ctx.now });
    if (result.failed || result.interrupted) return { plan, config, diagnostics, sources, result };
    // Loaded only for a move (the lifecycle machines bring xstate), and directly: the lifecycle
    // facade would bring every DR run into the plan/apply fast bundle.
    const { runDeclarativeMoves } = await import('../lifecycle/declarative-apply.js');
    const moves = await runDeclarativeMoves({
      plan,
      config,
      session,
      provider: cloud.provider,
      parallelism,
      timeScale: timeScaleOf(config, ctx.env, ctx.timeScale),
      ctx,
      emit,
      signal: opts.signal,
      redactor,
    });
    return { plan, config, diagnostics, sources, result, moves };
  } finally {
    await cloud?.close().catch(() => undefined);
    await session.close();
  }
}
