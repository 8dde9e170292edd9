// File functions: read files of the configuration directory, never outside it (symlinks included).
import * as path from 'node:path';
import { FunctionError, type FileAccess, type HclFunction } from './call.js';
import { str } from './args.js';

function within(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function readConfigFile(p: string, files: FileAccess): string {
  const { baseDir, readFile, realPath } = files;
  if (baseDir === undefined || readFile === undefined) {
    throw new FunctionError('file() is not available here: there is no configuration directory', 0);
  }
  const base = path.resolve(baseDir);
  const abs = path.resolve(base, p);
  const escapes = () => new FunctionError(`path escapes the configuration directory: ${JSON.stringify(p)}`, 0);
  if (!within(base, abs)) throw escapes();
  const missing = () => new FunctionError(`no file exists at ${JSON.stringify(p)}`, 0);
  const failure = (e: unknown) => {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return missing();
    if (code === 'EISDIR') return new FunctionError(`${JSON.stringify(p)} is a directory, not a file`, 0);
    return new FunctionError(`failed to read ${JSON.stringify(p)}: ${(e as Error).message}`, 0);
  };
  if (realPath) {
    let real: string;
    let realBase: string;
    try {
      realBase = realPath(base);
      real = realPath(abs);
    } catch (e) {
      throw failure(e);
    }
    if (!within(realBase, real)) throw escapes();
  }
  try {
    return readFile(abs);
  } catch (e) {
    throw failure(e);
  }
}

/** File functions. */
export const fileFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  file: { params: [str('path')], impl: ([p], ctx) => readConfigFile(p as string, ctx.files) },
});
