// The PostgreSQL backend: a workspace's current snapshot is one row of `states`, every version
// is kept in `state_versions`, the journal is rows of `journal`, and the lock is a session
// advisory lock held on a dedicated connection, with who holds it written to `locks` under it.
//
// Session advisory locks only mean something when every statement of the lock connection runs
// in one server session. A pooler in transaction or statement mode (PgBouncer) hands each
// transaction to whichever server session is free, so the lock would stay behind in a pooled
// session and protect nothing. drctl proves the session is its own instead of assuming it:
//   1. taking the lock, in one transaction: the session must not already hold the key nor carry
//      a lock token (a fresh connection carries neither; a pooled session may), then
//      pg_try_advisory_lock, then a random token set as a session setting (drctl.lock_token);
//   2. after commit, the lock connection must still see its backend pid and token, and the main
//      connection must see neither (through a pooler it is usually handed the same session);
//   3. every write made under the lock carries the token check in the same statement, so a
//      write that lands in another session is refused rather than made unlocked.
// Any failed check is a PgPoolerError, and the lock taken by mistake is released (the pooled
// session is ended if it cannot be reached). A pooler in session mode passes all checks.

import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { JournalRecords, LockGrant, LockOptions, LockRequest, SnapshotMeta, StateBackend, StateHistory, StateVersion } from '../backend.js';
import { describeLock, LockHeldError, LockMismatchError, type LockInfo } from '../errors.js';
import { peekSnapshotMeta } from '../meta.js';
import { checkWorkspaceName } from '../workspaces.js';
import { PgBackendError, pgConnector, type Connect, type PgConnection } from './conn.js';
import { advisoryHolders, advisoryKey, PgDatabase, type AdvisoryKey, type PgDatabaseOptions } from './db.js';

const NEWLINE = 0x0a;
const FENCE = `current_setting('drctl.lock_token', true)`;

/** The connection goes through a pooler in transaction or statement mode: advisory locks cannot hold. */
export class PgPoolerError extends PgBackendError {
  constructor(where: string, finding: string) {
    super(
      `Cannot lock the state at ${where}: the connection goes through a pooler in transaction or statement mode (such as PgBouncer), ` +
        `where a session advisory lock does not stay with drctl's connection, so the lock would protect nothing (${finding}). ` +
        'Connect drctl directly to PostgreSQL, or through a pool in session mode (pool_mode = session).',
    );
    this.name = 'PgPoolerError';
  }
}

/** The lock this run held is gone (force-unlocked by someone, or its connection broke). */
export class PgLockLostError extends PgBackendError {
  constructor(where: string, cause: string) {
    super(
      `The state lock on ${where} was lost: ${cause}. Its PostgreSQL session ended (someone ran force-unlock, or the connection broke), ` +
        'so nothing more was written. Check the state (drctl state list) and run again.',
    );
    this.name = 'PgLockLostError';
  }
}

export interface PgBackendOptions {
  readonly workspace?: string;
  /** Identity written into locks and into each version's `created_by`; defaults come from the OS. */
  readonly host?: string;
  readonly user?: string;
  readonly pid?: number;
  readonly now?: () => Date;
  readonly newLockId?: () => string;
}

interface HeldLock {
  readonly info: LockInfo;
  readonly conn: PgConnection;
  readonly token: string;
  readonly backendPid: number;
  lost: Error | null;
}

type Rows = Array<Record<string, unknown>>;

export class PgBackend implements StateBackend, StateHistory {
  readonly location: string;
  readonly workspace: string;
  private readonly key: AdvisoryKey;
  private readonly host: string;
  private readonly user: string;
  private readonly pid: number;
  private readonly now: () => Date;
  private readonly newLockId: () => string;
  private held: HeldLock | null = null;
  private closed = false;

  /** A backend on a database shared with others (a store); `ownsDatabase` closes it on close(). */
  constructor(
    readonly db: PgDatabase,
    options: PgBackendOptions = {},
    private readonly ownsDatabase = false,
  ) {
    this.workspace = checkWorkspaceName(options.workspace ?? 'default');
    this.location = `${db.where} (schema ${db.schema}, workspace ${this.workspace})`;
    this.key = advisoryKey('workspace', db.schema, this.workspace);
    this.host = options.host ?? hostname();
    this.user = options.user ?? currentUser();
    this.pid = options.pid ?? process.pid;
    this.now = options.now ?? (() => new Date());
    this.newLockId = options.newLockId ?? randomUUID;
  }

  /** A backend with its own connection to `connStr`. */
  static open(options: PgDatabaseOptions & PgBackendOptions): PgBackend {
    const connect: Connect = options.connect ?? pgConnector({ connStr: options.connStr, env: options.env });
    return new PgBackend(new PgDatabase(options, connect), options, true);
  }

  private get who(): string {
    return `${this.user}@${this.host}`;
  }

  // ------------------------------------------------------------------ snapshots

  async read(): Promise<Uint8Array | null> {
    const rows = await this.db.query(`select data from ${this.db.s}.states where workspace = $1`, [this.workspace]);
    return bytesOf(rows[0]?.data);
  }

  async readPrevious(): Promise<Uint8Array | null> {
    const rows = await this.db.query(
      `select v.data from ${this.db.s}.state_versions v join ${this.db.s}.states s on s.workspace = v.workspace
       where v.workspace = $1 and v.version < s.version order by v.version desc limit 1`,
      [this.workspace],
    );
    return bytesOf(rows[0]?.data);
  }

  async write(snapshot: Uint8Array, meta?: SnapshotMeta): Promise<void> {
    const known = meta ?? peekSnapshotMeta(snapshot);
    const sql = `with up as (
        insert into ${this.db.s}.states as s (workspace, version, serial, lineage, data, updated_at, updated_by)
        select $1, 1, $2, $3, $4, now(), $5 where $6::text is null or ${FENCE} = $6
        on conflict (workspace) do update set version = s.version + 1, serial = excluded.serial, lineage = excluded.lineage,
          data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by
        returning version)
      insert into ${this.db.s}.state_versions (workspace, version, serial, lineage, data, created_by)
      select $1, version, $2, $3, $4, $5 from up returning version`;
    const rows = await this.fenced(sql, [this.workspace, known?.serial ?? null, known?.lineage ?? null, Buffer.from(snapshot), this.who]);
    if (rows.length !== 1) this.fenceFailed();
  }

  // ------------------------------------------------------------------ journal

  async appendJournal(records: readonly Uint8Array[]): Promise<void> {
    if (records.length === 0) return;
    for (const record of records) if (record.includes(NEWLINE)) throw new Error('appendJournal: a journal record must not contain a newline');
    const sql = `with ins as (
        insert into ${this.db.s}.journal (workspace, record)
        select $1, r from unnest($2::bytea[]) with ordinality as t(r, i) where $3::text is null or ${FENCE} = $3 order by i
        returning 1)
      select count(*)::int as n from ins`;
    const rows = await this.fenced(sql, [this.workspace, records.map((r) => Buffer.from(r))]);
    if (Number(rows[0]?.n) !== records.length) this.fenceFailed();
  }

  async readJournal(): Promise<JournalRecords> {
    const rows = await this.db.query(`select record from ${this.db.s}.journal where workspace = $1 order by seq`, [this.workspace]);
    // Each append is one statement: storage never holds a torn record.
    return { records: rows.map((r) => bytesOf(r.record)!), incompleteTail: false };
  }

  async clearJournal(): Promise<void> {
    const sql = `with f as (select ($2::text is null or ${FENCE} = $2) as ok),
      d as (delete from ${this.db.s}.journal where workspace = $1 and (select ok from f))
      select ok from f`;
    const rows = await this.fenced(sql, [this.workspace]);
    if (rows[0]?.ok !== true) this.fenceFailed();
  }

  // ------------------------------------------------------------------ history

  async history(options: { readonly limit?: number } = {}): Promise<readonly StateVersion[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    const rows = await this.db.query(
      `select version, serial, lineage, created_at, created_by, octet_length(data) as bytes
       from ${this.db.s}.state_versions where workspace = $1 order by version desc limit $2`,
      [this.workspace, limit],
    );
    return rows.map((r) => ({
      version: Number(r.version),
      serial: r.serial === null ? null : Number(r.serial),
      lineage: (r.lineage as string | null) ?? null,
      created: (r.created_at as Date).toISOString(),
      createdBy: r.created_by as string,
      bytes: Number(r.bytes),
    }));
  }

  async readSerial(serial: number, lineage?: string): Promise<Uint8Array | null> {
    const rows = await this.db.query(
      `select data from ${this.db.s}.state_versions where workspace = $1 and serial = $2 and ($3::text is null or lineage = $3) order by version desc limit 1`,
      [this.workspace, serial, lineage ?? null],
    );
    return bytesOf(rows[0]?.data);
  }

  async readVersion(version: number): Promise<Uint8Array | null> {
    const rows = await this.db.query(`select data from ${this.db.s}.state_versions where workspace = $1 and version = $2`, [this.workspace, version]);
    return bytesOf(rows[0]?.data);
  }

  // ------------------------------------------------------------------ locking

  async lock(request: LockRequest, options: LockOptions = {}): Promise<LockGrant> {
    if (this.held) throw new Error(`This backend already holds the lock on ${this.location} (lock id ${this.held.info.id})`);
    const timeoutMs = options.timeoutMs ?? 0;
    const started = Date.now();
    const info: LockInfo = {
      id: this.newLockId(),
      holder: request.holder ?? this.who,
      pid: this.pid,
      host: this.host,
      operation: request.operation,
      created: this.now().toISOString(),
      workspace: this.workspace,
    };
    const token = randomUUID();
    await this.db.ensureSchema();
    options.signal?.throwIfAborted();
    const conn = await this.db.connect('lock');
    let lost: Error | null = null;
    conn.onError((err) => {
      lost = err;
      if (this.held?.conn === conn) this.held.lost = err;
    });
    try {
      let backoff = 25;
      let unexplained = 0;
      for (;;) {
        options.signal?.throwIfAborted();
        if (lost) throw lost;
        const attempt = await this.tryLock(conn, info, token);
        if (attempt) {
          await this.verifySession(conn, token, attempt.backendPid, info.id);
          this.held = { info, conn, token, backendPid: attempt.backendPid, lost: null };
          return { lock: info, warnings: attempt.warnings };
        }
        const current = await this.readLock();
        // Released between our two statements, or taken by a run that has not committed its record yet.
        if ((current === null || current.id.startsWith('pg-session-')) && unexplained++ < 20) {
          await delay(current === null ? 0 : 50, undefined, { signal: options.signal });
          continue;
        }
        const waited = Date.now() - started;
        if (waited >= timeoutMs) throw new LockHeldError(current ?? this.unknownHolder(null), this.location, waited);
        const jitter = 0.75 + Math.random() * 0.5;
        await delay(Math.max(1, Math.min(backoff * jitter, timeoutMs - waited)), undefined, { signal: options.signal });
        backoff = Math.min(backoff * 2, 1_000);
        unexplained = 0;
      }
    } catch (err) {
      await conn.end();
      throw err;
    }
  }

  /** One attempt on the lock connection; the lock grant, or null when another session holds it. */
  private async tryLock(conn: PgConnection, info: LockInfo, token: string): Promise<{ backendPid: number; warnings: string[] } | null> {
    try {
      await conn.query('begin');
    } catch (err) {
      // PgBouncer in statement mode refuses transactions outright.
      if (/transaction blocks not allowed|statement pooling/i.test((err as Error).message)) throw new PgPoolerError(this.db.where, 'it refuses transactions');
      throw err;
    }
    try {
      const pre = (
        await conn.query(
          `select pg_backend_pid() as pid, coalesce(${FENCE}, '') as token, exists (${advisoryHolders(this.key)} and pid = pg_backend_pid()) as preheld`,
        )
      ).rows[0];
      if (pre.preheld === true || pre.token !== '') {
        await conn.query('rollback');
        throw new PgPoolerError(this.db.where, `the new lock connection was handed a server session that ${pre.preheld === true ? 'already holds this lock' : 'carries another connection\'s lock token'}`);
      }
      const got = (await conn.query('select pg_try_advisory_lock($1::bigint) as got', [this.key.key])).rows[0].got === true;
      if (!got) {
        await conn.query('commit');
        return null;
      }
      await conn.query(`select set_config('drctl.lock_token', $1, false)`, [token]);
      const previous = (await conn.query(`select * from ${this.db.s}.locks where workspace = $1`, [this.workspace])).rows[0];
      await conn.query(
        `insert into ${this.db.s}.locks (workspace, id, holder, pid, host, operation, created, backend_pid) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (workspace) do update set id = excluded.id, holder = excluded.holder, pid = excluded.pid, host = excluded.host,
           operation = excluded.operation, created = excluded.created, backend_pid = excluded.backend_pid`,
        [this.workspace, info.id, info.holder, info.pid, info.host, info.operation, info.created, pre.pid],
      );
      await conn.query('commit');
      const warnings: string[] = [];
      if (previous) {
        warnings.push(
          `Took over a stale lock: ${describeLock(lockInfoOf(previous, this.workspace))}. Its PostgreSQL session had ended (the process died or lost its connection), which released the lock.`,
        );
      }
      return { backendPid: Number(pre.pid), warnings };
    } catch (err) {
      await conn.query('rollback').catch(() => undefined);
      throw err;
    }
  }

  /** Step 2 above: the lock really is in the lock connection's own session, and only there. */
  private async verifySession(conn: PgConnection, token: string, backendPid: number, lockId: string): Promise<void> {
    const probe = `select pg_backend_pid() as pid, ${FENCE} as token`;
    const self = (await conn.query(probe)).rows[0];
    const other = (await this.db.query(probe))[0];
    let finding: string | null = null;
    if (Number(self.pid) !== backendPid || self.token !== token) finding = `the lock connection's next statement ran in server session ${self.pid}, not in session ${backendPid} that took the lock`;
    else if (Number(other.pid) === backendPid || other.token === token) finding = `a second connection was handed server session ${backendPid}, which holds the lock`;
    if (finding === null) return;
    // Release the lock taken by mistake: from the lock connection if it reaches that session, else end the session.
    await conn.query(`select pg_advisory_unlock($1::bigint) where ${FENCE} = $2`, [this.key.key, token]).catch(() => undefined);
    await this.db
      .query(`select pg_terminate_backend(pid) from (${advisoryHolders(this.key)}) h where pid = $1`, [backendPid])
      .catch(() => undefined);
    await this.db.query(`delete from ${this.db.s}.locks where workspace = $1 and id = $2`, [this.workspace, lockId]).catch(() => undefined);
    throw new PgPoolerError(this.db.where, finding);
  }

  async unlock(id: string): Promise<void> {
    const held = this.held;
    if (!held || held.info.id !== id) {
      // Not our lock: as with the local backend, a matching id breaks it.
      await this.forceUnlock(id);
      return;
    }
    this.held = null;
    try {
      if (held.lost) throw held.lost;
      await held.conn.query('begin');
      const fence = (await held.conn.query(`select ${FENCE} = $1 as ok`, [held.token])).rows[0];
      if (fence.ok !== true) throw new PgPoolerError(this.db.where, 'the lock connection no longer reaches the session holding the lock');
      await held.conn.query(`delete from ${this.db.s}.locks where workspace = $1 and id = $2`, [this.workspace, id]);
      await held.conn.query('select pg_advisory_unlock($1::bigint)', [this.key.key]);
      await held.conn.query('commit');
    } catch (err) {
      if (err instanceof PgPoolerError) throw err;
      // The session is gone (force-unlocked or disconnected): the lock is no longer ours to release.
      const current = await this.readLock().catch(() => null);
      // Session.close() closes the backend before it unlocks: do not leave the main connection reopened.
      if (this.closed) await this.close();
      if (current?.id === id) throw err;
      throw new LockMismatchError(id, current, this.location);
    } finally {
      await held.conn.end();
    }
  }

  async forceUnlock(id: string): Promise<void> {
    const current = await this.readLock();
    if (current?.id !== id) throw new LockMismatchError(id, current, this.location);
    if (this.held?.info.id === id) {
      await this.unlock(id);
      return;
    }
    const rows = await this.db.query(`select h.pid as pid from (${advisoryHolders(this.key)}) h`);
    for (const row of rows) {
      try {
        await this.db.query('select pg_terminate_backend($1)', [row.pid]);
      } catch (err) {
        if ((err as PgBackendError).code === '42501') {
          throw new PgBackendError(
            `Cannot break the lock on ${this.location}: the PostgreSQL role lacks the right to end session ${row.pid}, which holds it. ` +
              'Ask a database administrator to run force-unlock, or grant the role pg_signal_backend.',
            '42501',
          );
        }
        throw err;
      }
    }
    // pg_terminate_backend only signals: wait (bounded) until the session is gone and the lock free.
    const deadline = Date.now() + 10_000;
    while ((await this.db.query(advisoryHolders(this.key))).length > 0) {
      if (Date.now() > deadline) throw new PgBackendError(`The session holding the lock on ${this.location} did not end within 10 s; try again.`);
      await delay(50);
    }
    await this.db.query(`delete from ${this.db.s}.locks where workspace = $1 and id = $2`, [this.workspace, current.id]);
  }

  async readLock(): Promise<LockInfo | null> {
    const rows = await this.db.query(
      `select h.pid as held_by, l.* from (select 1) one
       left join (${advisoryHolders(this.key)} limit 1) h on true
       left join ${this.db.s}.locks l on l.workspace = $1`,
      [this.workspace],
    );
    const row = rows[0];
    if (row.held_by === null || row.held_by === undefined) return null; // a record without the lock is stale
    if (row.id !== null && Number(row.backend_pid) === Number(row.held_by)) return lockInfoOf(row, this.workspace);
    // Held by a session with no record (it is about to write one, or it is not drctl): force-unlock ends that session.
    return this.unknownHolder(Number(row.held_by));
  }

  private unknownHolder(sessionPid: number | null): LockInfo {
    return {
      id: `pg-session-${sessionPid ?? 'unknown'}`,
      holder: `unknown (PostgreSQL session ${sessionPid ?? '?'} holds the lock without a lock record)`,
      pid: 0,
      host: 'unknown',
      operation: 'unknown',
      created: this.now().toISOString(),
      workspace: this.workspace,
    };
  }

  /** Ends this backend's main connection when it owns it; a held lock stays held until unlock. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsDatabase) await this.db.close();
  }

  // ------------------------------------------------------------------ fencing

  /** Runs a write: under our lock on the lock connection with the token check (parameter after `values`), else on the main connection. */
  private async fenced(sql: string, values: readonly unknown[]): Promise<Rows> {
    const held = this.held;
    if (!held) return this.db.query(sql, [...values, null]);
    if (held.lost) throw new PgLockLostError(this.location, held.lost.message);
    try {
      return (await held.conn.query(sql, [...values, held.token])).rows;
    } catch (err) {
      if (held.lost || isSessionGone(err)) throw new PgLockLostError(this.location, (held.lost ?? (err as Error)).message);
      throw err;
    }
  }

  private fenceFailed(): never {
    throw new PgPoolerError(this.db.where, 'a write made under the lock reached a server session without the lock token');
  }
}

function isSessionGone(err: unknown): boolean {
  const e = err as PgBackendError;
  return e.code === '57P01' || /terminat|Connection terminated|Client was closed|not queryable|ECONNRESET/i.test(e.message ?? '');
}

function lockInfoOf(row: Record<string, unknown>, workspace: string): LockInfo {
  return {
    id: row.id as string,
    holder: row.holder as string,
    pid: Number(row.pid),
    host: row.host as string,
    operation: row.operation as string,
    created: row.created as string,
    workspace,
  };
}

function bytesOf(value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  return value as Buffer;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
