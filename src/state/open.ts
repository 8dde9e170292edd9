// The one place that turns settings and environment into a state store: which backend (local
// files or PostgreSQL), where, and whether encryption wraps it. Services call openStateStore
// (or openStateBackend for one workspace) and never look at the backend kind themselves.
//
// Which backend, in order:
//   1. a state path given on the command line (-state) or DRCTL_STATE: local files there
//      (refused when the configuration names the pg backend: it would silently split state);
//   2. `backend "pg"` in the drctl block: conn_str, else the variable conn_str_env names, else
//      DRCTL_PG_CONN_STR; schema from the block, else DRCTL_PG_SCHEMA, else "drctl";
//   3. `backend "local"`: its path (default state/drctl.drstate.json);
//   4. no backend block (settings.backend absent or `implicit`) and DRCTL_PG_CONN_STR set: pg;
//   5. local files at state/drctl.drstate.json.
// Encryption: DRCTL_ENCRYPTION when set, else the drctl block's `encryption` (keys.ts).

import path from 'node:path';
import { UserError } from '../diag/errors.js';
import { hasHistory, type JournalRecords, type LockGrant, type LockOptions, type LockRequest, type SnapshotMeta, type StateBackend, type StateHistory, type StateVersion } from './backend.js';
import type { LockInfo } from './errors.js';
import { EncryptedStateStore } from './encrypted.js';
import { KeyConfigError, type Keyring } from './encryption.js';
import { encryptionSettingsFor, keyringFrom, type EncryptionSettings, type KeyringInput } from './keys.js';
import { LocalStateStore } from './local-store.js';
import { secretsOf, type Connect } from './pg/conn.js';
import type { StateStore } from './store.js';
import { checkWorkspaceName } from './workspaces.js';

export const DEFAULT_STATE_PATH = 'state/drctl.drstate.json';

/** The storage part of the drctl settings (config/model.ts Settings fits). */
export interface StorageSettingsInput {
  readonly backend?:
    | { readonly type: 'local'; readonly path?: string; readonly implicit?: boolean }
    | { readonly type: 'pg'; readonly connStr?: string; readonly connStrEnv?: string; readonly schema?: string };
  readonly encryption?: EncryptionSettings;
}

export interface OpenStoreOptions {
  readonly cwd: string;
  /** A state path from the command line (-state); DRCTL_STATE is read from `env`. */
  readonly statePath?: string;
  /** Who the run is, for locks and each version's author (default: the OS user). */
  readonly user?: string;
  /** Key file reading and the like (tests). */
  readonly readFile?: KeyringInput['readFile'];
  /** How pg connections are made (tests). */
  readonly connect?: Connect;
}

export interface OpenedStore {
  readonly store: StateStore;
  /** E.g. a key file other users can read. */
  readonly warnings: readonly string[];
  readonly encrypted: boolean;
  /** The keys, for what is encrypted beside state (saved plan files); null without encryption. */
  readonly keyring: Keyring | null;
  /**
   * Values that must never be written anywhere (the connection string and its password, the
   * passphrases in use), for scrubbing free text such as an audit record's detail.
   */
  readonly secrets: readonly string[];
}

/** Which backend the settings and environment choose, without opening anything. */
export type StoreTarget =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'pg'; readonly connStr: string; readonly schema?: string };

export function storeTarget(settings: StorageSettingsInput, env: Readonly<Record<string, string | undefined>>, options: Pick<OpenStoreOptions, 'cwd' | 'statePath'>): StoreTarget {
  const backend = settings.backend ?? { type: 'local' };
  const override = options.statePath ?? (env.DRCTL_STATE || undefined);
  if (override !== undefined) {
    if (backend.type === 'pg') {
      throw new UserError(`${options.statePath !== undefined ? '-state' : 'DRCTL_STATE'} names a local state file, but the configuration stores state in PostgreSQL (backend "pg").`, [
        'Leave out -state and DRCTL_STATE to use the pg backend, or change the backend block.',
      ]);
    }
    return { kind: 'local', path: path.resolve(options.cwd, override) };
  }
  if (backend.type === 'pg') {
    const fromEnv = backend.connStrEnv !== undefined ? env[backend.connStrEnv] : undefined;
    const connStr = backend.connStr ?? (fromEnv || undefined) ?? (env.DRCTL_PG_CONN_STR || undefined);
    if (connStr === undefined) {
      throw new UserError(
        backend.connStrEnv !== undefined
          ? `The pg backend takes its connection string from $${backend.connStrEnv}, which is not set.`
          : 'The pg backend needs a connection string: set DRCTL_PG_CONN_STR (or name a variable with conn_str_env).',
        ['For example: export DRCTL_PG_CONN_STR="postgres://drctl@db.example:5432/drctl" (a password is better in ~/.pgpass or PGPASSWORD).'],
      );
    }
    return { kind: 'pg', connStr, schema: backend.schema ?? (env.DRCTL_PG_SCHEMA || undefined) };
  }
  if ((settings.backend === undefined || (backend.type === 'local' && backend.implicit)) && env.DRCTL_PG_CONN_STR) return { kind: 'pg', connStr: env.DRCTL_PG_CONN_STR, schema: env.DRCTL_PG_SCHEMA || undefined };
  return { kind: 'local', path: path.resolve(options.cwd, backend.type === 'local' ? (backend.path ?? DEFAULT_STATE_PATH) : DEFAULT_STATE_PATH) };
}

/**
 * Opens the configured store, wrapped in encryption when configured. Throws UserError for
 * settings the user must fix (never with a secret in the message). Close it when done.
 */
export async function openStateStore(settings: StorageSettingsInput, env: Readonly<Record<string, string | undefined>>, options: OpenStoreOptions): Promise<OpenedStore> {
  const target = storeTarget(settings, env, options);
  const encryption = encryptionFor(settings, env);
  let keyring = null;
  let warnings: readonly string[] = [];
  if (encryption) {
    try {
      ({ keyring, warnings } = await keyringFrom(encryption, { env, cwd: options.cwd, readFile: options.readFile }));
    } catch (err) {
      if (err instanceof KeyConfigError) throw new UserError(err.message, err.nextSteps);
      throw err;
    }
  }
  let store: StateStore;
  if (target.kind === 'local') {
    store = new LocalStateStore(target.path, { user: options.user });
  } else {
    const { PgStateStore } = await import('./pg/store.js');
    store = new PgStateStore({ connStr: target.connStr, schema: target.schema, env, user: options.user, connect: options.connect });
  }
  const secrets = new Set<string>(target.kind === 'pg' ? secretsOf(target.connStr, env) : []);
  for (const source of encryption ? [encryption, ...(encryption.fallbacks ?? [])] : []) {
    const passphrase = source.passphraseEnv !== undefined ? env[source.passphraseEnv] : undefined;
    if (passphrase) secrets.add(passphrase);
  }
  return {
    store: keyring ? new EncryptedStateStore(store, keyring) : store,
    warnings,
    encrypted: keyring !== null,
    keyring,
    secrets: [...secrets].sort((a, b) => b.length - a.length),
  };
}

export interface OpenBackendOptions extends OpenStoreOptions {
  readonly workspace: string;
}

/**
 * One workspace's backend, for callers that need nothing else. Closing the backend closes what
 * it opened (for pg, its connection).
 */
export async function openStateBackend(settings: StorageSettingsInput, env: Readonly<Record<string, string | undefined>>, options: OpenBackendOptions): Promise<{ readonly backend: StateBackend; readonly warnings: readonly string[] }> {
  checkWorkspaceName(options.workspace);
  const { store, warnings } = await openStateStore(settings, env, options);
  return { backend: new StoreBackend(store.backend(options.workspace), store), warnings };
}

/** A workspace's backend that also closes the store it came from. */
class StoreBackend implements StateBackend, StateHistory {
  constructor(
    private readonly inner: StateBackend,
    private readonly store: StateStore,
  ) {}

  get location(): string {
    return this.inner.location;
  }
  get workspace(): string {
    return this.inner.workspace;
  }
  get keepsHistory(): boolean {
    return hasHistory(this.inner);
  }
  read(): Promise<Uint8Array | null> {
    return this.inner.read();
  }
  write(snapshot: Uint8Array, meta?: SnapshotMeta): Promise<void> {
    return this.inner.write(snapshot, meta);
  }
  readPrevious(): Promise<Uint8Array | null> {
    return this.inner.readPrevious();
  }
  appendJournal(records: readonly Uint8Array[]): Promise<void> {
    return this.inner.appendJournal(records);
  }
  readJournal(): Promise<JournalRecords> {
    return this.inner.readJournal();
  }
  clearJournal(): Promise<void> {
    return this.inner.clearJournal();
  }
  lock(request: LockRequest, options?: LockOptions): Promise<LockGrant> {
    return this.inner.lock(request, options);
  }
  unlock(id: string): Promise<void> {
    return this.inner.unlock(id);
  }
  forceUnlock(id: string): Promise<void> {
    return this.inner.forceUnlock(id);
  }
  readLock(): Promise<LockInfo | null> {
    return this.inner.readLock();
  }
  history(options?: { readonly limit?: number }): Promise<readonly StateVersion[]> {
    return this.versioned().history(options);
  }
  readSerial(serial: number, lineage?: string): Promise<Uint8Array | null> {
    return this.versioned().readSerial(serial, lineage);
  }
  readVersion(version: number): Promise<Uint8Array | null> {
    return this.versioned().readVersion(version);
  }
  async close(): Promise<void> {
    await this.inner.close();
    await this.store.close();
  }
  private versioned(): StateHistory {
    if (!hasHistory(this.inner)) throw new Error(`The backend at ${this.location} keeps no history of versions`);
    return this.inner;
  }
}

function encryptionFor(settings: StorageSettingsInput, env: Readonly<Record<string, string | undefined>>): EncryptionSettings | undefined {
  try {
    return encryptionSettingsFor(settings.encryption, env);
  } catch (err) {
    if (err instanceof KeyConfigError) throw new UserError(err.message, err.nextSteps);
    throw err;
  }
}
