// State: the file format (versioned, deterministic, reviewable with git diff), reading with
// migration, the journal that persists each completed change, locks, storage backends, and the
// operations behind `drctl state …` (commands.ts).
// Serialisation (format.ts) and storage (backend.ts, local.ts) are separate steps.
export { emptyState, compareAddresses, type DrState, type StateResource, type StateOutput } from './types.js';
export { canonicalJson, toJsonValue, type JsonValue, type JsonObject } from './json.js';
export { serializeState, parseState, stateContentKey, STATE_FORMAT_VERSION, type ParseStateResult } from './format.js';
export { isRedacted, redact, sensitiveValueMatches, parseAttributePath, attributeAt, replaceAttributePath, type RedactedValue } from './sensitive.js';
export { foldJournal, encodeJournalEntry, encodeJournalHeader, type JournalEntry, type JournalHeader, type JournalFold } from './journal.js';
export {
  StateMissingError,
  StateUnusableError,
  LockHeldError,
  LockMismatchError,
  describeLock,
  type UnusableReason,
  type LockInfo,
} from './errors.js';
export {
  hasHistory,
  type StateBackend,
  type LockRequest,
  type LockOptions,
  type LockGrant,
  type JournalRecords,
  type SnapshotMeta,
  type StateVersion,
  type StateHistory,
} from './backend.js';
export { peekSnapshotMeta } from './meta.js';
export { LocalFileBackend, type LocalFileBackendOptions } from './local.js';
export type { StateStore, AuditStorage, DocumentName, DeleteWorkspaceOptions, BackendIdentity } from './store.js';
export { LocalStateStore, WORKSPACES_DIR, type LocalStateStoreOptions } from './local-store.js';
export {
  DEFAULT_WORKSPACE,
  WORKSPACE_FILE,
  isWorkspaceName,
  checkWorkspaceName,
  currentWorkspace,
  resolveWorkspace,
  listWorkspaces,
  newWorkspace,
  selectWorkspace,
  deleteWorkspace,
  type WorkspaceContext,
  type CurrentWorkspace,
  type WorkspaceList,
} from './workspaces.js';
export {
  encryptBytes,
  decryptBytes,
  encryptText,
  decryptText,
  isEncrypted,
  rawKey,
  keyFromFileContent,
  newKeyFileContent,
  passphraseKey,
  keyIdOf,
  EncryptionError,
  KeyConfigError,
  PBKDF2_MIN_ITERATIONS,
  PASSPHRASE_MIN_LENGTH,
  type Keyring,
  type KeyProvider,
  type Decrypted,
} from './encryption.js';
export { encryptionSettingsFor, parseEncryptionEnv, keyringFrom, type EncryptionSettings, type KeySource, type KeyringInput, type KeyringResult } from './keys.js';
export { EncryptedBackend, EncryptedStateStore } from './encrypted.js';
export { PgBackend, PgPoolerError, PgLockLostError, type PgBackendOptions } from './pg/backend.js';
export { PgStateStore, type PgStateStoreOptions } from './pg/store.js';
export { PgBackendError, redactConnString, type PgConnection, type Connect } from './pg/conn.js';
export { DEFAULT_PG_SCHEMA } from './pg/db.js';
export {
  listState,
  showStateResource,
  removeFromState,
  moveInState,
  pullState,
  pushState,
  findLockToBreak,
  forceUnlockState,
  parseResourceAddress,
  addressMatches,
  renderResourceText,
  showState,
  readOutputs,
  compareInstanceAddresses,
  type StateView,
  type ListOptions,
  type ListResult,
  type ShowResult,
  type LockedChangeOptions,
  type ChangeResult,
  type RemoveResult,
  type MoveResult,
  type PullResult,
  type PushOptions,
  type PushResult,
  type ResourceAddress,
} from './commands.js';
export {
  readState,
  openState,
  StateSession,
  type ReadStateResult,
  type OpenStateOptions,
  type ResourceChange,
  type CommitResult,
} from './session.js';
export {
  openStateStore,
  openStateBackend,
  storeTarget,
  DEFAULT_STATE_PATH,
  type StorageSettingsInput,
  type OpenStoreOptions,
  type OpenBackendOptions,
  type OpenedStore,
  type StoreTarget,
} from './open.js';
// The state diff (diff.ts, render-diff.ts, sources.ts) is imported by path: test children load
// this facade from transpiled files, where review/'s npm dependencies do not resolve.
