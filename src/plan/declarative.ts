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
