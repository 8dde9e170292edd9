// The state journal: one JSON line per completed change, appended during apply so a crash loses
// nothing that finished, at a cost proportional to the change rather than to the whole state.
// The first record names the snapshot it continues ({op:"begin", lineage, serial}); compaction
// writes a new snapshot and clears the journal. Folding is pure and lives here; storing the
// records is the backend's job.

import { canonicalJson, type JsonValue } from './json.js';
import { StateUnusableError } from './errors.js';
import { parseState, toResourceRecord, storedOutput, type ResourceRecord } from './format.js';
import { compareAddresses, emptyState, type DrState, type StateOutput, type StateResource } from './types.js';

export const JOURNAL_FORMAT_VERSION = 1;

export type JournalEntry =
  | { readonly op: 'upsert'; readonly resource: StateResource }
  | { readonly op: 'remove'; readonly address: string }
  | { readonly op: 'lifecycle'; readonly key: string; /** null removes it */ readonly snapshot: JsonValue | null }
  | { readonly op: 'output'; readonly name: string; /** null removes it */ readonly output: StateOutput | null };

export interface JournalHeader {
  readonly lineage: string;
  /** The serial of the snapshot this journal continues. */
  readonly serial: number;
}

/** One journal line (no newline inside; canonical so equal changes give equal bytes). */
export function encodeJournalHeader(header: JournalHeader): string {
  return canonicalJson({ op: 'begin', format: JOURNAL_FORMAT_VERSION, lineage: header.lineage, serial: header.serial });
}

export function encodeJournalEntry(entry: JournalEntry, lineage: string): string {
  switch (entry.op) {
    case 'upsert':
      return canonicalJson({ op: 'upsert', resource: toResourceRecord(entry.resource, lineage) });
    case 'remove':
      return canonicalJson({ op: 'remove', address: entry.address });
    case 'lifecycle':
      return canonicalJson({ op: 'lifecycle', key: entry.key, snapshot: entry.snapshot });
    case 'output':
      return canonicalJson({ op: 'output', name: entry.name, output: entry.output && storedOutput(entry.name, entry.output, lineage) });
  }
}

type DecodedRecord = { readonly header: JournalHeader } | { readonly entry: JournalEntry };

/** Decodes one line; undefined when it is not a valid record (torn, corrupt or unknown). */
export function decodeJournalRecord(line: string, lineage: string): DecodedRecord | undefined {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  switch (r.op) {
    case 'begin':
      if (r.format !== JOURNAL_FORMAT_VERSION || typeof r.lineage !== 'string' || !Number.isSafeInteger(r.serial)) return undefined;
      return { header: { lineage: r.lineage, serial: r.serial as number } };
    case 'upsert': {
      const resource = decodeRecordResource(r.resource as ResourceRecord, lineage);
      return resource && { entry: { op: 'upsert', resource } };
    }
    case 'remove':
      return typeof r.address === 'string' ? { entry: { op: 'remove', address: r.address } } : undefined;
    case 'lifecycle':
      return typeof r.key === 'string' && 'snapshot' in r ? { entry: { op: 'lifecycle', key: r.key, snapshot: r.snapshot as JsonValue } } : undefined;
    case 'output': {
      const o = r.output as StateOutput | null;
      const valid = o === null || (typeof o === 'object' && 'value' in o && typeof o.sensitive === 'boolean');
      return typeof r.name === 'string' && valid ? { entry: { op: 'output', name: r.name, output: o } } : undefined;
    }
    default:
      return undefined;
  }
}

/** Reuses the state file's resource validation, so a journal cannot smuggle in what a snapshot could not hold. */
function decodeRecordResource(record: ResourceRecord, lineage: string): StateResource | undefined {
  const probe = parseState(JSON.stringify({ version: 1, serial: 0, lineage: lineage || 'journal', resources: [record] }), 'journal');
  return probe.ok ? probe.state.resources[0] : undefined;
}

export interface JournalFold {
  readonly state: DrState;
  /** 'folded': applied; 'stale': it continued an older snapshot whose successor already holds it; 'none': empty. */
  readonly status: 'none' | 'folded' | 'stale';
  readonly header?: JournalHeader;
  readonly entries: number;
  /** The last record was incomplete (a write torn by a crash) and was ignored. */
  readonly tornTail: boolean;
  readonly warnings: readonly string[];
}

/**
 * Folds journal records (complete lines, as the backend returned them) into the snapshot they
 * continue. `snapshot` is null when no snapshot exists yet (a first apply that crashed).
 * An incomplete or unreadable last line is a torn write: ignored with a warning, never an error.
 */
export function foldJournal(
  snapshot: DrState | null,
  records: readonly string[],
  incompleteTail: boolean,
  location: string,
): JournalFold {
  const warnings: string[] = [];
  let tornTail = incompleteTail;
  let lines = records;
  if (lines.length > 0 && /^\0*$/.test(lines[lines.length - 1])) {
    // Some filesystems leave a zero-filled block where an append was torn.
    lines = lines.slice(0, -1);
    tornTail = true;
  }
  const decoded: DecodedRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const record = decodeJournalRecord(lines[i], snapshot?.lineage ?? '');
    if (record) {
      decoded.push(record);
      continue;
    }
    if (i === lines.length - 1) {
      tornTail = true;
      continue;
    }
    throw new StateUnusableError(
      'journal-corrupt',
      location,
      'Corrupt state journal',
      `Line ${i + 1} of the journal is not a valid record, and later lines depend on it. The snapshot itself is intact: move the journal aside to use it, knowing that changes recorded after line ${i} are lost.`,
    );
  }
  if (tornTail) warnings.push('The last journal record was incomplete (a write interrupted by a crash) and was ignored.');
  const base = { entries: 0, tornTail, warnings };
  if (decoded.length === 0) return { ...base, state: snapshot ?? emptyState(''), status: 'none' };

  const first = decoded[0];
  if (!('header' in first)) {
    throw new StateUnusableError('journal-corrupt', location, 'Corrupt state journal', 'The journal does not start with a "begin" record naming the snapshot it continues. Move it aside to use the snapshot alone.');
  }
  const header = first.header;
  if (snapshot && header.lineage !== snapshot.lineage) {
    throw new StateUnusableError(
      'journal-mismatch',
      location,
      'State journal belongs to another state',
      `The journal continues lineage ${header.lineage} but the state file has lineage ${snapshot.lineage}: the file was replaced while a run was in progress. Check which is right, then move the journal aside.`,
    );
  }
  const snapshotSerial = snapshot?.serial ?? 0;
  if (header.serial < snapshotSerial) {
    // Compaction wrote the newer snapshot and stopped before clearing the journal.
    warnings.push(`Ignored a stale journal (it continued serial ${header.serial}; the snapshot is already at serial ${snapshotSerial}).`);
    return { ...base, state: snapshot!, status: 'stale', header };
  }
  if (header.serial > snapshotSerial) {
    throw new StateUnusableError(
      'journal-ahead',
      location,
      'State journal is ahead of the snapshot',
      snapshot
        ? `The journal continues serial ${header.serial} but the state file is at serial ${snapshotSerial}: the file was rolled back while a run was in progress. Restore the newer state file, or move the journal aside.`
        : `The journal continues serial ${header.serial} but the state file is missing. Restore the state file (or its ".backup") before running again.`,
    );
  }

  const resources = new Map<string, StateResource>();
  for (const r of snapshot?.resources ?? []) resources.set(r.address, r);
  const lifecycles: Record<string, JsonValue> = { ...(snapshot?.lifecycles ?? {}) };
  const outputs: Record<string, StateOutput> = { ...(snapshot?.outputs ?? {}) };
  let entries = 0;
  for (let i = 1; i < decoded.length; i++) {
    const record = decoded[i];
    if (!('entry' in record)) {
      throw new StateUnusableError('journal-corrupt', location, 'Corrupt state journal', `Line ${i + 1} starts a second journal inside the first. Move the journal aside to use the snapshot alone.`);
    }
    entries++;
    const e = record.entry;
    if (e.op === 'upsert') resources.set(e.resource.address, e.resource);
    else if (e.op === 'remove') resources.delete(e.address);
    else if (e.op === 'lifecycle') {
      if (e.snapshot === null) delete lifecycles[e.key];
      else lifecycles[e.key] = e.snapshot;
    } else if (e.output === null) delete outputs[e.name];
    else outputs[e.name] = e.output;
  }
  const base0 = snapshot ?? emptyState(header.lineage);
  const state: DrState = {
    ...base0,
    resources: [...resources.values()].sort((a, b) => compareAddresses(a.address, b.address)),
    lifecycles,
    outputs,
  };
  return { ...base, state, status: 'folded', header, entries };
}
