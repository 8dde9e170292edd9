// A state store is everything one configured backend holds: the state of each workspace (as a
// StateBackend), the list of workspaces, shared documents (the access policy) and the audit log.
// Commands and the console reach state only through a store opened by openStateStore (open.ts),
// so they never know which backend or key provider is in use.

import type { StateBackend } from './backend.js';

/** Documents kept beside the states of all workspaces. */
export type DocumentName = 'policy';

export interface AuditStorage {
  /**
   * Appends the record that `next` builds from the last stored record (null when the log is
   * empty). Appends are serialised across processes: `next` sees the true last record.
   * Returns the record appended. A record must not contain a newline byte.
   */
  append(next: (last: Uint8Array | null) => Uint8Array): Promise<Uint8Array>;
  /** Every record, oldest first. */
  read(): Promise<readonly Uint8Array[]>;
  /** The newest complete record, or null when the log is empty (without reading the whole log). */
  last(): Promise<Uint8Array | null>;
}

export interface BackendIdentity {
  readonly user?: string;
}

export interface DeleteWorkspaceOptions {
  /** Delete even when the workspace still holds state. */
  readonly force?: boolean;
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface StateStore {
  readonly kind: 'local' | 'pg';
  /** For messages: a directory, or a redacted connection string with the schema. */
  readonly location: string;
  /**
   * The state of one workspace; the name must be valid (checkWorkspaceName). `user` (the access
   * identity's name) overrides the store's for lock holders and each version's author.
   */
  backend(workspace: string, options?: BackendIdentity): StateBackend;
  /** Every workspace, "default" first, then by name. */
  listWorkspaces(): Promise<readonly string[]>;
  /** Throws a UserError when it exists. */
  createWorkspace(name: string): Promise<void>;
  /** Whether the workspace holds state: a snapshot or journal records. */
  workspaceHasState(name: string): Promise<boolean>;
  /**
   * Removes a workspace and all its versions under its lock; refuses (UserError) when it holds
   * state, unless forced. The checks about the default and the current workspace are in
   * workspaces.ts, which callers use.
   */
  deleteWorkspace(name: string, options?: DeleteWorkspaceOptions): Promise<void>;
  readDocument(name: DocumentName): Promise<Uint8Array | null>;
  writeDocument(name: DocumentName, bytes: Uint8Array, writtenBy: string): Promise<void>;
  readonly audit: AuditStorage;
  close(): Promise<void>;
}
