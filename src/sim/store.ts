// Durable storage of the simulated world in a directory:
//   world.json     snapshot (written to a temp file, fsynced, renamed, directory fsynced)
//   journal.jsonl  one line per committed change: {"seq":N,"ops":[...]}
//   sim.lock       the process that owns the directory, its URL and tokens (mode 0600, removed on exit)
// A change is acknowledged only after its journal line is fsynced. Concurrent requests share
// one write and one fsync (group commit), which is what lets the simulator take thousands of
// writes a second and still survive kill -9. On open, the snapshot is loaded and the journal
// replayed; a torn last line (the crash hit mid-write) is cut off.

import { hostname } from 'node:os';
import { promises as fsp, constants as fsc, realpathSync, statSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { applyOp, emptyWorld, type JournalEntry, type WorldData } from './records.js';

const SNAPSHOT = 'world.json';
const JOURNAL = 'journal.jsonl';
const LOCK = 'sim.lock';

export interface StoreOptions {
  /** Journal size that triggers a snapshot and a fresh journal. */
  readonly compactBytes?: number;
}

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /**
   * The directory the lock was written for (its real path and device:inode): a lock that a copy
   * of a working directory carries along names the original, and is not this directory's.
   */
  readonly dataDir?: string;
  readonly dirId?: string;
  readonly url?: string;
  readonly token?: string;
  /** The admin token (/admin/*): separate from the API token. */
  readonly adminToken?: string;
  /** The account in the simulated workspaces' CRNs. */
  readonly account?: string;
  /** The time scale the owner runs at, so joining clients can pace their polling. */
  readonly timeScale?: number;
  readonly startedAt: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(`simulator data directory ${dataDir} is in use by process ${holder.pid}${holder.url ? ` (${holder.url})` : ''}`);
    this.name = 'DataDirInUseError';
  }
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(e: unknown): void;
}

export class WorldStore {
  private journal!: fsp.FileHandle;
  private journalBytes = 0;
  private queue: string[] = [];
  private queuedSeq = 0;
  private durableSeq: number;
  private waiters: Waiter[] = [];
  private flushing = false;
  private failed: unknown;
  private closed = false;
  private readonly compactBytes: number;

  private constructor(
    readonly dir: string,
    private readonly world: WorldData,
    opts: StoreOptions,
  ) {
    this.durableSeq = world.seq;
    this.queuedSeq = world.seq;
    this.compactBytes = opts.compactBytes ?? 8 * 1024 * 1024;
  }

  /** Opens (or creates) the store, taking the directory lock; returns the recovered world. */
  static async open(dir: string, opts: StoreOptions = {}): Promise<{ store: WorldStore; world: WorldData }> {
    await fsp.mkdir(dir, { recursive: true });
    await takeLock(dir);
    try {
      const world = await loadSnapshot(dir);
      const journalPath = path.join(dir, JOURNAL);
      const { goodBytes } = await replayJournal(journalPath, world);
      const store = new WorldStore(dir, world, opts);
      store.journal = await fsp.open(journalPath, fsc.O_RDWR | fsc.O_CREAT | fsc.O_APPEND);
      const size = (await store.journal.stat()).size;
      if (size > goodBytes) {
        await store.journal.truncate(goodBytes);
        await store.journal.sync();
      }
      store.journalBytes = goodBytes;
      return { store, world };
    } catch (e) {
      await fsp.rm(path.join(dir, LOCK), { force: true });
      throw e;
    }
  }

  /** Queues a committed change; resolves once it is on disk. */
  append(entry: JournalEntry): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    this.queue.push(JSON.stringify(entry) + '\n');
    this.queuedSeq = entry.seq;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ seq: entry.seq, resolve, reject }));
    this.kick();
    return p;
  }

  /** Resolves once every change queued so far is on disk (a read barrier). */
  barrier(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.durableSeq >= this.queuedSeq) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ seq: this.queuedSeq, resolve, reject }));
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    // Let the other requests of this turn of the event loop join the batch.
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const lines = this.queue;
        const upTo = this.queuedSeq;
        this.queue = [];
        const buf = Buffer.from(lines.join(''), 'utf8');
        await this.journal.write(buf, 0, buf.length);
        await this.journal.datasync();
        this.journalBytes += buf.length;
        this.durableSeq = upTo;
        this.release();
        if (this.journalBytes >= this.compactBytes) await this.compact();
      }
    } catch (e) {
      this.failed = e;
      for (const w of this.waiters) w.reject(e);
      this.waiters = [];
    } finally {
      this.flushing = false;
      if (this.queue.length > 0 && !this.failed) this.kick();
    }
  }

  private release(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) w.seq <= this.durableSeq ? w.resolve() : still.push(w);
    this.waiters = still;
  }

  /**
   * Writes a snapshot and starts an empty journal. The snapshot may already hold changes
   * still queued; replay skips journal lines at or below the snapshot's sequence.
   */
  async compact(): Promise<void> {
    await writeFileAtomic(path.join(this.dir, SNAPSHOT), JSON.stringify(this.world));
    await this.journal.truncate(0);
    await this.journal.sync();
    this.journalBytes = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
    // A read-only session (a no-op plan's refresh) leaves the snapshot as it was: nothing to fold.
    if (!this.failed && this.journalBytes > 0) await this.compact();
    await this.journal.close();
    await fsp.rm(path.join(this.dir, LOCK), { force: true });
  }

  /** Records where the owning process serves, for other drctl processes to find; only its owner can read it. */
  async advertise(serving: { url: string; token: string; adminToken: string; account: string; timeScale: number }): Promise<void> {
    const info: LockInfo = { ...lockIdentity(this.dir), ...serving, startedAt: new Date().toISOString() };
    await writeFileAtomic(path.join(this.dir, LOCK), JSON.stringify(info, null, 2) + '\n', { durable: false, mode: 0o600 });
  }

  /** Removes the lock at once, if it is still this process's (a process exit handler: no awaiting there). */
  releaseLockSync(): void {
    const file = path.join(this.dir, LOCK);
    try {
      const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      if (info.pid === process.pid && info.host === hostname()) rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to judge
    }
  }
}

/** This process, and the directory a lock it writes in `dir` is for. */
function lockIdentity(dir: string): Pick<LockInfo, 'pid' | 'host' | 'dataDir' | 'dirId'> {
  const st = statSync(dir);
  return { pid: process.pid, host: hostname(), dataDir: realpathSync(dir), dirId: `${st.dev}:${st.ino}` };
}

/** The lock was written for this very directory, not carried here by a copy of another one. */
function boundTo(info: LockInfo, dir: string): boolean {
  try {
    const me = lockIdentity(dir);
    return info.dataDir === me.dataDir && info.dirId === me.dirId;
  } catch {
    return false;
  }
}

/**
 * The running simulator that owns `dir`: its lock was written for this directory (a copied
 * working directory does not use the original's simulator) by a process alive on this host. A
 * lock that fails that is stale, and is removed, so its token does not stay on disk.
 */
export async function readRunningSimulator(dir: string): Promise<LockInfo | undefined> {
  const info = await readLock(dir);
  if (!info) return undefined;
  if (info.host === hostname() && boundTo(info, dir) && processAlive(info.pid)) return info;
  if (info.host === hostname() && info.url) await fsp.rm(path.join(dir, LOCK), { force: true }).catch(() => undefined);
  return undefined;
}

async function readLock(dir: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dir, LOCK), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK);
  const info: LockInfo = { ...lockIdentity(dir), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // No fsync: a lock only matters while its process lives, and a crash ends both.
      const fh = await fsp.open(file, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(info, null, 2) + '\n');
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readLock(dir);
      // A lock left by a dead process (kill -9) is stale: take it over. Our own pid counts as
      // alive only if the lock was written since this process started (not a reused pid).
      const processStartMs = Date.now() - process.uptime() * 1000;
      const ours = holder?.pid === process.pid && Date.parse(holder.startedAt) >= processStartMs - 1000;
      // A lock copied along with the directory names the original: it holds nothing here.
      const here = holder !== undefined && (holder.dataDir === undefined || boundTo(holder, dir));
      if (holder && here && holder.host === hostname() && (ours || (holder.pid !== process.pid && processAlive(holder.pid)))) {
        throw new DataDirInUseError(dir, holder);
      }
      if (holder && here && holder.host !== hostname()) throw new DataDirInUseError(dir, holder);
      await fsp.rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

async function loadSnapshot(dir: string): Promise<WorldData> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, SNAPSHOT), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyWorld();
    throw e;
  }
  const data = JSON.parse(text) as WorldData;
  if (data.version !== 1) throw new Error(`${path.join(dir, SNAPSHOT)}: unsupported world version ${String(data.version)}`);
  return { ...emptyWorld(), ...data };
}

async function replayJournal(file: string, world: WorldData): Promise<{ goodBytes: number }> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { goodBytes: 0 };
    throw e;
  }
  let start = 0;
  let good = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break; // torn tail: no newline yet
    const line = buf.subarray(start, nl).toString('utf8');
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      // Only the last line can be torn; anything after it is garbage from the same crash.
      break;
    }
    if (entry.seq > world.seq) {
      for (const op of entry.ops) applyOp(world, op);
      world.seq = entry.seq;
    }
    start = nl + 1;
    good = start;
  }
  return { goodBytes: good };
}

/** Temp file and rename: readers see the old content or the new. `durable: false` skips the fsyncs. */
export async function writeFileAtomic(file: string, content: string, opts: { durable?: boolean; mode?: number } = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.rm(tmp, { force: true });
  const fh = await fsp.open(tmp, 'w', opts.mode ?? 0o666);
  try {
    await fh.writeFile(content);
    if (durable) await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  if (!durable) return;
  const d = await fsp.open(path.dirname(file), 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
