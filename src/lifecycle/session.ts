// What every DR run opens first: the configuration, the state (locked for the run), the cloud,
// the run's event log and notifications. Services receive options and a context, never flags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DrConfig } from '../config/model.js';
import type { Diagnostic } from '../diag/types.js';
import type { VarInput } from '../config/load.js';
import { UserError } from '../diag/errors.js';
import { DRCTL_VERSION, loadForEngine, statePathOf, type EngineContext } from '../apply/service.js';
import { connectCloud, endpointOf, type CloudConnection } from '../apply/cloud.js';
import { LocalFileBackend } from '../state/local.js';
import { openState, type StateSession } from '../state/session.js';
import { LockHeldError, StateUnusableError } from '../state/errors.js';
import type { Provider } from '../provider/types.js';
import { openEventLog, type DrEventSink, type EventLog } from './events-log.js';
import { webhookNotifier, type Notifier } from './notify.js';

export interface DrContext extends EngineContext {
  /** Receives every DR event (the live view). */
  readonly drSink?: DrEventSink;
  readonly wall?: () => Date;
  /** Provide a cloud (tests, benchmarks) instead of connecting from the configuration. */
  readonly connect?: (config: DrConfig) => Promise<CloudConnection>;
  /** Real seconds per model second of the cloud (1 for PowerVS; the simulator's time scale). */
  readonly timeScale?: number;
}

export interface DrOpenOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly statePath?: string;
  readonly lockTimeoutMs?: number;
  readonly parallelism?: number;
  readonly operation: string;
  readonly signal?: AbortSignal;
  /** Read-only runs (verify) take no lock. */
  readonly lock?: boolean;
}

export interface DrSession {
  readonly config: DrConfig;
  readonly state: StateSession;
  readonly provider: Provider;
  readonly parallelism: number;
  readonly timeScale: number;
  readonly ctx: DrContext;
  readonly drctlDir: string;
  close(): Promise<void>;
}

export interface DrOpened {
  readonly dr?: DrSession;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

export function timeScaleOf(config: DrConfig, ctx: DrContext): number {
  if (ctx.timeScale !== undefined) return ctx.timeScale;
  if (endpointOf(config, ctx.env) !== 'embedded') return 1;
  const t = ctx.env.DRCTL_SIM_TIME_SCALE;
  return t === undefined || t === '' ? 1 / 600 : Number(t);
}

export async function openDrSession(opts: DrOpenOptions, ctx: DrContext): Promise<DrOpened> {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
  const config = loaded.config;
  const file = statePathOf(config, ctx, opts.statePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const backend = new LocalFileBackend(file);
  const state = await openState(backend, {
    drctlVersion: DRCTL_VERSION,
    lock: opts.lock === false ? false : { operation: opts.operation },
    lockTimeoutMs: opts.lockTimeoutMs ?? 0,
    signal: opts.signal,
  }).catch((e: unknown) => {
    if (e instanceof LockHeldError) throw new UserError(e.message, ['Another drctl run holds the state. Wait for it, or pass -lock-timeout=60s.']);
    if (e instanceof StateUnusableError) throw new UserError(e.message);
    throw e;
  });
  let cloud: CloudConnection;
  try {
    cloud = ctx.connect ? await ctx.connect(config) : await connectCloud(config, { cwd: ctx.cwd, env: ctx.env });
  } catch (e) {
    await state.close();
    throw e;
  }
  const parallelism = opts.parallelism ?? config.settings.parallelism ?? 10;
  const dr: DrSession = {
    config,
    state,
    provider: cloud.provider,
    parallelism,
    timeScale: timeScaleOf(config, ctx),
    ctx,
    drctlDir: path.resolve(ctx.cwd, '.drctl'),
    close: async () => {
      await cloud.close().catch(() => undefined);
      await state.close();
    },
  };
  return { dr, diagnostics: loaded.diagnostics, sources: loaded.sources };
}

export function newRunId(kind: string, wall: Date): string {
  const stamp = wall.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface RunChannel {
  readonly log: EventLog;
  readonly notifier: Notifier;
  close(): Promise<void>;
}

/** The run's event log and notifications; a webhook that gives up becomes a warning event. */
export function openRunChannel(dr: DrSession, run: string): RunChannel {
  const wall = dr.ctx.wall ?? (() => new Date());
  let log: EventLog | undefined;
  const notifier = webhookNotifier([...dr.config.notifications.values()], {
    onGiveUp: (url, error) => log?.emit({ name: 'run.step', severity: 'warning', subject: 'notification', message: `webhook ${url} gave up: ${error} (the run goes on)` }),
  });
  const sinks: DrEventSink[] = [notifier];
  if (dr.ctx.drSink) sinks.push(dr.ctx.drSink);
  log = openEventLog(path.join(dr.drctlDir, 'events'), run, dr.ctx.now, wall, sinks);
  return {
    log,
    notifier,
    close: async () => {
      await notifier.drain();
      log!.close();
    },
  };
}

/** Writes the run record as `.drctl/runs/<run>.json` (atomically). */
export function writeRunRecord(dr: DrSession, run: string, record: unknown): string {
  const dir = path.join(dr.drctlDir, 'runs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${run}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}
