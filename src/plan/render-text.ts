// The plan as text, in Terraform's shape: a block per change with per-attribute diffs, drift
// reported apart from intended changes, then "Plan: …", the predicted RTO and the cost delta.
import { diffAttributes, valuesEqual } from '../review/value-diff.js';
import type { JsonValue } from '../state/json.js';
import { bodyLines, terraformLayout, type DiffLine } from '../review/value-text.js';
import { isRedacted } from '../state/sensitive.js';
import { formatDuration } from '../config/duration.js';
import { formatUsd, formatUsdDelta } from '../config/cost.js';
import { ACTION_GLYPH, ACTION_PHRASE, type Action } from './actions.js';
import type { Drift, Plan, PlannedChange, PlannedRunbook } from './plan.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Terminal width; long values are not wrapped, but separators fit it. */
  readonly width?: number;
}

const C = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', cyan: '\u001b[36m', bold: '\u001b[1m', dim: '\u001b[2m', reset: '\u001b[0m' };
const ACTION_COLOR: Readonly<Record<Action, string>> = { create: C.green, update: C.yellow, replace: C.red, delete: C.red, 'no-op': '' };

/** The body of a change, element by element (review/value-text.ts lays it out as Terraform does). */
function changeLines(c: PlannedChange): DiffLine[] {
  const diff = diffAttributes(c.action === 'create' ? null : c.before, c.action === 'delete' ? null : c.after, {
    sensitivePaths: c.sensitiveAttributes,
    isSensitiveValue: isRedacted,
  });
  return bodyLines(diff, { forcesReplacement: c.replaceAttributes });
}

function blockHeader(c: PlannedChange): string {
  const name = c.address.slice(c.type.length + 1);
  return `${c.type} ${JSON.stringify(name)}`;
}

const REASON_TEXT: Readonly<Record<string, string>> = {
  replace_because_deleted_outside: '(its cloud object was deleted outside drctl)',
  replace_by_request: '(because -replace asked for it)',
  delete_because_no_resource_config: '(because it is no longer in the configuration)',
};

export function renderChange(c: PlannedChange, color = false): string {
  const paint = (code: string, s: string) => (color && code ? code + s + C.reset : s);
  const glyph = ACTION_GLYPH[c.action];
  const reason = c.actionReason && REASON_TEXT[c.actionReason] ? ` ${REASON_TEXT[c.actionReason]}` : '';
  // Why a replacement cannot be an update, one line per cause (what PowerVS or drctl cannot do in place).
  const why = (c.replaceReasons ?? []).map((r) => `  # (${r})\n`).join('');
  let text = `${paint(C.bold, `  # ${c.address} ${ACTION_PHRASE[c.action]}${reason}`)}\n${why}${paint(ACTION_COLOR[c.action], glyph.padStart(3))} ${blockHeader(c)} {\n`;
  for (const l of terraformLayout(changeLines(c), color ? paintGlyph : undefined)) text += l + '\n';
  return text + '    }';
}

const GLYPH_COLOR: Readonly<Record<string, string>> = { '+': C.green, '-': C.red, '~': C.yellow, '-/+': C.red };
const paintGlyph = (glyph: string, s: string) => (GLYPH_COLOR[glyph] ? GLYPH_COLOR[glyph] + s + C.reset : s);

function renderDrift(d: Drift): string {
  if (d.kind === 'deleted') return `  # ${d.address} has been deleted outside drctl`;
  // Only what changed, each element by element.
  const recorded: Record<string, JsonValue> = {};
  const observed: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(d.observed ?? {})) {
    if (valuesEqual(d.recorded[k], v)) continue;
    if (d.recorded[k] !== undefined) recorded[k] = d.recorded[k];
    observed[k] = v;
  }
  const lines = terraformLayout(bodyLines(diffAttributes(recorded, observed, { isSensitiveValue: isRedacted })));
  return [`  # ${d.address} has changed outside drctl`, ...lines].join('\n');
}

export function renderPlanText(plan: Plan, opts: TextOptions = {}): string {
  const out: string[] = [];
  const color = opts.color === true;
  if (plan.drift.length) {
    out.push('Note: objects have changed outside of drctl', '', 'drctl detected the following changes made outside of drctl since the last apply:', '');
    for (const d of plan.drift) out.push(renderDrift(d), '');
  }
  for (const m of plan.moves) out.push(`  # ${m.from} has moved to ${m.to}`, '');
  const changes = plan.changes.filter((c) => c.action !== 'no-op');
  if (changes.length === 0 && plan.moves.length === 0) {
    // A warning (production running elsewhere than configured) qualifies "No changes".
    const warned = plan.diagnostics.some((d) => d.severity === 'warning' && /^Production runs at/.test(d.summary));
    out.push(`No changes. Your DR configuration matches the recorded state${warned ? ', but not where production runs: see the warning above' : ''}.`, '');
  } else if (changes.length) {
    out.push('drctl will perform the following actions:', '');
    for (const c of changes) out.push(renderChange(c, color), '');
  }
  for (const rb of plan.runbooks ?? []) out.push(renderPlannedRunbook(rb, color), '');
  const s = plan.summary;
  out.push(`Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`);
  for (const r of plan.recovery) {
    const target =
      r.targetSeconds === undefined ? '' : ` (target ${formatDuration(r.targetSeconds)}${r.predictedSeconds > r.targetSeconds ? ', EXCEEDED' : ''})`;
    const was = r.previousSeconds !== undefined && r.previousSeconds !== r.predictedSeconds ? `, was ${formatDuration(r.previousSeconds)}` : '';
    out.push(`Predicted RTO: ${r.plan} ${formatDuration(r.predictedSeconds)}${target}${was}`);
  }
  out.push(`Monthly cost: ${formatUsd(plan.cost.beforeUsd)} -> ${formatUsd(plan.cost.afterUsd)} (${formatUsdDelta(plan.cost.deltaUsd)})`);
  return out.join('\n') + '\n';
}

/** A declarative move (flipped site roles), shown after the resource changes. */
export function renderPlannedRunbook(rb: PlannedRunbook, color = false): string {
  const paint = (code: string, t: string) => (color ? code + t + C.reset : t);
  const verb = rb.kind === 'failover' ? 'fail over' : 'fail back';
  const dur = (n: number) => formatDuration(Math.max(0, Math.round(n)));
  const lines: string[] = [];
  if (rb.mode === 'record-only') {
    lines.push(paint(C.bold, `drctl will record ${rb.to} as the active site (no move): ${rb.note ?? ''}`));
    return lines.join('\n');
  }
  lines.push(
    paint(C.bold, `drctl will ${verb} from ${rb.from} to ${rb.to}${rb.plan ? ` following ${rb.plan}` : ''}${rb.mode === 'resume' ? ' (resuming)' : ''}:`),
  );
  if (rb.note) lines.push(`  # ${rb.note}`);
  rb.phases.forEach((p, i) => {
    lines.push(`  ${i + 1}. ${p.name}${p.predictedSeconds ? ` (~${dur(p.predictedSeconds)})` : ''}`);
    for (const step of p.steps) lines.push(`       ${step}`);
  });
  const target =
    rb.targetSeconds === undefined ? '' : ` against an RTO of ${dur(rb.targetSeconds)}${rb.predictedSeconds > rb.targetSeconds ? ' (EXCEEDED)' : ''}`;
  lines.push(`  Predicted RTO: ${dur(rb.predictedSeconds)}${target}`);
  lines.push(`  The sites' new roles are recorded in state once the ${rb.kind} succeeds.`);
  return lines.join('\n');
}
