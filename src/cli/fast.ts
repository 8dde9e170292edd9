// The fast start path: `drctl plan` and `drctl apply` without loading oclif, which costs about
// 0.1 s of a cold start (its CommonJS tree, config discovery, manifest). The flags are parsed
// with the same specs oclif's definitions are made from; anything this small parser does not
// take exactly as oclif would (help, an unknown or repeated flag, a bad value, `--`, short
// flags) returns undefined, and oclif runs the command instead, with its own errors and help.
// Direct, not commands/index.ts: that is oclif's command table, and loads oclif.
import { APPLY_ARG, APPLY_FLAG_SPECS, PLAN_ARG, PLAN_FLAG_SPECS, type ArgSpec, type FlagSpecs } from '../commands/flag-specs.js';

export interface FastParse {
  readonly args: Record<string, string>;
  readonly flags: Record<string, unknown>;
}

/** Parses `argv` (after the command name, `--` spelling) as oclif would, or gives up. */
export function parseFast(argv: readonly string[], specs: FlagSpecs, arg: ArgSpec & { readonly default: string }): FastParse | undefined {
  const flags: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    if (!a.startsWith('--') || a === '--') return undefined;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) return undefined;
    if (spec.kind === 'boolean') {
      if (eq >= 0 || name in flags) return undefined;
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('-')) return undefined;
      value = argv[++i];
    }
    if (value === '') return undefined;
    if (spec.kind === 'integer') {
      if (name in flags || !/^-?\d+$/.test(value)) return undefined;
      const n = Number(value);
      if (spec.min !== undefined && n < spec.min) return undefined;
      flags[name] = n;
      continue;
    }
    if (spec.multiple) {
      ((flags[name] ??= []) as string[]).push(value);
      continue;
    }
    if (name in flags || (spec.options && !spec.options.includes(value))) return undefined;
    flags[name] = value;
  }
  if (positional.length > 1) return undefined;
  for (const [name, spec] of Object.entries(specs)) {
    if (!(name in flags) && 'default' in spec && spec.default !== undefined) flags[name] = spec.default;
  }
  return { args: { [arg.name]: positional[0] ?? arg.default }, flags };
}

/** Ends a fast-path command with a code, as oclif's this.exit does. */
class CommandExit extends Error {
  readonly code = 'EEXIT';
  readonly oclif: { exit: number };
  constructor(exit: number) {
    super(`exit ${exit}`);
    this.oclif = { exit };
  }
}

const exit = (code: number): never => {
  throw new CommandExit(code);
};

/**
 * Runs `argv` (normalized, command name first) on the fast path; false when it is not a fast
 * command or not a plain invocation of one, for oclif to run instead.
 */
export async function runFast(argv: readonly string[]): Promise<boolean> {
  const [id, ...rest] = argv;
  const p = id === 'plan' ? parseFast(rest, PLAN_FLAG_SPECS, PLAN_ARG) : id === 'apply' ? parseFast(rest, APPLY_FLAG_SPECS, APPLY_ARG) : undefined;
  if (!p) return false;
  guardStdout();
  try {
    // The two bodies alone, never the command table (commands/index.ts loads oclif).
    if (id === 'plan') await (await import('../commands/plan-run.js')).runPlan({ dir: p.args.dir }, p.flags as never, rest, exit);
    else await (await import('../commands/apply-run.js')).runApply({ target: p.args.target }, p.flags as never, rest, exit);
  } catch (e) {
    if (!(e instanceof CommandExit)) throw e;
    process.exitCode = e.oclif.exit;
  }
  return true;
}

/** As oclif does: a closed stdout (`drctl plan | head`) ends the output quietly, not with a crash. */
function guardStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err && err.code === 'EPIPE') return;
    throw err;
  });
}
