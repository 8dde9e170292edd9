// Saved plans (`drctl plan -out plan.bin`): the Plan as gzipped JSON behind a magic line, so a
// truncated or foreign file is told apart from a plan of another drctl version.
// A plan file holds no secret. Each sensitive value (an attribute path the configuration marked,
// a sensitive output) is stored as a keyed hash under a random key kept in the file, as state
// stores them; applying the file fills the values in from the configuration, which must still
// hash the same (restorePlanSecrets). What does not drive the cloud (diagnostics, drift,
// runbooks) goes through the run's redactor.
import { randomBytes } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { decryptBytes, encryptBytes, EncryptionError, isEncrypted, type Keyring } from '../state/encryption.js';
import { attributeAt, isRedacted, redact, replaceAttributePath, sensitiveValueMatches, type JsonObject, type JsonValue } from '../state/index.js';
import { SENSITIVE_VALUE } from '../redact/index.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlannedChange } from './plan.js';

const MAGIC = 'drctl-plan\n';

export interface PlanFileOptions {
  /** The run's redactor (src/redact), for the parts of the plan that do not drive the cloud. */
  readonly redact?: <T>(value: T) => T;
}

const markerKey = (sensitiveKey: string) => `plan:${sensitiveKey}`;

function maskChange(c: PlannedChange, key: string): PlannedChange {
  if (!c.sensitiveAttributes?.length) return c;
  const mask = (side: JsonObject | null): JsonObject | null => {
    let out = side;
    for (const p of c.sensitiveAttributes)
      if (out) out = replaceAttributePath(out, p, (v) => (isRedacted(v) ? v : (redact(key, c.address, p, v) as unknown as JsonValue)));
    return out;
  };
  return { ...c, before: mask(c.before), after: mask(c.after) };
}

/** The plan as it is written to a file: no secret in it (see above). */
export function planForFile(plan: Plan, opts: PlanFileOptions = {}): Plan {
  const sensitiveKey = randomBytes(16).toString('hex');
  const key = markerKey(sensitiveKey);
  const outputs: Record<string, JsonValue> = {};
  for (const [name, o] of Object.entries(plan.outputs ?? {})) {
    const out = o as { value?: JsonValue; sensitive?: boolean } | null;
    outputs[name] = out?.sensitive
      ? { value: redact(key, `output.${name}`, '', out.value ?? null) as unknown as JsonValue, sensitive: true }
      : (o as JsonValue);
  }
  const r = opts.redact ?? (<T>(v: T) => v);
  return {
    ...plan,
    changes: plan.changes.map((c) => maskChange(c, key)),
    ...(plan.outputs ? { outputs } : {}),
    drift: r(plan.drift),
    diagnostics: r(plan.diagnostics),
    ...(plan.runbooks ? { runbooks: r(plan.runbooks) } : {}),
    sensitiveKey,
  };
}

export function encodePlanFile(plan: Plan, opts: PlanFileOptions = {}): Uint8Array {
  const body = gzipSync(Buffer.from(JSON.stringify(planForFile(plan, opts)), 'utf8'));
  return Buffer.concat([Buffer.from(MAGIC, 'utf8'), body]);
}

/** Whether `bytes` begin as a plan file does (a damaged plan still does; a state file never). */
export function looksLikePlanFile(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, MAGIC.length));
  return isEncrypted(Buffer.from(bytes)) || buf.equals(Buffer.from(MAGIC, 'utf8'));
}

export type RestoredPlan = { ok: true; plan: Plan } | { ok: false; reason: string };

/**
 * A saved plan with its sensitive values filled in from the configuration being applied:
 * `desired` is each address's attributes now, `outputs` the plan outputs now (make.ts
 * outputsJson). A value whose keyed hash differs means the configuration (or a sensitive
 * variable) changed since the plan was made.
 */
export function restorePlanSecrets(plan: Plan, desired: ReadonlyMap<string, JsonObject>, outputs: JsonObject): RestoredPlan {
  if (!plan.sensitiveKey) return { ok: true, plan };
  const key = markerKey(plan.sensitiveKey);
  const stale = (what: string): RestoredPlan => ({
    ok: false,
    reason: `the value of ${what} is not the one the plan was made with (the plan file keeps only a keyed hash of each sensitive value). Give apply the same variables as plan (DRCTL_VAR_<name>, -var, -var-file)`,
  });
  const changes: PlannedChange[] = [];
  for (const c of plan.changes) {
    let { before, after } = c;
    for (const p of c.sensitiveAttributes) {
      const want = attributeAt(desired.get(c.address) ?? {}, p);
      const stored = after ? attributeAt(after, p) : undefined;
      if (after && isRedacted(stored)) {
        if (want === undefined || !sensitiveValueMatches(key, c.address, p, stored, want)) return stale(`${c.address} ${p}`);
        after = replaceAttributePath(after, p, () => want);
      }
      const old = before ? attributeAt(before, p) : undefined;
      // A before value hashed with the plan's key was the configured value (state's own markers stay).
      if (before && isRedacted(old) && want !== undefined && sensitiveValueMatches(key, c.address, p, old, want))
        before = replaceAttributePath(before, p, () => want);
    }
    changes.push(before === c.before && after === c.after ? c : { ...c, before, after });
  }
  const restored: Record<string, JsonValue> = {};
  for (const [name, o] of Object.entries(plan.outputs)) {
    const out = o as { value?: JsonValue; sensitive?: boolean } | null;
    if (!out?.sensitive || !isRedacted(out.value)) {
      restored[name] = o as JsonValue;
      continue;
    }
    const now = outputs[name] as { value?: JsonValue } | undefined;
    if (!now || !sensitiveValueMatches(key, `output.${name}`, '', out.value, now.value ?? null)) return stale(`output ${name}`);
    restored[name] = { value: now.value ?? null, sensitive: true };
  }
  const { sensitiveKey: _key, ...rest } = plan;
  return { ok: true, plan: { ...rest, changes, outputs: restored } };
}

/** A saved plan for showing: its keyed hashes read "(sensitive value)". */
export function planForDisplay(plan: Plan): Plan {
  if (!plan.sensitiveKey) return plan;
  const show = (v: JsonValue): JsonValue =>
    isRedacted(v)
      ? SENSITIVE_VALUE
      : Array.isArray(v)
        ? v.map(show)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]))
          : v;
  return {
    ...plan,
    changes: plan.changes.map((c) => ({ ...c, before: c.before && (show(c.before) as JsonObject), after: c.after && (show(c.after) as JsonObject) })),
    outputs: show(plan.outputs) as JsonObject,
  };
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
