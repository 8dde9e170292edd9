// The PostgreSQL store: every workspace of one schema, over one main connection. A workspace is
// a row of `states` (created by `workspace new` with no snapshot, or by its first write); the
// policy is a row of `documents`; the audit log is the `audit` table, appended under a
// transaction-level advisory lock so the hash chain has one order.

import { UserError } from '../../diag/errors.js';
import type { AuditStorage, BackendIdentity, DeleteWorkspaceOptions, DocumentName, StateStore } from '../store.js';
import { checkWorkspaceName, DEFAULT_WORKSPACE, workspaceNotEmpty } from '../workspaces.js';
import { PgBackend, type PgBackendOptions } from './backend.js';
import { pgConnector } from './conn.js';
import { advisoryKey, PgDatabase, type PgDatabaseOptions } from './db.js';

export type PgStateStoreOptions = PgDatabaseOptions & Omit<PgBackendOptions, 'workspace'>;

export class PgStateStore implements StateStore {
  readonly kind = 'pg' as const;
  readonly location: string;
  readonly db: PgDatabase;
  readonly audit: AuditStorage;

  constructor(private readonly options: PgStateStoreOptions) {
    this.db = new PgDatabase(options, options.connect ?? pgConnector({ connStr: options.connStr, env: options.env }));
    this.location = `${this.db.where} (schema ${this.db.schema})`;
    this.audit = new PgAuditStorage(this.db);
  }

  /** Backends share the store's main connection; close the store (not each backend) at the end. */
  backend(workspace: string, options: BackendIdentity = {}): PgBackend {
    return new PgBackend(this.db, { ...this.options, ...(options.user ? { user: options.user } : {}), workspace: checkWorkspaceName(workspace) });
  }

  async listWorkspaces(): Promise<readonly string[]> {
    const rows = await this.db.query(`select workspace from ${this.db.s}.states where workspace <> $1 order by workspace collate "C"`, [DEFAULT_WORKSPACE]);
    return [DEFAULT_WORKSPACE, ...rows.map((r) => r.workspace as string)];
  }

  async createWorkspace(name: string): Promise<void> {
    checkWorkspaceName(name);
    const rows = await this.db.query(`insert into ${this.db.s}.states (workspace) values ($1) on conflict (workspace) do nothing returning workspace`, [name]);
    if (rows.length === 0) throw new UserError(`Workspace "${name}" already exists in ${this.location}.`);
  }

  async workspaceHasState(name: string): Promise<boolean> {
    const rows = await this.db.query(
      `select exists (select 1 from ${this.db.s}.states where workspace = $1 and data is not null)
           or exists (select 1 from ${this.db.s}.journal where workspace = $1) as present`,
      [name],
    );
    return rows[0].present === true;
  }

  async deleteWorkspace(name: string, options: DeleteWorkspaceOptions = {}): Promise<void> {
    if (checkWorkspaceName(name) === DEFAULT_WORKSPACE) throw new UserError('The default workspace cannot be deleted.');
    const backend = this.backend(name);
    const grant = await backend.lock({ operation: 'workspace delete' }, { timeoutMs: options.lockTimeoutMs, signal: options.signal });
    try {
      if (!options.force && (await this.workspaceHasState(name))) throw workspaceNotEmpty(name, this.location);
      await this.db.transaction(async (run) => {
        for (const table of ['journal', 'state_versions', 'states']) await run(`delete from ${this.db.s}.${table} where workspace = $1`, [name]);
      });
    } finally {
      await backend.unlock(grant.lock.id).catch(() => undefined);
    }
  }

  async readDocument(name: DocumentName): Promise<Uint8Array | null> {
    const rows = await this.db.query(`select data from ${this.db.s}.documents where name = $1`, [name]);
    return (rows[0]?.data as Buffer | undefined) ?? null;
  }

  async writeDocument(name: DocumentName, bytes: Uint8Array, writtenBy: string): Promise<void> {
    await this.db.query(
      `insert into ${this.db.s}.documents (name, data, updated_at, updated_by) values ($1, $2, now(), $3)
       on conflict (name) do update set data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [name, Buffer.from(bytes), writtenBy],
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

class PgAuditStorage implements AuditStorage {
  constructor(private readonly db: PgDatabase) {}

  append(next: (last: Uint8Array | null) => Uint8Array): Promise<Uint8Array> {
    const key = advisoryKey('audit', this.db.schema).key;
    return this.db.transaction(async (run) => {
      await run('select pg_advisory_xact_lock($1::bigint)', [key]);
      const last = (await run(`select seq, record from ${this.db.s}.audit order by seq desc limit 1`))[0];
      const record = next((last?.record as Buffer | undefined) ?? null);
      if (record.includes(0x0a)) throw new Error('An audit record must not contain a newline');
      await run(`insert into ${this.db.s}.audit (seq, record) values ($1, $2)`, [Number(last?.seq ?? 0) + 1, Buffer.from(record)]);
      return record;
    });
  }

  async read(): Promise<readonly Uint8Array[]> {
    const rows = await this.db.query(`select record from ${this.db.s}.audit order by seq`);
    return rows.map((r) => r.record as Buffer);
  }

  async last(): Promise<Uint8Array | null> {
    const rows = await this.db.query(`select record from ${this.db.s}.audit order by seq desc limit 1`);
    return (rows[0]?.record as Buffer | undefined) ?? null;
  }
}
