// The serial and lineage of a plain snapshot, read from its head without parsing the whole
// file: drctl writes "version", "serial" and "lineage" before anything else, so the first
// few hundred bytes say what a backend keeping history records beside the bytes.

import type { SnapshotMeta } from './backend.js';

const HEAD_BYTES = 4096;
const SERIAL = /"serial"\s*:\s*(\d{1,15})\s*[,}]/;
const LINEAGE = /"lineage"\s*:\s*"([A-Za-z0-9._:-]{1,200})"/;

/** The meta of plain state bytes, or null when the head does not hold both (encrypted, not drctl state). */
export function peekSnapshotMeta(bytes: Uint8Array): SnapshotMeta | null {
  let head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEAD_BYTES)).toString('utf8');
  // Only the envelope: a resource attribute named "serial" must not be taken for the state's.
  const body = head.search(/"(resources|lifecycles|outputs)"\s*:/);
  if (body !== -1) head = head.slice(0, body);
  const serial = SERIAL.exec(head);
  const lineage = LINEAGE.exec(head);
  if (!serial || !lineage) return null;
  return { serial: Number(serial[1]), lineage: lineage[1] };
}
