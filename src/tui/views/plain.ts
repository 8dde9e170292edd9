// The plain line view of engine events: one line per finished step, Terraform-like, no colour
// unless asked, never wider than the terminal. Used without a TTY and until the Ink view runs.
import type { EngineEvent } from '../../plan/index.js';
// Direct, not the plan facade (which brings its engine): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { ACTION_DONE, ACTION_ING } from '../../plan/actions.js';

export interface PlainViewOptions {
  readonly write: (line: string) => void;
  readonly width: number;
  readonly color: boolean;
  /** Print refresh lines (off by default: a large refresh is noise). */
  readonly verbose?: boolean;
}

const C = { green: '\u001b[32m', red: '\u001b[31m', yellow: '\u001b[33m', bold: '\u001b[1m', reset: '\u001b[0m' };

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export function fitWidth(line: string, width: number): string {
  if (width <= 0 || line.length <= width) return line;
  return line.slice(0, Math.max(1, width - 1)) + '…';
}

export function plainEventLine(e: EngineEvent, color: boolean): string | undefined {
  const paint = (code: string, s: string) => (color ? code + s + C.reset : s);
  switch (e.type) {
    case 'resource.start':
      return `${e.address}: ${ACTION_ING[e.action]}`;
    case 'resource.progress':
      return `${e.address}: ${e.message}`;
    case 'resource.done':
      return `${e.address}: ${paint(C.green, ACTION_DONE[e.action])} after ${seconds(e.elapsedMs)}${e.id && e.action !== 'delete' ? ` [id=${e.id}]` : ''}`;
    case 'resource.failed':
      return `${e.address}: ${paint(C.red, 'Failed')} after ${seconds(e.elapsedMs)}: ${e.error}`;
    case 'resource.skipped':
      return `${e.address}: ${paint(C.yellow, 'Skipped')}: ${e.reason}`;
    case 'apply.interrupted':
      return paint(
        C.yellow,
        'Interrupt received: no new changes will start; waiting for the ones in flight. Press Ctrl-C again to exit at once (state stays consistent).',
      );
    case 'state.persisted':
      return e.changed ? `State saved (serial ${e.serial}).` : 'State unchanged.';
    case 'apply.done': {
      const parts = [`${e.succeeded} succeeded`, `${e.failed} failed`, `${e.skipped} skipped`];
      if (e.cancelled) parts.push(`${e.cancelled} not started`);
      const ok = e.failed === 0 && e.cancelled === 0;
      return paint(
        C.bold + (ok ? C.green : C.red),
        `Apply ${ok ? 'complete' : e.cancelled ? 'interrupted' : 'finished with errors'}! ${parts.join(', ')} in ${seconds(e.elapsedMs)}.`,
      );
    }
    case 'log':
      return e.level === 'info' ? e.message : `${e.level === 'warn' ? 'Warning' : 'Error'}: ${e.message}`;
    default:
      return undefined;
  }
}

export function plainView(opts: PlainViewOptions): (e: EngineEvent) => void {
  let refreshed = 0;
  return (e) => {
    if (e.type === 'refresh.done') {
      refreshed++;
      if (opts.verbose) opts.write(fitWidth(`${e.address}: Refreshing state... ${e.drift === 'none' ? 'ok' : e.drift}`, opts.width) + '\n');
      return;
    }
    if (e.type === 'plan.done' && refreshed) opts.write(`Refreshed ${refreshed} resource${refreshed === 1 ? '' : 's'}.\n`);
    const line = plainEventLine(e, opts.color);
    if (line !== undefined) opts.write(fitWidth(line, opts.width) + '\n');
  };
}

/** NDJSON: one event per line. */
export function jsonView(write: (line: string) => void): (e: EngineEvent) => void {
  return (e) => write(JSON.stringify(e) + '\n');
}

/**
 * Collects lines written in one turn of the event loop and writes them at once: a big apply
 * prints thousands of lines, and a terminal or pipe write is a system call each. Call flush()
 * before exiting.
 */
export function batchedWriter(write: (text: string) => void): { write: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  let scheduled: ReturnType<typeof setImmediate> | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    write: (line) => {
      pending.push(line);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
