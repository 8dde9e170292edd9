// The storage settings of the drctl block: `backend "local" | "pg"` and `encryption`. Arguments
// are converted by the caller (evaluated with variables only, like all settings); this checks
// what goes with what and says where it is wrong.
//
//   drctl {
//     backend "pg" {
//       conn_str_env = "DRCTL_PG"        # or conn_str = var.pg (or DRCTL_PG_CONN_STR)
//       schema       = "drctl"
//     }
//     encryption {
//       key_file = "keys/state.key"      # or passphrase_env = "DRCTL_PASSPHRASE"
//       enforced = true
//       fallback { passphrase_env = "OLD_PASSPHRASE" }
//     }
//   }

import type { Block, Range } from '../hcl/ast.js';
import { type Diagnostic, errorDiag, warningDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import type { CheckedBody } from './body.js';
import type { Plain } from './convert.js';
import type { BackendSettings, EncryptionKeySettings, EncryptionSettings } from './model.js';
import { BLOCK_SCHEMAS, type BlockSchema } from './schema.js';

/** Converts a body's arguments (the loader's convertAttrs, bound to its context). */
export type ConvertArgs = (body: CheckedBody, schema: BlockSchema, owner: string) => Record<string, Plain>;

const BACKENDS = ['local', 'pg', 'postgres'];
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PG_ONLY = ['conn_str', 'conn_str_env', 'schema'];

export interface StorageSettings {
  readonly backend: BackendSettings;
  readonly encryption?: EncryptionSettings;
}

export function decodeStorage(body: CheckedBody, convert: ConvertArgs, diags: Diagnostic[]): StorageSettings {
  return { backend: decodeBackend(body, convert, diags), encryption: decodeEncryption(body, convert, diags) };
}

function decodeBackend(body: CheckedBody, convert: ConvertArgs, diags: Diagnostic[]): BackendSettings {
  const block = body.blocks.get('backend')?.[0];
  if (!block) return { type: 'local', implicit: true };
  const type = block.labels[0].value;
  const inner = body.nested.get(block)!;
  const args = convert(inner, BLOCK_SCHEMAS.drctl.blocks!.backend, `backend "${type}"`);
  const at = (name: string): Range => inner.attrs.get(name)?.range ?? block.labels[0].range;
  if (!BACKENDS.includes(type)) {
    diags.push(
      errorDiag(
        'Unsupported backend',
        `drctl stores state in "local" files or in PostgreSQL ("pg"); "${type}" is not a backend.${didYouMean(type, ['local', 'pg'])}`,
        block.labels[0].range,
      ),
    );
    return { type: 'local' };
  }
  if (type === 'local') {
    for (const name of PG_ONLY) {
      if (inner.attrs.has(name))
        diags.push(errorDiag('Argument of another backend', `"${name}" is an argument of the "pg" backend; the "local" backend takes only "path".`, at(name)));
    }
    return { type: 'local', path: args.path as string | undefined };
  }
  if (inner.attrs.has('path'))
    diags.push(
      errorDiag(
        'Argument of another backend',
        '"path" is an argument of the "local" backend; the "pg" backend takes conn_str or conn_str_env, and schema.',
        at('path'),
      ),
    );
  const connStr = args.conn_str as string | undefined;
  const connStrEnv = args.conn_str_env as string | undefined;
  const schema = args.schema as string | undefined;
  if (connStr !== undefined && connStrEnv !== undefined) {
    diags.push(
      errorDiag(
        'Conflicting arguments',
        'Give the connection string either as conn_str or through the variable named by conn_str_env, not both.',
        at('conn_str_env'),
      ),
    );
  }
  if (connStrEnv !== undefined && !ENV_NAME.test(connStrEnv)) {
    diags.push(
      errorDiag(
        'Invalid environment variable name',
        `conn_str_env names the environment variable that holds the connection string, such as "DRCTL_PG"; "${connStrEnv}" is not a variable name.`,
        at('conn_str_env'),
      ),
    );
  }
  if (connStr !== undefined && holdsPassword(connStr)) {
    // The value itself is never repeated: it is a secret.
    diags.push(
      warningDiag(
        'Password in the configuration',
        'The connection string holds a password, which is a secret and should not be written in a configuration file. Put the connection string in an environment variable and name it with conn_str_env (or set DRCTL_PG_CONN_STR).',
        at('conn_str'),
      ),
    );
  }
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    diags.push(
      errorDiag(
        'Invalid schema name',
        `The schema of drctl's tables is a lower-case name of letters, digits and "_" (at most 63), such as "drctl"; "${schema}" is not.`,
        at('schema'),
      ),
    );
  }
  return { type: 'pg', connStr, connStrEnv, schema };
}

function decodeEncryption(body: CheckedBody, convert: ConvertArgs, diags: Diagnostic[]): EncryptionSettings | undefined {
  const block = body.blocks.get('encryption')?.[0];
  if (!block) return undefined;
  const schema = BLOCK_SCHEMAS.drctl.blocks!.encryption;
  const inner = body.nested.get(block)!;
  const args = convert(inner, schema, 'the encryption block');
  const primary = keyOf(args, inner, block, 'The encryption block', diags);
  const fallbacks: EncryptionKeySettings[] = [];
  for (const fb of inner.blocks.get('fallback') ?? []) {
    const fbBody = inner.nested.get(fb)!;
    fallbacks.push(keyOf(convert(fbBody, schema.blocks!.fallback, 'a fallback block'), fbBody, fb, 'A fallback block', diags));
  }
  return { ...primary, enforced: (args.enforced as boolean | undefined) ?? false, fallbacks };
}

function keyOf(args: Record<string, Plain>, body: CheckedBody, block: Block, what: string, diags: Diagnostic[]): EncryptionKeySettings {
  const keyFile = args.key_file as string | undefined;
  const passphraseEnv = args.passphrase_env as string | undefined;
  if (body.attrs.has('key_file') === body.attrs.has('passphrase_env')) {
    diags.push(
      errorDiag(
        'One key needed',
        `${what} names one key: key_file (a file of 32 random bytes, raw or base64) or passphrase_env (the environment variable holding a passphrase of at least 16 characters), not ${body.attrs.has('key_file') ? 'both' : 'neither'}.`,
        block.typeRange,
      ),
    );
  }
  if (passphraseEnv !== undefined && !ENV_NAME.test(passphraseEnv)) {
    diags.push(
      errorDiag(
        'Invalid environment variable name',
        `passphrase_env names the environment variable that holds the passphrase, such as "DRCTL_PASSPHRASE" (the passphrase itself never goes in a file); "${passphraseEnv.slice(0, 3)}…" is not a variable name.`,
        body.attrs.get('passphrase_env')!.range,
      ),
    );
  }
  return { keyFile, passphraseEnv };
}

function holdsPassword(connStr: string): boolean {
  if (/\bpassword\s*=/i.test(connStr)) return true;
  try {
    return new URL(connStr.trim()).password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:[^@]+@/i.test(connStr.trim());
  }
}
