// Where encryption keys come from: the `encryption` block of the drctl settings, or the
// DRCTL_ENCRYPTION environment variable (which replaces the block when set). Keys themselves
// never appear in either: a key file path, or the name of a variable holding a passphrase.
//
//   DRCTL_ENCRYPTION="key_file=keys/state.key; fallback_passphrase_env=OLD_PASSPHRASE; enforced=true"
//
// Items are `name=value`, separated by ";" (or newlines). Names: key_file, passphrase_env
// (exactly one of the two), fallback_key_file and fallback_passphrase_env (repeatable, tried in
// order), enforced (true or false; default false).

import { stat as statFile, readFile as readFileAsync } from 'node:fs/promises';
import path from 'node:path';
import { KeyConfigError, keyFromFileContent, passphraseKey, type KeyProvider, type Keyring } from './encryption.js';

export interface KeySource {
  /** A file holding 32 random bytes, raw or base64; relative paths are from the working directory. */
  readonly keyFile?: string;
  /** The name of the environment variable that holds the passphrase. */
  readonly passphraseEnv?: string;
}

export interface EncryptionSettings extends KeySource {
  readonly enforced?: boolean;
  /** Tried in order when the primary key does not open an envelope (key rotation). */
  readonly fallbacks?: readonly KeySource[];
}

export interface KeyringInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly readFile?: (file: string) => Promise<Uint8Array>;
  /** The file's permission bits, or null where they mean nothing (Windows). */
  readonly modeOf?: (file: string) => Promise<number | null>;
}

export interface KeyringResult {
  readonly keyring: Keyring;
  readonly warnings: readonly string[];
}

const ENV_NAMES = new Set(['key_file', 'passphrase_env', 'fallback_key_file', 'fallback_passphrase_env', 'enforced']);

/** The encryption settings in force: DRCTL_ENCRYPTION when set (it replaces the block), else the block's. */
export function encryptionSettingsFor(block: EncryptionSettings | undefined, env: Readonly<Record<string, string | undefined>>): EncryptionSettings | undefined {
  const text = env.DRCTL_ENCRYPTION;
  return text !== undefined && text.trim() !== '' ? parseEncryptionEnv(text) : block;
}

/** Parses DRCTL_ENCRYPTION. Throws KeyConfigError naming the bad item. */
export function parseEncryptionEnv(text: string): EncryptionSettings {
  let keyFile: string | undefined;
  let passphraseEnv: string | undefined;
  let enforced: boolean | undefined;
  const fallbacks: KeySource[] = [];
  const items = text.split(/[;\n]/).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length > 32) throw new KeyConfigError('DRCTL_ENCRYPTION has more than 32 items.');
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim();
    const value = eq === -1 ? '' : item.slice(eq + 1).trim();
    if (!ENV_NAMES.has(name)) {
      throw new KeyConfigError(`DRCTL_ENCRYPTION: "${name}" is not a setting.`, [
        'Settings are key_file, passphrase_env, fallback_key_file, fallback_passphrase_env and enforced, as name=value separated by ";".',
      ]);
    }
    if (value === '') throw new KeyConfigError(`DRCTL_ENCRYPTION: "${name}" needs a value (${name}=…).`);
    const once = (current: unknown) => {
      if (current !== undefined) throw new KeyConfigError(`DRCTL_ENCRYPTION: "${name}" is given twice.`);
    };
    if (name === 'key_file') {
      once(keyFile);
      keyFile = value;
    } else if (name === 'passphrase_env') {
      once(passphraseEnv);
      passphraseEnv = value;
    } else if (name === 'fallback_key_file') {
      fallbacks.push({ keyFile: value });
    } else if (name === 'fallback_passphrase_env') {
      fallbacks.push({ passphraseEnv: value });
    } else {
      once(enforced);
      if (value !== 'true' && value !== 'false') throw new KeyConfigError(`DRCTL_ENCRYPTION: enforced must be true or false, not "${value}".`);
      enforced = value === 'true';
    }
  }
  return { keyFile, passphraseEnv, enforced, fallbacks };
}

/**
 * Builds the keyring: reads key files, takes passphrases from the environment, checks them.
 * Throws KeyConfigError (never with a key or passphrase in the message).
 */
export async function keyringFrom(settings: EncryptionSettings, input: KeyringInput): Promise<KeyringResult> {
  const warnings: string[] = [];
  const primary = await providerFor(settings, 'the primary key', input, warnings);
  const fallbacks: KeyProvider[] = [];
  for (const [i, source] of (settings.fallbacks ?? []).entries()) {
    fallbacks.push(await providerFor(source, `fallback key ${i + 1}`, input, warnings));
  }
  return { keyring: { primary, fallbacks, enforced: settings.enforced ?? false }, warnings };
}

async function providerFor(source: KeySource, role: string, input: KeyringInput, warnings: string[]): Promise<KeyProvider> {
  if ((source.keyFile === undefined) === (source.passphraseEnv === undefined)) {
    throw new KeyConfigError(`Encryption: ${role} needs exactly one of key_file and passphrase_env.`, [
      'key_file names a file of 32 random bytes (raw or base64); passphrase_env names the environment variable holding a passphrase of at least 16 characters.',
    ]);
  }
  if (source.passphraseEnv !== undefined) {
    const name = source.passphraseEnv;
    const passphrase = input.env[name];
    if (passphrase === undefined || passphrase === '') {
      throw new KeyConfigError(`Encryption: ${role} is a passphrase from $${name}, and that variable is not set.`, [`Set ${name} to the passphrase.`]);
    }
    return passphraseKey(passphrase, `passphrase from $${name} (${role})`);
  }
  const file = path.resolve(input.cwd, source.keyFile!);
  const shown = source.keyFile!;
  let content: Uint8Array;
  try {
    content = await (input.readFile ?? readFileAsync)(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyConfigError(
      code === 'ENOENT' ? `Encryption: the key file ${shown} (${role}) does not exist.` : `Encryption: cannot read the key file ${shown} (${role}): ${code ?? 'error'}.`,
      ['Check the path (relative paths are from the working directory). Make a key with: head -c 32 /dev/urandom | base64 > state.key && chmod 600 state.key'],
    );
  }
  const mode = await (input.modeOf ?? defaultModeOf)(file);
  if (mode !== null && (mode & 0o077) !== 0) {
    warnings.push(`The key file ${shown} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); restrict it with: chmod 600 ${shown}`);
  }
  return keyFromFileContent(content, `key file ${shown} (${role})`);
}

async function defaultModeOf(file: string): Promise<number | null> {
  if (process.platform === 'win32') return null;
  return (await statFile(file)).mode;
}
