// What a DR run works in: an open session (the configuration, the state locked for the run, the
// cloud) and the run's event log, notifications and record. Opening a session (loading the
// configuration, locking state, connecting the cloud) is services' job (services/dr.ts): the
// runs here receive it, so lifecycle never reaches the engine or the simulator itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DrConfig } from '../config/index.js';
import type { StateSession } from '../state/index.js';
import type { Provider } from '../provider/index.js';
import type { Redactor } from '../redact/index.js';
import { openEventLog, type DrEventSink, type EventLog } from './events-log.js';
import { webhookNotifier, type Notifier } from './notify.js';

/** The clock, the working directory and where DR events go: all a run needs from its caller. */
export interface RunContext {
  readonly cwd: string;
  /** Milliseconds on a monotonic clock. */
  readonly now: () => number;
  readonly wall?: () => Date;
  /** Receives every DR event (the live view). */
  readonly drSink?: DrEventSink;
}

export interface DrSession {
  readonly config: DrConfig;
  readonly state: StateSession;
  readonly provider: Provider;
  readonly parallelism: number;
  /** Real seconds per model second of the cloud (1 for PowerVS; the simulator's time scale). */
  readonly timeScale: number;
  readonly ctx: RunContext;
  readonly drctlDir: string;
  /** Hides the run's secrets (it knows the configuration's sensitive values) in its events, webhook bodies and records. */
  readonly redactor: Redactor;
  close(): Promise<void>;
}

/** Where run records and event logs are kept: `.drctl/` in the working directory. */
export function drctlDirOf(cwd: string): string {
  return path.resolve(cwd, '.drctl');
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

/**
 * The run's event log and notifications; a webhook that gives up becomes a warning event. Every
 * event is redacted once, as it is emitted: the log file, the webhook bodies and the live view
 * all get the redacted event.
 */
export function openRunChannel(dr: DrSession, run: string): RunChannel {
  const wall = dr.ctx.wall ?? (() => new Date());
  let log: EventLog | undefined;
  const notifier = webhookNotifier([...dr.config.notifications.values()], {
    // The message names the URL as it is: the event is redacted on its way out (below).
    onGiveUp: (target, error) =>
      log?.emit({ name: 'run.step', severity: 'warning', subject: 'notification', message: `webhook ${target} gave up: ${error} (the run goes on)` }),
  });
  const sinks: DrEventSink[] = [notifier];
  if (dr.ctx.drSink) sinks.push(dr.ctx.drSink);
  log = openEventLog(path.join(dr.drctlDir, 'events'), run, dr.ctx.now, wall, sinks, (e) => dr.redactor.data(e));
  return {
    log,
    notifier,
    close: async () => {
      await notifier.drain();
      log!.close();
    },
  };
}

/** Writes the run record as `.drctl/runs/<run>.json` (atomically), redacted. */
export function writeRunRecord(dr: DrSession, run: string, record: unknown): string {
  const dir = path.join(dr.drctlDir, 'runs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${run}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(dr.redactor.data(record), null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}
