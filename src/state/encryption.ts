// Encryption at rest: AES-256-GCM envelopes around snapshots, journal records, the access policy
// and plan files. The header (magic, version, KDF and its parameters, salt, key id, IV) is the
// GCM additional data, so no field of it can be changed unnoticed, and plaintext is handed back
// only after the tag verified: a damaged or altered envelope never yields a partial read.
//
//   offset  size  field
//   0       8     magic "DRCTLENC"
//   8       1     envelope version (1)
//   9       1     KDF: 0 none (a key file), 1 PBKDF2-SHA512 (a passphrase)
//   10      4     PBKDF2 iterations, big-endian (0 without a KDF)
//   14      1     salt length s (0 without a KDF)
//   15      s     salt
//   15+s    1     key id length k
//   16+s    k     key id (ASCII hex: 8 bytes of HMAC-SHA256(key, "drctl key id v1"))
//   16+s+k  12    IV (random per envelope)
//   …       n     ciphertext
//   end-16  16    GCM tag

import { createCipheriv, createDecipheriv, createHmac, pbkdf2, randomBytes } from 'node:crypto';

export const ENVELOPE_MAGIC = Buffer.from('DRCTLENC', 'ascii');
export const ENVELOPE_VERSION = 1;
export const PBKDF2_MIN_ITERATIONS = 600_000;
/** A header asking for more is refused: it would only make reading hang. */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;
export const PASSPHRASE_MIN_LENGTH = 16;
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const KDF_NONE = 0;
const KDF_PBKDF2_SHA512 = 1;
/** Text form of an envelope, for places that hold text lines (journal records). */
export const TEXT_PREFIX = 'drctlenc:';
/** Passphrase-derived keys kept per provider; a process reads few distinct salts. */
const DERIVED_CACHE_LIMIT = 64;

export type KdfName = 'none' | 'pbkdf2-sha512';

export type EncryptionFailure = 'encryption-header' | 'wrong-key' | 'tampered' | 'plaintext-refused';

/** Bytes that cannot be decrypted (or plaintext where encryption is enforced). */
export class EncryptionError extends Error {
  constructor(
    readonly reason: EncryptionFailure,
    /** A short phrase. */
    readonly summary: string,
    /** What to do. */
    readonly detail: string,
  ) {
    super(`${summary}. ${detail}`);
    this.name = 'EncryptionError';
  }
}

/** A key provider that cannot be used as configured (short passphrase, bad key file, unset variable). */
export class KeyConfigError extends Error {
  constructor(
    message: string,
    readonly nextSteps: readonly string[] = [],
  ) {
    super(message);
    this.name = 'KeyConfigError';
  }
}

export interface SealingKey {
  readonly key: Buffer;
  readonly keyId: string;
  readonly kdf: KdfName;
  readonly iterations: number;
  readonly salt: Buffer;
}

export interface KeyProvider {
  /** For messages, never the secret: "key file keys/state.key", "passphrase from $DRCTL_PASSPHRASE". */
  readonly label: string;
  readonly kdf: KdfName;
  /** The key new envelopes are written with. */
  sealingKey(): Promise<SealingKey>;
  /** The key (and its id) for an envelope written with these KDF parameters. */
  openingKey(iterations: number, salt: Buffer): Promise<{ readonly key: Buffer; readonly keyId: string }>;
}

/** Which keys encrypt and decrypt. Writes always use `primary`; reads try it, then each fallback. */
export interface Keyring {
  readonly primary: KeyProvider;
  readonly fallbacks: readonly KeyProvider[];
  /** Plaintext is refused on read (otherwise it is read as it is, and the next write encrypts it). */
  readonly enforced: boolean;
}

export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('drctl key id v1').digest().subarray(0, 8).toString('hex');
}

/** A provider for a 32-byte key (the content of a key file). */
export function rawKey(key: Uint8Array, label: string): KeyProvider {
  if (key.byteLength !== KEY_BYTES) throw new KeyConfigError(`The ${label} holds ${key.byteLength} bytes; an encryption key is exactly ${KEY_BYTES} bytes.`);
  const copy = Buffer.from(key);
  const keyId = keyIdOf(copy);
  const sealing: SealingKey = { key: copy, keyId, kdf: 'none', iterations: 0, salt: Buffer.alloc(0) };
  return {
    label,
    kdf: 'none',
    sealingKey: async () => sealing,
    openingKey: async () => ({ key: copy, keyId }),
  };
}

/**
 * The key in a key file's content: 32 raw bytes, or those bytes in base64 (surrounding
 * whitespace ignored). Anything else is refused, so a typo never becomes a weak key.
 */
export function keyFromFileContent(content: Uint8Array, label: string): KeyProvider {
  if (content.byteLength === KEY_BYTES) return rawKey(content, label);
  const text = Buffer.from(content).toString('latin1').trim();
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return rawKey(Buffer.from(text, 'base64'), label);
  throw new KeyConfigError(`The ${label} is not an encryption key: it must hold ${KEY_BYTES} random bytes, raw or in base64 (44 characters).`, [
    'Make one with: head -c 32 /dev/urandom | base64 > state.key && chmod 600 state.key',
  ]);
}

/** A new key file's content: 32 random bytes in base64, with a newline. */
export function newKeyFileContent(): string {
  return `${randomBytes(KEY_BYTES).toString('base64')}\n`;
}

export interface PassphraseOptions {
  /** For writing; at least 600,000 (the default). */
  readonly iterations?: number;
}

/**
 * A provider for a passphrase (at least 16 characters), stretched with PBKDF2-SHA512. The key
 * is derived once per salt and kept in this provider (one per process), so a run writing many
 * journal records derives it once.
 */
export function passphraseKey(passphrase: string, label: string, options: PassphraseOptions = {}): KeyProvider {
  const length = [...passphrase].length;
  if (length < PASSPHRASE_MIN_LENGTH) {
    throw new KeyConfigError(`The ${label} has ${length} characters; a passphrase needs at least ${PASSPHRASE_MIN_LENGTH}.`, [
      'Use a longer passphrase (several random words), or a key file (key_file) instead.',
    ]);
  }
  const iterations = options.iterations ?? PBKDF2_MIN_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new KeyConfigError(`PBKDF2 iterations must be a whole number from ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS}; got ${iterations}.`);
  }
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  const derived = new Map<string, Promise<{ key: Buffer; keyId: string }>>();
  const derive = (rounds: number, salt: Buffer) => {
    const cacheKey = `${rounds}:${salt.toString('hex')}`;
    let entry = derived.get(cacheKey);
    if (!entry) {
      if (derived.size >= DERIVED_CACHE_LIMIT) derived.delete(derived.keys().next().value!);
      entry = new Promise((resolve, reject) =>
        pbkdf2(secret, salt, rounds, KEY_BYTES, 'sha512', (err, key) => (err ? reject(err) : resolve({ key, keyId: keyIdOf(key) }))),
      );
      derived.set(cacheKey, entry);
      entry.catch(() => derived.delete(cacheKey));
    }
    return entry;
  };
  // One salt per provider for writing: every envelope this process writes shares the derived key.
  const writeSalt = randomBytes(SALT_BYTES);
  return {
    label,
    kdf: 'pbkdf2-sha512',
    sealingKey: async () => ({ ...(await derive(iterations, writeSalt)), kdf: 'pbkdf2-sha512', iterations, salt: writeSalt }),
    openingKey: (rounds, salt) => derive(rounds, salt),
  };
}

export function isEncrypted(bytes: Uint8Array): boolean {
  return bytes.byteLength >= ENVELOPE_MAGIC.length && Buffer.from(bytes.buffer, bytes.byteOffset, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC);
}

/** Encrypts `plain` with the keyring's primary key. */
export async function encryptBytes(plain: Uint8Array, keyring: Keyring): Promise<Uint8Array> {
  const sealing = await keyring.primary.sealingKey();
  const keyId = Buffer.from(sealing.keyId, 'ascii');
  const iv = randomBytes(IV_BYTES);
  const fixed = Buffer.alloc(ENVELOPE_MAGIC.length + 6);
  ENVELOPE_MAGIC.copy(fixed, 0);
  fixed[8] = ENVELOPE_VERSION;
  fixed[9] = sealing.kdf === 'none' ? KDF_NONE : KDF_PBKDF2_SHA512;
  fixed.writeUInt32BE(sealing.iterations, 10);
  const header = Buffer.concat([fixed.subarray(0, 14), Buffer.from([sealing.salt.length]), sealing.salt, Buffer.from([keyId.length]), keyId, iv]);
  const cipher = createCipheriv('aes-256-gcm', sealing.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

interface Header {
  readonly kdf: KdfName;
  readonly iterations: number;
  readonly salt: Buffer;
  readonly keyId: string;
  readonly iv: Buffer;
  /** The bytes the tag covers as additional data. */
  readonly aad: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

function badHeader(what: string): EncryptionError {
  return new EncryptionError('encryption-header', `Unreadable encryption header: ${what}`, 'The encrypted bytes are damaged or were not written by drctl. Restore them from a backup.');
}

function parseHeader(bytes: Uint8Array): Header {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 16) throw badHeader('it is truncated');
  const version = buf[8];
  if (version !== ENVELOPE_VERSION) {
    throw new EncryptionError(
      'encryption-header',
      `Encrypted with envelope version ${version}`,
      version > ENVELOPE_VERSION ? 'It was written by a newer drctl; upgrade drctl to read it.' : 'This drctl does not know that envelope version.',
    );
  }
  const kdfCode = buf[9];
  if (kdfCode !== KDF_NONE && kdfCode !== KDF_PBKDF2_SHA512) throw badHeader(`unknown key derivation ${kdfCode}`);
  const iterations = buf.readUInt32BE(10);
  if (kdfCode === KDF_NONE ? iterations !== 0 : iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
    throw badHeader(`${iterations} PBKDF2 iterations is outside ${kdfCode === KDF_NONE ? '0' : `${PBKDF2_MIN_ITERATIONS}–${PBKDF2_MAX_ITERATIONS}`}`);
  }
  let at = 14;
  const saltLength = buf[at++];
  if (kdfCode === KDF_NONE ? saltLength !== 0 : saltLength < 16 || saltLength > 64) throw badHeader(`a salt of ${saltLength} bytes`);
  const salt = buf.subarray(at, at + saltLength);
  at += saltLength;
  if (at >= buf.length) throw badHeader('it is truncated');
  const keyIdLength = buf[at++];
  if (keyIdLength > 64) throw badHeader(`a key id of ${keyIdLength} bytes`);
  const keyId = buf.subarray(at, at + keyIdLength).toString('latin1');
  at += keyIdLength;
  const iv = buf.subarray(at, at + IV_BYTES);
  at += IV_BYTES;
  if (buf.length < at + TAG_BYTES) throw badHeader('it is truncated');
  return {
    kdf: kdfCode === KDF_NONE ? 'none' : 'pbkdf2-sha512',
    iterations,
    salt: Buffer.from(salt),
    keyId,
    iv: Buffer.from(iv),
    aad: Buffer.from(buf.subarray(0, at)),
    body: buf.subarray(at, buf.length - TAG_BYTES),
    tag: Buffer.from(buf.subarray(buf.length - TAG_BYTES)),
  };
}

export interface Decrypted {
  readonly bytes: Uint8Array;
  /** False for plaintext passed through (encryption not enforced). */
  readonly encrypted: boolean;
  /** The provider that opened it: the primary, or a fallback (then rewrite to rotate). */
  readonly provider: KeyProvider | null;
}

/**
 * Decrypts an envelope with the primary key or a fallback. Plain bytes come back as they are,
 * unless encryption is enforced. Throws EncryptionError; never returns unverified plaintext.
 */
export async function decryptBytes(bytes: Uint8Array, keyring: Keyring): Promise<Decrypted> {
  if (!isEncrypted(bytes)) {
    if (keyring.enforced) {
      throw new EncryptionError('plaintext-refused', 'Plaintext refused: encryption is enforced', 'These bytes are not encrypted. If they are yours, write them again through drctl with encryption on (for state: drctl state push), or turn enforcement off.');
    }
    return { bytes, encrypted: false, provider: null };
  }
  const header = parseHeader(bytes);
  const tried: string[] = [];
  for (const provider of [keyring.primary, ...keyring.fallbacks]) {
    if (provider.kdf !== header.kdf) continue;
    const { key, keyId } = await provider.openingKey(header.iterations, header.salt);
    tried.push(provider.label);
    if (keyId !== header.keyId) continue;
    const decipher = createDecipheriv('aes-256-gcm', key, header.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(header.aad);
    decipher.setAuthTag(header.tag);
    // update() yields bytes before the tag is checked; they are dropped unless final() succeeds.
    const parts = [decipher.update(header.body)];
    try {
      parts.push(decipher.final());
    } catch {
      throw new EncryptionError(
        'tampered',
        'Integrity check failed (the AES-GCM tag does not match)',
        'The encrypted bytes were changed after they were written, by damage or on purpose; nothing of them was read. Restore them from a backup or a previous version.',
      );
    }
    return { bytes: Buffer.concat(parts), encrypted: true, provider };
  }
  const kind = header.kdf === 'none' ? 'a key file' : 'a passphrase';
  throw new EncryptionError(
    'wrong-key',
    `Encrypted with another key (${kind}, key id ${header.keyId})`,
    tried.length === 0
      ? `It was encrypted with ${kind}, and no ${kind} is configured. Configure that key as the primary or as a fallback.`
      : `Tried ${tried.join(', ')}; none has key id ${header.keyId}. Configure the key it was written with, as the primary or as a fallback.`,
  );
}

/** An envelope as one text line (base64, so no newline): for journal records. */
export async function encryptText(plain: Uint8Array, keyring: Keyring): Promise<Uint8Array> {
  return Buffer.from(TEXT_PREFIX + Buffer.from(await encryptBytes(plain, keyring)).toString('base64'), 'latin1');
}

export function isEncryptedText(record: Uint8Array): boolean {
  return record.byteLength >= TEXT_PREFIX.length && Buffer.from(record.buffer, record.byteOffset, TEXT_PREFIX.length).toString('latin1') === TEXT_PREFIX;
}

/** The inverse of encryptText; plain records pass (unless enforced), as in decryptBytes. */
export async function decryptText(record: Uint8Array, keyring: Keyring): Promise<Decrypted> {
  if (!isEncryptedText(record)) return decryptBytes(record, keyring);
  const text = Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('latin1').slice(TEXT_PREFIX.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw badHeader('the text form is not base64');
  const bytes = Buffer.from(text, 'base64');
  if (!isEncrypted(bytes)) throw badHeader('the text form does not hold an envelope');
  return decryptBytes(bytes, keyring);
}
