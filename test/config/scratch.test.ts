import { test } from 'vitest';
import { load, diagSummary, BASE } from './load-helpers.js';
import { cases } from '/tmp/scratch/cases.ts';
test('x', () => {
  for (const [name, c] of Object.entries(cases as Record<string, any>)) {
    const r = typeof c === 'string' ? load(c) : load(c.main ?? BASE, c);
    console.log('=== ' + name + (r.config ? ' [config] ' : ''));
    for (const d of r.diagnostics) {
      const s = diagSummary({ diagnostics: [d] } as any)[0];
      console.log(`  ${s.severity} | ${s.summary} | ${s.at}\n     ${(d.detail ?? '').replace(/\n/g, '\n     ')}`);
    }
  }
});
