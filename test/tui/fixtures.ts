// Shared builders for the TUI tests: a store on a fake clock, and a plan shaped like plans/.
import { ProgressStore, type ProgressExtension } from '../../src/tui/progress/model.js';
import type { Plan, PlannedChange } from '../../src/plan/plan.js';
import type { Action } from '../../src/plan/actions.js';

export function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

export function storeOnClock(opts: { collapseAbove?: number; extensions?: ProgressExtension[]; title?: string } = {}) {
  const clock = fakeClock();
  const store = new ProgressStore({ now: clock.now, ...opts });
  return { store, clock };
}

export function change(address: string, action: Action, after: Record<string, unknown> | null = {}): PlannedChange {
  const dot = address.indexOf('.');
  return {
    address,
    type: address.slice(0, dot),
    name: address.slice(dot + 1),
    action,
    before: action === 'create' ? null : (after as never),
    after: action === 'delete' ? null : (after as never),
    dependsOn: [],
    sensitiveAttributes: [],
  };
}

export function planOf(changes: PlannedChange[], recovery: Plan['recovery'] = []): Plan {
  return {
    formatVersion: 1,
    drctlVersion: '0.1.0',
    mode: 'normal',
    configDir: 'plans',
    state: null,
    changes,
    drift: [],
    moves: [],
    summary: { add: changes.filter((c) => c.action === 'create').length, change: 0, destroy: 0, replace: 0 },
    recovery,
    cost: { beforeUsd: 0, afterUsd: 0, deltaUsd: 0 },
    targets: [],
    outputs: {},
    errored: false,
    diagnostics: [],
  };
}

/** A small ERP-like plan: two sites, a recovery plan with database and web groups. */
export function erpPlan(): Plan {
  return planOf(
    [
      change('site.home', 'create', { location: 'dal13', role: 'active' }),
      change('vm.db01', 'create', { site: 'site.home' }),
      change('vm.web[0]', 'create', { site: 'site.home' }),
      change('vm.web[1]', 'create', { site: 'site.home' }),
      change('network.app', 'create', { type: 'private' }),
      change('recovery_plan.erp', 'create', {
        groups: [
          { name: 'database', vms: ['vm.db01'] },
          { name: 'web', vms: ['vm.web'] },
        ],
      }),
    ],
    [{ plan: 'recovery_plan.erp', predictedSeconds: 1620, targetSeconds: 1800 }],
  );
}

/** Strips ANSI escapes (frames are asserted as a person reads them). */
export function plain(text: string | undefined): string {
  return (text ?? '').replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
