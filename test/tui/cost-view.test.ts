// `drctl cost` output: the breakdown as text (per site, tier and resource) and as JSON valid
// against schemas/cost.schema.json, with the same figures the plan's cost line adds up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { costBreakdown } from '../../src/config/cost.js';
import { desiredResources } from '../../src/plan/desired.js';
import { costToJson, renderCostText } from '../../src/tui/views/cost.js';
import { BASE, load } from '../config/load-helpers.js';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/cost.schema.json'), 'utf8')) as object,
);

const HA =
  '\norchestrator "ksys" {\n  site         = site.dr\n  machine_type = "s922"\n  tier         = "tier1"\n  processors   = 0.5\n  memory_gb    = 16\n  high_availability {\n    standby_site = site.home\n  }\n}\n';
const breakdown = (src: string) => costBreakdown(desiredResources(load(src).config!));

describe('cost views', () => {
  it('text: the total, then per site, per tier and per resource with what is billed', () => {
    const text = renderCostText(breakdown(BASE + HA));
    expect(text).toBe(
      [
        'Monthly cost estimate: $5,292.24',
        '',
        'By site:',
        '  site           cores     memory  DR Automation  storage      total',
        '  site.dr       $51.10    $177.76          $0.00  $194.40    $423.26',
        '  site.home  $1,452.70  $3,021.89        $199.99  $194.40  $4,868.98',
        '',
        'By storage tier (both copies of each replicated volume):',
        '  tier       size  monthly',
        '  tier0  1,200 GB  $388.80',
        '',
        'By resource:',
        '  resource           site         monthly  what is billed',
        '  orchestrator.ksys  site.dr      $457.72  0.5 shared s922 cores $51.10, 16 GB memory $177.76, 0.5 shared s922 cores (standby at site.home) $51.10, 16 GB memory (standby at site.home) $177.76',
        '  vm.db01            site.home  $4,445.72  4 dedicated e980 cores $1,401.60, 256 GB memory $2,844.13, DR Automation for 4 cores $199.99',
        '  volume_group.db    site.home    $388.80  600 GB tier0 replica at site.dr $194.40, 600 GB tier0 at site.home $194.40',
        '',
        'Prices are illustrative list prices (see "Cost estimate" in docs/language.md); use IBM\'s cost estimator for a quote.',
        '',
      ].join('\n'),
    );
    // The figures add up: sites 423.26 + 4,868.98 = 5,292.24; resources 457.72 + 4,445.72 + 388.80 = 5,292.24.
  });

  it('JSON matches schemas/cost.schema.json and adds up to the text total', () => {
    const c = breakdown(BASE + HA);
    const json = costToJson(c);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.total_usd).toBe(5292.24);
    const cents = (n: number) => Math.round(n * 100);
    const resources = json.resources as { total_usd: number; items: { usd: number }[] }[];
    expect(resources.reduce((s, r) => s + cents(r.total_usd), 0)).toBe(cents(5292.24));
    for (const r of resources) expect(r.items.reduce((s, i) => s + cents(i.usd), 0)).toBe(cents(r.total_usd));
    // A broken document is refused: the schema can fail.
    expect(validate({ ...json, total_usd: 'lots' })).toBe(false);
  });

  it('a 5,000-VM estate: valid JSON, and every VM is a billed resource', () => {
    const c = breakdown(generateDrDefinition(5000));
    const json = costToJson(c);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const vms = (json.resources as { address: string; type: string }[]).filter((r) => r.type === 'vm');
    expect(vms).toHaveLength(5000);
    const text = renderCostText(c);
    expect(text.split('\n').filter((l) => /^\s{2}vm\./.test(l))).toHaveLength(5000);
  });

  it('counted VMs are listed in instance order: web[8] before web[12]', () => {
    const src =
      BASE.replace('vms = [vm.db01]', 'vms = [vm.db01, vm.web]') +
      '\nvm "web" {\n  count = 13\n  site = site.home\n  machine_type = "s922"\n  processors = 1\n  memory_gb = 8\n  os = "rhel"\n  networks = [network.app]\n}\n';
    const order = costBreakdown(desiredResources(load(src).config!))
      .resources.map((r) => r.address)
      .filter((a) => a.startsWith('vm.web'));
    expect(order.indexOf('vm.web[8]')).toBeLessThan(order.indexOf('vm.web[12]'));
    expect(order.slice(0, 3)).toEqual(['vm.web[0]', 'vm.web[1]', 'vm.web[2]']);
  });

  it('an empty configuration says nothing is billed', () => {
    expect(renderCostText(costBreakdown([]))).toContain('Nothing billed');
    expect(validate(costToJson(costBreakdown([])))).toBe(true);
  });
});
