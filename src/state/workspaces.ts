// Workspaces, as in Terraform: independent states under one configuration ("default", "prod",
// "tenant-a"). The current one comes from DRCTL_WORKSPACE, else from .drctl/workspace in the
// working directory (written by `drctl workspace select`), else it is "default". Where each
// workspace's state lives is the store's business (store.ts): a directory per workspace for
// local files, a workspace column in PostgreSQL.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../diag/errors.js';
import { suggestName } from '../diag/suggest.js';
import type { DeleteWorkspaceOptions, StateStore } from './store.js';

export const DEFAULT_WORKSPACE = 'default';
/** Relative to the working directory, beside .drctl/runs and .drctl/sim. */
export const WORKSPACE_FILE = path.join('.drctl', 'workspace');
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Whether `name` can name a workspace: letters, digits, "-" and "_", starting with a letter or digit, at most 64. */
export function isWorkspaceName(name: string): boolean {
  return NAME.test(name);
}

/** Returns `name`, or throws a UserError saying what a workspace name may hold. */
export function checkWorkspaceName(name: string): string {
  if (!isWorkspaceName(name)) {
    throw new UserError(`"${name}" is not a valid workspace name.`, [
      'A workspace name has letters, digits, "-" and "_", starts with a letter or digit, and is at most 64 characters.',
    ]);
  }
  return name;
}

export interface WorkspaceContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CurrentWorkspace {
  readonly name: string;
  readonly source: 'env' | 'file' | 'default';
}

/** The current workspace's name and where it came from (the name is checked, not its existence). */
export function currentWorkspace(ctx: WorkspaceContext): CurrentWorkspace {
  const fromEnv = ctx.env.DRCTL_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isWorkspaceName(fromEnv)) throw new UserError(`DRCTL_WORKSPACE is "${fromEnv}", which is not a valid workspace name.`, ['Set it to a workspace name (drctl workspace list), or unset it.']);
    return { name: fromEnv, source: 'env' };
  }
  let text: string;
  try {
    text = readFileSync(path.join(ctx.cwd, WORKSPACE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { name: DEFAULT_WORKSPACE, source: 'default' };
    throw err;
  }
  const name = text.trim();
  if (!isWorkspaceName(name)) {
    throw new UserError(`${WORKSPACE_FILE} names "${name.slice(0, 80)}", which is not a valid workspace name.`, ['Choose a workspace with: drctl workspace select NAME']);
  }
  return { name, source: 'file' };
}

/** The current workspace, which must exist in the store ("default" always does). */
export async function resolveWorkspace(store: StateStore, ctx: WorkspaceContext): Promise<CurrentWorkspace> {
  const current = currentWorkspace(ctx);
  if (current.name === DEFAULT_WORKSPACE) return current;
  const names = await store.listWorkspaces();
  if (!names.includes(current.name)) {
    const from = current.source === 'env' ? 'DRCTL_WORKSPACE' : WORKSPACE_FILE;
    throw new UserError(`The current workspace "${current.name}" (from ${from}) does not exist in ${store.location}.${didYouMean(current.name, names)}`, [
      'Create it with: drctl workspace new ' + current.name,
      current.source === 'env' ? 'Or change DRCTL_WORKSPACE.' : 'Or choose another with: drctl workspace select NAME',
    ]);
  }
  return current;
}

export interface WorkspaceList {
  readonly names: readonly string[];
  readonly current: CurrentWorkspace;
}

export async function listWorkspaces(store: StateStore, ctx: WorkspaceContext): Promise<WorkspaceList> {
  return { names: await store.listWorkspaces(), current: currentWorkspace(ctx) };
}

/** Creates a workspace and, as Terraform does, selects it (unless DRCTL_WORKSPACE decides). */
export async function newWorkspace(store: StateStore, name: string, ctx: WorkspaceContext): Promise<{ readonly selected: boolean }> {
  checkWorkspaceName(name);
  if (name === DEFAULT_WORKSPACE || (await store.listWorkspaces()).includes(name)) {
    throw new UserError(`Workspace "${name}" already exists in ${store.location}.`, [`Switch to it with: drctl workspace select ${name}`]);
  }
  await store.createWorkspace(name);
  if (ctx.env.DRCTL_WORKSPACE) return { selected: false };
  await writeCurrent(ctx, name);
  return { selected: true };
}

/** Makes `name` the current workspace (in .drctl/workspace); it must exist. */
export async function selectWorkspace(store: StateStore, name: string, ctx: WorkspaceContext): Promise<void> {
  checkWorkspaceName(name);
  if (ctx.env.DRCTL_WORKSPACE) {
    throw new UserError(`The workspace is set by DRCTL_WORKSPACE ("${ctx.env.DRCTL_WORKSPACE}"), which overrides a selection.`, ['Change or unset DRCTL_WORKSPACE instead.']);
  }
  const names = await store.listWorkspaces();
  if (!names.includes(name)) {
    throw new UserError(`Workspace "${name}" does not exist in ${store.location}.${didYouMean(name, names)}`, [`Create it with: drctl workspace new ${name}`]);
  }
  await writeCurrent(ctx, name);
}

/**
 * Deletes a workspace. As in Terraform it refuses the default workspace, the current one, and
 * (unless forced) one that still holds state: its resources would keep running unmanaged.
 */
export async function deleteWorkspace(store: StateStore, name: string, ctx: WorkspaceContext, options: DeleteWorkspaceOptions = {}): Promise<void> {
  checkWorkspaceName(name);
  if (name === DEFAULT_WORKSPACE) throw new UserError('The default workspace cannot be deleted.');
  const current = currentWorkspace(ctx);
  if (current.name === name) {
    throw new UserError(`Workspace "${name}" is the current workspace, so it cannot be deleted.`, [
      current.source === 'env' ? 'Set DRCTL_WORKSPACE to another workspace first.' : 'Select another first: drctl workspace select default',
    ]);
  }
  const names = await store.listWorkspaces();
  if (!names.includes(name)) throw new UserError(`Workspace "${name}" does not exist in ${store.location}.${didYouMean(name, names)}`);
  await store.deleteWorkspace(name, options);
}

/** The refusal a store gives when a workspace to delete still holds state. */
export function workspaceNotEmpty(name: string, location: string): UserError {
  return new UserError(`Workspace "${name}" in ${location} still holds state; deleting it would make drctl forget resources that keep running.`, [
    `Destroy them first (drctl apply -destroy with DRCTL_WORKSPACE=${name}), or pass -force to delete the workspace and its state anyway.`,
  ]);
}

async function writeCurrent(ctx: WorkspaceContext, name: string): Promise<void> {
  const file = path.join(ctx.cwd, WORKSPACE_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${name}\n`);
  await rename(tmp, file);
}

function didYouMean(name: string, names: readonly string[]): string {
  const s = suggestName(name, names);
  return s ? ` Did you mean "${s}"?` : '';
}
