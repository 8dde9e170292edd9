// The local-file backend: one snapshot file per workspace, with siblings
//   <path>.backup   the previous snapshot        <path>.journal  changes since the snapshot
//   <path>.lock     the lock ({id, holder, pid, host, operation, created, workspace})
// Snapshot writes are atomic: temp file in the same directory, fsync, rename, fsync directory.

import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, open, readFile, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { JournalRecords, LockGrant, LockOptions, LockRequest, StateBackend } from './backend.js';
import { describeLock, LockHeldError, LockMismatchError, type LockInfo } from './errors.js';

export interface LocalFileBackendOptions {
  readonly workspace?: string;
  /** Identity written into locks; defaults come from the OS. */
  readonly host?: string;
  readonly user?: string;
  readonly pid?: number;
  readonly now?: () => Date;
  /** Whether a process on this host still exists (default: process.kill(pid, 0)). */
  readonly isProcessAlive?: (pid: number) => boolean;
  readonly newLockId?: () => string;
}

const NEWLINE = 0x0a;
/** A takeover guard older than this belongs to a process that died mid-takeover. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

export class LocalFileBackend implements StateBackend {
  readonly location: string;
  readonly workspace: string;
  readonly backupPath: string;
  readonly journalPath: string;
  readonly lockPath: string;
  private readonly host: string;
  private readonly user: string;
  private readonly pid: number;
  private readonly now: () => Date;
  private readonly isProcessAlive: (pid: number) => boolean;
  private readonly newLockId: () => string;
  private journal: FileHandle | null = null;

  constructor(
    readonly path: string,
    options: LocalFileBackendOptions = {},
  ) {
    this.location = path;
    this.workspace = options.workspace ?? 'default';
    this.backupPath = `${path}.backup`;
    this.journalPath = `${path}.journal`;
    this.lockPath = `${path}.lock`;
    this.host = options.host ?? hostname();
    this.user = options.user ?? currentUser();
    this.pid = options.pid ?? process.pid;
    this.now = options.now ?? (() => new Date());
    this.isProcessAlive = options.isProcessAlive ?? processExists;
    this.newLockId = options.newLockId ?? randomUUID;
  }

  async read(): Promise<Uint8Array | null> {
    return readIfExists(this.path);
  }

  async readPrevious(): Promise<Uint8Array | null> {
    return readIfExists(this.backupPath);
  }

  async write(snapshot: Uint8Array): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${basename(this.path)}.${this.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let mode = 0o644;
    try {
      mode = (await stat(this.path)).mode & 0o777;
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
    }
    const file = await open(tmp, 'wx', mode).catch((err: unknown) => {
      throw withPath(err, this.path);
    });
    try {
      try {
        await file.writeFile(snapshot);
        await file.sync();
      } finally {
        await file.close();
      }
      await this.keepBackup(dir);
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw withPath(err, this.path);
    }
    await syncDirectory(dir);
  }

  /** The current snapshot becomes <path>.backup (a hard link, so no copy and no window without a file). */
  private async keepBackup(dir: string): Promise<void> {
    const tmp = join(dir, `.${basename(this.backupPath)}.${this.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await link(this.path, tmp);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return; // first write: nothing to keep
      try {
        await copyFile(this.path, tmp); // filesystems without hard links
      } catch (copyErr) {
        if (isCode(copyErr, 'ENOENT')) return;
        throw copyErr;
      }
    }
    await rename(tmp, this.backupPath);
  }

  async appendJournal(records: readonly Uint8Array[]): Promise<void> {
    if (records.length === 0) return;
    const parts: Uint8Array[] = [];
    for (const record of records) {
      if (record.includes(NEWLINE)) throw new Error('appendJournal: a journal record must not contain a newline');
      parts.push(record, Buffer.from([NEWLINE]));
    }
    try {
      const file = await this.openJournal();
      await file.writeFile(Buffer.concat(parts));
      await file.datasync();
    } catch (err) {
      throw withPath(err, this.journalPath);
    }
  }

  private async openJournal(): Promise<FileHandle> {
    if (this.journal) return this.journal;
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.journalPath, 'a+');
    try {
      const { size } = await file.stat();
      if (size === 0) {
        await syncDirectory(dirname(this.path)); // make the new file's name durable
      } else {
        // A torn last line would glue itself to the next record: cut it off first.
        const content = await readFile(this.journalPath);
        if (content[content.length - 1] !== NEWLINE) await file.truncate(content.lastIndexOf(NEWLINE) + 1);
      }
    } catch (err) {
      await file.close();
      throw err;
    }
    this.journal = file;
    return file;
  }

  async readJournal(): Promise<JournalRecords> {
    const content = await readIfExists(this.journalPath);
    if (!content) return { records: [], incompleteTail: false };
    const records: Uint8Array[] = [];
    let start = 0;
    for (let i = content.indexOf(NEWLINE); i !== -1; i = content.indexOf(NEWLINE, start)) {
      if (i > start) records.push(content.subarray(start, i));
      start = i + 1;
    }
    return { records, incompleteTail: start < content.length };
  }

  async clearJournal(): Promise<void> {
    await this.closeJournal();
    try {
      await unlink(this.journalPath);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return;
      throw err;
    }
    await syncDirectory(dirname(this.path));
  }

  async lock(request: LockRequest, options: LockOptions = {}): Promise<LockGrant> {
    const timeoutMs = options.timeoutMs ?? 0;
    const started = Date.now();
    const warnings: string[] = [];
    const info: LockInfo = {
      id: this.newLockId(),
      holder: request.holder ?? `${this.user}@${this.host}`,
      pid: this.pid,
      host: this.host,
      operation: request.operation,
      created: this.now().toISOString(),
      workspace: this.workspace,
    };
    let backoff = 25;
    for (;;) {
      options.signal?.throwIfAborted();
      if (await this.createLockFile(info)) return { lock: info, warnings };
      const current = await this.readLock();
      if (current === null) continue; // released between our two steps: try again at once
      if (this.isStale(current)) {
        const outcome = await this.takeOver(current);
        if (outcome === 'taken') {
          warnings.push(`Took over a stale lock: ${describeLock(current)}. That process no longer exists on ${current.host}.`);
        } else if (outcome === 'busy') {
          await delay(20, undefined, { signal: options.signal }); // another process is taking it over right now
        }
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new LockHeldError(current, this.location, waited);
      const jitter = 0.75 + Math.random() * 0.5; // so two waiters do not retry in lockstep
      await delay(Math.min(backoff * jitter, timeoutMs - waited), undefined, { signal: options.signal });
      backoff = Math.min(backoff * 2, 1_000);
    }
  }

  /**
   * Creates the lock file exclusively. The content is written to a private temp file (O_EXCL)
   * and hard-linked into place, which fails with EEXIST exactly like O_EXCL does, but no reader
   * ever sees a half-written lock. Falls back to O_EXCL on filesystems without hard links.
   */
  private async createLockFile(info: LockInfo): Promise<boolean> {
    const text = `${JSON.stringify(info, null, 2)}\n`;
    await mkdir(dirname(this.lockPath), { recursive: true });
    const tmp = `${this.lockPath}.${this.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      // Inside the try: a write that fails half-way (a full disk) leaves no temp file behind.
      await writeFile(tmp, text, { flag: 'wx' }).catch((err: unknown) => {
        throw withPath(err, this.lockPath);
      });
      await link(tmp, this.lockPath);
      return true;
    } catch (err) {
      if (isCode(err, 'EEXIST')) return false;
      if (!isCode(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV')) throw err;
      try {
        await writeFile(this.lockPath, text, { flag: 'wx' });
        return true;
      } catch (createErr) {
        if (isCode(createErr, 'EEXIST')) return false;
        throw createErr;
      }
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private isStale(lock: LockInfo): boolean {
    // A pid means nothing on another host; there only force-unlock can break the lock.
    return lock.host === this.host && Number.isInteger(lock.pid) && lock.pid > 0 && !this.isProcessAlive(lock.pid);
  }

  /** Removes a stale lock under a short-lived guard, so two processes cannot both remove "the" stale lock. */
  private async takeOver(stale: LockInfo): Promise<'taken' | 'gone' | 'busy'> {
    const guardPath = `${this.lockPath}.takeover`;
    let guard: FileHandle;
    try {
      guard = await open(guardPath, 'wx');
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err;
      const age = await stat(guardPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > TAKEOVER_GUARD_STALE_MS) await unlink(guardPath).catch(() => undefined);
      return 'busy';
    }
    try {
      const current = await this.readLock();
      if (current?.id !== stale.id) return 'gone';
      await unlink(this.lockPath);
      return 'taken';
    } finally {
      await guard.close();
      await unlink(guardPath).catch(() => undefined);
    }
  }

  async unlock(id: string): Promise<void> {
    await this.removeLockIfId(id);
  }

  async forceUnlock(id: string): Promise<void> {
    await this.removeLockIfId(id);
  }

  private async removeLockIfId(id: string): Promise<void> {
    const current = await this.readLock();
    if (current?.id !== id) throw new LockMismatchError(id, current, this.location);
    await unlink(this.lockPath);
  }

  async readLock(): Promise<LockInfo | null> {
    const bytes = await readIfExists(this.lockPath);
    if (!bytes) return null;
    try {
      const lock = JSON.parse(Buffer.from(bytes).toString('utf8')) as LockInfo;
      if (typeof lock.id === 'string' && lock.id && typeof lock.pid === 'number' && typeof lock.host === 'string') return lock;
    } catch {
      // fall through: an unreadable lock is still a lock
    }
    // Someone wrote this file by hand or it was damaged: it still blocks, and its id (derived from
    // its mtime) is what force-unlock needs.
    const mtime = await stat(this.lockPath).then((s) => s.mtime, () => new Date(0));
    return {
      id: `unreadable-${mtime.getTime()}`,
      holder: 'unknown (unreadable lock file)',
      pid: 0,
      host: 'unknown',
      operation: 'unknown',
      created: mtime.toISOString(),
      workspace: this.workspace,
    };
  }

  async close(): Promise<void> {
    await this.closeJournal();
  }

  private async closeJournal(): Promise<void> {
    const file = this.journal;
    this.journal = null;
    await file?.close();
  }
}

async function readIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw withPath(err, path);
  }
}

/**
 * A file-system error names the file it failed on: errors of an open handle (a write that meets
 * a full disk, a read of a directory) carry no path, and the person reading the error needs it.
 */
function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.code === 'string' && e.path === undefined) e.path = path;
  return err;
}

/** fsync a directory so renames and new names in it survive a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or sync a directory; the rename is still atomic there.
    if (!isCode(err, 'EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'ENOTSUP')) throw err;
  } finally {
    await handle?.close();
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isCode(err, 'ESRCH'); // EPERM: it exists but belongs to someone else
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
