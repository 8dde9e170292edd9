// The shipped example (plans/) as a newcomer gets it (issue 13, Seen 2 and 10): it sends nothing
// to an endpoint nobody listens on, and its own targets hold by prediction, so the drill the
// README runs cannot fail its max_rto by design.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, predictRecoveryPlan } from '../../src/config/index.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';
import { desiredResources } from '../../src/plan/desired.js';
import { recordedRecoverySeconds } from '../../src/plan/forecast.js';
import type { StateResource } from '../../src/state/types.js';

const PLANS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../plans');

describe('the shipped example', () => {
  const r = loadConfig({ dir: PLANS, fs: nodeConfigFs, vars: [], env: {} });

  it('loads without errors', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual([]);
  });

  it('has no webhook notification: every DR run would otherwise end waiting on a dead endpoint', () => {
    expect([...r.config!.notifications.values()].filter((n) => n.webhook).map((n) => n.webhook)).toEqual([]);
  });

  it('predicts its first failover within the plan’s rto and its drill within max_rto (no warning says otherwise)', () => {
    expect(r.diagnostics.map((d) => d.summary)).not.toContain('Predicted RTO exceeds target');
    expect(r.diagnostics.map((d) => d.summary)).not.toContain('Predicted drill RTO exceeds max_rto');
    // The checks exist and speak for the example: a plan with a target and a drill with a limit.
    expect([...r.config!.recoveryPlans.values()].some((p) => p.rtoSeconds !== undefined)).toBe(true);
    expect([...r.config!.drills.values()].some((d) => d.pass.maxRtoSeconds !== undefined)).toBe(true);
  });

  it('predicts the same RTO from what an apply records as from the configuration (post_check and manual times included)', () => {
    const config = r.config!;
    const recorded = desiredResources(config).map(
      (d) => ({ address: d.address, type: d.type, name: d.name, attributes: d.attributes }) as unknown as StateResource,
    );
    for (const plan of config.recoveryPlans.values()) {
      const predicted = predictRecoveryPlan(plan, config, 10);
      expect(predicted.groups.some((g) => g.manualSeconds > 0)).toBe(true);
      expect(recordedRecoverySeconds(plan.address, recorded, 10)).toBe(predicted.totalSeconds);
    }
  });
});
