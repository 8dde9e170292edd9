// An audit record: who did what, when, in which workspace, and how it ended. Records form a hash
// chain: each holds the hash of the one before (`prev`) and its own (`hash`), the SHA-256 of its
// canonical text without `hash`. One JSON line each, keys in a fixed order:
//
//   {"seq":1,"time":"2025-06-01T12:00:00.000Z","who":"alice","via":"token","action":"apply",
//    "workspace":"prod","outcome":"ok","detail":"3 added","prev":"000…000","hash":"5d41…"}
//
// Nothing secret goes in: the fields are names and outcomes, and `detail` (free text, e.g. an
// error message) is scrubbed of secrets and bounded before it is written.

import { createHash } from 'node:crypto';

export const AUDIT_FORMAT = 'drctl-audit-1';
/** The `prev` of the first record. */
export const GENESIS = '0'.repeat(64);
export const OUTCOMES = ['ok', 'failed', 'denied', 'interrupted'] as const;
export type Outcome = (typeof OUTCOMES)[number];
const MAX_DETAIL = 500;
const ACTION = /^[a-z][a-z0-9 -]{0,63}$/;

/** What a caller records; `seq`, `time` and the chain are added when it is appended. */
export interface AuditEntry {
  /** The identity's name. */
  readonly who: string;
  /** How the identity was established: token, env (DRCTL_USER) or os. */
  readonly via: 'token' | 'env' | 'os';
  /** What was done: "apply", "failover", "drill", "state rm", "workspace delete", "policy write", … */
  readonly action: string;
  readonly workspace: string;
  readonly outcome: Outcome;
  /** Optional short text: a summary, or why it failed. */
  readonly detail?: string;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
}

type Unhashed = Omit<AuditRecord, 'hash'>;

/** The canonical text of a record without its hash: fixed key order, no optional key when absent. */
export function canonicalBody(r: Unhashed): string {
  const body: Record<string, unknown> = { seq: r.seq, time: r.time, who: r.who, via: r.via, action: r.action, workspace: r.workspace, outcome: r.outcome };
  if (r.detail !== undefined) body.detail = r.detail;
  body.prev = r.prev;
  return JSON.stringify(body);
}

export function hashOf(r: Unhashed): string {
  return createHash('sha256')
    .update(`${AUDIT_FORMAT}\n${canonicalBody(r)}`)
    .digest('hex');
}

export function encodeRecord(r: AuditRecord): string {
  return `${canonicalBody(r).slice(0, -1)},"hash":${JSON.stringify(r.hash)}}`;
}

/** Checks an entry before it is recorded (a bad one is a bug in the caller). */
export function checkEntry(e: AuditEntry): void {
  if (!ACTION.test(e.action)) throw new TypeError(`Audit action "${e.action}" is not a lower-case name such as "apply" or "state rm"`);
  if (!(OUTCOMES as readonly string[]).includes(e.outcome)) throw new TypeError(`Audit outcome "${e.outcome}" is not one of ${OUTCOMES.join(', ')}`);
  if (!['token', 'env', 'os'].includes(e.via)) throw new TypeError(`Audit "via" must be token, env or os`);
  if (typeof e.who !== 'string' || e.who === '' || typeof e.workspace !== 'string' || e.workspace === '')
    throw new TypeError('An audit entry names who and the workspace');
}

/** A secret-free, bounded, single-line version of free text for `detail`. */
export function safeDetail(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  out = out
    // user:password@ in URLs
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@\s]*@/gi, '$1***@')
    // password=…, token: …, api_key=… and the like
    .replace(/\b((?:[a-z0-9_-]*(?:password|passwd|secret|token|api[_-]?key|apikey|passphrase))\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, '$1***')
    // bearer tokens
    .replace(/\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***')
    .replace(/[\r\n\t]+/g, ' ');
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL - 1)}…` : out;
}
