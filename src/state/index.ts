// State: the file format (versioned, deterministic, reviewable with git diff), reading with
// migration, the journal that persists each completed change, locks, and storage backends.
// Serialisation (format.ts) and storage (backend.ts, local.ts) are separate steps.
export { emptyState, compareAddresses, type DrState, type StateResource, type StateOutput } from './types.js';
export { canonicalJson, toJsonValue, type JsonValue, type JsonObject } from './json.js';
export { serializeState, parseState, stateContentKey, STATE_FORMAT_VERSION, type ParseStateResult } from './format.js';
export { isRedacted, redact, sensitiveValueMatches, parseAttributePath, type RedactedValue } from './sensitive.js';
export { foldJournal, encodeJournalEntry, encodeJournalHeader, type JournalEntry, type JournalHeader, type JournalFold } from './journal.js';
export { StateMissingError, StateUnusableError, LockHeldError, LockMismatchError, describeLock, type UnusableReason, type LockInfo } from './errors.js';
export type { StateBackend, LockRequest, LockOptions, LockGrant, JournalRecords } from './backend.js';
export { LocalFileBackend, type LocalFileBackendOptions } from './local.js';
export { readState, openState, StateSession, type ReadStateResult, type OpenStateOptions, type ResourceChange, type CommitResult } from './session.js';
// The state diff (diff.ts, render-diff.ts, sources.ts) is imported by path: test children load
// this facade from transpiled files, where review/'s npm dependencies do not resolve.
