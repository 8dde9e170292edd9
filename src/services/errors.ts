// The one mapping from domain errors to the errors a user fixes: a held lock, a lock id that is
// not the current lock's, an unusable state file, no state. Each becomes a UserError with what
// to do next (printed without a stack trace); anything else is returned as it is (a bug).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../diag/index.js';
import { LockHeldError, LockMismatchError, StateMissingError, StateUnusableError } from '../state/index.js';

export function userErrorOf(err: unknown): unknown {
  if (err instanceof LockHeldError) {
    const { lock } = err;
    return new UserError(
      `The state at ${err.location} is locked by ${lock.holder} (pid ${lock.pid} on ${lock.host}) for "${lock.operation}" since ${lock.created}; lock id ${lock.id}.${err.waitedMs > 0 ? ` Waited ${Math.round(err.waitedMs)} ms.` : ''}`,
      [
        'Wait for that run to finish, or let this command wait for it with -lock-timeout 60s.',
        `If that run is gone, break its lock with: drctl force-unlock ${lock.id}`,
      ],
    );
  }
  if (err instanceof LockMismatchError) {
    if (!err.actual) return new UserError(`No lock is held on ${err.location}; nothing to unlock.`);
    const a = err.actual;
    return new UserError(
      `Lock id ${err.expectedId} does not match the lock on ${err.location}: it is lock ${a.id}, held by ${a.holder} (pid ${a.pid} on ${a.host}) for "${a.operation}" since ${a.created}. Nothing was unlocked.`,
      [`Check that run is really gone; then break its lock with: drctl force-unlock ${a.id}`],
    );
  }
  if (err instanceof StateUnusableError) {
    // Framed as a configuration error is: the file, the line, a caret under the fault.
    const shown = shownPath(err.location);
    const d = err.toDiagnostic();
    const subject = d.subject && { ...d.subject, filename: shown };
    const source = subject ? readForFrame(err.location) : undefined;
    return new UserError(`Unusable state at ${shown}: ${err.summary}.`, [], 1, {
      diagnostics: [{ ...d, detail: subject ? d.detail : `The state file is ${shown}.\n${d.detail ?? ''}`.trim(), subject }],
      sources: source === undefined || !subject ? undefined : new Map([[shown, source]]),
    });
  }
  if (err instanceof StateMissingError) {
    return new UserError(`No state file at ${err.location}; run drctl apply first.`, [
      'If the state lives elsewhere, pass -state PATH (or set DRCTL_STATE), or the configuration directory whose drctl block names it.',
    ]);
  }
  return err;
}

/** A path as the user would type it from here: relative when it is under the working directory. */
function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The text of a (corrupt) state file for its code frame; none when it cannot be read or is huge. */
function readForFrame(file: string): string | undefined {
  try {
    if (fs.statSync(file).size > 16 * 1024 * 1024) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs `work`, turning the domain errors above into user errors. */
export async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw userErrorOf(err);
  }
}
