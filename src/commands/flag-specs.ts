// The flags of the engine commands as plain data. oclif's definitions are made from these
// (base.ts), and the fast start path (src/cli/fast.ts) parses with them without loading oclif:
// one description, two readers, so the two can never disagree on a flag.

export type FlagSpec =
  | { readonly kind: 'boolean'; readonly description: string; readonly default?: boolean }
  | {
      readonly kind: 'string';
      readonly description: string;
      readonly multiple?: boolean;
      readonly default?: string;
      readonly options?: readonly string[];
    }
  | { readonly kind: 'integer'; readonly description: string; readonly min?: number };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A command's one optional positional argument (the configuration directory, or a plan file). */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

export const COMMON_FLAG_SPECS = {
  'no-color': { kind: 'boolean', description: 'Never use colour (NO_COLOR is honoured too).', default: false },
} as const satisfies FlagSpecs;

export const VAR_FLAG_SPECS = {
  var: { kind: 'string', description: 'Set a variable: -var "name=value". Repeatable.', multiple: true },
  'var-file': { kind: 'string', description: 'Read variable values from a file (HCL or .json). Repeatable.', multiple: true },
} as const satisfies FlagSpecs;

export const ENGINE_FLAG_SPECS = {
  target: { kind: 'string', description: 'Limit the operation to this resource and what it depends on. Repeatable.', multiple: true },
  replace: { kind: 'string', description: 'Replace this resource even if it is unchanged. Repeatable.', multiple: true },
  destroy: { kind: 'boolean', description: 'Plan to destroy every resource in the state.', default: false },
  parallelism: { kind: 'integer', description: 'Operations in flight at once (default 10, or the drctl block).', min: 1 },
  refresh: { kind: 'string', description: 'Read the cloud before planning (-refresh=false skips it).', options: ['true', 'false'], default: 'true' },
  'lock-timeout': { kind: 'string', description: "Wait this long for another run's state lock, e.g. 30s (default 0s: fail at once).", default: '0s' },
  state: { kind: 'string', description: 'State file path (overrides the drctl backend block).' },
  json: { kind: 'boolean', description: 'Machine output: JSON on stdout.', default: false },
} as const satisfies FlagSpecs;

export const PLAN_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...ENGINE_FLAG_SPECS,
  out: { kind: 'string', description: 'Save the plan to this file, for drctl apply FILE.' },
  'detailed-exitcode': { kind: 'boolean', description: 'Exit 0 with no changes, 1 on error, 2 with changes.', default: false },
} as const satisfies FlagSpecs;

export const APPLY_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...ENGINE_FLAG_SPECS,
  'auto-approve': { kind: 'boolean', description: 'Apply without asking for "yes".', default: false },
} as const satisfies FlagSpecs;

export const PLAN_ARG: ArgSpec = { name: 'dir', description: 'Directory of *.hcl files', default: 'plans' };
export const APPLY_ARG: ArgSpec = { name: 'target', description: 'Directory of *.hcl files, or a saved plan file', default: 'plans' };

/** What a parse yields for one flag spec (oclif's types for the same definitions). */
type FlagValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'integer' }
    ? number | undefined
    : S extends { multiple: true }
      ? string[] | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

export type ParsedFlags<T extends FlagSpecs> = { -readonly [K in keyof T]: FlagValue<T[K]> };
export type PlanFlags = ParsedFlags<typeof PLAN_FLAG_SPECS>;
export type ApplyFlags = ParsedFlags<typeof APPLY_FLAG_SPECS>;
