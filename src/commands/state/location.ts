// What the state commands share: their flags, and finding the state they act on. As with
// Terraform's backend block, only the drctl block of the configuration is read, so a state command
// works while the rest of the configuration is broken or needs variables; only a backend path
// that itself uses variables needs the whole configuration to load.
import { Args, Flags } from '@oclif/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commonFlags, type Terminal } from '../base.js';
import { UserError } from '../../diag/errors.js';
import type { Diagnostic } from '../../diag/types.js';
import type { LocalFileBackend } from '../../state/local.js';
import { nodeConfigFs } from '../../config/node-fs.js';

export const DEFAULT_CONFIG_DIR = 'plans';

export const stateFlags = {
  ...commonFlags,
  state: Flags.string({ description: 'State file path (overrides DRCTL_STATE and the drctl backend block).' }),
};

export const lockFlags = {
  'lock-timeout': Flags.string({ description: "Wait this long for another run's state lock, e.g. 30s (default 0s: fail at once).", default: '0s' }),
};

/**
 * For commands whose positional arguments are fixed (show, mv, pull, push, force-unlock). Every
 * argument sets ignoreStdin: oclif would otherwise read piped stdin into a missing argument.
 */
export const dirArg = Args.string({
  ignoreStdin: true,
  description: `Directory of *.hcl files whose drctl block names the state (default: ${DEFAULT_CONFIG_DIR})`,
});

/** For commands that take any number of addresses (list, rm), where a positional directory would be ambiguous. */
export const dirFlags = {
  dir: Flags.string({ description: `Directory of *.hcl files whose drctl block names the state (default: ${DEFAULT_CONFIG_DIR}).` }),
};

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
 * The absolute state path, with apply's precedence: -state, DRCTL_STATE, the drctl block's
 * `backend "local" { path }`, then state/drctl.drstate.json (relative paths from the working directory).
 */
export async function locateState(input: StateLocationInput): Promise<StateLocation> {
  const { statePathOf } = await import('../../apply/service.js');
  const ctx = { cwd: input.cwd, env: input.env, fs: nodeConfigFs, now: () => 0, sink: () => undefined };
  const resolved = (p?: string) => ({ path: statePathOf(undefined, ctx, p) });
  if (input.statePath !== undefined) return resolved(input.statePath);
  if (input.env.DRCTL_STATE) return resolved();

  const dir = input.dir ?? DEFAULT_CONFIG_DIR;
  const abs = path.resolve(input.cwd, dir);
  let names: string[];
  try {
    names = fs
      .readdirSync(abs)
      .filter((n) => n.endsWith('.hcl'))
      .sort();
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

  const { parseHclBytes } = await import('../../hcl/parser.js');
  const { referencesOf } = await import('../../hcl/references.js');
  const { evaluate } = await import('../../hcl/eval.js');
  const sources = new Map<string, string>();
  const errors: Diagnostic[] = [];
  let pathExpr: import('../../hcl/ast.js').Expression | undefined;
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = fs.readFileSync(path.join(abs, name));
    sources.set(file, new TextDecoder().decode(bytes));
    const parsed = parseHclBytes(bytes, file);
    errors.push(...parsed.diagnostics.filter((d) => d.severity === 'error'));
    for (const item of parsed.body.items) {
      if (item.kind !== 'Block' || item.type !== 'drctl') continue;
      for (const inner of item.body.items) {
        if (inner.kind !== 'Block' || inner.type !== 'backend' || inner.labels[0]?.value !== 'local') continue;
        for (const attr of inner.body.items) if (attr.kind === 'Attribute' && attr.name === 'path') pathExpr = attr.expr;
      }
    }
  }
  // A file that does not parse might hold the drctl block: guessing the default could hit the wrong state.
  if (errors.length > 0)
    return { diagnostics: errors, sources, message: `Cannot find the state path: the configuration in "${dir}" does not parse. Fix it, or pass -state PATH.` };
  if (!pathExpr) return resolved();
  if (referencesOf(pathExpr).length === 0) {
    const r = evaluate(pathExpr, { variables: {} });
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length > 0) return { diagnostics: errs, sources, message: `Cannot find the state path: the backend path in "${dir}" is not valid.` };
    if (typeof r.value === 'string') return resolved(r.value);
  }
  // The path uses variables or locals: only the whole configuration can say what it is.
  const { loadForEngine } = await import('../../apply/service.js');
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

/** The backend of the state the command acts on; prints configuration errors and fails when it cannot tell. */
export async function stateBackendFor(term: Terminal, dir: string | undefined, statePath: string | undefined): Promise<LocalFileBackend> {
  const where = await locateState({ dir, statePath, cwd: term.cwd, env: term.env });
  if (!('path' in where)) {
    const { renderDiagnosticsText } = await import('../../tui/views/diagnostics.js');
    term.stderr.write(renderDiagnosticsText(where.diagnostics, where.sources, term.color, term.width));
    throw new UserError(where.message);
  }
  const { LocalFileBackend } = await import('../../state/local.js');
  return new LocalFileBackend(where.path);
}

/** Runs a state service, turning state errors the user can fix into UserError. */
export async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  const { toUserError } = await import('../../state/commands.js');
  try {
    return await work();
  } catch (err) {
    throw toUserError(err);
  }
}

export function writeWarnings(term: Terminal, warnings: readonly string[]): void {
  for (const w of warnings) term.stderr.write(`Warning: ${w}\n`);
}
