// Encryption at rest: the AES-256-GCM envelope, key providers, rotation, enforcement and
// tampering, and the EncryptedBackend over a real local state in a temp dir.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePlanFile, decryptPlanFile, encodePlanFile, encryptPlanFile } from '../../src/plan/file.js';
import { EncryptedBackend } from '../../src/state/encrypted.js';
import {
  decryptBytes,
  decryptText,
  encryptBytes,
  encryptText,
  EncryptionError,
  isEncrypted,
  KeyConfigError,
  keyFromFileContent,
  newKeyFileContent,
  passphraseKey,
  PBKDF2_MIN_ITERATIONS,
  rawKey,
  type Keyring,
} from '../../src/state/encryption.js';
import { StateUnusableError } from '../../src/state/errors.js';
import { encryptionSettingsFor, keyringFrom, parseEncryptionEnv } from '../../src/state/keys.js';
import { LocalFileBackend } from '../../src/state/local.js';
import { openState, readState } from '../../src/state/session.js';

const keyA = rawKey(Buffer.alloc(32, 0xa1), 'key A');
const keyB = rawKey(Buffer.alloc(32, 0xb2), 'key B');
const ring = (primary = keyA, fallbacks = [] as (typeof keyA)[], enforced = false): Keyring => ({ primary, fallbacks, enforced });
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const secretState = Buffer.from('{"version":1,"serial":3,"lineage":"l-1","resources":[{"address":"vm.db01","attributes":{"note":"top-secret-value"}}]}');

async function failure(p: Promise<unknown>): Promise<EncryptionError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EncryptionError);
  return err as EncryptionError;
}

describe('the AES-256-GCM envelope', () => {
  it('round-trips bytes, and the envelope holds none of the plaintext', async () => {
    const sealed = await encryptBytes(secretState, ring());
    expect(isEncrypted(sealed)).toBe(true);
    expect(Buffer.from(sealed).subarray(0, 8).toString('latin1')).toBe('DRCTLENC');
    expect(Buffer.from(sealed).includes('top-secret-value')).toBe(false);
    const opened = await decryptBytes(sealed, ring());
    expect(text(opened.bytes)).toBe(text(secretState));
    expect(opened.encrypted).toBe(true);
    expect(opened.provider).toBe(keyA);
  });

  it('uses a fresh IV per envelope, so the same bytes never encrypt the same way twice', async () => {
    const a = Buffer.from(await encryptBytes(secretState, ring()));
    const b = Buffer.from(await encryptBytes(secretState, ring()));
    expect(a.equals(b)).toBe(false);
  });

  it('refuses bytes encrypted with another key, naming the key id and what was tried', async () => {
    const sealed = await encryptBytes(secretState, ring(keyB));
    const err = await failure(decryptBytes(sealed, ring(keyA)));
    expect(err.reason).toBe('wrong-key');
    expect(err.message).toContain('key A');
    expect(err.message).toMatch(/key id [0-9a-f]{16}/);
  });

  it('detects any flipped byte (header, ciphertext or tag) and returns nothing', async () => {
    const sealed = Buffer.from(await encryptBytes(secretState, ring()));
    const positions = [8, 9, 12, 15, 20, 30, sealed.length - 40, sealed.length - 17, sealed.length - 1];
    for (const at of positions) {
      const bad = Buffer.from(sealed);
      bad[at] ^= 0x01;
      const err = await failure(decryptBytes(bad, ring()));
      // The key id sits in the header: flipping it means "another key"; anything else is tampering or a bad header.
      expect(['tampered', 'encryption-header', 'wrong-key']).toContain(err.reason);
    }
    // Flipping a ciphertext byte is the plain tampering case: the tag check fails with a clear message.
    const bad = Buffer.from(sealed);
    bad[sealed.length - 20] ^= 0x80;
    const err = await failure(decryptBytes(bad, ring()));
    expect(err.reason).toBe('tampered');
    expect(err.message).toMatch(/Integrity check failed .*tag does not match.*nothing of them was read/);
    expect(err.message).not.toContain('top-secret');
  });

  it('refuses a truncated envelope', async () => {
    const sealed = Buffer.from(await encryptBytes(secretState, ring()));
    for (const length of [10, 20, 40, sealed.length - 1]) {
      const err = await failure(decryptBytes(sealed.subarray(0, length), ring()));
      expect(['encryption-header', 'tampered']).toContain(err.reason);
    }
  });

  it('passes plaintext through when not enforced, and refuses it when enforced', async () => {
    const plain = await decryptBytes(secretState, ring());
    expect(plain.encrypted).toBe(false);
    expect(text(plain.bytes)).toBe(text(secretState));
    const err = await failure(decryptBytes(secretState, ring(keyA, [], true)));
    expect(err.reason).toBe('plaintext-refused');
    expect(err.message).toMatch(/encryption is enforced/);
  });

  it('key rotation: a fallback key opens old envelopes while writes use the primary', async () => {
    const old = await encryptBytes(secretState, ring(keyA));
    const rotated = ring(keyB, [keyA]);
    const opened = await decryptBytes(old, rotated);
    expect(opened.provider).toBe(keyA);
    expect(text(opened.bytes)).toBe(text(secretState));
    const fresh = await encryptBytes(opened.bytes, rotated);
    expect((await decryptBytes(fresh, ring(keyB))).provider).toBe(keyB); // the primary alone opens it
    expect((await failure(decryptBytes(fresh, ring(keyA)))).reason).toBe('wrong-key');
  });

  it('refuses a header that asks for fewer PBKDF2 iterations than the minimum', async () => {
    const pass = passphraseKey('correct horse battery staple', 'passphrase');
    const sealed = Buffer.from(await encryptBytes(secretState, ring(pass)));
    expect(sealed.readUInt32BE(10)).toBe(PBKDF2_MIN_ITERATIONS);
    sealed.writeUInt32BE(1_000, 10);
    const err = await failure(decryptBytes(sealed, ring(pass)));
    expect(err.reason).toBe('encryption-header');
    expect(err.message).toContain('1000 PBKDF2 iterations');
  });

  it('journal records in text form are single lines and round-trip', async () => {
    const line = await encryptText(Buffer.from('{"op":"upsert"}'), ring());
    expect(Buffer.from(line).includes(0x0a)).toBe(false);
    expect(text(line)).toMatch(/^drctlenc:[A-Za-z0-9+/=]+$/);
    expect(text((await decryptText(line, ring())).bytes)).toBe('{"op":"upsert"}');
  });
});

describe('key providers', () => {
  it('a passphrase needs at least 16 characters', () => {
    expect(() => passphraseKey('fifteen-chars!!', 'passphrase from $P')).toThrow(KeyConfigError);
    expect(() => passphraseKey('fifteen-chars!!', 'passphrase from $P')).toThrow(/15 characters; a passphrase needs at least 16/);
    expect(() => passphraseKey('sixteen-chars!!!', 'p')).not.toThrow();
  });

  it('refuses fewer than 600,000 PBKDF2 iterations', () => {
    expect(() => passphraseKey('a long enough passphrase', 'p', { iterations: 100_000 })).toThrow(/600000/);
  });

  it('a passphrase round-trips, derives once per salt (cached), and a wrong passphrase is a wrong key', async () => {
    const pass = passphraseKey('correct horse battery staple', 'passphrase');
    const sealed = Buffer.from(await encryptBytes(secretState, ring(pass)));
    expect(sealed[9]).toBe(1); // PBKDF2-SHA512
    const first = await pass.sealingKey();
    const again = await pass.sealingKey();
    expect(again.key).toBe(first.key); // the same Buffer: not derived again
    expect(text((await decryptBytes(sealed, ring(pass))).bytes)).toBe(text(secretState));
    const other = passphraseKey('incorrect horse battery staple', 'other passphrase');
    expect((await failure(decryptBytes(sealed, ring(other)))).reason).toBe('wrong-key');
  });

  it('a key file holds 32 raw bytes or their base64, and nothing else', () => {
    const b64 = newKeyFileContent();
    expect(b64).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(keyFromFileContent(Buffer.from(b64), 'key file k').kdf).toBe('none');
    expect(keyFromFileContent(Buffer.alloc(32, 7), 'key file k').kdf).toBe('none');
    expect(() => keyFromFileContent(Buffer.from('short'), 'key file k')).toThrow(/not an encryption key: it must hold 32 random bytes/);
    expect(() => keyFromFileContent(Buffer.alloc(31), 'key file k')).toThrow(KeyConfigError);
  });
});

describe('encryption settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drctl-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses DRCTL_ENCRYPTION, fallbacks in order', () => {
    expect(parseEncryptionEnv('key_file=k1; fallback_key_file=k0 ;fallback_passphrase_env=OLD;enforced=true')).toEqual({
      keyFile: 'k1',
      passphraseEnv: undefined,
      enforced: true,
      fallbacks: [{ keyFile: 'k0' }, { passphraseEnv: 'OLD' }],
    });
  });

  it('names a bad DRCTL_ENCRYPTION item', () => {
    expect(() => parseEncryptionEnv('keyfile=k1')).toThrow(/"keyfile" is not a setting/);
    expect(() => parseEncryptionEnv('key_file=')).toThrow(/"key_file" needs a value/);
    expect(() => parseEncryptionEnv('key_file=a;key_file=b')).toThrow(/given twice/);
    expect(() => parseEncryptionEnv('key_file=a;enforced=yes')).toThrow(/enforced must be true or false/);
  });

  it('DRCTL_ENCRYPTION replaces the settings block', () => {
    const block = { keyFile: 'block.key' };
    expect(encryptionSettingsFor(block, {})).toBe(block);
    expect(encryptionSettingsFor(block, { DRCTL_ENCRYPTION: 'passphrase_env=P' })?.passphraseEnv).toBe('P');
  });

  it('builds a keyring from files and variables; the secret is never in an error', async () => {
    writeFileSync(join(dir, 'k1'), newKeyFileContent(), { mode: 0o600 });
    writeFileSync(join(dir, 'k0'), Buffer.alloc(32, 3), { mode: 0o644 });
    chmodSync(join(dir, 'k0'), 0o644);
    const { keyring, warnings } = await keyringFrom(
      { keyFile: 'k1', fallbacks: [{ keyFile: 'k0' }, { passphraseEnv: 'OLD_PASS' }], enforced: true },
      { cwd: dir, env: { OLD_PASS: 'an old but long passphrase' } },
    );
    expect(keyring.primary.label).toBe('key file k1 (the primary key)');
    expect(keyring.fallbacks.map((f) => f.label)).toEqual(['key file k0 (fallback key 1)', 'passphrase from $OLD_PASS (fallback key 2)']);
    expect(keyring.enforced).toBe(true);
    expect(warnings).toEqual(['The key file k0 can be read by other users (mode 0644); restrict it with: chmod 600 k0']);

    await expect(keyringFrom({ passphraseEnv: 'NOPE' }, { cwd: dir, env: {} })).rejects.toThrow(/\$NOPE, and that variable is not set/);
    await expect(keyringFrom({ keyFile: 'missing.key' }, { cwd: dir, env: {} })).rejects.toThrow(/missing.key \(the primary key\) does not exist/);
    await expect(keyringFrom({ keyFile: 'k1', passphraseEnv: 'P' }, { cwd: dir, env: { P: 'x'.repeat(20) } })).rejects.toThrow(/exactly one of key_file and passphrase_env/);
    const short = await keyringFrom({ passphraseEnv: 'P' }, { cwd: dir, env: { P: 'hunter2-short' } }).catch((e: Error) => e);
    expect((short as Error).message).toMatch(/13 characters/);
    expect((short as Error).message).not.toContain('hunter2');
  });
});

describe('EncryptedBackend over a local state', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drctl-enc-'));
    path = join(dir, 'prod.drstate.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const vm = (i: number) => ({ address: `vm.v${i}`, type: 'vm', name: `v${i}`, id: `pvm-${i}`, attributes: { note: `confidential-${i}` } });
  const filesText = () =>
    readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'latin1'))
      .join('\n');

  it('snapshots and journal records are ciphertext on disk, and read back through the session', async () => {
    const backend = new EncryptedBackend(new LocalFileBackend(path), ring());
    const session = await openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
    await session.upsert(vm(1));
    await session.upsert(vm(2));
    expect(readFileSync(`${path}.journal`, 'latin1').split('\n').filter(Boolean).every((l) => l.startsWith('drctlenc:'))).toBe(true);
    expect(filesText()).not.toContain('confidential');
    await session.commit();
    await session.upsert(vm(3));
    await session.close(); // vm.v3 stays in the journal
    expect(isEncrypted(readFileSync(path))).toBe(true);
    expect(filesText()).not.toContain('confidential');
    expect(filesText()).not.toContain('vm.v1');

    const read = await readState(new EncryptedBackend(new LocalFileBackend(path), ring()));
    expect(read.state.resources.map((r) => r.address)).toEqual(['vm.v1', 'vm.v2', 'vm.v3']);
    expect(read.snapshot?.serial).toBe(1);
    expect(read.journal.status).toBe('folded');
  });

  it('a flipped byte in the snapshot is a clear "tampered" error, not a partial state', async () => {
    const backend = new EncryptedBackend(new LocalFileBackend(path), ring());
    const session = await openState(backend, { drctlVersion: '0.1.0', lock: false });
    await session.upsert(vm(1));
    await session.commit();
    await session.close();
    const bytes = readFileSync(path);
    bytes[bytes.length - 30] ^= 0x04;
    writeFileSync(path, bytes);
    const err = await readState(backend).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateUnusableError);
    expect((err as StateUnusableError).reason).toBe('tampered');
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/tag does not match/);
  });

  it('a changed journal record is refused, naming the record', async () => {
    const backend = new EncryptedBackend(new LocalFileBackend(path), ring());
    const session = await openState(backend, { drctlVersion: '0.1.0', lock: false });
    await session.upsert(vm(1));
    await session.upsert(vm(2));
    await session.close();
    const lines = readFileSync(`${path}.journal`, 'latin1').split('\n');
    const raw = Buffer.from(lines[1].slice('drctlenc:'.length), 'base64');
    raw[raw.length - 20] ^= 1;
    lines[1] = `drctlenc:${raw.toString('base64')}`;
    writeFileSync(`${path}.journal`, lines.join('\n'));
    const err = (await readState(backend).catch((e: unknown) => e)) as StateUnusableError;
    expect(err.reason).toBe('tampered');
    expect(err.location).toBe(`${path} (journal record 2)`);
  });

  it('reads an existing plaintext state, and its next write encrypts it', async () => {
    const plain = new LocalFileBackend(path);
    const s1 = await openState(plain, { drctlVersion: '0.1.0', lock: false });
    await s1.upsert(vm(1));
    await s1.commit();
    await s1.close();
    expect(isEncrypted(readFileSync(path))).toBe(false);
    const backend = new EncryptedBackend(new LocalFileBackend(path), ring());
    const s2 = await openState(backend, { drctlVersion: '0.1.0', lock: false });
    expect(s2.resources.map((r) => r.address)).toEqual(['vm.v1']);
    await s2.upsert(vm(2));
    await s2.commit();
    await s2.close();
    expect(isEncrypted(readFileSync(path))).toBe(true);
  });

  it('refuses plaintext state when encryption is enforced', async () => {
    const s1 = await openState(new LocalFileBackend(path), { drctlVersion: '0.1.0', lock: false });
    await s1.upsert(vm(1));
    await s1.commit();
    await s1.close();
    const err = (await readState(new EncryptedBackend(new LocalFileBackend(path), ring(keyA, [], true))).catch((e: unknown) => e)) as StateUnusableError;
    expect(err).toBeInstanceOf(StateUnusableError);
    expect(err.reason).toBe('plaintext-refused');
  });

  it('a state written with the old key is read with the fallback and rewritten with the new one', async () => {
    const s1 = await openState(new EncryptedBackend(new LocalFileBackend(path), ring(keyA)), { drctlVersion: '0.1.0', lock: false });
    await s1.upsert(vm(1));
    await s1.commit();
    await s1.close();
    const rotated = new EncryptedBackend(new LocalFileBackend(path), ring(keyB, [keyA]));
    const s2 = await openState(rotated, { drctlVersion: '0.1.0', lock: false });
    await s2.upsert(vm(2));
    await s2.commit();
    await s2.close();
    expect((await readState(new EncryptedBackend(new LocalFileBackend(path), ring(keyB)))).state.resources).toHaveLength(2);
    // The previous version (.backup) is still under the old key: readable only with it.
    expect(await new EncryptedBackend(new LocalFileBackend(path), ring(keyA)).readPrevious()).not.toBeNull();
  });
});

describe('plan files', () => {
  const plan = { formatVersion: 1, changes: [{ address: 'vm.db01' }] } as unknown as Parameters<typeof encodePlanFile>[0];

  it('an encrypted plan decrypts to the same bytes and decodes to the same plan', async () => {
    const bytes = encodePlanFile(plan);
    const sealed = await encryptPlanFile(bytes, ring());
    const decoded = decodePlanFile(sealed);
    expect(decoded).toEqual({ ok: false, reason: expect.stringMatching(/it is encrypted; configure the key/) });
    const opened = await decryptPlanFile(sealed, ring());
    expect(opened.ok && Buffer.from(opened.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a changed plan file or a plain one under enforcement is refused with a reason', async () => {
    const sealed = Buffer.from(await encryptPlanFile(encodePlanFile(plan), ring()));
    sealed[sealed.length - 5] ^= 1;
    expect(await decryptPlanFile(sealed, ring())).toEqual({ ok: false, reason: expect.stringMatching(/changed after it was written/) });
    expect(await decryptPlanFile(encodePlanFile(plan), ring(keyA, [], true))).toEqual({ ok: false, reason: expect.stringMatching(/not encrypted, and encryption is enforced/) });
  });
});
