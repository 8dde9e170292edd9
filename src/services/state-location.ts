// Where the state lives: -state, then DRCTL_STATE, then the drctl block's `backend "local"
// { path }`, then state/drctl.drstate.json (relative paths from the working directory).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeConfigFs, readStatePathSetting, type DrConfig } from '../config/index.js';
import { UserError, type Diagnostic } from '../diag/index.js';
import { LocalFileBackend } from '../state/index.js';
import type { EngineContext } from './context.js';
import { loadForEngine } from './config.js';

export const DEFAULT_CONFIG_DIR = 'plans';
const DEFAULT_STATE_PATH = 'state/drctl.drstate.json';

/** The absolute state path of a loaded configuration (or of none), with `override` as -state. */
export function statePathOf(config: DrConfig | undefined, ctx: Pick<EngineContext, 'cwd' | 'env'>, override?: string): string {
  const p = override ?? ctx.env.DRCTL_STATE ?? (config?.settings.backend.type === 'local' ? config.settings.backend.path : undefined) ?? DEFAULT_STATE_PATH;
  return path.resolve(ctx.cwd, p);
}

/** The local state backend at `file`, its directory made first (a new workspace has none). */
export function backendFor(file: string): LocalFileBackend {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new LocalFileBackend(file);
}

export interface StateLocationInput {
  /** The configuration directory, undefined when the user named none. */
  readonly dir: string | undefined;
  /** -state */
  readonly statePath: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type StateLocation =
  | { readonly path: string }
  | { readonly diagnostics: readonly Diagnostic[]; readonly sources: ReadonlyMap<string, string>; readonly message: string };

/**
 * The absolute state path for a state command, with apply's precedence. Only the drctl block is
 * read (config/state-path.ts); a backend path that uses variables loads the whole configuration.
 */
export function locateState(input: StateLocationInput): StateLocation {
  const ctx = { cwd: input.cwd, env: input.env, fs: nodeConfigFs };
  const resolved = (p?: string) => ({ path: statePathOf(undefined, ctx, p) });
  if (input.statePath !== undefined) return resolved(input.statePath);
  if (input.env.DRCTL_STATE) return resolved();

  const dir = input.dir ?? DEFAULT_CONFIG_DIR;
  const abs = path.resolve(input.cwd, dir);
  try {
    fs.readdirSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Without a configuration the state is where apply would put it by default, as in Terraform.
    if (code === 'ENOENT' && input.dir === undefined) return resolved();
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
  if (setting.kind === 'path') return resolved(setting.path);
  if (setting.kind === 'error') {
    return {
      diagnostics: setting.diagnostics,
      sources: setting.sources,
      message:
        setting.problem === 'does-not-parse'
          ? `Cannot find the state path: the configuration in "${dir}" does not parse. Fix it, or pass -state PATH.`
          : `Cannot find the state path: the backend path in "${dir}" is not valid.`,
    };
  }
  const loaded = loadForEngine(ctx, dir, []);
  if (!loaded.config) {
    return {
      diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'),
      sources: loaded.sources,
      message: `Cannot find the state path: the backend path in "${dir}" depends on the configuration, which does not load (variables can be set with DRCTL_VAR_name). Or pass -state PATH.`,
    };
  }
  return { path: statePathOf(loaded.config, ctx) };
}
