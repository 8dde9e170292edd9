// Where the state lives, for commands that have no loaded configuration (state, workspace,
// audit and access commands): the storage settings of the drctl block (`backend`, `encryption`),
// which services/workspace.ts turns into a store, with -state, DRCTL_STATE, DRCTL_PG_CONN_STR and
// DRCTL_ENCRYPTION applied there (state/open.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeConfigFs, readStatePathSetting } from '../config/index.js';
import { UserError, type Diagnostic } from '../diag/index.js';
import type { StorageSettingsInput } from '../state/index.js';
import { loadForEngine } from './config.js';

export const DEFAULT_CONFIG_DIR = 'plans';

/** A state path must name a file: a directory there (`-state state`) is the user's to fix, said plainly. */
export function checkNotDirectory(file: string): void {
  let isDir = false;
  try {
    isDir = fs.statSync(file).isDirectory();
  } catch {
    return; // missing (a new state) or unreadable: the read that follows says which
  }
  if (isDir) {
    const shown = path.relative(process.cwd(), file) || file;
    throw new UserError(`The state path ${shown} is a directory, not a state file.`, [
      `Name the state file itself, e.g. -state ${path.join(shown, 'drctl.drstate.json')} (or fix DRCTL_STATE, or the drctl block's backend path).`,
    ]);
  }
}

export interface StateLocationInput {
  /** The configuration directory, undefined when the user named none. */
  readonly dir: string | undefined;
  /** -state */
  readonly statePath: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type StorageLocation =
  | { readonly settings: StorageSettingsInput }
  | { readonly diagnostics: readonly Diagnostic[]; readonly sources: ReadonlyMap<string, string>; readonly message: string };

/**
 * The storage settings for a state command, with apply's precedence. Only the drctl block is
 * read (config/state-path.ts) while it holds at most a literal `backend "local" { path }`; a pg
 * backend, an encryption block or a path that uses variables loads the whole configuration.
 * With -state or DRCTL_STATE a configuration that cannot be read is passed over (the state file
 * is named), as before backends and encryption.
 */
export function locateStorage(input: StateLocationInput): StorageLocation {
  const ctx = { cwd: input.cwd, env: input.env, fs: nodeConfigFs };
  const named = input.statePath !== undefined || !!input.env.DRCTL_STATE;
  const defaults = { settings: {} };
  const dir = input.dir ?? DEFAULT_CONFIG_DIR;
  const abs = path.resolve(input.cwd, dir);
  try {
    fs.readdirSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Without a configuration the state is where apply would put it by default, as in Terraform.
    if ((code === 'ENOENT' && input.dir === undefined) || named) return defaults;
    throw new UserError(
      code === 'ENOENT'
        ? `The directory "${dir}" does not exist.`
        : code === 'ENOTDIR'
          ? `"${dir}" is a file, not a configuration directory.`
          : `Cannot read "${dir}": ${(err as Error).message}.`,
      ['Name the directory that holds your *.hcl files, or the state file itself with -state PATH.'],
    );
  }
  // Files are named as the user wrote the directory, and read from the working directory.
  const setting = readStatePathSetting(dir, {
    readdir: (d) => fs.readdirSync(path.resolve(input.cwd, d)),
    readFile: (f) => nodeConfigFs.readFile(path.resolve(input.cwd, f)),
  });
  if (setting.kind === 'path') {
    return { settings: { backend: setting.path === undefined && !setting.block ? { type: 'local', implicit: true } : { type: 'local', path: setting.path } } };
  }
  if (setting.kind === 'error') {
    if (named) return defaults;
    return {
      diagnostics: setting.diagnostics,
      sources: setting.sources,
      message:
        setting.problem === 'does-not-parse'
          ? `Cannot find the state: the configuration in "${dir}" does not parse. Fix it, or pass -state PATH.`
          : `Cannot find the state: the backend path in "${dir}" is not valid.`,
    };
  }
  const loaded = loadForEngine(ctx, dir, []);
  if (!loaded.config) {
    if (named) return defaults;
    return {
      diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'),
      sources: loaded.sources,
      message: `Cannot find the state: the drctl block's backend or encryption settings in "${dir}" depend on the configuration, which does not load (variables can be set with DRCTL_VAR_name). Or pass -state PATH.`,
    };
  }
  return { settings: loaded.config.settings };
}
