// Saved plans (`drctl plan -out plan.bin`): the Plan as gzipped JSON behind a magic line, so a
// truncated or foreign file is told apart from a plan of another drctl version.
import { gzipSync, gunzipSync } from 'node:zlib';
import { decryptBytes, encryptBytes, EncryptionError, isEncrypted, type Keyring } from '../state/encryption.js';
import { PLAN_FORMAT_VERSION, type Plan } from './plan.js';

const MAGIC = 'drctl-plan\n';

export function encodePlanFile(plan: Plan): Uint8Array {
  const body = gzipSync(Buffer.from(JSON.stringify(plan), 'utf8'));
  return Buffer.concat([Buffer.from(MAGIC, 'utf8'), body]);
}

/** Whether `bytes` begin as a plan file does (a damaged plan still does; a state file never). */
export function looksLikePlanFile(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, MAGIC.length));
  return isEncrypted(Buffer.from(bytes)) || buf.equals(Buffer.from(MAGIC, 'utf8'));
}

export type DecodedPlan = { ok: true; plan: Plan } | { ok: false; reason: string };

export function decodePlanFile(bytes: Uint8Array): DecodedPlan {
  const buf = Buffer.from(bytes);
  if (isEncrypted(buf)) {
    return { ok: false, reason: 'it is encrypted; configure the key it was written with (the encryption block of the drctl settings, or DRCTL_ENCRYPTION)' };
  }
  if (!buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC, 'utf8'))) {
    return { ok: false, reason: 'it is not a drctl plan file (it does not start with the drctl-plan header)' };
  }
  let plan: Plan;
  try {
    plan = JSON.parse(gunzipSync(buf.subarray(MAGIC.length)).toString('utf8')) as Plan;
  } catch (e) {
    return { ok: false, reason: `it is damaged or truncated (${(e as Error).message})` };
  }
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    return { ok: false, reason: `it is in plan format ${plan.formatVersion}, and this drctl reads format ${PLAN_FORMAT_VERSION}` };
  }
  return { ok: true, plan };
}

// Encryption at rest wraps the encoded bytes: the plan inside is the same, byte for byte.

/** A plan file's bytes (encodePlanFile) as an AES-256-GCM envelope, for writing with encryption on. */
export function encryptPlanFile(bytes: Uint8Array, keyring: Keyring): Promise<Uint8Array> {
  return encryptBytes(bytes, keyring);
}

export type DecryptedPlanFile = { ok: true; bytes: Uint8Array; encrypted: boolean } | { ok: false; reason: string };

/**
 * The plan file bytes to decode, from what was read: an envelope is decrypted (tag verified
 * first); a plain file passes unless encryption is enforced.
 */
export async function decryptPlanFile(bytes: Uint8Array, keyring: Keyring): Promise<DecryptedPlanFile> {
  try {
    const { bytes: plain, encrypted } = await decryptBytes(bytes, keyring);
    return { ok: true, bytes: plain, encrypted };
  } catch (err) {
    if (!(err instanceof EncryptionError)) throw err;
    const what: Record<EncryptionError['reason'], string> = {
      'encryption-header': 'its encryption header is damaged',
      'wrong-key': 'it was encrypted with another key',
      tampered: 'it was changed after it was written (the AES-GCM tag does not match); nothing of it was read',
      'plaintext-refused': 'it is not encrypted, and encryption is enforced',
    };
    return { ok: false, reason: `${what[err.reason]} (${err.summary}). ${err.detail}` };
  }
}
