// `drctl state diff` output: the semantic diff of two states as text (Terraform's layout), as a
// pull-request comment (markdown within GitHub's limit) and as JSON (schemas/state-diff.schema.json).
import { GITHUB_COMMENT_LIMIT, details, fencedBlock, fitComment, htmlText, mdCode, mdTable, mdText, type Detail, type Omitted } from '../review/markdown.js';
import { bodyLines, diffBlockLayout, terraformLayout, valueLines, type DiffLine } from '../review/value-text.js';
import type { LifecycleDiff, ResourceDiff, StateDiff } from './diff.js';

/** How each side is named: a file path, or `git:REF:path`. */
export interface StateDiffLabels {
  readonly before: string;
  readonly after: string;
}

const PHRASE: Readonly<Record<ResourceDiff['change'], string>> = { added: 'was added', removed: 'was removed', changed: 'changed' };
const GLYPH: Readonly<Record<ResourceDiff['change'], string>> = { added: '+', removed: '-', changed: '~' };

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function counts(d: StateDiff): string {
  const s = d.summary;
  return `${s.added} added, ${s.removed} removed, ${s.changed} changed`;
}

function blockHeader(r: ResourceDiff): string {
  return `${r.type} ${JSON.stringify(r.address.slice(r.type.length + 1))}`;
}

function lineageSentence(d: StateDiff, labels: StateDiffLabels): string {
  return `These are different states: ${labels.before} has lineage ${d.before.lineage} and ${labels.after} has lineage ${d.after.lineage}. Neither was made from the other, so this compares two unrelated estates.`;
}

function resourceLines(r: ResourceDiff): DiffLine[] {
  return bodyLines(r.diff);
}

/** "state/erp.drstate.json (serial 3)", or "git:main:x (no state)". */
function side(label: string, h: StateDiff['before']): string {
  return `${label} (${h.exists ? `serial ${h.serial}` : 'no state'})`;
}

export function renderStateDiffText(d: StateDiff, labels: StateDiffLabels): string {
  const out: string[] = [`Comparing ${side(labels.before, d.before)} with ${side(labels.after, d.after)}.`];
  if (d.before.exists && d.after.exists && d.sameLineage) out.push(`Lineage ${d.after.lineage} on both sides.`);
  else out.push('', lineageSentence(d, labels));
  out.push('');
  if (d.equal) {
    out.push('No differences: the states are equal.');
    return out.join('\n') + '\n';
  }
  if (d.resources.length === 0 && d.lifecycles.length === 0 && d.outputs.length === 0) {
    out.push(`No differences in content; only the serial differs (${d.before.serial} → ${d.after.serial}).`);
    return out.join('\n') + '\n';
  }
  // Lifecycles first: where production runs is the headline of a DR state.
  if (d.lifecycles.length) {
    out.push(`Lifecycles: ${d.lifecycles.length} changed.`, '');
    for (const l of d.lifecycles) out.push(`  ${l.description}`);
    out.push('');
  }
  out.push(d.resources.length ? `Resources: ${counts(d)}.` : 'Resources: unchanged.', '');
  for (const r of d.resources) {
    out.push(`  # ${r.address} ${PHRASE[r.change]}`, `  ${GLYPH[r.change]} ${blockHeader(r)} {`, ...terraformLayout(resourceLines(r)), '    }', '');
  }
  if (d.outputs.length) {
    out.push(`Outputs: ${d.outputs.length} changed.`, '');
    for (const o of d.outputs) out.push(...terraformLayout(valueLines(o.name, o.diff)));
    out.push('');
  }
  return out.join('\n');
}

export interface StateDiffMarkdownOptions {
  readonly limit?: number;
  /** The command that shows everything, named when details are left out. */
  readonly fullDiffCommand?: string;
}

const COMPACT_LIST = 30;

function lifecycleList(list: readonly LifecycleDiff[], compact: boolean): string {
  const shown = compact ? list.slice(0, COMPACT_LIST) : list;
  const lines = shown.map((l) => `- ${mdText(l.description)}`);
  if (shown.length < list.length) lines.push(`- … and ${grouped(list.length - shown.length)} more`);
  return lines.join('\n');
}

export function renderStateDiffMarkdown(d: StateDiff, labels: StateDiffLabels, opts: StateDiffMarkdownOptions = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  const command = opts.fullDiffCommand ?? `drctl state diff ${labels.before} ${labels.after}`;
  const head = (compact: boolean): string => {
    const parts: string[] = [];
    const others = [
      d.lifecycles.length ? `${grouped(d.lifecycles.length)} lifecycle change${d.lifecycles.length === 1 ? '' : 's'}` : '',
      d.outputs.length ? `${grouped(d.outputs.length)} output change${d.outputs.length === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    const what = d.equal
      ? 'no differences'
      : d.resources.length
        ? [counts(d), ...others].join(', ')
        : others.length
          ? `${others.join(', ')}; resources unchanged`
          : 'only the serial differs';
    parts.push(`<!-- drctl state diff -->\n### drctl state diff: ${what}`);
    const lineage = d.sameLineage && (d.after.lineage || d.before.lineage);
    parts.push(
      `${mdCode(labels.before)} (${d.before.exists ? `serial ${d.before.serial}` : 'no state'}) → ${mdCode(labels.after)} (${d.after.exists ? `serial ${d.after.serial}` : 'no state'})${lineage ? `, lineage ${mdCode(lineage)}` : ''}`,
    );
    if (!d.sameLineage) parts.push(['> [!CAUTION]', `> **${mdText(lineageSentence(d, labels))}**`].join('\n'));
    if (d.resources.length) {
      const rows = new Map<string, [number, number, number]>();
      const col = { added: 0, removed: 1, changed: 2 } as const;
      for (const r of d.resources) {
        const row = rows.get(r.type) ?? [0, 0, 0];
        row[col[r.change]]++;
        rows.set(r.type, row);
      }
      const body = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, r]) => [mdCode(t), ...r.map(String)]);
      parts.push(mdTable(['Resource type', 'Added', 'Removed', 'Changed'], body, ['l', 'r', 'r', 'r']));
    }
    if (d.lifecycles.length) parts.push(`#### Lifecycles\n\n${lifecycleList(d.lifecycles, compact)}`);
    if (d.outputs.length) {
      const shown = compact ? d.outputs.slice(0, COMPACT_LIST) : d.outputs;
      const lines = shown.map(
        (o) =>
          `- ${mdCode(o.name)} ${o.change === 'changed' ? 'changed' : o.change === 'added' ? 'was added' : 'was removed'}${o.sensitive ? ' (sensitive: value not shown)' : ''}`,
      );
      if (shown.length < d.outputs.length) lines.push(`- … and ${grouped(d.outputs.length - shown.length)} more`);
      parts.push(`#### Outputs\n\n${lines.join('\n')}`);
    }
    return parts.join('\n\n');
  };
  const detailList: Detail[] = d.resources.map((r) => ({
    kind: r.type,
    text: details(
      `<code>${htmlText(`${GLYPH[r.change]} ${r.address}`)}</code> ${htmlText(PHRASE[r.change])}`,
      fencedBlock(diffBlockLayout(resourceLines(r)), 'diff'),
    ),
  }));
  const omittedNote = (omitted: readonly Omitted[]) =>
    [
      '> [!NOTE]',
      `> The details of ${omitted.map((o) => `${grouped(o.count)} ${mdCode(o.kind)}`).join(', ')} resource${omitted.length === 1 && omitted[0].count === 1 ? '' : 's'} are left out to keep this comment under ${grouped(limit)} characters. Run ${mdCode(command)} to see them.`,
    ].join('\n');
  return fitComment(
    {
      head: head(false),
      compactHead: () => head(true),
      detailsHeading: `#### Resources (${grouped(d.resources.length)})`,
      details: detailList,
      omittedNote,
      footer: '<sub>drctl state diff</sub>',
    },
    limit,
  ).text;
}

export const STATE_DIFF_JSON_FORMAT_VERSION = '1.0';

/** The diff as JSON, the shape schemas/state-diff.schema.json pins. */
export function stateDiffToJson(d: StateDiff, labels: StateDiffLabels): Record<string, unknown> {
  const sideJson = (label: string, h: StateDiff['before']) =>
    h.exists
      ? { source: label, exists: true, serial: h.serial, lineage: h.lineage, drctl_version: h.drctlVersion }
      : { source: label, exists: false, serial: null, lineage: null, drctl_version: null };
  return {
    format_version: STATE_DIFF_JSON_FORMAT_VERSION,
    equal: d.equal,
    same_lineage: d.sameLineage,
    before: sideJson(labels.before, d.before),
    after: sideJson(labels.after, d.after),
    summary: { ...d.summary },
    resources: d.resources.map((r) => ({
      address: r.address,
      type: r.type,
      change: r.change,
      changed_attributes: [...r.changedAttributes],
      before: r.before,
      after: r.after,
    })),
    lifecycles: d.lifecycles.map((l) => ({
      key: l.key,
      change: l.change,
      before_state: l.beforeState ?? null,
      after_state: l.afterState ?? null,
      description: l.description,
    })),
    outputs: d.outputs.map((o) => ({ name: o.name, change: o.change, sensitive: o.sensitive })),
  };
}
