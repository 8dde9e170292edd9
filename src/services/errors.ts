// The one mapping from domain errors to the errors a user fixes: a held lock, a lock id that is
// not the current lock's, an unusable state file, no state, and the environment failing (a
// read-only or full disk, a path that is a directory, a file drctl may not read, credentials the
// cloud refuses). Each becomes a UserError saying what failed, where, and what to do next
// (printed without a stack trace); anything else is returned as it is (a bug).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../diag/index.js';
import { EncryptionError, LockHeldError, LockMismatchError, PgBackendError, StateMissingError, StateUnusableError } from '../state/index.js';
import { AuditLogDamagedError } from '../audit/index.js';
// Direct, not the provider facade: that loads the PowerVS client, which a plan without state never needs.
import { isProviderError } from '../provider/errors.js';

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
    // A fault with no place in the text (a failed integrity check, an unknown format) is one line.
    if (!err.pos) return new UserError(`Unusable state at ${err.location}: ${err.summary}.`, [err.detail]);
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
  const fsError = fileSystemError(err);
  if (fsError) return fsError;
  if (isProviderError(err)) return cloudError(err);
  return err;
}

/** What each file-system failure means to the person running drctl. */
const FS_FAILURES: Readonly<Record<string, { readonly what: string; readonly fix: (where: string, reading: boolean) => string }>> = {
  EACCES: { what: 'permission denied', fix: (where, reading) => access(where, reading) },
  EPERM: { what: 'operation not permitted', fix: (where, reading) => access(where, reading) },
  EROFS: { what: 'the file system is read-only', fix: (dir) => `${dir} is on a read-only file system: point -state (DRCTL_STATE) at a writable location.` },
  ENOSPC: { what: 'no space left on the device', fix: (dir) => `Free space on the disk that holds ${dir}, then run the command again.` },
  EDQUOT: { what: 'the disk quota is used up', fix: (dir) => `Free space in your quota on the disk that holds ${dir}, then run the command again.` },
  EISDIR: { what: 'it is a directory, not a file', fix: () => 'Name the state file itself, e.g. -state state/erp.drstate.json.' },
  ENOTDIR: { what: 'a part of the path is a file, not a directory', fix: () => 'Check the path: every part before the file name must be a directory.' },
  EMFILE: { what: 'too many open files', fix: () => 'Raise the open-file limit (ulimit -n), or lower -parallelism.' },
  ENFILE: { what: 'too many open files on the system', fix: () => 'Raise the open-file limit, or lower -parallelism.' },
  EIO: { what: 'an input/output error on the device', fix: (dir) => `Check the disk that holds ${dir}.` },
};

function access(where: string, reading: boolean): string {
  return reading
    ? `Let the user running drctl read ${where} (check its permissions and its directory's).`
    : `Let the user running drctl write in ${where}, or point -state (DRCTL_STATE) somewhere it may write.`;
}

const READS = new Set(['read', 'open', 'scandir', 'stat', 'lstat', 'readlink', 'access']);

/** An fs failure (with its path) as a user error; undefined for anything else. */
function fileSystemError(err: unknown): UserError | undefined {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const failure = FS_FAILURES[e.code];
  if (!failure) return undefined;
  // A temp file drctl writes beside the real one (".erp.drstate.json.123.ab12.tmp", "….lock.123.ab12.tmp") is named as the real one.
  const dir = path.dirname(e.path);
  const tmp = /^\.?(.+)\.\d+\.[0-9a-f]+\.tmp$/.exec(path.basename(e.path));
  const file = shownPath(tmp ? path.join(dir, tmp[1]) : e.path);
  const reading = e.syscall !== undefined && READS.has(e.syscall) && e.code !== 'ENOSPC' && e.code !== 'EROFS' && e.code !== 'EDQUOT';
  const verb = e.syscall === 'mkdir' ? 'create the directory' : reading ? 'read' : 'write';
  return new UserError(`Cannot ${verb} ${file}: ${failure.what} (${e.code}).`, [
    failure.fix(reading ? file : shownPath(e.syscall === 'mkdir' ? e.path : dir), reading),
    reading ? 'Nothing was changed.' : 'A state file stays as its last complete write left it: drctl replaces one only once the new version is written whole.',
  ]);
}

/** The cloud refusing drctl (credentials, reachability) as a user error; other provider failures stay as they are. */
function cloudError(err: { readonly code: string; readonly message: string }): unknown {
  switch (err.code) {
    case 'unauthorized':
      return new UserError(`The cloud refused drctl's credentials: ${err.message}.`, [
        'Check IBMCLOUD_API_KEY (an IBM Cloud API key, exchanged at IAM) or DRCTL_POWERVS_TOKEN (a bearer token), and that it may use these workspaces.',
      ]);
    case 'config':
      return new UserError(`The PowerVS connection is not configured: ${err.message}.`, ['See docs/provider.md for the settings and variables.']);
    case 'network':
    case 'unavailable':
    case 'timeout':
      return new UserError(`Cannot reach the PowerVS endpoint: ${err.message}.`, [
        'Check the endpoint (DRCTL_POWERVS_ENDPOINT or the drctl block) and the network, then run the command again.',
      ]);
    default:
      return err;
  }
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
