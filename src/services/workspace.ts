// The one place a use case opens state: the store the settings choose (local files or
// PostgreSQL, encrypted or not: state/open.ts), the current workspace, who runs and what they may
// do there (access/), and the audit log (audit/). Use cases take the workspace's backend from
// here, check permissions before they act, and record what they did; none of them knows which
// backend or key provider is in use.
import { suggestName, UserError, type Diagnostic } from '../diag/index.js';
import { AccessDeniedError, loadAccess, readableWorkspaces, type Access, type Identity, type Permission } from '../access/index.js';
import { appendAudit, assertAuditWritable, type Outcome } from '../audit/index.js';
import {
  currentWorkspace,
  openStateStore,
  storeTarget,
  WORKSPACE_FILE,
  type CurrentWorkspace,
  type Keyring,
  type StateBackend,
  type StateStore,
  type StorageSettingsInput,
} from '../state/index.js';
import { checkNotDirectory, locateStorage, type StateLocationInput } from './state-location.js';

export interface WorkspaceContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface OpenWorkspaceOptions {
  /** -state: a local state file instead of the configured backend. */
  readonly statePath?: string;
  /**
   * The current workspace must exist (default true). Workspace commands pass false: they must
   * work while DRCTL_WORKSPACE names one that is gone.
   */
  readonly mustExist?: boolean;
}

/** How a recorded run ended, for the audit log. */
export interface Verdict {
  readonly outcome: Exclude<Outcome, 'denied'>;
  /** A short summary or the reason it failed; scrubbed of secrets before it is written. */
  readonly detail?: string;
}

export interface OpenWorkspace {
  /** The current workspace. */
  readonly name: string;
  readonly current: CurrentWorkspace;
  /** The store, with its workspace list narrowed to what the identity may read (tenant isolation). */
  readonly store: StateStore;
  readonly access: Access;
  readonly identity: Identity;
  /** The keys, for saved plan files; null without encryption. */
  readonly keyring: Keyring | null;
  /** A key file or token file others can read, a token that overrides DRCTL_USER, … */
  readonly warnings: readonly string[];
  /** A workspace's state (default: the current one); locks are held, and versions written, in the identity's name. */
  backend(workspace?: string): StateBackend;
  /** Throws AccessDeniedError for the first permission missing in the workspace, after recording the denial. */
  allow(permissions: readonly Permission[], action: string, workspace?: string): Promise<void>;
  /**
   * Runs a mutating command or a DR run and appends its audit record: who, what, when, which
   * workspace, and how it ended. Refuses to start when the log could not take the record.
   */
  record<T>(action: string, work: () => Promise<T>, verdict?: (result: T) => Verdict, workspace?: string): Promise<T>;
  close(): Promise<void>;
}

/** Opens the configured store for the current workspace and loads who runs under which policy. */
export async function openWorkspace(settings: StorageSettingsInput, ctx: WorkspaceContext, options: OpenWorkspaceOptions = {}): Promise<OpenWorkspace> {
  const current = currentWorkspace(ctx);
  // A state path that names a directory is the user's to fix: said plainly, before anything opens.
  const target = storeTarget(settings, ctx.env, { cwd: ctx.cwd, statePath: options.statePath });
  if (target.kind === 'local') checkNotDirectory(target.path);
  const opened = await openStateStore(settings, ctx.env, { cwd: ctx.cwd, statePath: options.statePath });
  const inner = opened.store;
  try {
    const access = await loadAccess(inner, { env: ctx.env, cwd: ctx.cwd });
    const identity = access.identity;
    const store = readableView(inner, access);
    if (options.mustExist !== false) await checkCurrentExists(inner, store, current);
    const append = (action: string, workspace: string, outcome: Outcome, detail?: string) =>
      appendAudit(inner.audit, { who: identity.name, via: identity.source, action, workspace, outcome, detail }, { secrets: opened.secrets });
    return {
      name: current.name,
      current,
      store,
      access,
      identity,
      keyring: opened.keyring,
      warnings: [...opened.warnings, ...access.warnings],
      backend: (workspace = current.name) => inner.backend(workspace, { user: identity.name }),
      async allow(permissions, action, workspace = current.name) {
        for (const permission of permissions) {
          const decision = access.check(permission, workspace);
          if (decision.allowed) continue;
          // The denial is what the user must see; a log that cannot take its record does not hide it.
          await append(action, workspace, 'denied', `missing permission "${permission}"`).catch(() => undefined);
          throw new AccessDeniedError(decision);
        }
      },
      async record(action, work, verdict, workspace = current.name) {
        await assertAuditWritable(inner.audit);
        let result;
        try {
          result = await work();
        } catch (err) {
          const interrupted = (err as Error)?.name === 'AbortError';
          await append(action, workspace, interrupted ? 'interrupted' : 'failed', (err as Error)?.message ?? String(err)).catch(() => undefined);
          throw err;
        }
        const v = verdict?.(result) ?? { outcome: 'ok' };
        try {
          await append(action, workspace, v.outcome, v.detail);
        } catch (err) {
          throw new UserError(`drctl ${action} finished (${v.outcome}), but its audit record could not be written: ${(err as Error).message}`, [
            'Run drctl audit verify to see the state of the audit log.',
          ]);
        }
        return result;
      },
      close: () => inner.close(),
    };
  } catch (err) {
    await inner.close().catch(() => undefined);
    throw err;
  }
}

/** The current workspace must exist ("default" always does); a suggestion names only readable ones. */
async function checkCurrentExists(store: StateStore, readable: StateStore, current: CurrentWorkspace): Promise<void> {
  if (current.name === 'default') return;
  if ((await store.listWorkspaces()).includes(current.name)) return;
  const from = current.source === 'env' ? 'DRCTL_WORKSPACE' : WORKSPACE_FILE;
  const s = suggestName(current.name, await readable.listWorkspaces());
  throw new UserError(`The current workspace "${current.name}" (from ${from}) does not exist in ${store.location}.${s ? ` Did you mean "${s}"?` : ''}`, [
    `Create it with: drctl workspace new ${current.name}`,
    current.source === 'env' ? 'Or change DRCTL_WORKSPACE.' : 'Or choose another with: drctl workspace select NAME',
  ]);
}

/**
 * The store, listing only the workspaces the identity may read: a user of one tenant's workspace
 * neither sees nor is offered (did you mean) another's. A workspace the user cannot read counts as
 * existing for creation (the store refuses a duplicate).
 */
function readableView(store: StateStore, access: Access): StateStore {
  return {
    kind: store.kind,
    location: store.location,
    audit: store.audit,
    backend: (workspace, options) => store.backend(workspace, options),
    listWorkspaces: async () => readableWorkspaces(access.policy, access.identity, await store.listWorkspaces()),
    createWorkspace: (name) => store.createWorkspace(name),
    workspaceHasState: (name) => store.workspaceHasState(name),
    deleteWorkspace: (name, options) => store.deleteWorkspace(name, options),
    readDocument: (name) => store.readDocument(name),
    writeDocument: (name, bytes, writtenBy) => store.writeDocument(name, bytes, writtenBy),
    close: () => store.close(),
  };
}

/** The storage was not found: the configuration cannot say where it is (the diagnostics say why). */
export interface StorageNotFound {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  readonly message: string;
}

/**
 * For commands without a loaded configuration (workspace, audit, access): opens the workspace of
 * the store the configuration directory names, runs `work`, and closes it.
 */
export async function withLocatedWorkspace<T>(
  input: StateLocationInput,
  options: OpenWorkspaceOptions,
  work: (ws: OpenWorkspace) => Promise<T>,
): Promise<{ readonly value: T } | StorageNotFound> {
  const where = locateStorage(input);
  if (!('settings' in where)) return where;
  const ws = await openWorkspace(where.settings, input, { statePath: input.statePath, ...options });
  try {
    return { value: await work(ws) };
  } finally {
    await ws.close();
  }
}
