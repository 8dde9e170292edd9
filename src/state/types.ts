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
