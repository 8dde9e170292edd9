// `drctl workspace list|show|new|select|delete`, as Terraform's: independent states under one
// configuration, in whichever store it names. Listings and suggestions hold only the workspaces
// the identity may read; creating and deleting one needs state-write in it, and is recorded.
import { checkWorkspaceName, currentWorkspace, deleteWorkspace, newWorkspace, selectWorkspace, type CurrentWorkspace } from '../state/index.js';
import { asUserErrors } from './errors.js';
import type { StateLocationInput } from './state-location.js';
import { withLocatedWorkspace, type StorageNotFound } from './workspace.js';

export interface WorkspaceListing {
  /** The workspaces the identity may read, "default" first. */
  readonly names: readonly string[];
  readonly current: CurrentWorkspace;
  readonly location: string;
}

type Located<T> = Promise<{ readonly value: T } | StorageNotFound>;

export function listWorkspacesService(input: StateLocationInput): Located<WorkspaceListing> {
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => ({
    names: await ws.store.listWorkspaces(),
    current: ws.current,
    location: ws.store.location,
  }));
}

/** The current workspace's name and where it comes from; no store is opened. */
export function currentWorkspaceService(input: Pick<StateLocationInput, 'cwd' | 'env'>): CurrentWorkspace {
  return currentWorkspace(input);
}

export function newWorkspaceService(input: StateLocationInput, name: string): Located<{ readonly selected: boolean; readonly location: string }> {
  checkWorkspaceName(name);
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['state-write'], 'workspace new', name);
    const { selected } = await ws.record('workspace new', () => newWorkspace(ws.store, name, input), undefined, name);
    return { selected, location: ws.store.location };
  });
}

export function selectWorkspaceService(input: StateLocationInput, name: string): Located<void> {
  checkWorkspaceName(name);
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['state-read'], 'workspace select', name);
    await selectWorkspace(ws.store, name, input);
  });
}

export interface DeleteWorkspaceRequest {
  readonly force: boolean;
  readonly lockTimeoutMs: number;
}

export function deleteWorkspaceService(input: StateLocationInput, name: string, opts: DeleteWorkspaceRequest): Located<void> {
  checkWorkspaceName(name);
  return withLocatedWorkspace(input, { mustExist: false }, async (ws) => {
    await ws.allow(['state-write'], 'workspace delete', name);
    await ws.record(
      'workspace delete',
      () => asUserErrors(() => deleteWorkspace(ws.store, name, input, { force: opts.force, lockTimeoutMs: opts.lockTimeoutMs })),
      () => ({ outcome: 'ok', detail: opts.force ? 'forced' : undefined }),
      name,
    );
  });
}
