// The in-memory state: independent of the file format version (format.ts reads every version
// into this shape and writes the current one).

import type { JsonObject, JsonValue } from './json.js';

/** One managed object, as last seen after apply. */
export interface StateResource {
  /** "vm.db01"; unique, and the sort key of the file. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The provider's id (e.g. the PowerVS pvm-instance id). */
  readonly id: string;
  /** Provider attributes. Sensitive ones hold a redaction marker, never the value (see sensitive.ts). */
  readonly attributes: Readonly<JsonObject>;
  /** Addresses this resource depended on when it was applied (sorted), so destroy order survives config removal. */
  readonly dependencies: readonly string[];
  /** Attribute paths ("admin_password", "credentials.token", "users.0.secret") that are redacted. */
  readonly sensitiveAttributes: readonly string[];
}

export interface StateOutput {
  readonly value: JsonValue;
  readonly sensitive: boolean;
}

export interface DrState {
  /** Bumped by every write that changes content; never by a write that changes nothing. */
  readonly serial: number;
  /** A random id fixed when the state was created: two files with different lineages are unrelated. */
  readonly lineage: string;
  /** The drctl that last changed the content ('' when unknown, e.g. migrated from format 0). */
  readonly drctlVersion: string;
  /** Sorted by address. */
  readonly resources: readonly StateResource[];
  /** Persisted XState snapshots by key ("site.home"), so an interrupted failover can resume. */
  readonly lifecycles: Readonly<Record<string, JsonValue>>;
  readonly outputs: Readonly<Record<string, StateOutput>>;
}

export function emptyState(lineage: string, drctlVersion = ''): DrState {
  return { serial: 0, lineage, drctlVersion, resources: [], lifecycles: {}, outputs: {} };
}

/** Code-unit order, never the locale's: the same state sorts the same everywhere. */
export function compareAddresses(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The end of `[digits]` at `i` (the index just past `]`), or -1 when none starts there. */
function indexEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91 /* [ */) return -1;
  let e = i + 1;
  while (e < s.length && isDigit(s.charCodeAt(e))) e++;
  return e > i + 1 && s.charCodeAt(e) === 93 /* ] */ ? e + 1 : -1;
}

/**
 * The order people read addresses in (plans, state diffs, the live view): code units, except
 * that an instance index `[N]` compares as a number, so `vm.web[8]` comes before `vm.web[12]`
 * (and before any other text starting with `[`). The state file keeps compareAddresses, its
 * documented order. Allocates nothing: a plan sorts thousands.
 */
export function compareAddressesForDisplay(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === 91 && cb === 91) {
      const ea = indexEnd(a, i);
      const eb = indexEnd(b, i);
      if (ea >= 0 && eb >= 0) {
        // Digit runs: the longer is the larger number (indices have no leading zeros), then digit by digit.
        if (ea !== eb) return ea - eb;
        for (let k = i + 1; k < ea; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return a.charCodeAt(k) - b.charCodeAt(k);
        i = ea;
        continue;
      }
      if (ea >= 0 || eb >= 0) return ea >= 0 ? -1 : 1;
    }
    if (ca !== cb) return ca - cb;
    i++;
  }
  return a.length - b.length;
}
