// The sides of `drctl state diff`: a state file (its journal folded in, as every reader does), or
// `git:REF:path`, the file as committed at REF, read with `git show` (run directly, never through
// a shell). A side with no state is null: a change that adds the state file compares against none.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { UserError } from '../diag/errors.js';
import { StateMissingError, StateUnusableError } from './errors.js';
import { parseState } from './format.js';
import { LocalFileBackend } from './local.js';
import { readState } from './session.js';
import type { DrState } from './types.js';

export type StateSourceSpec = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'git'; readonly ref: string; readonly path: string };

/** `git:main:state/erp.drstate.json` (a ref cannot hold a colon; the path may), or a file path. */
export function parseStateSourceSpec(spec: string): StateSourceSpec {
  if (!spec.startsWith('git:')) return { kind: 'file', path: spec };
  const rest = spec.slice('git:'.length);
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? '' : rest.slice(0, colon);
  const file = colon < 0 ? '' : rest.slice(colon + 1);
  if (!ref || !file) {
    throw new UserError(`"${spec}" is not a git state reference: write git:REF:PATH, e.g. git:main:state/erp.drstate.json.`, [
      'PATH is relative to the repository root, as in `git show REF:PATH`.',
    ]);
  }
  // A ref starting with "-" would reach git as an option.
  if (ref.startsWith('-'))
    throw new UserError(`"${ref}" is not a git revision (it starts with "-").`, ['Name a branch, tag or commit: git:main:state/erp.drstate.json.']);
  return { kind: 'git', ref, path: file };
}

export interface GitShowOptions {
  /** Where git runs: inside the repository. */
  readonly cwd: string;
  /** The git executable (default: `git` on PATH). */
  readonly git?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A state file of 5,000 VMs is a few MB; this bounds what one read may hold. */
const MAX_GIT_OUTPUT = 512 * 1024 * 1024;

/**
 * The bytes of `path` at `ref` (`git show REF:PATH`), or null when the ref exists but has no such
 * file. A missing git, a directory that is not a repository and an unknown ref are user errors
 * that say what to do.
 */
export function gitShow(ref: string, file: string, opts: GitShowOptions): Promise<Buffer | null> {
  const spec = `git:${ref}:${file}`;
  return new Promise((resolve, reject) => {
    execFile(
      opts.git ?? 'git',
      ['show', `${ref}:${file}`],
      // C locale: git's messages are matched below.
      {
        cwd: opts.cwd,
        env: { ...(opts.env ?? process.env), LC_ALL: 'C', LANG: 'C', GIT_PAGER: 'cat' },
        encoding: 'buffer',
        maxBuffer: MAX_GIT_OUTPUT,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const err = error as NodeJS.ErrnoException & { code?: string | number };
        const message = Buffer.isBuffer(stderr) ? stderr.toString('utf8').trim() : String(stderr ?? '').trim();
        if (err.code === 'ENOENT')
          return reject(new UserError(`Cannot read ${spec}: git is not installed (or not on PATH).`, ['Install git, or compare two state files instead.']));
        if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return reject(new UserError(`Cannot read ${spec}: the file is larger than ${MAX_GIT_OUTPUT / 1024 / 1024} MB.`));
        if (/not a git repository/i.test(message)) {
          return reject(
            new UserError(`Cannot read ${spec}: ${opts.cwd} is not inside a git repository.`, [
              'Run drctl inside the repository that holds the state file, or compare two files.',
            ]),
          );
        }
        if (/does not exist in|exists on disk, but not in/i.test(message)) return resolve(null);
        if (/invalid object name|unknown revision|bad revision|ambiguous argument|not a valid object name/i.test(message)) {
          return reject(
            new UserError(`Cannot read ${spec}: the repository has no branch, tag or commit "${ref}".`, [
              'List them with `git branch -a` and `git tag`; in CI, fetch the base branch first (e.g. `git fetch origin main`, then git:origin/main:PATH).',
            ]),
          );
        }
        reject(new UserError(`Cannot read ${spec}: git show failed${message ? `: ${message}` : '.'}`));
      },
    );
  });
}

export interface StateSide {
  /** How the side is named in output: the path or `git:REF:path` as given. */
  readonly label: string;
  /** Null when there is no state there (the file does not exist at that ref or path). */
  readonly state: DrState | null;
}

/** Reads one side of a state diff. An unusable state (not JSON, not drctl's) is an error, never "no state". */
export async function loadStateSide(spec: string, opts: { readonly cwd: string; readonly git?: string; readonly env?: NodeJS.ProcessEnv }): Promise<StateSide> {
  const source = parseStateSourceSpec(spec);
  if (source.kind === 'git') {
    const bytes = await gitShow(source.ref, source.path, { cwd: opts.cwd, git: opts.git, env: opts.env });
    if (bytes === null) return { label: spec, state: null };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new StateUnusableError('encoding', spec, 'Not UTF-8 text', 'A state file is UTF-8 JSON; this file holds other bytes.');
    }
    const parsed = parseState(text, spec);
    if (!parsed.ok) throw parsed.error;
    return { label: spec, state: parsed.state };
  }
  const backend = new LocalFileBackend(path.resolve(opts.cwd, source.path));
  try {
    return { label: spec, state: (await readState(backend)).state };
  } catch (e) {
    if (e instanceof StateMissingError) return { label: spec, state: null };
    throw e;
  } finally {
    await backend.close();
  }
}
