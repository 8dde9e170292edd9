// The first stage of a load: read every *.hcl file of the directory and parse it, keeping each
// file's text for the diagnostics renderer.
import * as path from 'node:path';
import type { Body } from '../hcl/ast.js';
import { parseHclBytes } from '../hcl/parser.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';

/** The files a load may read; tests and commands pass node:fs-backed or in-memory versions. */
export interface ConfigFs {
  /** What a post_check path holds (symlinks followed), so validate names a missing or non-executable script (absent: not checked). */
  scriptKind?(file: string): ScriptKind;
  readdir(dir: string): string[];
  readFile(file: string): Uint8Array;
  /** Resolves symlinks (absolute path in, absolute path out), so file() can refuse a link out of the directory. */
  realPath?(file: string): string;
}

/** What is at a script path: a file drctl may execute, one it may not, something else, or nothing. */
export type ScriptKind = 'executable' | 'not-executable' | 'not-a-file' | 'missing';

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
    const bytes = fs.readFile(file);
    const parsed = parseHclBytes(bytes, file);
    sources.set(file, utf8.decode(bytes));
    diags.push(...parsed.diagnostics);
    bodies.push(parsed.body);
  }
  return { bodies, sources };
}
