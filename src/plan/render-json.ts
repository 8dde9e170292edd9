// The plan as JSON for machines (`drctl plan --json`, `drctl show --json`). The shape is
// documented in docs/plan-json.md and pinned by schemas/plan.schema.json.
import { replaceAttributePath, type JsonObject, type JsonValue } from '../state/index.js';
import { SENSITIVE_VALUE } from '../redact/index.js';
import { ACTION_JSON } from './actions.js';
import type { Plan, PlannedChange } from './plan.js';

export const PLAN_JSON_FORMAT_VERSION = '1.0';

/** Sensitive attributes (top-level names, or paths like `groups.0.post_check_env`) as "(sensitive value)". */
function redact(values: JsonObject | null, sensitive: readonly string[]): JsonObject | null {
  if (!values || sensitive.length === 0) return values;
  let out = values;
  for (const p of sensitive) out = replaceAttributePath(out, p, () => SENSITIVE_VALUE);
  return out;
}

function changeJson(c: PlannedChange): JsonObject {
  const out: Record<string, JsonValue> = {
    address: c.address,
    type: c.type,
    name: c.name,
    actions: [...ACTION_JSON[c.action]],
    before: redact(c.before, c.sensitiveAttributes),
    after: redact(c.after, c.sensitiveAttributes),
  };
  if (c.actionReason) out.action_reason = c.actionReason;
  if (c.replaceAttributes?.length) out.replace_paths = [...c.replaceAttributes];
  if (c.replaceReasons?.length) out.replace_reasons = [...c.replaceReasons];
  return out;
}

export function planToJson(plan: Plan): JsonObject {
  return {
    format_version: PLAN_JSON_FORMAT_VERSION,
    drctl_version: plan.drctlVersion,
    mode: plan.mode,
    errored: plan.errored,
    state: plan.state ? { lineage: plan.state.lineage, serial: plan.state.serial } : null,
    resource_changes: plan.changes.map(changeJson),
    resource_drift: plan.drift.map((d) => ({ address: d.address, type: d.type, kind: d.kind, recorded: d.recorded, observed: d.observed })),
    moves: plan.moves.map((m) => ({ from: m.from, to: m.to })),
    summary: { add: plan.summary.add, change: plan.summary.change, destroy: plan.summary.destroy, replace: plan.summary.replace },
    rto: plan.recovery.map((r) => ({ plan: r.plan, predicted_seconds: r.predictedSeconds, target_seconds: r.targetSeconds ?? null })),
    cost: { before_usd: plan.cost.beforeUsd, after_usd: plan.cost.afterUsd, delta_usd: plan.cost.deltaUsd },
    diagnostics: plan.diagnostics.map((d) => ({
      severity: d.severity,
      summary: d.summary,
      detail: d.detail ?? null,
      range: (d.range as unknown as JsonValue) ?? null,
    })),
    // Only present when the plan moves production (a site's role flipped).
    ...(plan.runbooks?.length
      ? {
          runbooks: plan.runbooks.map((r) => ({
            kind: r.kind,
            from: r.from,
            to: r.to,
            plan: r.plan ?? null,
            mode: r.mode,
            note: r.note ?? null,
            phases: r.phases.map((p) => ({ name: p.name, steps: [...p.steps], predicted_seconds: p.predictedSeconds })),
            predicted_seconds: r.predictedSeconds,
            target_seconds: r.targetSeconds ?? null,
          })),
        }
      : {}),
  };
}
