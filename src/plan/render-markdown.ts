// The plan as a pull-request comment (`drctl show plan.bin --markdown`): deletions and
// replacements first under a warning, a summary table per resource type, the DR impact
// (predicted RTO against target and its change, RPO policy changes, the failover runbook when a
// site's role flips), the monthly cost change per site, then each change element by element in
// a collapsible section. Never longer than GitHub's limit: details are dropped, most numerous
// kinds first, and the comment says which and how to see them.
import { formatDuration } from '../config/duration.js';
import { formatUsd, formatUsdDelta } from '../config/cost.js';
import { diffAttributes } from '../review/value-diff.js';
import { bodyLines, diffBlockLayout } from '../review/value-text.js';
import {
  GITHUB_COMMENT_LIMIT,
  details,
  fencedBlock,
  fitComment,
  htmlText,
  mdCell,
  mdCode,
  mdTable,
  mdText,
  type Detail,
  type Omitted,
} from '../review/markdown.js';
import { isRedacted } from '../state/sensitive.js';
import { ACTION_GLYPH, ACTION_PHRASE } from './actions.js';
import type { Plan, PlannedChange, PlannedRunbook } from './plan.js';

export interface MarkdownOptions {
  /** The comment's size limit in characters (GitHub's, with room to spare, by default). */
  readonly limit?: number;
  /** The command that shows the whole plan, named when details are left out. */
  readonly fullPlanCommand?: string;
}

const REASON: Readonly<Record<string, string>> = {
  replace_because_cannot_update: 'cannot be changed in place',
  replace_because_deleted_outside: 'its cloud object was deleted outside drctl',
  replace_by_request: '-replace asked for it',
  delete_because_no_resource_config: 'no longer in the configuration',
  delete_because_destroy_mode: 'destroy mode',
};

/** The first lines of a long list, then a count of the rest by type. */
const COMPACT_LIST = 30;
/** A runbook step longer than this (a boot of hundreds of VMs) is cut, with a count of what was cut. */
const COMPACT_STEP = 300;

/** 4950 → "4,950" (not toLocaleString: ICU data is slow to load). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const dur = (s: number) => formatDuration(Math.max(0, Math.round(s)));

function why(c: PlannedChange): string {
  // In a destroy plan every line would say so; the title does, once.
  const reason = c.actionReason && c.actionReason !== 'delete_because_destroy_mode' ? REASON[c.actionReason] : undefined;
  if (c.replaceAttributes?.length) return `${c.replaceAttributes.map(mdCode).join(', ')} ${c.replaceAttributes.length === 1 ? 'forces' : 'force'} replacement`;
  return reason ? mdText(reason) : '';
}

function title(plan: Plan): string {
  const s = plan.summary;
  const changes = plan.changes.some((c) => c.action !== 'no-op') || plan.moves.length > 0 || (plan.runbooks?.length ?? 0) > 0;
  const what = changes ? `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy${s.replace ? ` (${s.replace} replaced)` : ''}` : 'no changes';
  const mode = plan.mode === 'destroy' ? ' (destroy)' : '';
  const moves = (plan.runbooks ?? [])
    .filter((rb) => rb.mode !== 'record-only')
    .map((rb) => `, then ${rb.kind === 'failover' ? 'fails over' : 'fails back'} to ${mdCode(rb.to)}`);
  // The marker lets a CI job find and update its own comment.
  return `<!-- drctl plan -->\n### drctl plan${mode}: ${what}${moves.join('')}`;
}

function diagnosticsBlock(plan: Plan): string {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');
  const warnings = plan.diagnostics.filter((d) => d.severity !== 'error');
  const out: string[] = [];
  if (plan.errored || errors.length) {
    out.push(
      [
        '> [!CAUTION]',
        '> **This plan has errors and cannot be applied.**',
        ...errors.map((d) => `> - ${mdText(d.summary)}${d.detail ? `: ${mdText(d.detail)}` : ''}`),
      ].join('\n'),
    );
  }
  if (warnings.length) out.push(warnings.map((d) => `- Warning: ${mdText(d.summary)}${d.detail ? `: ${mdText(d.detail)}` : ''}`).join('\n'));
  return out.join('\n\n');
}

function destructiveBlock(destructive: readonly PlannedChange[], compact: boolean): string {
  if (destructive.length === 0) return '';
  const deletes = destructive.filter((c) => c.action === 'delete').length;
  const replaces = destructive.length - deletes;
  const res = (n: number) => `${grouped(n)} resource${n === 1 ? '' : 's'}`;
  const head =
    deletes && replaces ? `destroys ${res(deletes)} and replaces ${grouped(replaces)}` : deletes ? `destroys ${res(deletes)}` : `replaces ${res(replaces)}`;
  const lines = [
    '> [!WARNING]',
    `> **This plan ${head}.** Applying it removes what is listed here${replaces ? ' (a replacement destroys the old object before creating the new one)' : ''}.`,
    '>',
  ];
  const shown = compact ? destructive.slice(0, COMPACT_LIST) : destructive;
  for (const c of shown) {
    const reason = why(c);
    lines.push(`> - ${mdCode(ACTION_GLYPH[c.action])} ${mdCode(c.address)} ${ACTION_PHRASE[c.action]}${reason ? `: ${reason}` : ''}`);
  }
  if (shown.length < destructive.length) lines.push(`> - … and ${moreByType(destructive.slice(shown.length))}`);
  return lines.join('\n');
}

/** "4,950 more: 4,900 vm, 50 volume_group". */
function moreByType(rest: readonly { readonly type: string }[]): string {
  const by = new Map<string, number>();
  for (const c of rest) by.set(c.type, (by.get(c.type) ?? 0) + 1);
  const parts = [...by.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t, n]) => `${grouped(n)} ${mdCode(t)}`);
  return `${grouped(rest.length)} more: ${parts.join(', ')}`;
}

function outsideBlock(plan: Plan, compact: boolean): string {
  const lines: string[] = [];
  if (plan.drift.length) {
    lines.push(
      '> [!NOTE]',
      `> ${plan.drift.length} object${plan.drift.length === 1 ? '' : 's'} changed outside drctl since the last apply (the plan brings ${plan.drift.length === 1 ? 'it' : 'them'} back to the configuration):`,
    );
    const shown = compact ? plan.drift.slice(0, COMPACT_LIST) : plan.drift;
    for (const d of shown) lines.push(`> - ${mdCode(d.address)} ${d.kind === 'deleted' ? 'was deleted' : 'was changed'}`);
    if (shown.length < plan.drift.length) lines.push(`> - … and ${moreByType(plan.drift.slice(shown.length))}`);
  }
  if (plan.moves.length) {
    if (lines.length) lines.push('');
    lines.push(...plan.moves.map((m) => `- ${mdCode(m.from)} has moved to ${mdCode(m.to)} (a \`moved\` block; the cloud object keeps its id)`));
  }
  return lines.join('\n');
}

function summaryTable(changes: readonly PlannedChange[]): string {
  const rows = new Map<string, [number, number, number, number]>();
  const col = { create: 0, update: 1, replace: 2, delete: 3 } as const;
  for (const c of changes) {
    if (c.action === 'no-op') continue;
    const r = rows.get(c.type) ?? [0, 0, 0, 0];
    r[col[c.action]]++;
    rows.set(c.type, r);
  }
  if (rows.size === 0) return '';
  const total: [number, number, number, number] = [0, 0, 0, 0];
  const body = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, r]) => {
      r.forEach((n, i) => (total[i] += n));
      return [mdCode(type), ...r.map(String)];
    });
  body.push(['**Total**', ...total.map((n) => `**${n}**`)]);
  return `#### Summary\n\n${mdTable(['Resource type', 'Add', 'Change', 'Replace', 'Destroy'], body, ['l', 'r', 'r', 'r', 'r'])}`;
}

function rtoTable(plan: Plan): string {
  if (plan.recovery.length === 0) return '';
  const rows = plan.recovery.map((r) => {
    const exceeded = r.targetSeconds !== undefined && r.predictedSeconds > r.targetSeconds;
    const change =
      r.previousSeconds === undefined
        ? 'new plan'
        : r.previousSeconds === r.predictedSeconds
          ? 'unchanged'
          : `${r.predictedSeconds > r.previousSeconds ? '+' : '-'}${dur(Math.abs(r.predictedSeconds - r.previousSeconds))} (was ${dur(r.previousSeconds)})`;
    const status = r.targetSeconds === undefined ? 'no target' : exceeded ? '⚠️ **exceeds target**' : 'within target';
    return [mdCode(r.plan), dur(r.predictedSeconds), r.targetSeconds === undefined ? '–' : dur(r.targetSeconds), mdCell(change), status];
  });
  return `**Recovery time** (predicted by the timing model; manual steps and post-checks not included)\n\n${mdTable(['Recovery plan', 'Predicted RTO', 'Target', 'Change', 'Status'], rows, ['l', 'r', 'r', 'l', 'l'])}`;
}

function rpoChanges(changes: readonly PlannedChange[]): string {
  const lines: string[] = [];
  for (const c of changes) {
    if (c.type !== 'replication_policy' || c.action === 'no-op') continue;
    const b = c.before ?? {};
    const a = c.after ?? {};
    const rpo = (o: typeof a) => (typeof o.rpo === 'string' ? o.rpo : '?');
    if (c.action === 'create') lines.push(`- ${mdCode(c.address)} is new: RPO ${mdText(rpo(a))}${typeof a.tier === 'string' ? `, ${mdText(a.tier)}` : ''}`);
    else if (c.action === 'delete') lines.push(`- ${mdCode(c.address)} is removed (was RPO ${mdText(rpo(b))})`);
    else {
      const parts: string[] = [];
      for (const [key, label] of [
        ['rpo', 'RPO'],
        ['tier', 'tier'],
        ['cycle_period', 'cycle period'],
        ['type', 'type'],
      ] as const) {
        if (b[key] !== a[key]) parts.push(`${label} ${mdText(String(b[key] ?? 'none'))} → **${mdText(String(a[key] ?? 'none'))}**`);
      }
      if (parts.length) lines.push(`- ${mdCode(c.address)}: ${parts.join(', ')}`);
    }
  }
  return lines.length ? `**RPO policies**\n\n${lines.join('\n')}` : '';
}

function cutStep(step: string, compact: boolean): string {
  if (!compact || step.length <= COMPACT_STEP) return step;
  const kept = step.slice(0, COMPACT_STEP);
  const rest = step.slice(COMPACT_STEP).split(',').length;
  return `${kept.slice(0, kept.lastIndexOf(',') > 0 ? kept.lastIndexOf(',') : kept.length)}, … (${grouped(rest)} more)`;
}

function runbookBlock(rb: PlannedRunbook, compact: boolean): string {
  const verb = rb.kind === 'failover' ? 'fails over' : 'fails back';
  if (rb.mode === 'record-only') {
    return [
      '> [!NOTE]',
      `> **Applying this plan records ${mdCode(rb.to)} as the active site** instead of ${mdCode(rb.from)}, without a move${rb.note ? `: ${mdText(rb.note)}` : '.'}`,
    ].join('\n');
  }
  const lines = [
    '> [!IMPORTANT]',
    `> **Applying this plan ${verb} production from ${mdCode(rb.from)} to ${mdCode(rb.to)}**${rb.plan ? `, following ${mdCode(rb.plan)}` : ''}${rb.mode === 'resume' ? ' (resuming an interrupted run: finished steps are not redone)' : ''}. The sites' new roles are recorded in state once the ${rb.kind} succeeds.`,
  ];
  if (rb.note) lines.push(`> ${mdText(rb.note)}`);
  const target =
    rb.targetSeconds === undefined ? '' : ` against an RTO of ${dur(rb.targetSeconds)}${rb.predictedSeconds > rb.targetSeconds ? ': ⚠️ **exceeds it**' : ''}`;
  lines.push('', `**${rb.kind === 'failover' ? 'Failover' : 'Failback'} runbook** (predicted ${dur(rb.predictedSeconds)}${target})`, '');
  rb.phases.forEach((p, i) => {
    lines.push(`${i + 1}. ${mdText(p.name)}${p.predictedSeconds ? ` (~${dur(p.predictedSeconds)})` : ''}`);
    const steps = compact ? p.steps.slice(0, COMPACT_LIST) : p.steps;
    for (const s of steps) lines.push(`   - ${mdText(cutStep(s, compact))}`);
    if (steps.length < p.steps.length) lines.push(`   - … and ${grouped(p.steps.length - steps.length)} more steps`);
  });
  return lines.join('\n');
}

function impactBlock(plan: Plan, compact: boolean): string {
  const parts = [rtoTable(plan), rpoChanges(plan.changes), ...(plan.runbooks ?? []).map((rb) => runbookBlock(rb, compact))].filter(Boolean);
  return parts.length ? `#### DR impact\n\n${parts.join('\n\n')}` : '';
}

function costBlock(plan: Plan): string {
  const c = plan.cost;
  const rows = (c.sites ?? [])
    .filter((s) => s.beforeUsd !== 0 || s.afterUsd !== 0)
    .map((s) => [mdCode(s.site), formatUsd(s.beforeUsd), formatUsd(s.afterUsd), formatUsdDelta(s.deltaUsd)]);
  rows.push(['**Total**', `**${formatUsd(c.beforeUsd)}**`, `**${formatUsd(c.afterUsd)}**`, `**${formatUsdDelta(c.deltaUsd)}**`]);
  return `#### Monthly cost\n\n${mdTable(['Site', 'Before', 'After', 'Change'], rows, ['l', 'r', 'r', 'r'])}\n\nIllustrative list prices: cores, memory, DR Automation and replicated storage (see \`drctl cost\`).`;
}

/** One change, element by element, in a collapsible section. */
function changeDetail(c: PlannedChange): string {
  const diff = diffAttributes(c.action === 'create' ? null : c.before, c.action === 'delete' ? null : c.after, {
    sensitivePaths: c.sensitiveAttributes,
    isSensitiveValue: isRedacted,
  });
  const lines = diffBlockLayout(bodyLines(diff, { forcesReplacement: c.replaceAttributes }));
  const reason = c.actionReason && REASON[c.actionReason] ? ` (${REASON[c.actionReason]})` : '';
  const summary = `<code>${htmlText(ACTION_GLYPH[c.action])} ${htmlText(c.address)}</code> ${htmlText(ACTION_PHRASE[c.action] + reason)}`;
  return details(summary, lines.length ? fencedBlock(lines, 'diff') : '_No attribute changes._');
}

function omittedNote(omitted: readonly Omitted[], command: string, limit: number): string {
  const what = omitted.map((o) => `${grouped(o.count)} ${mdCode(o.kind)}`).join(', ');
  return [
    '> [!NOTE]',
    `> The details of ${what} change${omitted.length === 1 && omitted[0].count === 1 ? '' : 's'} are left out to keep this comment under ${grouped(limit)} characters. Run ${mdCode(command)} to see every change.`,
  ].join('\n');
}

export function renderPlanMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  const command = opts.fullPlanCommand ?? 'drctl show plan.bin';
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  const destructive = changed.filter((c) => c.action === 'delete' || c.action === 'replace');
  const head = (compact: boolean) =>
    [
      title(plan),
      diagnosticsBlock(plan),
      destructiveBlock(destructive, compact),
      outsideBlock(plan, compact),
      changed.length || plan.moves.length || plan.runbooks?.length ? '' : 'Your DR configuration matches the recorded state.',
      summaryTable(changed),
      impactBlock(plan, compact),
      costBlock(plan),
    ]
      .filter(Boolean)
      .join('\n\n');
  // Destructive changes first, as at the top; then the rest in address order.
  const ordered = [...destructive, ...changed.filter((c) => c.action !== 'delete' && c.action !== 'replace')];
  const detailList: Detail[] = ordered.map((c) => ({ kind: c.type, text: changeDetail(c) }));
  const state = plan.state ? `state serial ${plan.state.serial}, lineage ${mdCode(plan.state.lineage)}` : 'no state yet';
  return fitComment(
    {
      head: head(false),
      compactHead: () => head(true),
      detailsHeading: `#### Changes (${grouped(changed.length)})`,
      details: detailList,
      omittedNote: (omitted) => omittedNote(omitted, command, limit),
      footer: `<sub>drctl ${htmlText(plan.drctlVersion)} · planned against ${state}</sub>`,
    },
    limit,
  ).text;
}
