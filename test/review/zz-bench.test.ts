import { test } from 'vitest';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';
import { load } from '../config/load-helpers.js';
import { makePlan } from '../../src/plan/make.js';
import { renderPlanText } from '../../src/plan/render-text.js';
test('bench', async () => {
  const r = load(generateDrDefinition(5000));
  const plan = await makePlan({ config: r.config!, state: null, refresh: false, destroy: false, targets: [], replace: [], parallelism: 10, drctlVersion: '0.1.0', emit: () => {} });
  for (let k = 0; k < 3; k++) { const t = performance.now(); const s = renderPlanText(plan); console.log('render ms', (performance.now() - t).toFixed(1), s.length); }
});
