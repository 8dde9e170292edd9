// The bodies of `drctl access show|grant|revoke|push|token`.
import { readFile } from 'node:fs/promises';
import type {
  ACCESS_GRANT_ARGS,
  ACCESS_GRANT_FLAG_SPECS,
  ACCESS_PUSH_ARGS,
  ACCESS_PUSH_FLAG_SPECS,
  ACCESS_SHOW_FLAG_SPECS,
  ACCESS_TOKEN_ARGS,
  ACCESS_TOKEN_FLAG_SPECS,
  ParsedArgs,
  ParsedFlags,
} from '../flag-specs.js';
import { processTerminal, type Exit, type Terminal } from '../terminal.js';
import { located } from '../state/location.js';
import { UserError } from '../../diag/index.js';
import { grantAccessService, newTokenService, pushPolicyService, revokeAccessService, showAccessService } from '../../services/index.js';

const where = (term: Terminal, flags: { readonly dir?: string; readonly state?: string }) => ({
  dir: flags.dir,
  statePath: flags.state,
  cwd: term.cwd,
  env: term.env,
});
const scope = (ws: string) => (ws === '*' ? 'every workspace ("*")' : `workspace "${ws}"`);
const SOURCE = { token: 'a token (DRCTL_TOKEN_FILE)', env: 'DRCTL_USER', os: 'the operating-system user' } as const;

export async function runAccessShow(flags: ParsedFlags<typeof ACCESS_SHOW_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const view = await located(term, await showAccessService(where(term, flags)));
  if (flags.json) {
    if (!view.hasPolicy)
      throw new UserError('No access policy is stored: everything is allowed to everyone.', [
        'Write the first one with: drctl access grant YOU admin -workspace "*"',
      ]);
    if (view.document === undefined)
      throw new UserError(`Printing the whole policy needs "policy-write" on every workspace ("*"), which "${view.identity.name}" does not have.`);
    term.stdout.write(view.document);
    return;
  }
  term.stdout.write(`You are "${view.identity.name}" (named by ${SOURCE[view.identity.source]}); the current workspace is "${view.workspace}".\n`);
  if (!view.hasPolicy) term.stdout.write('No access policy is stored: everything is allowed to everyone.\n');
  else {
    term.stdout.write(`Roles here: ${view.roles.length ? view.roles.join(', ') : 'none'}.\n`);
    term.stdout.write(`Permissions here: ${view.permissions.length ? view.permissions.join(', ') : 'none'}.\n`);
    if (view.document) term.stdout.write(`\nThe policy:\n${view.document}`);
  }
}

export async function runAccessGrant(
  args: ParsedArgs<typeof ACCESS_GRANT_ARGS>,
  flags: ParsedFlags<typeof ACCESS_GRANT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const r = await located(term, await grantAccessService(where(term, flags), { user: args.user, role: args.role, workspace: flags.workspace }));
  term.stdout.write(
    r.changed
      ? `Granted "${args.role}" to "${args.user}" in ${scope(r.workspace)}.\n`
      : `"${args.user}" already has "${args.role}" in ${scope(r.workspace)}; nothing changed.\n`,
  );
}

export async function runAccessRevoke(
  args: ParsedArgs<typeof ACCESS_GRANT_ARGS>,
  flags: ParsedFlags<typeof ACCESS_GRANT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const r = await located(term, await revokeAccessService(where(term, flags), { user: args.user, role: args.role, workspace: flags.workspace }));
  term.stdout.write(`Revoked "${args.role}" from "${args.user}" in ${scope(r.workspace)}.\n`);
}

export async function runAccessPush(
  args: ParsedArgs<typeof ACCESS_PUSH_ARGS>,
  flags: ParsedFlags<typeof ACCESS_PUSH_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const source = args.file === '-' ? 'stdin' : args.file;
  let text: string;
  try {
    text = args.file === '-' ? await readStdin() : await readFile(args.file, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
  }
  const r = await located(term, await pushPolicyService(where(term, flags), text, source));
  term.stdout.write(`The access policy from ${source} is in force: ${r.users} user${r.users === 1 ? '' : 's'}.\n`);
}

/** The token goes to stdout alone (for `> file`); what to do with it, to stderr. */
export async function runAccessToken(
  args: ParsedArgs<typeof ACCESS_TOKEN_ARGS>,
  flags: ParsedFlags<typeof ACCESS_TOKEN_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { token } = await located(term, await newTokenService(where(term, flags), args.user));
  term.stdout.write(`${token}\n`);
  term.stderr.write(
    `A new token for "${args.user}" is listed in the policy (as its hash). It is shown this once: give it to ${args.user} only, in a file with mode 600, named by DRCTL_TOKEN_FILE.\n`,
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
