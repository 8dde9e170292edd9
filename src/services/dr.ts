// The DR runs the commands and the console call: failover, failback, drill, cleanup, verify.
// Each opens what a run works in (the configuration, the state locked for the run, the cloud),
// hands that session to the run in lifecycle/, and closes it again.
import type { DrConfig, VarInput } from '../config/index.js';
import type { Diagnostic } from '../diag/index.js';
import type { Permission } from '../access/index.js';
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
import { DRCTL_VERSION } from './version.js';
import { openWorkspace, type OpenWorkspace, type Verdict } from './workspace.js';

export interface DrRunOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly statePath?: string;
  readonly lockTimeoutMs?: number;
  readonly parallelism?: number;
}

export interface DrOpenOptions extends DrRunOptions {
  /** The run's name in locks and the audit log: failover, failback, drill, cleanup, verify. */
  readonly operation: string;
  /** What the identity needs in the workspace (besides reading its state). */
  readonly permission: Permission;
  readonly signal?: AbortSignal;
  /** Read-only runs (verify) take no lock. */
  readonly lock?: boolean;
}

export interface DrOpened {
  readonly dr?: DrSession;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

/** Opens (and locks) the workspace's state and connects the cloud; the caller checked access. */
async function openDrSession(opts: DrOpenOptions, ctx: DrContext, ws: OpenWorkspace, config: DrConfig): Promise<DrSession> {
  const redactor = redactorFor(ctx, config);
  const state = await openState(ws.backend(), {
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
  return {
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
}

/**
 * Loads the configuration, opens the workspace and checks the run's permission, then opens a
 * session for `operation`, runs `run` on it and closes it; the run is recorded in the audit log
 * with the outcome `verdict` tells.
 */
async function withDrSession<T extends object>(
  opts: DrOpenOptions,
  ctx: DrContext,
  run: (dr: DrSession) => Promise<T>,
  verdict: (result: T) => Verdict,
): Promise<Omit<DrOpened, 'dr'> & Partial<T>> {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources } as Omit<DrOpened, 'dr'> & Partial<T>;
  const ws = await openWorkspace(loaded.config.settings, ctx, { statePath: opts.statePath });
  try {
    await ws.allow([opts.permission, 'state-read'], opts.operation);
    const result = await ws.record(
      opts.operation,
      async () => {
        const dr = await openDrSession(opts, ctx, ws, loaded.config!);
        try {
          return await run(dr);
        } finally {
          await dr.close();
        }
      },
      verdict,
    );
    return { diagnostics: loaded.diagnostics, sources: loaded.sources, ...result };
  } finally {
    await ws.close();
  }
}

/** A DR run's outcome word (failed, needs-attention, interrupted, cancelled, …) as the audit log's. */
function drVerdict(outcome: string | undefined, detail: string): Verdict {
  if (outcome === undefined) return { outcome: 'failed', detail };
  if (/interrupt|cancel/.test(outcome)) return { outcome: 'interrupted', detail };
  return { outcome: /^(succeeded|passed|forced|nothing-to-do|ok|ready)$/.test(outcome) ? 'ok' : 'failed', detail };
}

export interface FailoverOptions extends DrRunOptions, Omit<MoveOptions, 'kind'> {}

export type FailbackOptions = Omit<FailoverOptions, 'unplanned'>;

export interface MoveServiceOutcome extends Omit<DrOpened, 'dr'> {
  readonly move?: MoveOutcome;
}

/** `drctl failover` and `drctl failback`: move production to the other site (lifecycle/move.ts). */
export function moveService(kind: 'failover' | 'failback', opts: FailoverOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return withDrSession(
    { ...opts, operation: kind, permission: kind, signal: opts.signal },
    ctx,
    async (dr) => ({ move: await runMove(dr, { ...opts, kind }) }),
    ({ move }) => {
      if (move.cancelled) return { outcome: 'interrupted', detail: 'not approved; nothing moved' };
      const r = move.record;
      if (!r) return { outcome: move.ok ? 'ok' : 'failed', detail: move.message ?? '' };
      return drVerdict(r.outcome, `run ${r.run}: ${r.outcome}, ${r.from} → ${r.to}`);
    },
  );
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
  return withDrSession(
    { ...opts, operation: 'drill', permission: 'drill', signal: opts.signal },
    ctx,
    (dr) => runDrill(dr, opts),
    (out) =>
      out.cancelled && !out.record
        ? { outcome: 'interrupted', detail: 'not approved; nothing run' }
        : drVerdict(out.record?.outcome, `drill ${out.record?.drill ?? ''}: ${out.record?.outcome ?? 'no record'}`),
  );
}

export interface CleanupOutcome extends Omit<DrOpened, 'dr'> {
  readonly result?: CleanupResult;
  readonly recordFile?: string;
}

/** `drctl cleanup`: removes drill leftovers at both sites; idempotent. */
export function cleanupService(opts: DrRunOptions, ctx: DrContext): Promise<CleanupOutcome> {
  return withDrSession(
    { ...opts, operation: 'cleanup', permission: 'drill' },
    ctx,
    (dr) => runCleanup(dr),
    ({ result }) => {
      const r = result.removed;
      return { outcome: 'ok', detail: `removed ${r.vms.length} VM(s), ${r.volumes.length} volume(s), ${r.networks.length} network(s)` };
    },
  );
}

export interface VerifyOutcome extends Omit<DrOpened, 'dr'> {
  readonly report?: VerifyReport;
}

/** `drctl verify`: DR readiness, read-only (no lock). */
export function verifyService(opts: DrRunOptions, ctx: DrContext): Promise<VerifyOutcome> {
  return withDrSession(
    { ...opts, operation: 'verify', permission: 'verify', lock: false },
    ctx,
    async (dr) => ({
      report: await verifyEstate({ config: dr.config, state: dr.state, provider: dr.provider }),
    }),
    ({ report }) => ({ outcome: report.ready ? 'ok' : 'failed', detail: report.ready ? 'ready' : 'not ready' }),
  );
}
