// The ConfigFs over node:fs that commands use. Reading never waits: a file is opened without
// blocking and checked with fstat before a byte is read, so a FIFO (or a device) named like a
// configuration file, or reached through file(), is refused instead of hanging the load; and a
// file larger than the limit is refused before it is read.
import * as fs from 'node:fs';
import type { FileKind } from '../hcl/functions/index.js';
import type { ConfigFs, ScriptKind } from './sources.js';

function kindOf(st: fs.Stats): FileKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'other';
}

function refuse(code: string, kind: FileKind, file: string): Error {
  return Object.assign(new Error(`${file}: not a regular file (${kind})`), { code, kind });
}

/** Reads a regular file, at most `maxBytes` (unbounded without it); never blocks on a FIFO. */
export function readRegularFile(file: string, maxBytes = Infinity): Uint8Array {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    const kind = kindOf(st);
    if (kind === 'directory') throw refuse('EISDIR', kind, file);
    if (kind !== 'file') throw refuse('ENOTREG', kind, file);
    if (st.size > maxBytes) throw Object.assign(new Error(`${file}: larger than ${maxBytes} bytes`), { code: 'EFBIG' });
    // Read to the end (the size may have changed since fstat), stopping past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(st.size + 1, 16 * 1024 * 1024)));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw Object.assign(new Error(`${file}: larger than ${maxBytes} bytes`), { code: 'EFBIG' });
      chunks.push(buf.subarray(0, n));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a post_check path holds, symlinks followed (config/scripts.ts checks where it leads). */
export function scriptKind(file: string): ScriptKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return 'missing';
  }
  if (!st.isFile()) return 'not-a-file';
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}

export const nodeConfigFs: ConfigFs = {
  scriptKind,
  readdir: (dir) => fs.readdirSync(dir),
  readFile: (file, maxBytes) => readRegularFile(file, maxBytes),
  realPath: (file) => fs.realpathSync(file),
  stat: (file) => {
    try {
      return kindOf(fs.statSync(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
};
