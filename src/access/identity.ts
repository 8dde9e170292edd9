// Who is running drctl. A token file (DRCTL_TOKEN_FILE) identifies a user of the access policy
// by the token's hash; DRCTL_USER, or else the operating-system user, only names one. Without a
// policy everything is allowed, so the name only goes into locks and the audit log.

import { readFile as readFileAsync, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { UserError } from '../diag/errors.js';
import { isUserName, tokenHash, TOKEN_MIN_LENGTH, type Policy } from './policy.js';

export interface Identity {
  readonly name: string;
  /** token: proven by a token in the policy; env: DRCTL_USER; os: the operating-system user. */
  readonly source: 'token' | 'env' | 'os';
}

export interface IdentityInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly readFile?: (file: string) => Promise<Uint8Array>;
  /** Permission bits of a file, or null where they mean nothing. */
  readonly modeOf?: (file: string) => Promise<number | null>;
  readonly osUser?: () => string;
}

export interface ResolvedIdentity {
  readonly identity: Identity;
  readonly warnings: readonly string[];
}

export async function resolveIdentity(input: IdentityInput, policy: Policy | null): Promise<ResolvedIdentity> {
  const warnings: string[] = [];
  const declared = input.env.DRCTL_USER || undefined;
  if (declared !== undefined && !isUserName(declared)) {
    throw new UserError(`DRCTL_USER is "${declared.slice(0, 80)}", which is not a user name.`, [
      'A user name has letters, digits, ".", "_", "@" and "-", starting with a letter or digit.',
    ]);
  }
  const tokenFile = input.env.DRCTL_TOKEN_FILE || undefined;
  if (tokenFile !== undefined) {
    const token = await readToken(tokenFile, input, warnings);
    if (policy === null) {
      warnings.push('DRCTL_TOKEN_FILE is set, but there is no access policy to say whose token it is; everything is allowed.');
    } else {
      const hash = tokenHash(token);
      const user = Object.entries(policy.users).find(([, u]) => u.tokens.includes(hash))?.[0];
      if (user === undefined) {
        throw new UserError(`The token in ${tokenFile} (DRCTL_TOKEN_FILE) belongs to no user of the access policy.`, [
          "Check the file, or ask an admin to add the token's hash to your user in the policy.",
        ]);
      }
      if (declared !== undefined && declared !== user) warnings.push(`DRCTL_USER=${declared} is ignored: the token identifies "${user}".`);
      return { identity: { name: user, source: 'token' }, warnings };
    }
  }
  if (declared !== undefined) return { identity: { name: declared, source: 'env' }, warnings };
  const os = (input.osUser ?? defaultOsUser)();
  return { identity: { name: isUserName(os) ? os : 'unknown', source: 'os' }, warnings };
}

async function readToken(file: string, input: IdentityInput, warnings: string[]): Promise<string> {
  const full = path.resolve(input.cwd, file);
  let content: Uint8Array;
  try {
    content = await (input.readFile ?? readFileAsync)(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `The token file ${file} (DRCTL_TOKEN_FILE) does not exist.`
        : `Cannot read the token file ${file} (DRCTL_TOKEN_FILE): ${code ?? 'error'}.`,
    );
  }
  const token = Buffer.from(content).toString('utf8').trim();
  if (token.length < TOKEN_MIN_LENGTH || /\s/.test(token)) {
    throw new UserError(`The token file ${file} (DRCTL_TOKEN_FILE) does not hold a token: one line of at least ${TOKEN_MIN_LENGTH} characters without spaces.`);
  }
  const mode = await (input.modeOf ?? defaultModeOf)(full);
  if (mode !== null && (mode & 0o077) !== 0) warnings.push(`The token file ${file} can be read by other users; restrict it with: chmod 600 ${file}`);
  return token;
}

async function defaultModeOf(file: string): Promise<number | null> {
  if (process.platform === 'win32') return null;
  return (await stat(file)).mode;
}

function defaultOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
