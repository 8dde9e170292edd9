// The plan and apply use cases the commands and the console call. They never see flags or a
// terminal: options come in as data, progress goes out as events, and files, clock and
// environment are passed in. They connect the engine to the cloud (cloud.ts) and hand it the
// Provider; a declarative move (a flipped site role) runs through the DR runs after apply.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrConfig, VarInput } from '../config/index.js';
import { diagnosticsToJson, suggestName, UserError, type Diagnostic } from '../diag/index.js';
import {
  encryptionSettingsFor,
  isEncrypted,
  KeyConfigError,
  keyringFrom,
  LocalFileBackend as LocalFileBackendClass,
  openState,
  pullState,
  readState,
  showState,
  StateMissingError,
  StateUnusableError,
  type DrState,
  type Keyring,
  type StateBackend,
  type StateSession,
  type StateView,
} from '../state/index.js';
import {
  decodePlanFile,
  decryptPlanFile,
  desiredResources,
  encodePlanFile,
  encryptPlanFile,
  looksLikePlanFile,
  eventEmitter,
  hasChanges,
  makePlan,
  roleDisagreements,
  unmatchedTargets,
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
import type { Redactor } from '../redact/index.js';
import { redacting, redactorFor } from './redaction.js';
import { locateStorage } from './state-location.js';
import { DRCTL_VERSION } from './version.js';
import { openWorkspace, type OpenWorkspace, type Verdict } from './workspace.js';

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

async function readStateOrNull(backend: StateBackend): Promise<DrState | null> {
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
  const ws = await openWorkspace(config.settings, ctx, { statePath: opts.statePath });
  const backend = ws.backend();
  const redactor = redactorFor(ctx, config);
  // Allowed first: a user who may not plan neither waits for nor takes the lock.
  await ws.allow(['plan', 'state-read'], 'plan').catch(async (e: unknown) => {
    await backend.close();
    await ws.close();
    throw e;
  });
  // As Terraform: a plan holds the lock, so it never reads a state an apply is half-way through.
  const grant =
    opts.lock === false
      ? undefined
      : await backend.lock({ operation: 'plan' }, { timeoutMs: opts.planLockTimeoutMs ?? 0 }).catch(async (e: unknown) => {
          await backend.close();
          await ws.close();
          throw userErrorOf(e);
        });
  try {
    const emit = eventEmitter(redacting(ctx.sink, redactor), ctx.now);
    for (const w of ws.warnings) emit({ type: 'log', level: 'warn', message: w });
    const state = await readStateOrNull(backend);
    let cloud: CloudConnection | undefined;
    try {
      checkTargets(opts.targets, config, state?.resources ?? []);
      if (opts.refresh && state && state.resources.length) cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env, redactor });
      const plan = await makePlan(planInputs(opts, config, state, cloud?.provider, parallelism, emit, loaded.diagnostics));
      if (opts.out) writeFileAtomic(path.resolve(ctx.cwd, opts.out), await planFileBytes(plan, ws.keyring, redactor));
      const told = opts.destroy ? [] : roleDisagreements(config, state, plan.runbooks);
      return { plan, config, diagnostics: [...loaded.diagnostics, ...told], sources: loaded.sources };
    } finally {
      await cloud?.close();
    }
  } finally {
    if (grant) await backend.unlock(grant.lock.id).catch(() => undefined);
    await backend.close();
    await ws.close();
  }
}

/** A saved plan's bytes (no secret in them, plan/file.ts): encrypted with the state's primary key when encryption is on. */
async function planFileBytes(plan: Plan, keyring: Keyring | null, redactor: Redactor): Promise<Uint8Array> {
  const bytes = encodePlanFile(plan, { redact: (v) => redactor.data(v) });
  return keyring ? encryptPlanFile(bytes, keyring) : bytes;
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

/** `file` as the user named it (in messages), read from `cwd`. */
function readFileForUser(file: string, what: string, cwd: string): Uint8Array {
  try {
    return fs.readFileSync(path.resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`The ${what} ${file} does not exist.`, ['Make a plan file with: drctl plan -out plan.bin']);
    if (code === 'EISDIR') throw new UserError(`${file} is a directory, not a ${what}.`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new UserError(`Cannot read the ${what} ${file}: permission denied.`, ['Check its permissions, or run drctl as a user who may read it.']);
    throw new UserError(`Cannot read the ${what} ${file}: ${(e as Error).message}.`);
  }
}

export interface SavedPlan {
  readonly plan: Plan;
  /** Whether the file was encrypted (a plain one is refused where encryption is enforced). */
  readonly encrypted: boolean;
}

/**
 * A saved plan file, decrypted when it is encrypted. The key comes from DRCTL_ENCRYPTION, else
 * from the encryption block of the configuration in plans/ (the file names its configuration
 * only inside the ciphertext). A plain file is refused when those settings enforce encryption.
 */
export async function readPlanFile(file: string, ctx: Pick<EngineContext, 'cwd' | 'env'> = { cwd: process.cwd(), env: process.env }): Promise<SavedPlan> {
  let bytes = readFileForUser(file, 'plan file', ctx.cwd);
  const encrypted = isEncrypted(bytes);
  const keyring = await planKeyring(ctx, encrypted);
  if (keyring) {
    const opened = await decryptPlanFile(bytes, keyring);
    if (!opened.ok) throw new UserError(`${file} cannot be read: ${opened.reason}`, ['Make a new plan with: drctl plan -out plan.bin']);
    bytes = opened.bytes;
  }
  const decoded = decodePlanFile(bytes);
  if (!decoded.ok) throw new UserError(`${file} cannot be applied: ${decoded.reason}.`, ['Make a new plan with: drctl plan -out plan.bin']);
  return { plan: decoded.plan, encrypted };
}

/** The keys a plan file is opened with; null when none are configured (an encrypted file then fails to decode, saying so). */
async function planKeyring(ctx: Pick<EngineContext, 'cwd' | 'env'>, encrypted: boolean): Promise<Keyring | null> {
  let settings;
  try {
    settings = encryptionSettingsFor(undefined, ctx.env);
  } catch (err) {
    if (err instanceof KeyConfigError) throw new UserError(err.message, err.nextSteps);
    throw err;
  }
  if (!settings) {
    try {
      const where = locateStorage({ dir: undefined, statePath: undefined, cwd: ctx.cwd, env: ctx.env });
      settings = 'settings' in where ? where.settings.encryption : undefined;
    } catch (err) {
      // plans/ is not readable: a plain plan needs no key, an encrypted one says it needs one.
      if (!(err instanceof UserError)) throw err;
    }
  }
  if (!settings) return null;
  if (!encrypted && !settings.enforced) return null; // no key needed: spares a passphrase's derivation
  try {
    return (await keyringFrom(settings, { env: ctx.env, cwd: ctx.cwd })).keyring;
  } catch (err) {
    if (err instanceof KeyConfigError) throw new UserError(err.message, err.nextSteps);
    throw err;
  }
}

export type ShownFile = { readonly kind: 'plan'; readonly plan: Plan } | { readonly kind: 'state'; readonly view: StateView; readonly json: string };

/** `drctl show FILE`: a saved plan, or a state file (as `terraform show` reads either); anything else says what it is not. */
export async function readShownFile(file: string, ctx: Pick<EngineContext, 'cwd' | 'env'> = { cwd: process.cwd(), env: process.env }): Promise<ShownFile> {
  const bytes = readFileForUser(file, 'file', ctx.cwd);
  if (isEncrypted(bytes)) return { kind: 'plan', plan: (await readPlanFile(file, ctx)).plan };
  if (looksLikePlanFile(bytes)) {
    const decoded = decodePlanFile(bytes);
    if (!decoded.ok)
      throw new UserError(`${file} is a drctl plan file, but cannot be read: ${decoded.reason}.`, ['Make a new plan with: drctl plan -out plan.bin']);
    return { kind: 'plan', plan: decoded.plan };
  }
  const backend = new LocalFileBackendClass(path.resolve(ctx.cwd, file));
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
  let saved: SavedPlan | undefined;
  if (opts.planFile) {
    saved = await readPlanFile(opts.planFile, ctx);
    const loaded = loadForEngine(ctx, saved.plan.configDir, opts.vars);
    config = loaded.config;
    diagnostics = loaded.diagnostics;
    sources = loaded.sources;
    if (!config) return { diagnostics, sources };
    // The file holds keyed hashes of its sensitive values: the configuration supplies them.
    const restored = restorePlanSecrets(saved.plan, new Map(desiredResources(config).map((d) => [d.address, d.attributes])), outputsJson(config));
    if (!restored.ok) throw new UserError(`${opts.planFile} cannot be applied: ${restored.reason}.`, ['Or make a new plan with: drctl plan -out plan.bin']);
    saved = { ...saved, plan: restored.plan };
  } else {
    const loaded = loadForEngine(ctx, opts.dir, opts.vars);
    if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
    config = loaded.config;
    diagnostics = loaded.diagnostics;
    sources = loaded.sources;
  }
  const parallelism = checkParallelism(opts.parallelism) ?? config.settings.parallelism ?? 10;
  const ws = await openWorkspace(config.settings, ctx, { statePath: opts.statePath });
  const redactor = redactorFor(ctx, config);
  try {
    const emit = eventEmitter(redacting(ctx.sink, redactor), ctx.now);
    for (const w of ws.warnings) emit({ type: 'log', level: 'warn', message: w });
    await ws.allow(['apply', 'state-read'], 'apply');
    if (saved && !saved.encrypted && ws.keyring?.enforced) {
      throw new UserError(`${opts.planFile} is not encrypted, and this configuration enforces encryption at rest.`, [
        'Make a new plan with drctl plan -out plan.bin (it is written encrypted).',
      ]);
    }
    const run = { config, diagnostics, sources, saved: saved?.plan, parallelism, emit, redactor };
    return await ws.record('apply', () => applyIn(ws, opts, ctx, run), applyVerdict);
  } finally {
    await ws.close();
  }
}

/** The apply itself, in the opened workspace: lock, plan (or the saved plan), approve, apply, persist. */
async function applyIn(
  ws: OpenWorkspace,
  opts: ApplyOptions,
  ctx: EngineContext & Partial<Pick<DrContext, 'drSink' | 'wall' | 'timeScale'>>,
  run: {
    readonly config: DrConfig;
    readonly diagnostics: readonly Diagnostic[];
    readonly sources: ReadonlyMap<string, string>;
    readonly saved?: Plan;
    readonly parallelism: number;
    readonly emit: ReturnType<typeof eventEmitter>;
    /** The run's redactor (it knows the configuration's secrets): state snapshots, the cloud's token, a move's records. */
    readonly redactor: Redactor;
  },
): Promise<ApplyOutcome> {
  const { config, sources, saved, parallelism, emit, redactor } = run;
  let diagnostics = run.diagnostics;
  const session = await openState(ws.backend(), {
    drctlVersion: DRCTL_VERSION,
    lock: opts.lock === false ? false : { operation: opts.operation ?? 'apply' },
    lockTimeoutMs: opts.lockTimeoutMs,
    signal: opts.signal,
    redact: (v) => redactor.data(v),
  }).catch((e: unknown) => {
    throw userErrorOf(e);
  });
  for (const w of session.warnings) emit({ type: 'log', level: 'warn', message: w });
  let cloud: CloudConnection | undefined;
  try {
    if (!saved) checkTargets(opts.targets, config, session.resources);
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
      redactor,
    });
    return { plan, config, diagnostics, sources, result, moves };
  } finally {
    await cloud?.close().catch(() => undefined);
    await session.close();
  }
}

/** How an apply ended, for the audit log. */
function applyVerdict(outcome: ApplyOutcome): Verdict {
  if (outcome.cancelled) return { outcome: 'interrupted', detail: 'not approved; nothing changed' };
  const r = outcome.result;
  if (!r) return { outcome: 'failed' };
  const s = outcome.plan?.summary;
  const counts = `${r.succeeded} done, ${r.failed} failed${s ? ` (plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy)` : ''}; state serial ${r.serial}`;
  const moves = (outcome.moves ?? []).map((m) => `${m.runbook.kind} ${m.ok ? 'ok' : (m.move?.record?.outcome ?? 'failed')}`).join(', ');
  const detail = moves ? `${counts}; ${moves}` : counts;
  if (r.interrupted || outcome.moves?.some((m) => m.move?.record?.outcome === 'interrupted')) return { outcome: 'interrupted', detail };
  if (r.failed > 0 || outcome.moves?.some((m) => !m.ok)) return { outcome: 'failed', detail };
  return { outcome: 'ok', detail };
}
