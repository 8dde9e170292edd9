// Declarative failover: when the configuration makes another site active than state records
// (`role` flipped in HCL), the plan carries the move's runbook and apply runs it. This is the
// pure half: what the plan shows, and the plan apply walks first. Running the move is the DR
// runs' (lifecycle/declarative-apply.ts, called by services). It reads the site lifecycle from
// state as JSON, so planning never loads the machines.
import type { DrConfig } from '../config/index.js';
import type { JsonObject, JsonValue, StateResource } from '../state/index.js';
import { planVolumeGroups, SITE_KEY, stateSitePair } from '../resources/index.js';
import { summarize, type Plan, type PlannedChange, type PlannedRunbook } from './plan.js';
import { makeRunbook } from './runbook.js';
import { warningDiag, type Diagnostic } from '../diag/index.js';

interface SiteSnapshotJson {
  readonly value?: unknown;
  readonly context?: { readonly active?: string; readonly standby?: string; readonly interrupted?: string };
}

const FAILBACK_STATES = new Set(['resyncing', 'failing-back']);

function roleChanged(c: PlannedChange): boolean {
  return c.type === 'site' && (c.action === 'update' || c.action === 'replace') && (c.before?.role ?? null) !== (c.after?.role ?? null);
}

export interface RunbookState {
  readonly resources: readonly StateResource[];
  readonly lifecycles: Readonly<Record<string, JsonValue>>;
}

/**
 * The move a plan implies: none unless state records one site active and the configuration
 * another, and the plan's changes carry that role change (a -target may leave it out).
 */
export function declarativeRunbooks(config: DrConfig, state: RunbookState | null, changes: readonly PlannedChange[], parallelism: number): PlannedRunbook[] {
  if (!state) return [];
  const desired = [...config.sites.values()].find((s) => s.role === 'active')?.address;
  const recorded = stateSitePair(config, state.resources);
  if (!desired || !recorded || recorded.active === desired || !changes.some(roleChanged)) return [];
  const from = recorded.active;
  const to = desired;
  const snap = state.lifecycles[SITE_KEY] as SiteSnapshotJson | undefined;
  const value = typeof snap?.value === 'string' ? snap.value : undefined;
  const ctx = snap?.context ?? {};
  let kind: PlannedRunbook['kind'] = 'failover';
  let mode: PlannedRunbook['mode'] = 'move';
  let note: string | undefined;
  const op = value === 'needs-attention' ? ctx.interrupted : value;
  if ((value === 'recovered' || value === 'ready' || value === 'replicating') && ctx.active === to) {
    mode = 'record-only';
    note = `production already runs at ${to} (site lifecycle: ${value}); apply records the new roles`;
  } else if (value === 'recovered') {
    kind = 'failback';
  } else if (op === 'failing-over' || (op && FAILBACK_STATES.has(op))) {
    kind = op === 'failing-over' ? 'failover' : 'failback';
    mode = 'resume';
    note = `an interrupted ${kind} (site lifecycle: ${value}) is resumed; finished steps are not redone`;
  }
  const plans = [...config.recoveryPlans.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
  const plan = plans[0];
  if (!plan) {
    return [
      {
        kind,
        from,
        to,
        phases: [],
        predictedSeconds: 0,
        mode: 'record-only',
        note: note ?? 'the configuration has no recovery_plan: nothing to move; apply records the new roles',
      },
    ];
  }
  if (plans.length > 1) note = [note, `${plans.length} recovery plans: following ${plan.address} (the first by name)`].filter(Boolean).join('; ');
  if (mode === 'record-only') return [{ kind, from, to, plan: plan.address, phases: [], predictedSeconds: 0, targetSeconds: plan.rtoSeconds, mode, note }];
  const replication = planVolumeGroups(
    config,
    plan.groups.flatMap((g) => g.vms),
  ).map((vg) => ({ volumeGroup: vg, state: 'read at apply' }));
  const rb = makeRunbook({
    kind,
    run: 'planned',
    config,
    plan,
    from,
    to,
    unplanned: false,
    resuming: mode === 'resume',
    parallelism,
    replication,
    resync: kind === 'failback',
    // A VM is built at the target on its first move there; apply asks no one at manual steps.
    built: (vm) => {
      const placed = (state.lifecycles[vm] as { context?: { placement?: Record<string, string> } } | undefined)?.context?.placement;
      return !placed?.[to] && !state.resources.some((r) => r.address === vm && r.attributes.site === to);
    },
    manualSteps: false,
  });
  return [
    {
      kind,
      from,
      to,
      plan: plan.address,
      phases: rb.phases.map((p) => ({ name: p.name, steps: [...p.steps], predictedSeconds: p.predictedSeconds })),
      predictedSeconds: rb.predictedSeconds,
      ...(rb.targetSeconds !== undefined ? { targetSeconds: rb.targetSeconds } : {}),
      mode,
      ...(note ? { note } : {}),
    },
  ];
}

/**
 * The plan apply walks before a declarative move: every change but the sites' role, which
 * state takes only once the move succeeded (a failed move leaves the roles, so the next plan
 * shows the runbook again).
 */
export function withRolesHeld(plan: Plan): Plan {
  if (!plan.runbooks?.length) return plan;
  const changes = plan.changes.map((c) => {
    if (!roleChanged(c) || !c.before || !c.after) return c;
    const after: JsonObject = { ...c.after, role: c.before.role ?? null };
    if (c.before.role === undefined) delete (after as Record<string, JsonValue>).role;
    const same = Object.keys({ ...c.before, ...after }).every((k) => JSON.stringify(c.before![k] ?? null) === JSON.stringify(after[k] ?? null));
    return { ...c, after, action: c.action === 'update' && same ? ('no-op' as const) : c.action };
  });
  return { ...plan, changes, summary: summarize(changes) };
}

/** The site changes whose role a successful move lets state record. */
export function roleChanges(plan: Plan): PlannedChange[] {
  return plan.changes.filter(roleChanged);
}

const MOVING = new Set(['failing-over', 'resyncing', 'failing-back', 'needs-attention']);

/**
 * Where production runs (the site lifecycle recorded by the last DR run) when the configuration
 * says otherwise: after `drctl failover`, the HCL still names home as active and state's site
 * records agree with it, so the plan would show "No changes" while production runs at the other
 * site. The plan says so, at the role that disagrees, with what to do. None when they agree, or
 * when the plan already carries the move (a flipped role).
 */
export function roleDisagreements(config: DrConfig, state: RunbookState | null, runbooks: readonly PlannedRunbook[] = []): Diagnostic[] {
  if (!state || runbooks.length) return [];
  const snap = state.lifecycles[SITE_KEY] as SiteSnapshotJson | undefined;
  const running = snap?.context?.active;
  const value = typeof snap?.value === 'string' ? snap.value : 'unknown';
  const configured = [...config.sites.values()].find((s) => s.role === 'active');
  if (!running || !configured || running === configured.address || !config.sites.has(running)) return [];
  const there = config.sites.get(running)!;
  const short = (a: string) => a.replace(/^site\./, '');
  const unfinished = MOVING.has(value);
  const detail = unfinished
    ? `The last DR run left the site pair in "${value}" (production recorded at ${running}). Finish it first: run drctl failover or drctl failback again to resume, or pass -force-past to accept it.`
    : `A DR run (drctl failover) moved production to ${running} (site lifecycle: ${value}), and this configuration still has role = "active" on site "${configured.name}". Apply changes nothing about it: it neither moves production back nor records the move. To keep production at ${short(running)}, set role = "active" on site "${there.name}" and role = "standby" on site "${configured.name}", then apply (it records the roles; nothing moves). To move production back, run drctl failback.`;
  return [
    warningDiag(
      `Production runs at site "${there.name}", not where the configuration says`,
      detail,
      configured.attrRanges.role ?? configured.declRange,
      configured.range,
    ),
  ];
}
