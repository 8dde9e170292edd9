// File functions: read files of the configuration directory and never outside it (no `..`, no
// absolute path elsewhere, no symlink out), regular files only (a FIFO or a device would block
// or never end) and only up to the size limit; plus Go's path functions on strings.
import * as path from 'node:path';
import { isObject, type ObjectValue, type Value } from '../value.js';
import { FunctionError, type CallContext, type FileAccess, type FileKind, type HclFunction } from './call.js';
import { quote, str, any } from './args.js';
import { regexpEngine } from './regexp.js';

function within(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const WHAT: Record<Exclude<FileKind, 'file'>, string> = {
  directory: 'is a directory, not a file',
  fifo: 'is a named pipe, not a regular file',
  socket: 'is a unix domain socket, not a regular file',
  device: 'is a device node, not a regular file',
  other: 'is not a regular file',
};

interface Located {
  /** The absolute path as asked for (inside baseDir). */
  readonly abs: string;
  /** With symlinks resolved, when the FileAccess can resolve them; undefined when nothing is there. */
  readonly real: string | undefined;
}

/** Where a path argument points, refusing one that leaves the configuration directory. */
function locate(p: string, files: FileAccess, ctx: CallContext, arg: number, fn: string): Located {
  const { baseDir } = files;
  if (baseDir === undefined) throw new FunctionError(`${fn}() is not available here: there is no configuration directory`, arg);
  const base = path.resolve(baseDir);
  const abs = path.resolve(base, p);
  const escapes = () => new FunctionError(`path escapes the configuration directory: ${quote(ctx, arg, p)}`, arg);
  if (!within(base, abs)) throw escapes();
  if (!files.realPath) return { abs, real: abs };
  let realBase: string;
  try {
    realBase = files.realPath(base);
  } catch (e) {
    throw new FunctionError(`failed to read the configuration directory: ${(e as Error).message}`, arg);
  }
  let real: string;
  try {
    real = files.realPath(abs);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { abs, real: undefined };
    throw new FunctionError(`failed to read ${quote(ctx, arg, p)}: ${(e as Error).message}`, arg);
  }
  if (!within(realBase, real)) throw escapes();
  return { abs, real };
}

/** Reads a regular file of the configuration directory as text, up to the size limit. */
export function readConfigFile(p: string, ctx: CallContext, arg: number, fn: string): string {
  const files = ctx.files;
  if (files.readFile === undefined) throw new FunctionError(`${fn}() is not available here: there is no configuration directory`, arg);
  const where = locate(p, files, ctx, arg, fn);
  const name = quote(ctx, arg, p);
  const missing = () =>
    new FunctionError(`no file exists at ${name}; this function works only with files that are distributed as part of the configuration source code`, arg);
  if (where.real === undefined) throw missing();
  const limit = ctx.budget.limits.maxFileBytes;
  try {
    const text = files.readFile(where.abs, limit);
    ctx.budget.step(Math.ceil(text.length / 16));
    return text;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw missing();
    if (code === 'EISDIR') throw new FunctionError(`${name} ${WHAT.directory}`, arg);
    if (code === 'ENOTREG') throw new FunctionError(`${name} ${WHAT[(e as { kind?: Exclude<FileKind, 'file'> }).kind ?? 'other'] ?? WHAT.other}`, arg);
    if (code === 'EFBIG') throw new FunctionError(`${name} is larger than ${limit.toLocaleString('en-US')} bytes, the limit for files read by functions`, arg);
    if (code === 'EILSEQ') {
      throw new FunctionError(
        `contents of ${name} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`,
        arg,
      );
    }
    throw new FunctionError(`failed to read ${name}: ${(e as Error).message}`, arg);
  }
}

function fileexists(p: string, ctx: CallContext): boolean {
  const files = ctx.files;
  const where = locate(p, files, ctx, 0, 'fileexists');
  if (where.real === undefined) return false;
  if (!files.stat) throw new FunctionError('fileexists() is not available here: there is no configuration directory', 0);
  const kind = files.stat(where.abs);
  if (kind === undefined) return false;
  if (kind === 'file') return true;
  throw new FunctionError(`${quote(ctx, 0, p)} ${WHAT[kind]}`, 0);
}

// --- fileset: doublestar globs ------------------------------------------------------------------

/** A doublestar glob as an RE2 pattern over slash-separated relative paths. */
export function globPattern(glob: string): string {
  let out = '';
  let i = 0;
  let braces = 0;
  const special = /[\\.+*?()|[\]{}^$]/;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const next = glob[i + 2];
      if (atStart && next === '/') {
        out += '(?:.*/)?';
        i += 3;
        continue;
      }
      if (atStart && next === undefined) {
        out += '.*';
        i += 2;
        continue;
      }
      out += '[^/]*';
      i += 2;
      continue;
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new Error('syntax error in pattern');
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\(?!.)/g, '\\\\')}]`;
      i = close + 1;
      continue;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < glob.length) {
      i++;
      out += special.test(glob[i]) ? `\\${glob[i]}` : glob[i];
    } else out += special.test(c) ? `\\${c}` : c;
    i++;
  }
  if (braces > 0) throw new Error('syntax error in pattern');
  return `^${out}$`;
}

const MAX_WALK_DEPTH = 64;

function fileset(dir: string, pattern: string, ctx: CallContext): string[] {
  const files = ctx.files;
  if (!files.readdir || !files.stat) throw new FunctionError('fileset() is not available here: there is no configuration directory', 0);
  const where = locate(dir, files, ctx, 0, 'fileset');
  if (where.real === undefined || files.stat(where.abs) !== 'directory') return [];
  let matcher: { test(s: string): boolean };
  try {
    matcher = regexpEngine().compile(globPattern(pattern));
  } catch {
    throw new FunctionError(`failed to glob pattern ${quote(ctx, 1, pattern)}: syntax error in pattern`, 1);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const base = path.resolve(files.baseDir as string);
  const walk = (abs: string, rel: string, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) return;
    // A symlinked directory is followed only inside the configuration directory, and only once.
    const real = files.realPath ? files.realPath(abs) : abs;
    if (seen.has(real)) return;
    seen.add(real);
    const names = files.readdir!(abs).sort();
    ctx.budget.step(100 * names.length);
    for (const name of names) {
      const childAbs = path.join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      let childReal = childAbs;
      if (files.realPath) {
        try {
          childReal = files.realPath(childAbs);
        } catch {
          continue; // a dangling link names nothing
        }
        if (!within(files.realPath(base), childReal)) continue;
      }
      const kind = files.stat!(childAbs);
      if (kind === 'directory') walk(childAbs, childRel, depth + 1);
      else if (kind === 'file' && matcher.test(childRel)) out.push(childRel);
    }
  };
  walk(where.abs, '', 0);
  return out.sort();
}

// --- Go's path/filepath on strings ------------------------------------------------------------

/** Go's filepath.Clean for slash paths. */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

/** Go's filepath.Base. */
export function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's filepath.Dir. */
export function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf('/') + 1));
}

function templatefile(p: string, vars: Value, ctx: CallContext): Value {
  if (!isObject(vars)) throw new FunctionError('invalid vars value: must be a map', 1);
  const text = readConfigFile(p, ctx, 0, 'templatefile');
  if (!ctx.renderTemplate) throw new FunctionError('templatefile() is not available here');
  return ctx.renderTemplate(text, p, vars as ObjectValue, true);
}

/** File functions. */
export const fileFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  file: { params: [str('path')], cost: 1000, impl: ([p], ctx) => readConfigFile(p as string, ctx, 0, 'file') },
  fileexists: { params: [str('path')], cost: 500, impl: ([p], ctx) => fileexists(p as string, ctx) },
  fileset: { params: [str('path'), str('pattern')], cost: 1000, impl: ([p, pat], ctx) => fileset(p as string, pat as string, ctx) },
  templatefile: { params: [str('path'), any('vars')], cost: 1000, impl: ([p, vars], ctx) => templatefile(p as string, vars, ctx) },
  basename: { params: [str('path')], impl: ([p]) => goBase(p as string) },
  dirname: { params: [str('path')], impl: ([p]) => goDir(p as string) },
  abspath: {
    params: [str('path')],
    // Relative to the configuration directory, which drctl reads every relative path against.
    impl: ([p], ctx) => {
      const s = p as string;
      if (s.startsWith('/')) return goClean(s);
      if (ctx.files.baseDir === undefined) throw new FunctionError('abspath() is not available here: there is no configuration directory', 0);
      return goClean(`${path.resolve(ctx.files.baseDir)}/${s}`);
    },
  },
});
