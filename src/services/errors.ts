// The one mapping from domain errors to the errors a user fixes: a held lock, a lock id that is
// not the current lock's, an unusable state file, no state. Each becomes a UserError with what
// to do next (printed without a stack trace); anything else is returned as it is (a bug).
import { UserError } from '../diag/index.js';
import { EncryptionError, LockHeldError, LockMismatchError, PgBackendError, StateMissingError, StateUnusableError } from '../state/index.js';
import { AuditLogDamagedError } from '../audit/index.js';

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
    const at = err.pos ? `${err.location}:${err.pos.line}:${err.pos.column}` : err.location;
    return new UserError(`Unusable state at ${at}: ${err.summary}.`, [err.detail]);
  }
  if (err instanceof StateMissingError) {
    return new UserError(`No state file at ${err.location}; run drctl apply first.`, [
      'If the state lives elsewhere, pass -state PATH (or set DRCTL_STATE), or the configuration directory whose drctl block names it.',
    ]);
  }
  if (err instanceof PgBackendError) {
    // Already free of the connection string and its password (state/pg/conn.ts).
    if (err.name === 'PgPoolerError' || err.name === 'PgLockLostError') return new UserError(err.message); // they say what to do
    return new UserError(err.message, [
      err.code === '28P01' || err.code === '28000'
        ? 'Check the user and password of the connection string (DRCTL_PG_CONN_STR, conn_str_env, ~/.pgpass or PGPASSWORD).'
        : 'Check that PostgreSQL is reachable with the configured connection string (DRCTL_PG_CONN_STR or the backend "pg" block).',
    ]);
  }
  if (err instanceof EncryptionError) return new UserError(`${err.summary}.`, [err.detail]);
  if (err instanceof AuditLogDamagedError) {
    return new UserError(`${err.message} Until then drctl runs nothing it would have to record.`, ['drctl audit verify names the damaged record.']);
  }
  return err;
}

/** Runs `work`, turning the domain errors above into user errors. */
export async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw userErrorOf(err);
  }
}
