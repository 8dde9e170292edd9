// The local store: state files in one directory, the one the configured state path is in.
//
//   state/erp.drstate.json                  the "default" workspace (the configured path)
//   state/drctl.d/<workspace>/erp.drstate.json   every other workspace, with its own .backup,
//                                            .journal and .lock beside it
//   state/drctl.policy.json                 the access policy (shared by all workspaces)
//   state/drctl.audit.jsonl                 the audit log, one record a line (and its .lock)
//
// As with Terraform's terraform.tfstate.d, a workspace is a directory: `workspace new` creates
// it, and every state file configured in the same directory shares the workspace list.

import { mkdir, open, readdir, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../diag/errors.js';
import { LocalFileBackend, type LocalFileBackendOptions } from './local.js';
import type { AuditStorage, BackendIdentity, DeleteWorkspaceOptions, DocumentName, StateStore } from './store.js';
import { checkWorkspaceName, DEFAULT_WORKSPACE, isWorkspaceName, workspaceNotEmpty } from './workspaces.js';

export const WORKSPACES_DIR = 'drctl.d';
const NEWLINE = 0x0a;
/** An audit record is a short JSON line; anything longer is a bug in the caller. */
const MAX_AUDIT_RECORD = 64 * 1024;

export type LocalStateStoreOptions = Omit<LocalFileBackendOptions, 'workspace'>;

export class LocalStateStore implements StateStore {
  readonly kind = 'local' as const;
  readonly location: string;
  readonly dir: string;
  readonly audit: AuditStorage;

  /** `statePath`: the default workspace's state file (absolute). */
  constructor(
    readonly statePath: string,
    private readonly options: LocalStateStoreOptions = {},
  ) {
    this.dir = path.dirname(statePath);
    this.location = this.dir;
    this.audit = new LocalAuditStorage(path.join(this.dir, 'drctl.audit.jsonl'), options);
  }

  /** Where a workspace's state file is. */
  pathOf(workspace: string): string {
    if (workspace === DEFAULT_WORKSPACE) return this.statePath;
    return path.join(this.dir, WORKSPACES_DIR, checkWorkspaceName(workspace), path.basename(this.statePath));
  }

  backend(workspace: string, options: BackendIdentity = {}): LocalFileBackend {
    return new LocalFileBackend(this.pathOf(workspace), { ...this.options, ...(options.user ? { user: options.user } : {}), workspace });
  }

  async listWorkspaces(): Promise<readonly string[]> {
    let entries: string[] = [];
    try {
      entries = (await readdir(path.join(this.dir, WORKSPACES_DIR), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return [DEFAULT_WORKSPACE, ...entries.filter((n) => isWorkspaceName(n) && n !== DEFAULT_WORKSPACE).sort()];
  }

  async createWorkspace(name: string): Promise<void> {
    checkWorkspaceName(name);
    await mkdir(path.join(this.dir, WORKSPACES_DIR), { recursive: true });
    try {
      await mkdir(path.join(this.dir, WORKSPACES_DIR, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UserError(`Workspace "${name}" already exists in ${this.location}.`);
      throw err;
    }
  }

  async workspaceHasState(name: string): Promise<boolean> {
    const backend = this.backend(name);
    if ((await backend.read()) !== null) return true;
    const journal = await backend.readJournal();
    return journal.records.length > 0 || journal.incompleteTail;
  }

  async deleteWorkspace(name: string, options: DeleteWorkspaceOptions = {}): Promise<void> {
    if (checkWorkspaceName(name) === DEFAULT_WORKSPACE) throw new UserError('The default workspace cannot be deleted.');
    const backend = this.backend(name);
    const grant = await backend.lock({ operation: 'workspace delete' }, { timeoutMs: options.lockTimeoutMs, signal: options.signal });
    try {
      if (!options.force && (await this.workspaceHasState(name))) throw workspaceNotEmpty(name, this.location);
      for (const file of [backend.path, backend.backupPath, backend.journalPath]) await unlink(file).catch(ignoreMissing);
    } finally {
      await backend.close();
      await backend.unlock(grant.lock.id).catch(() => undefined);
    }
    // Left in place when something else appeared in it meanwhile.
    await rmdir(path.dirname(backend.path)).catch(() => undefined);
  }

  async readDocument(name: DocumentName): Promise<Uint8Array | null> {
    return this.documentFile(name).read();
  }

  async writeDocument(name: DocumentName, bytes: Uint8Array): Promise<void> {
    // Atomic and durable, with the previous version kept as .backup, like a state file.
    await this.documentFile(name).write(bytes);
  }

  private documentFile(name: DocumentName): LocalFileBackend {
    return new LocalFileBackend(path.join(this.dir, `drctl.${name}.json`), this.options);
  }

  async close(): Promise<void> {}
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

/** The audit log as lines of a file; appends are serialised by a lock file beside it. */
class LocalAuditStorage implements AuditStorage {
  constructor(
    readonly path: string,
    private readonly options: LocalStateStoreOptions,
  ) {}

  async append(next: (last: Uint8Array | null) => Uint8Array): Promise<Uint8Array> {
    const guard = new LocalFileBackend(this.path, this.options);
    const grant = await guard.lock({ operation: 'audit append' }, { timeoutMs: 30_000 });
    try {
      await mkdir(path.dirname(this.path), { recursive: true });
      const file = await open(this.path, 'a+');
      try {
        const { last, completeEnd, size } = await tail(file);
        // A record cut short by a crash was never acknowledged; the next one must not glue onto it.
        if (completeEnd < size) await file.truncate(completeEnd);
        const record = next(last);
        if (record.includes(NEWLINE)) throw new Error('An audit record must not contain a newline');
        if (record.byteLength > MAX_AUDIT_RECORD) throw new Error(`An audit record is limited to ${MAX_AUDIT_RECORD} bytes`);
        await file.write(Buffer.concat([record, Buffer.from([NEWLINE])]));
        await file.datasync();
        return record;
      } finally {
        await file.close();
      }
    } finally {
      await guard.unlock(grant.lock.id).catch(() => undefined);
    }
  }

  async read(): Promise<readonly Uint8Array[]> {
    let content: Buffer;
    try {
      const file = await open(this.path, 'r');
      try {
        content = await file.readFile();
      } finally {
        await file.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: Uint8Array[] = [];
    let start = 0;
    for (let i = content.indexOf(NEWLINE); i !== -1; i = content.indexOf(NEWLINE, start)) {
      records.push(content.subarray(start, i));
      start = i + 1;
    }
    return records; // a torn tail (no newline) is not a record
  }

  async last(): Promise<Uint8Array | null> {
    let file: FileHandle;
    try {
      file = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return (await tail(file)).last;
    } finally {
      await file.close();
    }
  }
}

/** The last complete line of an open file, reading backwards in chunks (the log can be long). */
async function tail(file: FileHandle): Promise<{ last: Uint8Array | null; completeEnd: number; size: number }> {
  const { size } = await file.stat();
  const chunk = 64 * 1024;
  let buf = Buffer.alloc(0);
  let pos = size;
  let lastNl = -1;
  for (;;) {
    if (lastNl === -1) lastNl = buf.lastIndexOf(NEWLINE);
    const prevNl = lastNl > 0 ? buf.lastIndexOf(NEWLINE, lastNl - 1) : -1;
    if (lastNl !== -1 && (prevNl !== -1 || pos === 0)) {
      return { last: Buffer.from(buf.subarray(prevNl + 1, lastNl)), completeEnd: pos + lastNl + 1, size };
    }
    if (pos === 0) return { last: null, completeEnd: 0, size };
    const from = Math.max(0, pos - chunk);
    const more = Buffer.alloc(pos - from);
    await file.read(more, 0, more.length, from);
    buf = Buffer.concat([more, buf]);
    if (lastNl !== -1) lastNl += more.length;
    pos = from;
  }
}
