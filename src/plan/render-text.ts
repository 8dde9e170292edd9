// The plan as text, in Terraform's shape: a block per change with per-attribute diffs, drift
// reported apart from intended changes, then "Plan: …", the predicted RTO and the cost delta.
import { diffLines } from 'diff';
import { canonicalJson, type JsonObject, type JsonValue } from '../state/index.js';
import { formatDuration } from '../config/index.js';
import { ACTION_GLYPH, ACTION_PHRASE, type Action } from './actions.js';
import type { Drift, Plan, PlannedChange, PlannedRunbook } from './plan.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Terminal width; long values are not wrapped, but separators fit it. */
  readonly width?: number;
}

const C = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', cyan: '\u001b[36m', bold: '\u001b[1m', dim: '\u001b[2m', reset: '\u001b[0m' };
const ACTION_COLOR: Readonly<Record<Action, string>> = { create: C.green, update: C.yellow, replace: C.red, delete: C.red, 'no-op': '' };

const SENSITIVE = '(sensitive value)';

/** "$8,262.36". Not toLocaleString: its first call loads ICU data, a noticeable share of a small plan. */
function usd(n: number): string {
  const [whole, cents] = Math.abs(n).toFixed(2).split('.');
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

function literal(v: JsonValue | undefined, indent: string): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string')
    return v.includes('\n')
      ? `<<-EOT\n${v
          .split('\n')
          .map((l) => `${indent}    ${l}`)
          .join('\n')}\n${indent}EOT`
      : JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => x === null || typeof x !== 'object')) {
      const one = `[${v.map((x) => literal(x, indent)).join(', ')}]`;
      if (one.length <= 80) return one;
    }
    return `[\n${v.map((x) => `${indent}    ${literal(x, indent + '    ')},`).join('\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return '{}';
  const width = Math.max(...keys.map((k) => k.length));
  return `{\n${keys.map((k) => `${indent}    ${k.padEnd(width)} = ${literal((v as JsonObject)[k], indent + '    ')}`).join('\n')}\n${indent}}`;
}

interface Line {
  readonly glyph: string;
  readonly text: string;
}

function attributeLines(c: PlannedChange): Line[] {
  const before = c.before ?? {};
  const after = c.after ?? {};
  // A create or delete shows one side; thousands of them make up most large plans.
  const keys =
    c.action === 'create'
      ? Object.keys(after).sort()
      : c.action === 'delete'
        ? Object.keys(before).sort()
        : [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  let width = 0;
  for (const k of keys) if (k.length > width) width = k.length;
  const sensitive = c.sensitiveAttributes.length ? new Set(c.sensitiveAttributes) : undefined;
  const show = (k: string, v: JsonValue | undefined) => (sensitive?.has(k) ? SENSITIVE : literal(v, '      '));
  const out: Line[] = [];
  let unchanged = 0;
  for (const k of keys) {
    const b = before[k];
    const a = after[k];
    const name = k.padEnd(width);
    const forces = c.replaceAttributes?.includes(k) ? ' # forces replacement' : '';
    if (c.action === 'create') out.push({ glyph: '+', text: `${name} = ${show(k, a)}` });
    else if (c.action === 'delete') out.push({ glyph: '-', text: `${name} = ${show(k, b)}` });
    else if (b === undefined) out.push({ glyph: '+', text: `${name} = ${show(k, a)}${forces}` });
    else if (a === undefined) out.push({ glyph: '-', text: `${name} = ${show(k, b)}${forces}` });
    else if (canonicalJson(b) === canonicalJson(a)) unchanged++;
    else if (typeof b === 'string' && typeof a === 'string' && (b.includes('\n') || a.includes('\n')) && !sensitive?.has(k)) {
      out.push({ glyph: '~', text: `${name} = <<-EOT${forces}` });
      for (const part of diffLines(b, a)) {
        const g = part.added ? '+' : part.removed ? '-' : ' ';
        for (const l of part.value.replace(/\n$/, '').split('\n')) out.push({ glyph: g, text: `    ${l}` });
      }
      out.push({ glyph: ' ', text: '  EOT' });
    } else out.push({ glyph: '~', text: `${name} = ${show(k, b)} -> ${show(k, a)}${forces}` });
  }
  if (unchanged) out.push({ glyph: ' ', text: `# (${unchanged} unchanged attribute${unchanged === 1 ? '' : 's'} hidden)` });
  return out;
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
  for (const l of attributeLines(c)) {
    const code = l.glyph === '+' ? C.green : l.glyph === '-' ? C.red : l.glyph === '~' ? C.yellow : '';
    text += `    ${paint(code, l.glyph)} ${l.text}\n`;
  }
  return text + '    }';
}

function renderDrift(d: Drift): string {
  if (d.kind === 'deleted') return `  # ${d.address} has been deleted outside drctl`;
  const lines = [`  # ${d.address} has changed outside drctl`];
  for (const [k, v] of Object.entries(d.observed ?? {})) {
    const was = d.recorded[k];
    if (canonicalJson(was ?? null) !== canonicalJson(v)) lines.push(`      ~ ${k} = ${literal(was, '      ')} -> ${literal(v, '      ')}`);
  }
  return lines.join('\n');
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
    out.push(`Predicted RTO: ${r.plan} ${formatDuration(r.predictedSeconds)}${target}`);
  }
  const sign = plan.cost.deltaUsd > 0 ? '+' : plan.cost.deltaUsd < 0 ? '-' : '±';
  out.push(`Monthly cost: ${usd(plan.cost.beforeUsd)} -> ${usd(plan.cost.afterUsd)} (${sign}${usd(plan.cost.deltaUsd)})`);
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
