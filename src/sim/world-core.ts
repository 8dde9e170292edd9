// The shared core of the simulated world: model time, the journal, the lookup indexes, the
// event log, tasks and the fault spec in force. The API operations live one file per collection
// (workspaces, pvm-instances, volumes, volume-groups, networks, tasks) as functions of this core;
// world.ts binds them into the World the server calls.

import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { notFound } from './errors.js';
import type { FaultSpec } from './faults.js';
import { iso } from './iso-time.js';
import {
  applyOp,
  COLLECTIONS,
  recordKey,
  type CollectionName,
  type Collections,
  type JournalEntry,
  type JournalOp,
  type NetworkRecord,
  type SimEvent,
  type TaskRecord,
  type VmRecord,
  type VolumeGroupRecord,
  type VolumeRecord,
  type WorkspaceRecord,
  type WorldData,
} from './records.js';

export interface WorldOptions {
  readonly clock: Clock;
  /** The IBM Cloud account the simulated workspaces belong to (it is in their CRNs). */
  readonly account?: string;
  /** Time scale 0: operations settle at once and replication has no lag. */
  readonly instant: boolean;
  readonly newId?: () => string;
}

/** The account simulated workspaces belong to unless told otherwise (32 hex digits, as IBM's). */
export const SIM_ACCOUNT = '5ad2a8f5a1b94e0c9d3e7f6a4b2c1d00';

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

/** The collections that live in a workspace, found by id or by name. */
export type Listed = 'vms' | 'volumes' | 'volumeGroups' | 'networks';

export class WorldCore {
  /** The fault spec in force (World.setFaults installs one and reconciles the links). */
  faults: FaultSpec = {};
  /** Host addresses in use per network. */
  readonly usedIps = new Map<string, Set<string>>();
  /** Where the next address search starts, per network (memory only; a restart rescans). */
  readonly ipCursor = new Map<string, number>();
  readonly newId: () => string;
  readonly account: string;
  /** Time scale 0: operations settle at once and replication has no lag. */
  readonly instant: boolean;
  private readonly clock: Clock;
  private opNow: number | undefined;
  private pending: JournalOp[] = [];
  /** Ids per collection and workspace: what a list answers. Names are not indexed: they are not unique. */
  private readonly members = new Map<string, Set<string>>();

  constructor(
    readonly data: WorldData,
    opts: WorldOptions,
  ) {
    this.clock = opts.clock;
    this.instant = opts.instant;
    this.newId = opts.newId ?? randomUUID;
    this.account = opts.account ?? SIM_ACCOUNT;
    for (const c of COLLECTIONS) for (const rec of Object.values(data[c])) this.index(c, rec, true);
  }

  // ---- time, journal, indexes -------------------------------------------------------

  /** Model time; never earlier than anything already recorded, and fixed during one operation. */
  now(): number {
    return this.opNow ?? Math.max(this.clock.now(), this.data.highWaterMs);
  }

  /** Runs one API operation at a single instant of model time. */
  atOneInstant<T>(op: () => T): T {
    if (this.opNow !== undefined) return op();
    this.opNow = this.now();
    try {
      return op();
    } finally {
      this.opNow = undefined;
    }
  }

  dur(seconds: number): number {
    return this.instant ? 0 : Math.round(seconds * 1000);
  }

  /** The changes made since the last call, as one journal entry (undefined if none). */
  takeEntry(): JournalEntry | undefined {
    if (this.pending.length === 0) return undefined;
    this.record({ t: 'time', ms: this.now() });
    const ops = this.pending;
    this.pending = [];
    this.data.seq += 1;
    return { seq: this.data.seq, ops };
  }

  private record(op: JournalOp): void {
    applyOp(this.data, op);
    this.pending.push(op);
  }

  put<C extends CollectionName>(c: C, rec: Collections[C]): void {
    const old = (this.data[c] as Record<string, Collections[C]>)[recordKey(c, rec)];
    if (old) this.index(c, old, false);
    this.record({ t: 'put', c, v: rec });
    this.index(c, rec, true);
  }

  del(c: CollectionName, key: string): void {
    const old = (this.data[c] as Record<string, Collections[CollectionName]>)[key];
    if (!old) return;
    this.index(c, old, false);
    this.record({ t: 'del', c, id: key });
  }

  private index(c: CollectionName, rec: Collections[CollectionName], add: boolean): void {
    if (c === 'tasks' || c === 'consistencyGroups' || c === 'workspaces') return;
    const r = rec as VmRecord | VolumeRecord | VolumeGroupRecord | NetworkRecord;
    const memberKey = `${c}\u0000${r.workspace}`;
    let set = this.members.get(memberKey);
    if (!set) this.members.set(memberKey, (set = new Set()));
    // An auxiliary copy not yet onboarded lives in the partner's storage, not in its workspace.
    if (add && (r as VolumeRecord).onboarded !== false) set.add(r.id);
    else set.delete(r.id);
    if (c === 'vms') {
      for (const n of (r as VmRecord).networks) {
        let ips = this.usedIps.get(n.networkID);
        if (!ips) this.usedIps.set(n.networkID, (ips = new Set()));
        if (add) ips.add(n.ipAddress);
        else ips.delete(n.ipAddress);
      }
    }
  }

  membersOf<C extends Listed>(c: C, ws: string): Collections[C][] {
    const ids = this.members.get(`${c}\u0000${ws}`);
    if (!ids) return [];
    const table = this.data[c] as Record<string, Collections[C]>;
    return [...ids].map((id) => table[id]);
  }

  event(
    type: string,
    ws: WorkspaceRecord,
    resource: SimEvent['resource'],
    extra: { effectiveAtMs?: number; outcome?: 'completed' | 'failed'; detail?: Record<string, unknown> } = {},
  ): void {
    const atMs = this.now();
    // Optional keys are added after the literal, in the same order a spread would give them:
    // V8 builds `...(cond ? {…} : {})` slowly, and an apply records thousands of events.
    const ev: { -readonly [K in keyof SimEvent]: SimEvent[K] } = {
      seq: this.data.eventSeq + 1,
      atMs,
      at: iso(atMs),
      type,
      workspace: ws.id,
      location: ws.location,
      resource,
    };
    if (extra.effectiveAtMs !== undefined) {
      ev.effectiveAtMs = extra.effectiveAtMs;
      ev.effectiveAt = iso(extra.effectiveAtMs);
    }
    if (extra.outcome) ev.outcome = extra.outcome;
    if (extra.detail) ev.detail = extra.detail;
    this.record({ t: 'event', v: ev });
  }

  task(ws: WorkspaceRecord, t: Omit<TaskRecord, 'id' | 'workspace' | 'createdMs'>): TaskRecord {
    const rec: TaskRecord = { id: this.newId(), workspace: ws.id, createdMs: this.now(), ...t };
    this.put('tasks', rec);
    return rec;
  }

  // ---- lookups and faults -------------------------------------------------------------

  /** The workspace with this id, or a 404. */
  workspace(id: string): WorkspaceRecord {
    const ws = this.data.workspaces[id];
    if (!ws) throw notFound(`cloud instance ${id} not found`);
    return ws;
  }

  /** A record of the workspace by id (names are not unique, so never by name), or a 404 naming `what`. */
  findIn<C extends Listed>(c: C, ws: string, id: string, what: string): Collections[C] {
    const rec = (this.data[c] as Record<string, Collections[C]>)[id];
    if (!rec || rec.workspace !== ws || (rec as VolumeRecord).onboarded === false) throw notFound(`${what} ${id} not found in cloud instance ${ws}`);
    return rec;
  }

  /** A boot-fail fault applies to the next boot of that VM only: it is used up here. */
  takeBootFailure(serverName: string): boolean {
    const names = this.faults.bootFail ?? [];
    if (!names.includes(serverName)) return false;
    this.faults = { ...this.faults, bootFail: names.filter((n) => n !== serverName) };
    return true;
  }
}
