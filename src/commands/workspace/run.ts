// The bodies of `drctl workspace list|show|new|select|delete`, with Terraform's words.
import type {
  ParsedArgs,
  ParsedFlags,
  WORKSPACE_DELETE_FLAG_SPECS,
  WORKSPACE_LIST_FLAG_SPECS,
  WORKSPACE_NAME_ARGS,
  WORKSPACE_NEW_FLAG_SPECS,
  WORKSPACE_SELECT_FLAG_SPECS,
  WORKSPACE_SHOW_FLAG_SPECS,
} from '../flag-specs.js';
import { processTerminal, type Exit, type Terminal } from '../terminal.js';
import { lockTimeoutMs } from '../engine.js';
import { located } from '../state/location.js';
import { currentWorkspaceService, deleteWorkspaceService, listWorkspacesService, newWorkspaceService, selectWorkspaceService } from '../../services/index.js';

const where = (term: Terminal, flags: { readonly dir?: string; readonly state?: string }) => ({
  dir: flags.dir,
  statePath: flags.state,
  cwd: term.cwd,
  env: term.env,
});

export async function runWorkspaceList(flags: ParsedFlags<typeof WORKSPACE_LIST_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { names, current } = await located(term, await listWorkspacesService(where(term, flags)));
  if (flags.json) return void term.stdout.write(JSON.stringify({ current: current.name, workspaces: names }, null, 2) + '\n');
  term.stdout.write(names.map((n) => `${n === current.name ? '*' : ' '} ${n}\n`).join(''));
}

export async function runWorkspaceShow(flags: ParsedFlags<typeof WORKSPACE_SHOW_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { name, source } = await currentWorkspaceService(term);
  term.stdout.write(flags.json ? JSON.stringify({ workspace: name, source }, null, 2) + '\n' : `${name}\n`);
}

export async function runWorkspaceNew(
  args: ParsedArgs<typeof WORKSPACE_NAME_ARGS>,
  flags: ParsedFlags<typeof WORKSPACE_NEW_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { selected } = await located(term, await newWorkspaceService(where(term, flags), args.name));
  term.stdout.write(
    selected
      ? `Created and switched to workspace "${args.name}"!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run "drctl plan" drctl will not see any existing state\nfor this configuration.\n`
      : `Created workspace "${args.name}"!\n\nDRCTL_WORKSPACE chooses the current workspace, so it stays "${term.env.DRCTL_WORKSPACE}".\n`,
  );
}

export async function runWorkspaceSelect(
  args: ParsedArgs<typeof WORKSPACE_NAME_ARGS>,
  flags: ParsedFlags<typeof WORKSPACE_SELECT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await located(term, await selectWorkspaceService(where(term, flags), args.name));
  term.stdout.write(`Switched to workspace "${args.name}".\n`);
}

export async function runWorkspaceDelete(
  args: ParsedArgs<typeof WORKSPACE_NAME_ARGS>,
  flags: ParsedFlags<typeof WORKSPACE_DELETE_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const timeout = lockTimeoutMs(flags['lock-timeout']);
  await located(term, await deleteWorkspaceService(where(term, flags), args.name, { force: flags.force, lockTimeoutMs: timeout }));
  term.stdout.write(`Deleted workspace "${args.name}"!\n`);
}
