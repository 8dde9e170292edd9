import { it, expect } from 'vitest';
import { drBed, bootOrder, splitBrains } from './harness.js';
import { failoverService } from '../../src/lifecycle/failover.js';
import { failbackService } from '../../src/lifecycle/failback.js';

it('smoke', async () => {
  const bed = await drBed();
  try {
    await bed.apply();
    const seq = (await bed.admin.log()).length;
    const out = await failoverService({ dir: 'plans', vars: [] }, bed.ctx());
    console.log(out.diagnostics.map((d) => d.summary), out.move?.record?.outcome, out.move?.record?.failures);
    const log = await bed.admin.log(seq);
    console.log(bootOrder(log, 'erp-prod-wdc04').join(' '));
    console.log(splitBrains(await bed.admin.log(), ['erp-prod-dal13', 'erp-prod-wdc04']));
    const back = await failbackService({ dir: 'plans', vars: [] }, bed.ctx());
    console.log(back.move?.record?.outcome, back.move?.record?.failures, back.move?.message);
    console.log(splitBrains(await bed.admin.log(), ['erp-prod-dal13', 'erp-prod-wdc04']));
    expect(out.move?.ok).toBe(true);
  } finally {
    await bed.close();
  }
}, 60_000);
