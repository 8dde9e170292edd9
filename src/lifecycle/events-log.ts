// The events of a DR run: KSYS-style names with severities, stamped with the run id and time,
// appended to `.drctl/events/<run-id>.jsonl` (one JSON object a line, never rewritten) and
// passed on to the live view and to notification targets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KSYS_EVENTS, type KsysEventName, type Severity } from './ksys.js';

export interface DrEvent {
  readonly run: string;
  readonly seq: number;
  /** Milliseconds since the run started. */
  readonly t: number;
  readonly at: string;
  /** A KSYS event name, or "machine.transition" for lifecycle changes. */
  readonly name: KsysEventName | 'machine.transition' | 'run.step';
  readonly severity: Severity;
  readonly topic?: string;
  /** What it is about: "vm.db01", "volume_group.erp_db", "group database", "site". */
  readonly subject?: string;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type DrEventInput = Omit<DrEvent, 'run' | 'seq' | 't' | 'at' | 'severity' | 'topic'> & { readonly severity?: Severity };

export type DrEventSink = (e: DrEvent) => void;

export interface EventLog {
  readonly file: string;
  emit(e: DrEventInput): DrEvent;
  /** Events emitted so far, in all and by severity (the events themselves are in the file). */
  readonly count: number;
  readonly bySeverity: Readonly<Record<string, number>>;
  close(): void;
}

/**
 * Opens (appending to) the run's JSONL file; each line is written synchronously, so a kill -9
 * loses at most the line in flight. `redact` hides secrets in each event before it is written
 * or passed on.
 */
export function openEventLog(
  dir: string,
  run: string,
  now: () => number,
  wall: () => Date,
  sinks: readonly DrEventSink[],
  redact: (e: DrEvent) => DrEvent = (e) => e,
): EventLog {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${run}.jsonl`);
  const fd = fs.openSync(file, 'a');
  const start = now();
  // Counts, not the events: a big move emits tens of thousands, and keeping them all alive
  // only makes the garbage collector copy them while boots wait.
  const bySeverity: Record<string, number> = {};
  let seq = 0;
  let open = true;
  return {
    file,
    get count() {
      return seq;
    },
    bySeverity,
    emit(input) {
      const spec = input.name in KSYS_EVENTS ? KSYS_EVENTS[input.name as KsysEventName] : undefined;
      const e: DrEvent = redact({
        run,
        seq: ++seq,
        t: Math.round(now() - start),
        at: wall().toISOString(),
        ...input,
        severity: input.severity ?? spec?.severity ?? 'info',
        ...(spec ? { topic: spec.topic } : {}),
      });
      bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
      if (open) fs.writeSync(fd, JSON.stringify(e) + '\n');
      for (const s of sinks) s(e);
      return e;
    },
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}
