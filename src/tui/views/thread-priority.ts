// A view thread yields the CPU to the run it shows: on a 2-core machine an apply already keeps
// more than one core busy (its thread, the garbage collector's helpers, fsyncs), and a frame
// drawn at equal priority slows the run by as much as it costs.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Lowest priority that needs no privilege (Linux nice 19; the scheduler still runs it when a core is free). */
export const VIEW_THREAD_NICE = 19;

/**
 * Lowers the calling thread's scheduling priority, not the process's: on Linux, setpriority()
 * with a thread id applies to that thread alone. Returns the thread id, or undefined where the
 * thread cannot be named (no /proc/thread-self) or the call is refused.
 */
export function lowerThisThreadPriority(nice = VIEW_THREAD_NICE): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return tid;
  } catch {
    return undefined;
  }
}
