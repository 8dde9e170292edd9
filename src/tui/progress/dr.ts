// DR runs in the live view. The lifecycle reports a run as DrEvents (KSYS names, machine
// transitions); the view also learns the runbook (before the run), verify's checks and the run
// record's RTO (after it). Each becomes one `dr.*` progress event, and `drProgressExtension()`
// folds them into the store: site machine badges, an RPO gauge per volume group, VMs as rows
// under site → recovery group, and predicted vs actual RTO. Plain data, no React.
import type { DrEvent, VerifyCheck, VerifyReport } from '../../lifecycle/index.js';
// Direct, not the config facade: views load only what they draw with.
import { parseDuration } from '../../config/duration.js';
import type { Runbook } from '../../plan/index.js';
import type { Placement } from './placement.js';
import type { ProgressDraft, ProgressEvent, ProgressExtension, RpoReading, Tone } from './model.js';

export type DrProgressEvent =
  | { readonly type: 'dr.runbook'; readonly runbook: Runbook }
  | { readonly type: 'dr.event'; readonly event: DrEvent }
  | { readonly type: 'dr.verify'; readonly report: VerifyReport }
  | { readonly type: 'dr.result'; readonly ok: boolean; readonly summary: string; readonly actualSeconds?: number };

export const runbookEvent = (runbook: Runbook): DrProgressEvent => ({ type: 'dr.runbook', runbook });
export const drEvent = (event: DrEvent): DrProgressEvent => ({ type: 'dr.event', event });
export const verifyEvent = (report: VerifyReport): DrProgressEvent => ({ type: 'dr.verify', report });
export const resultEvent = (ok: boolean, summary: string, actualSeconds?: number): DrProgressEvent => ({
  type: 'dr.result',
  ok,
  summary,
  ...(actualSeconds !== undefined ? { actualSeconds } : {}),
});

/** "site.home" → "home", "volume_group.erp_db" → "erp_db": the view names things as people do. */
const short = (address: string) => address.replace(/^(site|volume_group)\./, '');

const BUSY_SITE = new Set(['failing-over', 'failing-back', 'resyncing', 'drilling', 'cleaning-up']);

/** The recovery groups of a runbook, from its "group NAME" phases ("boot vm.a, vm.b"). */
export function runbookGroups(rb: Runbook): { readonly name: string; readonly vms: readonly string[] }[] {
  return rb.phases
    .filter((p) => p.name.startsWith('group '))
    .map((p) => ({ name: p.name.slice(6), vms: (p.steps.find((s) => s.startsWith('boot ')) ?? 'boot ').slice(5).split(', ').filter(Boolean) }));
}

function checkText(c: VerifyCheck): string {
  return `${c.name} ${short(c.subject)}: ${c.message}`;
}

const DURATION = '((?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+)';
const LAG = new RegExp(`lag ${DURATION}`);
const RPO = new RegExp(`RPO ${DURATION}`);

/** The lag and RPO a replication check states ("consistent_copying, lag 2m5s (RPO 15m)"), for its gauge. */
export function durationsOf(message: string): { lagSeconds?: number; rpoSeconds?: number } {
  const lag = LAG.exec(message);
  const rpo = RPO.exec(message);
  const lagSeconds = lag ? parseDuration(lag[1]) : undefined;
  const rpoSeconds = rpo ? parseDuration(rpo[1]) : undefined;
  return { ...(lagSeconds !== undefined ? { lagSeconds } : {}), ...(rpoSeconds !== undefined ? { rpoSeconds } : {}) };
}

/** One extension per store: it remembers the run's sites, groups and rows between events. */
export function drProgressExtension(): ProgressExtension {
  let kind: Runbook['kind'] | undefined;
  let from = '';
  let to = '';
  const place = new Map<string, Placement>();
  const rows = new Map<string, number>();
  const settled = new Set<string>();
  const rpo = new Map<string, RpoReading>();
  const groupStart = new Map<string, number>();

  const action = () => (kind === 'drill' ? 'drill' : 'move');
  const setRpo = (d: ProgressDraft, vg: string, change: Partial<RpoReading>) => {
    const name = short(vg);
    const r: RpoReading = { ...(rpo.get(name) ?? { volumeGroup: name }), ...change, volumeGroup: name };
    rpo.set(name, r);
    d.setRpo(r);
  };
  const start = (d: ProgressDraft, vm: string, message: string) => {
    if (settled.has(vm)) return;
    if (!rows.has(vm)) {
      rows.set(vm, d.now);
      const g = place.get(vm)?.group;
      if (g && !groupStart.has(g)) groupStart.set(g, d.now);
      d.row({ type: 'resource.start', t: 0, address: vm, action: action() as never });
    }
    d.row({ type: 'resource.progress', t: 0, address: vm, message });
  };
  const settle = (d: ProgressDraft, vm: string, ok: boolean, text: string) => {
    if (settled.has(vm)) return;
    if (!rows.has(vm)) start(d, vm, text);
    settled.add(vm);
    const elapsedMs = Math.round(d.now - (rows.get(vm) ?? d.now));
    d.row(
      ok
        ? { type: 'resource.done', t: 0, address: vm, action: action() as never, id: '', elapsedMs }
        : { type: 'resource.failed', t: 0, address: vm, action: action() as never, error: text, elapsedMs },
    );
  };
  const badge = (d: ProgressDraft, site: string, state: string, tone: Tone) => site && d.setSite({ site: short(site), state, tone });

  const onRunbook = (d: ProgressDraft, rb: Runbook) => {
    kind = rb.kind;
    from = rb.from;
    to = rb.to;
    place.clear();
    const vms: string[] = [];
    for (const g of runbookGroups(rb)) for (const vm of g.vms) if (!place.has(vm)) (place.set(vm, { site: short(to), group: g.name }), vms.push(vm));
    d.plan((a) => place.get(a) ?? { site: short(to), group: a.slice(0, Math.max(0, a.indexOf('.'))) || a }, vms);
    d.setRto({ plan: rb.plan, predictedSeconds: rb.predictedSeconds, targetSeconds: rb.targetSeconds });
    badge(d, from, 'active', 'ok');
    badge(d, to, 'standby', 'idle');
    for (const r of rb.replication)
      setRpo(d, r.volumeGroup, rb.kind === 'drill' ? { state: 'to clone' } : { state: r.state, lagSeconds: r.lagSeconds, rpoSeconds: r.rpoSeconds });
    if (rb.unplanned) d.note('warn', `Unplanned: up to ${Math.round(rb.dataLossWindowSeconds)}s of writes at ${short(from)} may be lost.`);
    for (const b of rb.blockers) d.note('warn', `Blocked: ${b}`);
  };

  const onDrEvent = (d: ProgressDraft, e: DrEvent) => {
    const subject = e.subject ?? '';
    const detail = e.detail ?? {};
    if (e.name === 'machine.transition') {
      const state = String(detail.to ?? e.message.split('→ ').pop() ?? '');
      if (subject === 'site') {
        if (BUSY_SITE.has(state)) badge(d, to, state, 'busy');
        else if (state === 'needs-attention') badge(d, to, state, 'bad');
        else if (kind === 'drill') badge(d, to, 'standby', 'idle');
      } else if (subject.startsWith('drill.')) {
        d.setSite({
          site: subject.replace(/^drill\./, 'drill '),
          state,
          tone: /fail/.test(state) ? 'bad' : state === 'done' || state === 'passed' ? 'ok' : 'busy',
        });
      } else if (subject.startsWith('vm.') && state === 'storage-switching') {
        start(d, subject, `switching storage to ${short(to)}`);
      }
      return;
    }
    const level = e.severity === 'critical' ? 'error' : e.severity === 'warning' ? 'warn' : 'info';
    d.note(level, `${e.name === 'run.step' ? '' : `${e.name} `}${e.message}`);
    const group = subject.startsWith('group ') ? subject.slice(6) : undefined;
    switch (e.name) {
      case 'MOVE_STARTED':
      case 'MOVE_RESUMED':
        if (typeof detail.from === 'string') from = detail.from;
        if (typeof detail.to === 'string') to = detail.to;
        return;
      case 'VM_SHUTDOWN_STARTED':
        return start(d, subject, `shutting down at ${short(from)}`);
      case 'VM_SHUTDOWN_COMPLETED':
        return start(d, subject, `off at ${short(from)}; waiting for storage`);
      case 'VM_SOURCE_UNREACHABLE':
        return start(d, subject, `${short(from)} unreachable; moving without it`);
      case 'VM_BOOTUP_STARTED':
        return start(d, subject, kind === 'drill' ? `booting the clone at ${short(to)}` : `booting at ${short(to)}`);
      case 'VM_BOOTUP_COMPLETED':
        return settle(d, subject, true, `up at ${short(to)}`);
      case 'VG_REVERSAL_STARTED':
        return setRpo(d, subject, { state: 'switching', ...(typeof detail.lagSeconds === 'number' ? { lagSeconds: detail.lagSeconds } : {}) });
      case 'VG_REVERSAL_COMPLETED':
        return setRpo(d, subject, { state: `writable at ${short(to)}` });
      case 'REPLICATION_REVERSED':
        return setRpo(d, subject, { state: `reversed ${short(to)} → ${short(from)}` });
      case 'REPLICATION_REVERSE_FAILED':
        return setRpo(d, subject, { state: 'stopped (not reversed)' });
      case 'RESYNC_COMPLETED':
        return setRpo(d, subject, { state: 'consistent_copying (resynced)' });
      case 'GROUP_COMPLETED':
        if (group)
          d.finish({
            kind: 'note',
            status: 'done',
            site: short(to),
            group,
            text: `group ${group} is up at ${short(to)}${groupStart.has(group) ? ` (${((d.now - groupStart.get(group)!) / 1000).toFixed(1)}s)` : ''}`,
          });
        return;
      case 'POST_CHECK_PASSED':
      case 'POST_CHECK_FAILED':
      case 'MANUAL_STEP':
        d.finish({
          kind: 'note',
          status: e.name === 'POST_CHECK_PASSED' ? 'done' : e.name === 'MANUAL_STEP' ? 'warn' : 'failed',
          site: short(to),
          group: group ?? '',
          text: `${group ? `group ${group}: ` : ''}${e.message}`,
        });
        return;
      case 'MOVE_COMPLETED':
        badge(d, to, 'active', 'ok');
        badge(d, from, 'standby', 'idle');
        return;
      case 'DRILL_CLEANUP_COMPLETED':
      case 'DRILL_CLEANUP_FAILED':
        d.finish({
          kind: 'note',
          status: e.name === 'DRILL_CLEANUP_COMPLETED' ? 'done' : 'failed',
          site: short(to),
          group: 'cleanup',
          text: `cleanup: ${e.message}`,
        });
        return;
      default:
        if (e.name === 'run.step' && subject.startsWith('volume_group.') && /^cloned/.test(e.message)) return setRpo(d, subject, { state: 'cloned' });
        // A failure about one VM fails its row; the run's own failure events only go to the pane.
        if (subject.startsWith('vm.') && e.severity === 'critical') settle(d, subject, false, e.message.replace(`${subject}: `, ''));
    }
  };

  return (draft, event: ProgressEvent) => {
    const e = event as DrProgressEvent;
    switch (e.type) {
      case 'dr.runbook':
        onRunbook(draft, e.runbook);
        return true;
      case 'dr.event':
        onDrEvent(draft, e.event);
        return true;
      case 'dr.verify': {
        const r = e.report;
        badge(draft, r.active, 'active', 'ok');
        badge(draft, r.standby, r.ready ? 'ready' : 'not ready', r.ready ? 'ok' : 'bad');
        for (const c of r.checks) {
          draft.finish({ kind: 'note', status: c.ok ? 'done' : 'failed', site: '', group: 'verify', text: `${c.ok ? 'ok  ' : 'FAIL'} ${checkText(c)}` });
          if (c.name === 'replication') setRpo(draft, c.subject, { state: c.message.split(',')[0], ...durationsOf(c.message) });
        }
        return true;
      }
      case 'dr.result':
        if (e.actualSeconds !== undefined) draft.setRto({ actualSeconds: Math.round(e.actualSeconds) });
        draft.note(e.ok ? 'info' : 'error', e.summary);
        return true;
      default:
        return false;
    }
  };
}

/** The console's events log (and any line view) in words: one line per DR event, check or result. */
export function drEventLines(event: ProgressEvent): readonly string[] | undefined {
  const e = event as DrProgressEvent;
  switch (e.type) {
    case 'dr.event': {
      if (e.event.name === 'machine.transition') return [];
      const sev = e.event.severity === 'info' ? '' : `${e.event.severity.toUpperCase()} `;
      return [`${(e.event.t / 1000).toFixed(1).padStart(6)}s ${sev}${e.event.name === 'run.step' ? '' : `${e.event.name} `}${e.event.message}`];
    }
    case 'dr.runbook':
      return [`runbook ${e.runbook.run}: ${short(e.runbook.from)} → ${short(e.runbook.to)}, predicted ${Math.round(e.runbook.predictedSeconds)}s`];
    case 'dr.verify':
      return e.report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${checkText(c)}`);
    case 'dr.result':
      return [];
    default:
      return undefined;
  }
}
