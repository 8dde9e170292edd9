// Secrets never reach the state file. A sensitive attribute is stored as a marker
//   { "hmac_sha256": "<64 hex>", "sensitive": true }
// keyed by the state's lineage and bound to the resource address and attribute path, so drift
// can still be detected (hash the desired value the same way and compare) while the value is not
// there, equal secrets on two resources do not look equal, and precomputed tables are useless.
// A keyed hash cannot protect a guessable secret from someone who can read the file: docs/state.md
// says so, and encryption at rest will sit between serialisation and storage.

import { createHmac } from 'node:crypto';
import { canonicalJson, type JsonObject, type JsonValue } from './json.js';

export interface RedactedValue {
  readonly sensitive: true;
  readonly hmac_sha256: string;
}

export function isRedacted(value: unknown): value is RedactedValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.sensitive === true && typeof v.hmac_sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.hmac_sha256) && Object.keys(v).length === 2;
}

/** The marker for `value` at `path` of the resource (or output) at `address`. */
export function redact(lineage: string, address: string, path: string, value: unknown): RedactedValue {
  const mac = createHmac('sha256', `drctl-state:${lineage}`);
  mac.update(`${address}\n${path}\n${canonicalJson(value)}`);
  return { sensitive: true, hmac_sha256: mac.digest('hex') };
}

/** Drift check: does the stored marker stand for `candidate`? */
export function sensitiveValueMatches(lineage: string, address: string, path: string, stored: unknown, candidate: unknown): boolean {
  return isRedacted(stored) && stored.hmac_sha256 === redact(lineage, address, path, candidate).hmac_sha256;
}

/** "users.0.secret" → ["users", 0, "secret"]; all-digit segments index arrays. */
export function parseAttributePath(path: string): Array<string | number> | undefined {
  if (path === '') return undefined;
  const parts = path.split('.');
  if (parts.some((p) => p === '')) return undefined;
  return parts.map((p) => (/^(0|[1-9]\d*)$/.test(p) ? Number(p) : p));
}

/**
 * A copy of `attributes` with every listed path replaced by its marker (paths that are absent are
 * ignored; values already redacted stay as they are). Copies only the objects along each path.
 */
export function redactAttributes(attributes: JsonObject, paths: readonly string[], lineage: string, address: string): JsonObject {
  let result = attributes;
  for (const path of paths) {
    const segments = parseAttributePath(path);
    if (!segments) continue;
    const replaced = replaceAt(result, segments, 0, (value) => (isRedacted(value) ? value : (redact(lineage, address, path, value) as unknown as JsonValue)));
    if (replaced !== undefined) result = replaced as JsonObject;
  }
  return result;
}

/** The value at an attribute path ("groups.0.post_check"), or undefined. */
export function attributeAt(attributes: JsonValue, path: string): JsonValue | undefined {
  const segments = parseAttributePath(path);
  let node: JsonValue | undefined = attributes;
  for (const key of segments ?? []) {
    if (Array.isArray(node)) node = typeof key === 'number' ? node[key] : undefined;
    else if (typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, String(key))) node = node[String(key)];
    else return undefined;
  }
  return segments ? node : undefined;
}

/** A copy of `attributes` with the value at `path` changed (copying only the objects along it); the same object when the path is absent. */
export function replaceAttributePath(attributes: JsonObject, path: string, change: (v: JsonValue) => JsonValue): JsonObject {
  const segments = parseAttributePath(path);
  if (!segments) return attributes;
  return (replaceAt(attributes, segments, 0, change) as JsonObject | undefined) ?? attributes;
}

function replaceAt(node: JsonValue, segments: ReadonlyArray<string | number>, i: number, change: (v: JsonValue) => JsonValue): JsonValue | undefined {
  const key = segments[i];
  let child: JsonValue | undefined;
  if (Array.isArray(node)) {
    if (typeof key !== 'number' || key >= node.length) return undefined;
    child = node[key];
  } else if (typeof node === 'object' && node !== null) {
    if (!Object.prototype.hasOwnProperty.call(node, String(key))) return undefined;
    child = node[String(key)];
  } else {
    return undefined;
  }
  const next = i === segments.length - 1 ? change(child) : replaceAt(child, segments, i + 1, change);
  if (next === undefined || next === child) return next === child ? node : undefined;
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[key as number] = next;
    return copy;
  }
  return { ...(node as JsonObject), [String(key)]: next };
}
