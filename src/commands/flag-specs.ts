// Every command's flags and arguments as plain data. oclif's definitions are made from these
// (base.ts), and the fast start path (src/cli/fast.ts) parses plan and apply with them without
// loading oclif: one description, two readers, so the two can never disagree on a flag. The
// types a command's body receives are derived from the same data (ParsedFlags, ParsedArgs).

export type FlagSpec =
  | {
      readonly kind: 'boolean';
      readonly description: string;
      readonly default?: boolean;
      /** Also accept --no-NAME. */
      readonly allowNo?: boolean;
      /** Flags this one cannot be given with. */
      readonly exclusive?: readonly string[];
    }
  | {
      readonly kind: 'string';
      readonly description: string;
      readonly multiple?: boolean;
      readonly default?: string;
      readonly options?: readonly string[];
    }
  | { readonly kind: 'integer'; readonly description: string; readonly min?: number; readonly max?: number; readonly default?: number };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A positional argument. */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly default?: string;
  readonly required?: boolean;
  /** Read a missing argument from piped stdin (oclif's default; every argument but show's turns it off). */
  readonly fromStdin?: boolean;
}

/** A command's positional arguments, in order. */
export type ArgSpecs = readonly ArgSpec[];

// ------------------------------------------------------------------------------- shared groups

export const COMMON_FLAG_SPECS = {
  'no-color': { kind: 'boolean', description: 'Never use colour (NO_COLOR is honoured too).', default: false },
} as const satisfies FlagSpecs;

export const VAR_FLAG_SPECS = {
  var: { kind: 'string', description: 'Set a variable: -var "name=value". Repeatable.', multiple: true },
  'var-file': { kind: 'string', description: 'Read variable values from a file (HCL or .json). Repeatable.', multiple: true },
} as const satisfies FlagSpecs;

/** The configuration directory most commands take. */
export const DIR_ARG = { name: 'dir', description: 'Directory of *.hcl files', default: 'plans' } as const satisfies ArgSpec;

// ------------------------------------------------------------------------------- plan and apply

export const ENGINE_FLAG_SPECS = {
  target: { kind: 'string', description: 'Limit the operation to this resource and what it depends on. Repeatable.', multiple: true },
  replace: { kind: 'string', description: 'Replace this resource even if it is unchanged. Repeatable.', multiple: true },
  destroy: { kind: 'boolean', description: 'Plan to destroy every resource in the state.', default: false },
  parallelism: { kind: 'integer', description: 'Operations in flight at once (default 10, or the drctl block).', min: 1 },
  refresh: { kind: 'string', description: 'Read the cloud before planning (-refresh=false skips it).', options: ['true', 'false'], default: 'true' },
  'lock-timeout': { kind: 'string', description: "Wait this long for another run's state lock, e.g. 30s (default 0s: fail at once).", default: '0s' },
  state: { kind: 'string', description: 'State file path (overrides the drctl backend block).' },
  json: { kind: 'boolean', description: 'Machine output: JSON on stdout.', default: false },
  lock: {
    kind: 'string',
    description: 'Hold the state lock while running (-lock=false skips it, as in Terraform).',
    options: ['true', 'false'],
    default: 'true',
  },
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

export const PLAN_ARG = DIR_ARG;
export const APPLY_ARG = { name: 'target', description: 'Directory of *.hcl files, or a saved plan file', default: 'plans' } as const satisfies ArgSpec;

export const SHOW_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print the plan (or the state) as JSON.', default: false },
  state: { kind: 'string', description: 'Without a file: the state file to show (overrides DRCTL_STATE and the drctl backend block).' },
  dir: { kind: 'string', description: 'Without a file: the directory of *.hcl files whose drctl block names the state (default: plans).' },
} as const satisfies FlagSpecs;
export const SHOW_ARGS = [
  { name: 'file', description: 'A plan file from drctl plan -out, or a state file (default: the current state)' },
] as const satisfies ArgSpecs;

// ------------------------------------------------------------------------------- the language

export const VALIDATE_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print {valid, error_count, warning_count, diagnostics} as JSON.', default: false },
} as const satisfies FlagSpecs;

export const GRAPH_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  format: {
    kind: 'string',
    description: 'dot: the resource graph; text: the recovery order; waves: creation waves.',
    options: ['dot', 'text', 'waves'],
    default: 'dot',
  },
  plan: { kind: 'string', description: 'With --format text: only this recovery plan.' },
  parallelism: { kind: 'integer', description: 'Boots in flight at once, for the predicted RTO.', min: 1 },
} as const satisfies FlagSpecs;

export const FMT_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  list: { kind: 'boolean', description: 'List files whose formatting differs (-list=false to turn off).', default: true, allowNo: true },
  write: { kind: 'boolean', description: 'Write the result to the source file (-write=false to turn off).', default: true, allowNo: true },
  diff: { kind: 'boolean', description: 'Print a unified diff of the formatting changes.', default: false, allowNo: true },
  check: { kind: 'boolean', description: 'Check whether the input is formatted; exit 3 if not. Writes nothing.', default: false, allowNo: true },
  recursive: { kind: 'boolean', description: 'Also process files in subdirectories.', default: false, allowNo: true },
} as const satisfies FlagSpecs;
/** Any number of paths (the command is not strict): the first is declared for help. */
export const FMT_ARGS = [{ name: 'paths', description: 'Files or directories to format, or - for standard input' }] as const satisfies ArgSpecs;

// ------------------------------------------------------------------------------- state

export const DEFAULT_CONFIG_DIR = 'plans';

export const STATE_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  state: { kind: 'string', description: 'State file path (overrides DRCTL_STATE and the drctl backend block).' },
} as const satisfies FlagSpecs;

export const LOCK_FLAG_SPECS = {
  'lock-timeout': { kind: 'string', description: "Wait this long for another run's state lock, e.g. 30s (default 0s: fail at once).", default: '0s' },
} as const satisfies FlagSpecs;

/** For commands that take any number of addresses (list, rm), where a positional directory would be ambiguous. */
export const DIR_FLAG_SPECS = {
  dir: { kind: 'string', description: `Directory of *.hcl files whose drctl block names the state (default: ${DEFAULT_CONFIG_DIR}).` },
} as const satisfies FlagSpecs;

/** For commands whose positional arguments are fixed (show, mv, pull, push, force-unlock). */
export const STATE_DIR_ARG = {
  name: 'dir',
  description: `Directory of *.hcl files whose drctl block names the state (default: ${DEFAULT_CONFIG_DIR})`,
} as const satisfies ArgSpec;

export const STATE_LIST_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  ...DIR_FLAG_SPECS,
  id: { kind: 'string', description: 'Only the resource with this provider id.' },
} as const satisfies FlagSpecs;
export const STATE_LIST_ARGS = [{ name: 'pattern', description: 'Address, resource or type to select (any number)' }] as const satisfies ArgSpecs;

export const STATE_SHOW_FLAG_SPECS = STATE_FLAG_SPECS;
export const STATE_SHOW_ARGS = [
  { name: 'address', description: 'The resource to show, e.g. vm.db01', required: true },
  STATE_DIR_ARG,
] as const satisfies ArgSpecs;

export const STATE_RM_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  ...DIR_FLAG_SPECS,
  ...LOCK_FLAG_SPECS,
  'dry-run': { kind: 'boolean', description: 'Show what would be removed; change nothing.', default: false },
} as const satisfies FlagSpecs;
export const STATE_RM_ARGS = [{ name: 'address', description: 'Resource address to forget (one or more)', required: true }] as const satisfies ArgSpecs;

export const STATE_MV_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  ...LOCK_FLAG_SPECS,
  'dry-run': { kind: 'boolean', description: 'Show what would be moved; change nothing.', default: false },
} as const satisfies FlagSpecs;
export const STATE_MV_ARGS = [
  { name: 'source', description: 'The address to move', required: true },
  { name: 'destination', description: 'The new address', required: true },
  STATE_DIR_ARG,
] as const satisfies ArgSpecs;

export const STATE_PULL_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  serial: { kind: 'integer', description: 'Print the stored version with this serial instead of the latest (drctl state history lists them).', min: 0 },
} as const satisfies FlagSpecs;
export const STATE_PULL_ARGS = [STATE_DIR_ARG] as const satisfies ArgSpecs;

export const STATE_PUSH_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  ...LOCK_FLAG_SPECS,
  force: { kind: 'boolean', description: 'Push even if the lineage differs, the serial is lower, or the current state is unusable.', default: false },
} as const satisfies FlagSpecs;
export const STATE_PUSH_ARGS = [
  { name: 'file', description: 'The state file to push, or - to read stdin', required: true },
  STATE_DIR_ARG,
] as const satisfies ArgSpecs;

export const FORCE_UNLOCK_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  force: { kind: 'boolean', description: 'Do not ask for confirmation.', default: false },
} as const satisfies FlagSpecs;
export const FORCE_UNLOCK_ARGS = [{ name: 'id', description: 'The lock id', required: true }, STATE_DIR_ARG] as const satisfies ArgSpecs;

export const IMPORT_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...LOCK_FLAG_SPECS,
  state: { kind: 'string', description: 'State file path (overrides the drctl backend block).' },
} as const satisfies FlagSpecs;
export const IMPORT_ARGS = [
  { name: 'address', description: 'Where the configuration declares the resource, e.g. vm.db01', required: true },
  { name: 'id', description: 'Its id in the cloud (a PowerVS pvmInstanceID)', required: true },
  DIR_ARG,
] as const satisfies ArgSpecs;

// ------------------------------------------------------------------------------- DR runs

export const DR_FLAG_SPECS = {
  state: { kind: 'string', description: 'State file path (overrides the drctl backend block).' },
  'lock-timeout': { kind: 'string', description: "Wait this long for another run's state lock, e.g. 30s.", default: '0s' },
  parallelism: { kind: 'integer', description: 'VMs booted at once inside a group (default: the drctl block, or 10).', min: 1 },
  json: {
    kind: 'boolean',
    description: 'One JSON object per line on stdout: the events, then one result with the report or record (schemas/dr-run.schema.json).',
    default: false,
  },
} as const satisfies FlagSpecs;

export const APPROVAL_FLAG_SPECS = {
  'auto-approve': { kind: 'boolean', description: 'Run without asking for "yes" (CI).', default: false },
} as const satisfies FlagSpecs;

export const VERIFY_FLAG_SPECS = { ...COMMON_FLAG_SPECS, ...VAR_FLAG_SPECS, ...DR_FLAG_SPECS } as const satisfies FlagSpecs;
export const CLEANUP_FLAG_SPECS = { ...COMMON_FLAG_SPECS, ...VAR_FLAG_SPECS, ...DR_FLAG_SPECS } as const satisfies FlagSpecs;

export const DRILL_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...DR_FLAG_SPECS,
  ...APPROVAL_FLAG_SPECS,
  drill: { kind: 'string', description: 'The drill block to run (default: the only one).' },
  plan: { kind: 'string', description: 'Drill this recovery plan instead of a drill block.' },
} as const satisfies FlagSpecs;

export const MOVE_FLAG_SPECS = {
  plan: { kind: 'string', description: 'The recovery plan to follow (default: the only one).' },
  resume: { kind: 'boolean', description: 'Resume an interrupted run (re-running the command does the same).', default: false },
  'force-past': { kind: 'boolean', description: 'Accept a run stuck in needs-attention as done; failed VMs stay failed and are listed.', default: false },
} as const satisfies FlagSpecs;

export const FAILOVER_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...DR_FLAG_SPECS,
  ...APPROVAL_FLAG_SPECS,
  ...MOVE_FLAG_SPECS,
  planned: { kind: 'boolean', description: 'Shut down at the active site first (the default).', default: false, exclusive: ['unplanned'] },
  unplanned: { kind: 'boolean', description: 'The active site is gone: move without it (shows the data-loss window).', default: false },
  force: { kind: 'boolean', description: 'Accept the data-loss window of an unplanned move, or start a planned one past its RPO blockers.', default: false },
} as const satisfies FlagSpecs;

export const FAILBACK_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  ...DR_FLAG_SPECS,
  ...APPROVAL_FLAG_SPECS,
  ...MOVE_FLAG_SPECS,
} as const satisfies FlagSpecs;

// ------------------------------------------------------------------------------- console and simulator

export const CONSOLE_FLAG_SPECS = COMMON_FLAG_SPECS;

export const SIM_SERVE_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  port: { kind: 'integer', description: 'Port on 127.0.0.1 (0: any free port).', default: 0, min: 0, max: 65535 },
  host: { kind: 'string', description: 'Address to listen on (loopback by default).', default: '127.0.0.1' },
  'data-dir': { kind: 'string', description: 'Where the simulated world is kept.', default: '.drctl/sim' },
  'time-scale': { kind: 'string', description: 'Real seconds per simulated second: 1/600 makes a 5-minute boot take 0.5 s; 0 is instant.', default: '1/600' },
  seed: { kind: 'integer', description: 'Seed of the fault generator.', default: 1 },
  token: { kind: 'string', description: 'Bearer token clients must send (random when unset).' },
  'api-key': {
    kind: 'string',
    description:
      'The one API key its IAM stand-in exchanges for the token (else DRCTL_SIM_API_KEY; unset: any key). Admin routes take their own token, in sim.lock.',
  },
  workspace: { kind: 'string', description: 'Create a workspace at start: id=location (e.g. erp-dal13=dal13). Repeatable.', multiple: true },
  fault: { kind: 'string', description: 'site-down=LOCATION, link-broken=VOLUME_GROUP, boot-fail=VM. Repeatable.', multiple: true },
  'fault-rate': { kind: 'string', description: 'Injected failure rates, e.g. 429=0.1,500=0.05,reset=0.05,slow=0.02.' },
  'slow-ms': { kind: 'integer', description: 'Delay of a "slow" response, in ms.', min: 0 },
} as const satisfies FlagSpecs;

export const SIM_STATUS_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  'data-dir': { kind: 'string', description: 'Where the simulated world is kept (default: DRCTL_SIM_DATA_DIR, else .drctl/sim).' },
  json: { kind: 'boolean', description: 'Print the status as JSON.', default: false },
} as const satisfies FlagSpecs;

// ------------------------------------------------------------------------------- teams: workspaces, history, audit, access

/** Commands that act on the store rather than one state file: its configuration directory is a flag. */
export const STORE_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  ...DIR_FLAG_SPECS,
} as const satisfies FlagSpecs;

export const STATE_HISTORY_ARGS = [STATE_DIR_ARG] as const satisfies ArgSpecs;
export const STATE_HISTORY_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  limit: { kind: 'integer', description: 'At most this many versions, newest first.', default: 100, min: 1 },
  json: { kind: 'boolean', description: 'Print the versions as JSON.', default: false },
} as const satisfies FlagSpecs;

export const WORKSPACE_LIST_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print {current, workspaces} as JSON (schemas/workspace-list.schema.json).', default: false },
} as const satisfies FlagSpecs;
export const WORKSPACE_SHOW_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print {workspace, source} as JSON (schemas/workspace-show.schema.json).', default: false },
} as const satisfies FlagSpecs;
export const WORKSPACE_NEW_FLAG_SPECS = STORE_FLAG_SPECS;
export const WORKSPACE_SELECT_FLAG_SPECS = STORE_FLAG_SPECS;
export const WORKSPACE_DELETE_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  ...LOCK_FLAG_SPECS,
  force: { kind: 'boolean', description: 'Delete the workspace even if it still holds state (drctl forgets those resources).', default: false },
} as const satisfies FlagSpecs;
export const WORKSPACE_NAME_ARGS = [{ name: 'name', description: 'The workspace name', required: true }] as const satisfies ArgSpecs;

export const AUDIT_VERIFY_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  anchor: { kind: 'string', description: 'A head printed by an earlier verify, SEQ:HASH, kept elsewhere: finds removed newest records.' },
  json: { kind: 'boolean', description: 'Print {ok, count, head, problem} as JSON.', default: false },
} as const satisfies FlagSpecs;

export const AUDIT_LIST_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  limit: { kind: 'integer', description: 'Only the newest this many records.', min: 1 },
  workspace: { kind: 'string', description: 'Only the records of this workspace.' },
  json: { kind: 'boolean', description: 'One JSON record per line, as stored.', default: false },
} as const satisfies FlagSpecs;

export const ACCESS_SHOW_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print the policy document (needs policy-write).', default: false },
} as const satisfies FlagSpecs;

export const ACCESS_GRANT_FLAG_SPECS = {
  ...STORE_FLAG_SPECS,
  workspace: { kind: 'string', description: 'The workspace of the grant, or * for every workspace (default: the current one).' },
} as const satisfies FlagSpecs;
export const ACCESS_GRANT_ARGS = [
  { name: 'user', description: 'The user name (DRCTL_USER, or the token owner)', required: true },
  { name: 'role', description: 'admin, operator, monitor, or a custom role of the policy', required: true },
] as const satisfies ArgSpecs;

export const ACCESS_PUSH_FLAG_SPECS = STORE_FLAG_SPECS;
export const ACCESS_PUSH_ARGS = [{ name: 'file', description: 'The policy document (JSON), or - to read stdin', required: true }] as const satisfies ArgSpecs;

export const ACCESS_TOKEN_FLAG_SPECS = STORE_FLAG_SPECS;
export const ACCESS_TOKEN_ARGS = [{ name: 'user', description: 'The user the new token identifies', required: true }] as const satisfies ArgSpecs;

// ------------------------------------------------------------------------------- parsed types

/** What a parse yields for one flag spec (oclif's types for the same definitions). */
type FlagValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'integer' }
    ? S extends { default: number }
      ? number
      : number | undefined
    : S extends { multiple: true }
      ? string[] | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

export type ParsedFlags<T extends FlagSpecs> = { -readonly [K in keyof T]: FlagValue<T[K]> };

/** What a parse yields for a command's arguments: a string where there is a default or it is required. */
export type ParsedArgs<T extends ArgSpecs> = {
  -readonly [A in T[number] as A['name']]: A extends { default: string } | { required: true } ? string : string | undefined;
};

export type PlanFlags = ParsedFlags<typeof PLAN_FLAG_SPECS>;
export type ApplyFlags = ParsedFlags<typeof APPLY_FLAG_SPECS>;

// ------------------------------------------------------------------------------- review: markdown, state diff, cost, --json

/** What --markdown output takes: GitHub's comment limit, or a smaller share of one comment. */
export const MARKDOWN_FLAG_SPECS = {
  markdown: { kind: 'boolean', description: 'Print a pull-request comment in markdown (within --limit characters).', default: false, exclusive: ['json'] },
  limit: { kind: 'integer', description: 'With --markdown: the most characters the comment may have (default 65000, within GitHub’s limit).', min: 1000 },
} as const satisfies FlagSpecs;

/** `drctl show`, with the markdown comment of a saved plan. */
export const SHOW_OUTPUT_FLAG_SPECS = { ...SHOW_FLAG_SPECS, ...MARKDOWN_FLAG_SPECS } as const satisfies FlagSpecs;

export const STATE_DIFF_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...MARKDOWN_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print the diff as JSON (schemas/state-diff.schema.json).', default: false },
} as const satisfies FlagSpecs;
export const STATE_DIFF_ARGS = [
  { name: 'old', description: 'The state before: a file, or git:REF:PATH (e.g. git:main:state/erp.drstate.json)', required: true },
  { name: 'new', description: 'The state after: a file, or git:REF:PATH', required: true },
] as const satisfies ArgSpecs;

export const COST_FLAG_SPECS = {
  ...COMMON_FLAG_SPECS,
  ...VAR_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print the estimate as JSON (schemas/cost.schema.json).', default: false },
} as const satisfies FlagSpecs;

/** --json for commands that print results as text. */
export const JSON_OUTPUT_FLAG_SPECS = {
  json: { kind: 'boolean', description: 'Machine output: JSON on stdout (see schemas/).', default: false },
} as const satisfies FlagSpecs;
export const GRAPH_OUTPUT_FLAG_SPECS = { ...GRAPH_FLAG_SPECS, ...JSON_OUTPUT_FLAG_SPECS } as const satisfies FlagSpecs;
export const STATE_LIST_OUTPUT_FLAG_SPECS = { ...STATE_LIST_FLAG_SPECS, ...JSON_OUTPUT_FLAG_SPECS } as const satisfies FlagSpecs;
export const STATE_SHOW_OUTPUT_FLAG_SPECS = { ...STATE_SHOW_FLAG_SPECS, ...JSON_OUTPUT_FLAG_SPECS } as const satisfies FlagSpecs;
/** `state pull` prints the state file, which is JSON already: --json is accepted so every result-printing command takes it. */
export const STATE_PULL_OUTPUT_FLAG_SPECS = {
  ...STATE_PULL_FLAG_SPECS,
  json: { kind: 'boolean', description: 'The state is printed as JSON with or without it (schemas/state.schema.json).', default: false },
} as const satisfies FlagSpecs;
// ------------------------------------------------------------------------------- version, destroy, output

export const VERSION_FLAG_SPECS = {
  json: { kind: 'boolean', description: 'Print {drctl_version, platform, node_version} as JSON.', default: false },
} as const satisfies FlagSpecs;

/** `drctl destroy` is `drctl apply -destroy`: apply's flags, but for -destroy itself. */
export const DESTROY_FLAG_SPECS = (({ destroy: _destroy, ...rest }) => rest)(APPLY_FLAG_SPECS);
export const DESTROY_ARG = DIR_ARG;

export const OUTPUT_FLAG_SPECS = {
  ...STATE_FLAG_SPECS,
  json: { kind: 'boolean', description: 'Print the outputs (or the one named) as JSON.', default: false },
  raw: { kind: 'boolean', description: 'Print the named string output as it is, without quotes.', default: false },
  dir: { kind: 'string', description: `Directory of *.hcl files whose drctl block names the state (default: ${DEFAULT_CONFIG_DIR}).` },
} as const satisfies FlagSpecs;
export const OUTPUT_ARGS = [{ name: 'name', description: 'The output to print (default: all of them)' }] as const satisfies ArgSpecs;
