// The first stage of a load: read every *.hcl file of the directory and parse it, keeping each
// file's text for the diagnostics renderer.
import * as path from 'node:path';
import type { Body } from '../hcl/ast.js';
import { parseHclBytes } from '../hcl/parser.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import type { FileKind } from '../hcl/functions/index.js';

/** The files a load may read; tests and commands pass node:fs-backed (node-fs.ts) or in-memory versions. */
export interface ConfigFs {
  /** What a post_check path holds (symlinks followed), so validate names a missing or non-executable script (absent: not checked). */
  scriptKind?(file: string): ScriptKind;
  readdir(dir: string): string[];
  /**
   * Reads a regular file. With `maxBytes`, a larger file is an error with code EFBIG; a path
   * that is not a regular file (a FIFO, a device) is an error with code ENOTREG, never a wait.
   */
  readFile(file: string, maxBytes?: number): Uint8Array;
  /** Resolves symlinks (absolute path in, absolute path out), so file() can refuse a link out of the directory. */
  realPath?(file: string): string;
  /** What is at a path, following symlinks; undefined when nothing is (fileexists, fileset). */
  stat?(file: string): FileKind | undefined;
}

/** What is at a script path: a file drctl may execute, one it may not, something else, or nothing. */
export type ScriptKind = 'executable' | 'not-executable' | 'not-a-file' | 'missing';

/** The largest *.hcl file or variables file a load reads. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8');

export interface ParsedSources {
  /** One parsed body per file, in file-name order. */
  readonly bodies: Body[];
  /** File path → its text. */
  readonly sources: Map<string, string>;
}

/** Reads and parses the directory's files; a directory that can't be read, or has none, is an error in diags. */
export function readSources(dir: string, fs: ConfigFs, diags: Diagnostic[]): ParsedSources {
  const sources = new Map<string, string>();
  let names: string[];
  try {
    names = fs
      .readdir(dir)
      .filter((n) => n.endsWith('.hcl'))
      .sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    diags.push(
      errorDiag(
        'Cannot read configuration directory',
        code === 'ENOENT'
          ? `The directory "${dir}" does not exist. Run drctl in a directory with *.hcl files, or pass the directory, e.g. drctl validate plans/.`
          : code === 'ENOTDIR'
            ? `"${dir}" is a file, not a directory. Pass the directory that holds it.`
            : `Reading "${dir}" failed: ${(e as Error).message}.`,
      ),
    );
    return { bodies: [], sources };
  }
  if (names.length === 0) {
    diags.push(
      errorDiag(
        'No configuration files',
        `drctl reads every *.hcl file in a directory, and "${dir}" has none. Create one (see plans/ in the drctl repository for an example), or pass the right directory.`,
      ),
    );
    return { bodies: [], sources };
  }

  const bodies: Body[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFile(file, MAX_SOURCE_BYTES);
      if (bytes.length > MAX_SOURCE_BYTES) throw Object.assign(new Error('file too large'), { code: 'EFBIG' });
    } catch (e) {
      diags.push(errorDiag('Cannot read configuration file', `${unreadable(file, e)} Every *.hcl file in the directory is read as configuration.`));
      continue;
    }
    const parsed = parseHclBytes(bytes, file);
    sources.set(file, utf8.decode(bytes));
    diags.push(...parsed.diagnostics);
    bodies.push(parsed.body);
  }
  return { bodies, sources };
}

/** Why a configuration or variables file could not be read, as a sentence. */
export function unreadable(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `"${file}" does not exist.`;
  if (code === 'ENOTREG' || code === 'EISDIR')
    return `"${file}" is not a regular file (it is a directory, a named pipe or a device), so drctl does not read it.`;
  if (code === 'EFBIG') return `"${file}" is larger than ${MAX_SOURCE_BYTES.toLocaleString('en-US')} bytes, the limit for configuration and variables files.`;
  return `Reading "${file}" failed: ${(e as Error).message}.`;
}
