// The DR runs the commands and the console call: failover, failback, drill, cleanup, verify.
// Each opens what a run works in (the configuration, the state locked for the run, the cloud),
// hands that session to the run in lifecycle/, and closes it again.
import type { VarInput } from '../config/index.js';
import type { Diagnostic } from '../diag/index.js';
import { openState } from '../state/index.js';
import {
  drctlDirOf,
  runCleanup,
  runDrill,
  runMove,
  verifyEstate,
  type CleanupResult,
  type DrillRecord,
  type DrillRunOptions,
  type DrSession,
  type MoveOptions,
  type MoveOutcome,
  type VerifyReport,
} from '../lifecycle/index.js';
import { connectCloud, timeScaleOf, type CloudConnection } from './cloud.js';
import { loadForEngine } from './config.js';
import type { DrContext } from './context.js';
import { userErrorOf } from './errors.js';
import { redactorFor } from './redaction.js';
import { backendFor, statePathOf } from './state-location.js';
import { DRCTL_VERSION } from './version.js';

export interface DrRunOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly statePath?: string;
  readonly lockTimeoutMs?: number;
  readonly parallelism?: number;
}

export interface DrOpenOptions extends DrRunOptions {
  readonly operation: string;
  readonly signal?: AbortSignal;
  /** Read-only runs (verify) take no lock. */
  readonly lock?: boolean;
}

export interface DrOpened {
  readonly dr?: DrSession;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

/** Loads the configuration, opens (and locks) the state, and connects the cloud. */
export async function openDrSession(opts: DrOpenOptions, ctx: DrContext): Promise<DrOpened> {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
  const config = loaded.config;
  const redactor = redactorFor(ctx, config);
  const state = await openState(backendFor(statePathOf(config, ctx, opts.statePath)), {
    drctlVersion: DRCTL_VERSION,
    lock: opts.lock === false ? false : { operation: opts.operation },
    lockTimeoutMs: opts.lockTimeoutMs ?? 0,
    signal: opts.signal,
    redact: (v) => redactor.data(v),
  }).catch((e: unknown) => {
    throw userErrorOf(e);
  });
  let cloud: CloudConnection;
  try {
    cloud = ctx.connect ? await ctx.connect(config) : await connectCloud(config, { cwd: ctx.cwd, env: ctx.env, redactor });
  } catch (e) {
    await state.close();
    throw e;
  }
  const dr: DrSession = {
    config,
    state,
    provider: cloud.provider,
    parallelism: opts.parallelism ?? config.settings.parallelism ?? 10,
    timeScale: timeScaleOf(config, ctx.env, ctx.timeScale),
    ctx,
    drctlDir: drctlDirOf(ctx.cwd),
    redactor,
    close: async () => {
      await cloud.close().catch(() => undefined);
      await state.close();
    },
  };
  return { dr, diagnostics: loaded.diagnostics, sources: loaded.sources };
}

/** Opens a session for `operation`, runs `run` on it, and closes it. */
async function withDrSession<T extends object>(
  opts: DrOpenOptions,
  ctx: DrContext,
  run: (dr: DrSession) => Promise<T>,
): Promise<Omit<DrOpened, 'dr'> & Partial<T>> {
  const opened = await openDrSession(opts, ctx);
  if (!opened.dr) return { diagnostics: opened.diagnostics, sources: opened.sources } as Omit<DrOpened, 'dr'> & Partial<T>;
  try {
    return { diagnostics: opened.diagnostics, sources: opened.sources, ...(await run(opened.dr)) };
  } finally {
    await opened.dr.close();
  }
}

export interface FailoverOptions extends DrRunOptions, Omit<MoveOptions, 'kind'> {}

export type FailbackOptions = Omit<FailoverOptions, 'unplanned'>;

export interface MoveServiceOutcome extends Omit<DrOpened, 'dr'> {
  readonly move?: MoveOutcome;
}

/** `drctl failover` and `drctl failback`: move production to the other site (lifecycle/move.ts). */
export function moveService(kind: 'failover' | 'failback', opts: FailoverOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return withDrSession({ ...opts, operation: kind, signal: opts.signal }, ctx, async (dr) => ({ move: await runMove(dr, { ...opts, kind }) }));
}

/** `drctl failover`: planned by default; --unplanned when the active site is gone. */
export function failoverService(opts: FailoverOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return moveService('failover', opts, ctx);
}

/** `drctl failback`: once the home site is back, resync towards it, then the reverse move. */
export function failbackService(opts: FailbackOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return moveService('failback', opts, ctx);
}

export interface DrillOptions extends DrRunOptions, DrillRunOptions {}

export interface DrillOutcome extends Omit<DrOpened, 'dr'> {
  readonly record?: DrillRecord;
  readonly recordFile?: string;
  readonly cancelled?: boolean;
}

/** `drctl drill`: a rehearsal on clones at the standby site, always cleaned up (lifecycle/drill-run.ts). */
export function drillService(opts: DrillOptions, ctx: DrContext): Promise<DrillOutcome> {
  return withDrSession({ ...opts, operation: 'drill', signal: opts.signal }, ctx, (dr) => runDrill(dr, opts));
}

export interface CleanupOutcome extends Omit<DrOpened, 'dr'> {
  readonly result?: CleanupResult;
  readonly recordFile?: string;
}

/** `drctl cleanup`: removes drill leftovers at both sites; idempotent. */
export function cleanupService(opts: DrRunOptions, ctx: DrContext): Promise<CleanupOutcome> {
  return withDrSession({ ...opts, operation: 'cleanup' }, ctx, (dr) => runCleanup(dr));
}

export interface VerifyOutcome extends Omit<DrOpened, 'dr'> {
  readonly report?: VerifyReport;
}

/** `drctl verify`: DR readiness, read-only (no lock). */
export function verifyService(opts: DrRunOptions, ctx: DrContext): Promise<VerifyOutcome> {
  return withDrSession({ ...opts, operation: 'verify', lock: false }, ctx, async (dr) => ({
    report: await verifyEstate({ config: dr.config, state: dr.state, provider: dr.provider }),
  }));
}
