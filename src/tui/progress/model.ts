// The progress model behind the live view: a store folds engine events into counters, groups,
// live rows and an append-only list of finished lines. It is plain TypeScript (no React), so it
// is cheap to test and the Ink hook only decides when to take a snapshot and draw it.
//
// Events other than the engine's (DR runs: machine transitions, replication lag, RTO) are folded
// by extensions: `(draft, event) => handled`. The DR commands add theirs without touching this file.
import type { Action, EngineEvent } from '../../plan/index.js';
import { placeByType, type PlaceResource } from './placement.js';
import { compareAddressesForDisplay } from '../../review/address-order.js';

/** Any event with a type; the engine's are typed, the rest are handled by extensions. */
export type ProgressEvent = EngineEvent | { readonly type: string; readonly t?: number; readonly [key: string]: unknown };

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

export interface SiteBadge {
  readonly site: string;
  /** Lifecycle state as the site machine names it ("active", "failing_over", …). */
  readonly state: string;
  readonly tone: Tone;
}

export interface RpoReading {
  readonly volumeGroup: string;
  /** Seconds of writes the replica lacks; undefined when unknown. */
  readonly lagSeconds?: number;
  readonly rpoSeconds?: number;
  /** Replication state ("consistent_copying", …). */
  readonly state?: string;
}

export interface LiveRow {
  readonly address: string;
  readonly action: Action | string;
  readonly status: 'running' | 'refreshing';
  /** Wall time (store clock) the row started, for its elapsed time. */
  readonly startedAt: number;
  readonly message?: string;
}

export interface FinishedLine {
  readonly key: number;
  readonly kind: 'resource' | 'group' | 'note';
  readonly status: 'done' | 'failed' | 'skipped' | 'info' | 'warn';
  readonly address?: string;
  readonly action?: Action | string;
  readonly site: string;
  readonly group: string;
  readonly elapsedMs?: number;
  readonly text: string;
}

export interface GroupProgress {
  readonly key: string;
  readonly site: string;
  readonly group: string;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly running: readonly LiveRow[];
}

export interface EventLine {
  readonly key: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly text: string;
}

export type Phase = 'starting' | 'refreshing' | 'planned' | 'applying' | 'interrupted' | 'done';

export interface ProgressSnapshot {
  readonly title: string;
  readonly phase: Phase;
  readonly startedAt: number;
  /** Store clock at the snapshot. */
  readonly now: number;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly refresh: { readonly total: number; readonly done: number; readonly drifted: number };
  readonly groups: readonly GroupProgress[];
  /** Append-only: a line once here never changes (the view writes it once, to <Static>). */
  readonly finished: readonly FinishedLine[];
  readonly sites: readonly SiteBadge[];
  readonly rpo: readonly RpoReading[];
  readonly events: readonly EventLine[];
  readonly rto: { readonly plan?: string; readonly predictedSeconds?: number; readonly targetSeconds?: number; readonly actualSeconds?: number };
  readonly elapsedMs?: number;
  readonly version: number;
}

/** What an extension may change while folding an event. */
export interface ProgressDraft {
  setSite(badge: SiteBadge): void;
  setRpo(reading: RpoReading): void;
  setRto(rto: ProgressSnapshot['rto']): void;
  note(level: EventLine['level'], text: string): void;
  /** A line for the finished log (a DR step, a check result). */
  finish(line: Omit<FinishedLine, 'key'>): void;
  /** The run's tree and total, when the extension learns them (a DR runbook): rows placed by `place`. */
  plan(place: PlaceResource, addresses: readonly string[]): void;
  /** Folds an engine row event (resource.start/progress/done/failed/skipped) for a DR step. */
  row(event: Extract<EngineEvent, { type: `resource.${string}` }>): void;
  setTitle(title: string): void;
  readonly now: number;
}

export type ProgressExtension = (draft: ProgressDraft, event: ProgressEvent) => boolean;

export interface ProgressStoreOptions {
  readonly title?: string;
  readonly now: () => number;
  readonly place?: PlaceResource;
  /** Above this many resources, finished rows collapse into one line per group (failures stay). */
  readonly collapseAbove?: number;
  readonly extensions?: readonly ProgressExtension[];
  /** How many latest events the events pane keeps. */
  readonly eventsKept?: number;
}

interface Group {
  key: string;
  site: string;
  group: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  firstStart?: number;
  lastEnd?: number;
  actions: Map<string, number>;
  running: Map<string, LiveRow>;
  closed: boolean;
}

export function groupKey(site: string, group: string): string {
  return site ? `${site} › ${group}` : group;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

const PAST: Readonly<Record<string, string>> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'destroyed', 'no-op': 'checked' };

export class ProgressStore {
  private readonly opts: ProgressStoreOptions;
  private place: PlaceResource;
  private title: string;
  private phase: Phase = 'starting';
  /** Moved forward by the time spent paused (at a prompt), so elapsed times leave it out. */
  private startedAt: number;
  private pausedAt: number | undefined;
  private total = 0;
  private expected = new Map<string, number>();
  private done = 0;
  private failed = 0;
  private skipped = 0;
  private refresh = { total: 0, done: 0, drifted: 0 };
  private readonly groups = new Map<string, Group>();
  private readonly placed = new Map<string, Group>();
  private finished: FinishedLine[] = [];
  private finishedCopy: readonly FinishedLine[] = [];
  private readonly sites = new Map<string, SiteBadge>();
  private readonly rpo = new Map<string, RpoReading>();
  private events: EventLine[] = [];
  private rto: ProgressSnapshot['rto'] = {};
  private elapsedMs: number | undefined;
  private version = 0;
  private key = 0;
  private readonly listeners = new Set<() => void>();

  constructor(opts: ProgressStoreOptions) {
    this.opts = opts;
    this.place = opts.place ?? placeByType;
    this.title = opts.title ?? '';
    this.startedAt = opts.now();
  }

  /** Sets the tree's shape (from the plan) and the planned count of each group. */
  setPlan(place: PlaceResource, addresses: readonly string[], rto?: ProgressSnapshot['rto']): void {
    this.place = place;
    this.expected = new Map();
    for (const a of addresses) {
      const p = place(a);
      const k = groupKey(p.site, p.group);
      this.expected.set(k, (this.expected.get(k) ?? 0) + 1);
    }
    if (rto) this.rto = { ...this.rto, ...rto };
    if (this.opts.place === undefined) this.placed.clear();
    this.changed();
  }

  setTitle(title: string): void {
    this.title = title;
    this.changed();
  }

  /** The run waits for a person (an approval prompt): elapsed time stops until resume(). */
  pause(): void {
    this.pausedAt ??= this.opts.now();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    this.startedAt += this.opts.now() - this.pausedAt;
    this.pausedAt = undefined;
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private collapsed(): boolean {
    return this.total > (this.opts.collapseAbove ?? 60);
  }

  private groupOf(address: string): Group {
    let g = this.placed.get(address);
    if (g) return g;
    const p = this.place(address);
    const k = groupKey(p.site, p.group);
    g = this.groups.get(k);
    if (!g) {
      g = {
        key: k,
        site: p.site,
        group: p.group,
        total: this.expected.get(k) ?? 0,
        done: 0,
        failed: 0,
        skipped: 0,
        actions: new Map(),
        running: new Map(),
        closed: false,
      };
      this.groups.set(k, g);
    }
    this.placed.set(address, g);
    return g;
  }

  private push(line: Omit<FinishedLine, 'key'>): void {
    this.finished.push({ ...line, key: this.key++ });
  }

  private note(level: EventLine['level'], text: string): void {
    this.events.push({ key: this.key++, level, text });
    const kept = this.opts.eventsKept ?? 50;
    if (this.events.length > kept * 2) this.events = this.events.slice(-kept);
  }

  /** When every planned resource of a collapsed group has finished, one line sums it up. */
  private maybeCloseGroup(g: Group): void {
    if (!this.collapsed() || g.closed || g.running.size > 0) return;
    const settled = g.done + g.failed + g.skipped;
    if (g.total === 0 || settled < g.total) return;
    g.closed = true;
    const parts = [...g.actions].map(([a, n]) => `${n} ${PAST[a] ?? a}`);
    if (g.failed) parts.push(`${g.failed} failed`);
    if (g.skipped) parts.push(`${g.skipped} skipped`);
    const ms = g.firstStart !== undefined && g.lastEnd !== undefined ? g.lastEnd - g.firstStart : undefined;
    this.push({ kind: 'group', status: g.failed ? 'failed' : 'done', site: g.site, group: g.group, elapsedMs: ms, text: parts.join(', ') });
  }

  private settle(address: string, status: 'done' | 'failed' | 'skipped', action: string, elapsedMs: number | undefined, detail: string): void {
    const g = this.groupOf(address);
    const now = this.opts.now();
    g.running.delete(address);
    g.lastEnd = now;
    if (status === 'done') {
      g.done++;
      this.done++;
      g.actions.set(action, (g.actions.get(action) ?? 0) + 1);
    } else if (status === 'failed') {
      g.failed++;
      this.failed++;
    } else {
      g.skipped++;
      this.skipped++;
    }
    if (g.total < g.done + g.failed + g.skipped) g.total = g.done + g.failed + g.skipped;
    // Collapsed runs still list every failure on its own line: that is what the operator must read.
    if (!this.collapsed() || status === 'failed') {
      this.push({ kind: 'resource', status, address, action, site: g.site, group: g.group, elapsedMs, text: detail });
    }
    this.maybeCloseGroup(g);
  }

  private draft(now: number): ProgressDraft {
    return {
      setSite: (b) => void this.sites.set(b.site, b),
      setRpo: (r) => void this.rpo.set(r.volumeGroup, r),
      setRto: (r) => void (this.rto = { ...this.rto, ...r }),
      note: (level, text) => this.note(level, text),
      finish: (line) => this.push(line),
      plan: (place, addresses) => {
        this.place = place;
        this.placed.clear();
        this.expected = new Map();
        for (const a of addresses) {
          const p = place(a);
          const k = groupKey(p.site, p.group);
          this.expected.set(k, (this.expected.get(k) ?? 0) + 1);
        }
        this.total = addresses.length;
        this.phase = 'applying';
      },
      row: (e) => this.fold(e),
      setTitle: (title) => void (this.title = title),
      now,
    };
  }

  dispatch(event: ProgressEvent): void {
    this.fold(event);
    this.changed();
  }

  /** Exposed for extensions and the console: a badge, a gauge or an RTO from outside the stream. */
  update(change: (draft: ProgressDraft) => void): void {
    change(this.draft(this.opts.now()));
    this.changed();
  }

  private fold(e: ProgressEvent): void {
    const now = this.opts.now();
    switch (e.type) {
      case 'plan.start':
        this.phase = 'refreshing';
        return;
      case 'refresh.start': {
        const ev = e as Extract<EngineEvent, { type: 'refresh.start' }>;
        this.refresh.total++;
        this.groupOf(ev.address).running.set(ev.address, { address: ev.address, action: 'no-op', status: 'refreshing', startedAt: now });
        return;
      }
      case 'refresh.done': {
        const ev = e as Extract<EngineEvent, { type: 'refresh.done' }>;
        this.refresh.done++;
        this.groupOf(ev.address).running.delete(ev.address);
        if (ev.drift !== 'none') {
          this.refresh.drifted++;
          this.note('warn', `${ev.address} ${ev.drift === 'deleted' ? 'was deleted' : 'has changed'} outside drctl`);
        }
        return;
      }
      case 'plan.done': {
        const ev = e as Extract<EngineEvent, { type: 'plan.done' }>;
        this.phase = 'planned';
        const s = ev.summary;
        this.note('info', `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`);
        return;
      }
      case 'apply.start': {
        const ev = e as Extract<EngineEvent, { type: 'apply.start' }>;
        this.phase = 'applying';
        this.total = ev.total;
        for (const g of this.groups.values()) if (this.expected.has(g.key)) g.total = this.expected.get(g.key)!;
        return;
      }
      case 'resource.start': {
        const ev = e as Extract<EngineEvent, { type: 'resource.start' }>;
        const g = this.groupOf(ev.address);
        g.firstStart ??= now;
        g.running.set(ev.address, { address: ev.address, action: ev.action, status: 'running', startedAt: now });
        return;
      }
      case 'resource.progress': {
        const ev = e as Extract<EngineEvent, { type: 'resource.progress' }>;
        const g = this.groupOf(ev.address);
        const row = g.running.get(ev.address);
        if (row) g.running.set(ev.address, { ...row, message: ev.message });
        return;
      }
      case 'resource.done': {
        const ev = e as Extract<EngineEvent, { type: 'resource.done' }>;
        this.settle(ev.address, 'done', ev.action, ev.elapsedMs, ev.id && ev.action !== 'delete' ? `id=${ev.id}` : '');
        return;
      }
      case 'resource.failed': {
        const ev = e as Extract<EngineEvent, { type: 'resource.failed' }>;
        this.settle(ev.address, 'failed', ev.action, ev.elapsedMs, ev.error);
        this.note('error', `${ev.address}: ${ev.error}`);
        return;
      }
      case 'resource.skipped': {
        const ev = e as Extract<EngineEvent, { type: 'resource.skipped' }>;
        this.settle(ev.address, 'skipped', ev.action, undefined, ev.reason);
        return;
      }
      case 'apply.interrupted':
        this.phase = 'interrupted';
        this.note('warn', 'Interrupt received: no new changes will start; waiting for those in flight. Ctrl-C again exits at once.');
        return;
      case 'state.persisted': {
        const ev = e as Extract<EngineEvent, { type: 'state.persisted' }>;
        this.note('info', ev.changed ? `State saved (serial ${ev.serial}).` : 'State unchanged.');
        return;
      }
      case 'apply.done': {
        const ev = e as Extract<EngineEvent, { type: 'apply.done' }>;
        if (this.phase !== 'interrupted') this.phase = 'done';
        // The whole run as the operator waited for it (load and refresh included), not only the walk.
        this.elapsedMs = Math.max(ev.elapsedMs, now - this.startedAt);
        for (const g of this.groups.values()) this.maybeCloseGroup(g);
        return;
      }
      case 'log': {
        const ev = e as Extract<EngineEvent, { type: 'log' }>;
        this.note(ev.level, ev.message);
        return;
      }
      default:
        for (const ext of this.opts.extensions ?? []) if (ext(this.draft(now), e)) return;
    }
  }

  /** Marks the run finished without an apply (a plan, or a DR run whose reducer ends it). */
  end(elapsedMs?: number): void {
    if (this.phase !== 'interrupted') this.phase = 'done';
    this.elapsedMs = elapsedMs ?? this.opts.now() - this.startedAt;
    this.changed();
  }

  snapshot(): ProgressSnapshot {
    if (this.finishedCopy.length !== this.finished.length) this.finishedCopy = this.finished.slice();
    const groups: GroupProgress[] = [];
    for (const g of this.groups.values()) {
      // Settled groups leave the live tree: their lines are already in the finished log.
      if (g.closed || (g.running.size === 0 && g.done + g.failed + g.skipped >= g.total)) continue;
      groups.push({
        key: g.key,
        site: g.site,
        group: g.group,
        total: g.total,
        done: g.done,
        failed: g.failed,
        skipped: g.skipped,
        running: [...g.running.values()].sort((a, b) => compareAddressesForDisplay(a.address, b.address)),
      });
    }
    return {
      title: this.title,
      phase: this.phase,
      startedAt: this.startedAt,
      now: this.pausedAt ?? this.opts.now(),
      total: this.total,
      done: this.done,
      failed: this.failed,
      skipped: this.skipped,
      refresh: { ...this.refresh },
      groups,
      finished: this.finishedCopy,
      sites: [...this.sites.values()],
      rpo: [...this.rpo.values()],
      events: this.events.slice(-(this.opts.eventsKept ?? 50)),
      rto: this.rto,
      elapsedMs: this.elapsedMs,
      version: this.version,
    };
  }
}

export { seconds as formatElapsed };
