// The plan and apply use cases the commands and the console call. They never see flags or a
// terminal: options come in as data, progress goes out as events, and files, clock and
// environment are passed in. They connect the engine to the cloud (cloud.ts) and hand it the
// Provider; a declarative move (a flipped site role) runs through the DR runs after apply.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrConfig, VarInput } from '../config/index.js';
import { diagnosticsToJson, suggestName, UserError, type Diagnostic } from '../diag/index.js';
import {
  LocalFileBackend as LocalFileBackendClass,
  openState,
  pullState,
  readState,
  showState,
  StateMissingError,
  StateUnusableError,
  type DrState,
  type StateSession,
  type StateView,
  type LocalFileBackend,
} from '../state/index.js';
import {
  decodePlanFile,
  desiredResources,
  encodePlanFile,
  looksLikePlanFile,
  eventEmitter,
  hasChanges,
  makePlan,
  roleDisagreements,
  unmatchedTargets,
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
  /** Take the state lock while planning (default true; `-lock=false` skips it, as in Terraform). */
  readonly lock?: boolean;
  /** How long plan waits for another run's lock (apply has its own, required). */
  readonly planLockTimeoutMs?: number;
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

/**
 * -target must name something: a resource of the configuration or the state (an address, or a
 * counted resource with all its instances). Otherwise the plan would quietly say "No changes".
 */
function checkTargets(targets: readonly string[], config: DrConfig, state: readonly { readonly address: string }[]): void {
  if (!targets.length) return;
  const addresses = [...desiredResources(config).map((d) => d.address), ...state.map((r) => r.address)];
  const unmatched = unmatchedTargets(targets, addresses);
  if (!unmatched.length) return;
  const lines = unmatched.map(({ target, candidates }) => {
    const s = suggestName(target, candidates);
    return `-target ${target} matches no resource in the configuration or the state.${s ? ` Did you mean "${s}"?` : ''}`;
  });
  throw new UserError(lines.length === 1 ? lines[0] : `${lines.length} -target addresses match nothing:\n  ${lines.join('\n  ')}`, [
    'A target is a resource address (vm.db01), or a counted resource for all its instances (vm.app). List what the state holds with: drctl state list',
  ]);
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
  // As Terraform: a plan holds the lock, so it never reads a state an apply is half-way through.
  const grant =
    opts.lock === false
      ? undefined
      : await backend.lock({ operation: 'plan' }, { timeoutMs: opts.planLockTimeoutMs ?? 0 }).catch(async (e: unknown) => {
          await backend.close();
          throw userErrorOf(e);
        });
  try {
    const state = await readStateOrNull(backend);
    const emit = eventEmitter(ctx.sink, ctx.now);
    let cloud: CloudConnection | undefined;
    try {
      checkTargets(opts.targets, config, state?.resources ?? []);
      if (opts.refresh && state && state.resources.length) cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env });
      const plan = await makePlan(planInputs(opts, config, state, cloud?.provider, parallelism, emit, loaded.diagnostics));
      if (opts.out) writeFileAtomic(path.resolve(ctx.cwd, opts.out), encodePlanFile(plan));
      const told = opts.destroy ? [] : roleDisagreements(config, state, plan.runbooks);
      return { plan, config, diagnostics: [...loaded.diagnostics, ...told], sources: loaded.sources };
    } finally {
      await cloud?.close();
    }
  } finally {
    if (grant) await backend.unlock(grant.lock.id).catch(() => undefined);
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

function readFileForUser(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`The ${what} ${file} does not exist.`, ['Make a plan file with: drctl plan -out plan.bin']);
    if (code === 'EISDIR') throw new UserError(`${file} is a directory, not a ${what}.`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new UserError(`Cannot read the ${what} ${file}: permission denied.`, ['Check its permissions, or run drctl as a user who may read it.']);
    throw new UserError(`Cannot read the ${what} ${file}: ${(e as Error).message}.`);
  }
}

export function readPlanFile(file: string): Plan {
  const bytes = readFileForUser(file, 'plan file');
  const decoded = decodePlanFile(bytes);
  if (!decoded.ok) throw new UserError(`${file} cannot be applied: ${decoded.reason}.`, ['Make a new plan with: drctl plan -out plan.bin']);
  return decoded.plan;
}

export type ShownFile = { readonly kind: 'plan'; readonly plan: Plan } | { readonly kind: 'state'; readonly view: StateView; readonly json: string };

/** `drctl show FILE`: a saved plan, or a state file (as `terraform show` reads either); anything else says what it is not. */
export async function readShownFile(file: string): Promise<ShownFile> {
  const bytes = readFileForUser(file, 'file');
  if (looksLikePlanFile(bytes)) {
    const decoded = decodePlanFile(bytes);
    if (!decoded.ok)
      throw new UserError(`${file} is a drctl plan file, but cannot be read: ${decoded.reason}.`, ['Make a new plan with: drctl plan -out plan.bin']);
    return { kind: 'plan', plan: decoded.plan };
  }
  const backend = new LocalFileBackendClass(file);
  try {
    const view = await showState(backend);
    return { kind: 'state', view, json: (await pullState(backend)).text };
  } catch (e) {
    if (e instanceof StateUnusableError && ['encoding', 'syntax', 'not-an-object', 'not-drctl', 'unknown-format'].includes(e.reason)) {
      throw new UserError(`${file} is not a drctl plan file or state file.`, [
        'drctl show reads a plan saved with drctl plan -out FILE, or a state file; with no file it shows the current state.',
      ]);
    }
    throw userErrorOf(e);
  } finally {
    await backend.close();
  }
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
  } else {
    const loaded = loadForEngine(ctx, opts.dir, opts.vars);
    if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
    config = loaded.config;
    diagnostics = loaded.diagnostics;
    sources = loaded.sources;
  }
  const parallelism = checkParallelism(opts.parallelism) ?? config.settings.parallelism ?? 10;
  const backend = backendFor(statePathOf(config, ctx, opts.statePath));
  const session = await openState(backend, {
    drctlVersion: DRCTL_VERSION,
    lock: opts.lock === false ? false : { operation: opts.operation ?? 'apply' },
    lockTimeoutMs: opts.lockTimeoutMs,
    signal: opts.signal,
  }).catch((e: unknown) => {
    throw userErrorOf(e);
  });
  const emit = eventEmitter(ctx.sink, ctx.now);
  for (const w of session.warnings) emit({ type: 'log', level: 'warn', message: w });
  let cloud: CloudConnection | undefined;
  try {
    if (!saved) checkTargets(opts.targets, config, session.resources);
    cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env });
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
      if (!opts.destroy) diagnostics = [...diagnostics, ...roleDisagreements(config, state, plan.runbooks)];
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
    });
    return { plan, config, diagnostics, sources, result, moves };
  } finally {
    await cloud?.close().catch(() => undefined);
    await session.close();
  }
}
