// One PostgreSQL database holding drctl's tables in one schema (default "drctl"): the main
// connection (opened on first use, statements run one at a time), the tables (created on first
// use, under a transaction-level advisory lock so two first runs do not race), and the keys of
// the advisory locks.
//
//   states          one row per workspace: the current snapshot and its version counter
//   state_versions  every snapshot ever written (workspace, version): history, pull -serial N
//   journal         the journal records of each workspace, in order
//   locks           who holds each workspace's advisory lock (written under that lock)
//   documents       shared documents, e.g. the access policy
//   audit           the hash-chained audit log
//   meta            the schema version

import { createHash } from 'node:crypto';
import { PgBackendError, redactConnString, secretsOf, type Connect, type PgConnection } from './conn.js';

export const PG_SCHEMA_VERSION = 1;
export const DEFAULT_PG_SCHEMA = 'drctl';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws a PgBackendError unless `schema` is a plain lower-case identifier. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new PgBackendError(`"${schema}" is not a usable schema name: use lower-case letters, digits and "_", starting with a letter or "_" (at most 63).`);
  }
  return schema;
}

/**
 * A 64-bit advisory lock key, and how pg_locks shows it (classid = high 32 bits, objid = low
 * 32 bits, objsubid = 1 for the one-bigint form).
 */
export interface AdvisoryKey {
  readonly key: string;
  readonly classid: number;
  readonly objid: number;
}

export function advisoryKey(...parts: readonly string[]): AdvisoryKey {
  const digest = createHash('sha256').update(`drctl\0${parts.join('\0')}`).digest();
  const key = digest.readBigInt64BE(0);
  return { key: key.toString(), classid: digest.readUInt32BE(0), objid: digest.readUInt32BE(4) };
}

/** SQL for the sessions holding this advisory key in this database (advisory locks are per database). */
export function advisoryHolders(k: AdvisoryKey): string {
  return `select pid from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database()) and classid = ${k.classid}::oid and objid = ${k.objid}::oid and objsubid = 1 and granted`;
}

export interface PgDatabaseOptions {
  readonly connStr: string;
  readonly schema?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How connections are made (default: node-postgres). */
  readonly connect?: Connect;
}

type Rows = Array<Record<string, unknown>>;

export class PgDatabase {
  readonly schema: string;
  /** The quoted schema, for SQL. */
  readonly s: string;
  /** The connection string with the password redacted. */
  readonly where: string;
  readonly secrets: readonly string[];
  readonly connect: Connect;
  private main: Promise<PgConnection> | null = null;
  private ready: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PgDatabaseOptions, connect: Connect) {
    this.schema = checkSchemaName(options.schema ?? DEFAULT_PG_SCHEMA);
    this.s = `"${this.schema}"`;
    this.where = redactConnString(options.connStr);
    this.secrets = secretsOf(options.connStr, options.env);
    this.connect = connect;
  }

  /** Runs one statement on the main connection (after the tables exist). */
  query(text: string, values?: readonly unknown[]): Promise<Rows> {
    return this.exclusive(async (conn) => (await conn.query(text, values)).rows);
  }

  /** Runs `work` in a transaction on the main connection; nothing else runs on it meanwhile. */
  transaction<T>(work: (run: (text: string, values?: readonly unknown[]) => Promise<Rows>) => Promise<T>): Promise<T> {
    return this.exclusive(async (conn) => {
      await conn.query('begin');
      try {
        const result = await work(async (text, values) => (await conn.query(text, values)).rows);
        await conn.query('commit');
        return result;
      } catch (err) {
        await conn.query('rollback').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Makes sure the tables exist; once per database object. */
  ensureSchema(): Promise<void> {
    this.ready ??= this.exclusiveRaw((conn) => createSchema(conn, this.s, this.schema)).catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  async close(): Promise<void> {
    const main = this.main;
    this.main = null;
    this.ready = null;
    if (main) await (await main.catch(() => null))?.end();
  }

  private mainConnection(): Promise<PgConnection> {
    if (!this.main) {
      const opening = this.connect('main');
      this.main = opening;
      opening.then(
        (conn) =>
          conn.onError(() => {
            // A broken main connection is replaced on next use.
            if (this.main === opening) this.main = null;
          }),
        () => {
          if (this.main === opening) this.main = null;
        },
      );
    }
    return this.main;
  }

  private async exclusive<T>(work: (conn: PgConnection) => Promise<T>): Promise<T> {
    await this.ensureSchema();
    return this.exclusiveRaw(work);
  }

  private exclusiveRaw<T>(work: (conn: PgConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => work(await this.mainConnection()));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

async function createSchema(conn: PgConnection, s: string, schema: string): Promise<void> {
  const existing = await conn.query(`select to_regclass($1) is not null as present`, [`${s}.meta`]);
  if (existing.rows[0]?.present) {
    await checkVersion(conn, s, schema);
    return;
  }
  await conn.query('begin');
  try {
    await conn.query('select pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', schema).key]);
    await conn.query(`create schema if not exists ${s}`);
    await conn.query(`create table if not exists ${s}.meta (key text primary key, value text not null)`);
    await conn.query(
      `create table if not exists ${s}.states (
        workspace text primary key,
        version bigint not null default 0,
        serial bigint,
        lineage text,
        data bytea,
        created_at timestamptz not null default now(),
        updated_at timestamptz,
        updated_by text)`,
    );
    await conn.query(
      `create table if not exists ${s}.state_versions (
        workspace text not null,
        version bigint not null,
        serial bigint,
        lineage text,
        data bytea not null,
        created_at timestamptz not null default now(),
        created_by text not null,
        primary key (workspace, version))`,
    );
    await conn.query(`create index if not exists state_versions_serial on ${s}.state_versions (workspace, serial)`);
    await conn.query(`create table if not exists ${s}.journal (workspace text not null, seq bigserial, record bytea not null, primary key (workspace, seq))`);
    await conn.query(
      `create table if not exists ${s}.locks (
        workspace text primary key,
        id text not null,
        holder text not null,
        pid integer not null,
        host text not null,
        operation text not null,
        created text not null,
        backend_pid integer not null)`,
    );
    await conn.query(`create table if not exists ${s}.documents (name text primary key, data bytea not null, updated_at timestamptz not null default now(), updated_by text not null)`);
    await conn.query(`create table if not exists ${s}.audit (seq bigint primary key, record bytea not null)`);
    await conn.query(`insert into ${s}.meta (key, value) values ('schema_version', $1) on conflict (key) do nothing`, [String(PG_SCHEMA_VERSION)]);
    await conn.query('commit');
  } catch (err) {
    await conn.query('rollback').catch(() => undefined);
    throw err instanceof PgBackendError ? new PgBackendError(`Cannot create drctl's tables in schema "${schema}": ${err.message}`, err.code) : err;
  }
  await checkVersion(conn, s, schema);
}

async function checkVersion(conn: PgConnection, s: string, schema: string): Promise<void> {
  const rows = (await conn.query(`select value from ${s}.meta where key = 'schema_version'`)).rows;
  const version = Number(rows[0]?.value);
  if (version > PG_SCHEMA_VERSION) {
    throw new PgBackendError(`The tables in schema "${schema}" are in format ${version}, written by a newer drctl; this drctl knows format ${PG_SCHEMA_VERSION}. Upgrade drctl.`);
  }
}
