// `drctl cost` output: the monthly estimate per site, storage tier and resource, as text or as
// JSON (schemas/cost.schema.json). The figures are config/cost.ts's, the same the plan's cost
// line adds up.
import { formatUsd, type CostBreakdown, type CostItem } from '../../config/cost.js';

export const COST_JSON_FORMAT_VERSION = '1.0';

/** "1,200" (GB), "0.5" (cores). */
function quantity(n: number): string {
  const [whole, frac] = String(n).split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

function itemText(i: CostItem): string {
  const at = i.replica ? ` (standby at ${i.site})` : '';
  switch (i.dimension) {
    case 'cores':
      return `${quantity(i.quantity)} ${i.procType} ${i.machineType} core${i.quantity === 1 ? '' : 's'}${at} ${formatUsd(i.usd)}`;
    case 'memory':
      return `${quantity(i.quantity)} GB memory${at} ${formatUsd(i.usd)}`;
    case 'dr_automation':
      return `DR Automation for ${quantity(i.quantity)} core${i.quantity === 1 ? '' : 's'} ${formatUsd(i.usd)}`;
    case 'storage':
      return `${quantity(i.quantity)} GB ${i.tier}${i.replica ? ` replica at ${i.site}` : ` at ${i.site}`} ${formatUsd(i.usd)}`;
  }
}

function itemsByAddress(c: CostBreakdown): Map<string, CostItem[]> {
  const out = new Map<string, CostItem[]>();
  for (const i of c.items) {
    const list = out.get(i.address);
    if (list) list.push(i);
    else out.set(i.address, [i]);
  }
  return out;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderCostText(c: CostBreakdown): string {
  const out: string[] = [`Monthly cost estimate: ${formatUsd(c.totalUsd)}`, ''];
  if (c.items.length === 0) {
    out.push('Nothing billed: the configuration has no VMs, volume groups or orchestrator.', '');
  } else {
    out.push('By site:');
    const siteRows = c.sites.map((s) => [
      s.site,
      formatUsd(s.byDimension.cores),
      formatUsd(s.byDimension.memory),
      formatUsd(s.byDimension.dr_automation),
      formatUsd(s.byDimension.storage),
      formatUsd(s.usd),
    ]);
    for (const l of table(['site', 'cores', 'memory', 'DR Automation', 'storage', 'total'], siteRows, [false, true, true, true, true, true]))
      out.push(`  ${l}`);
    out.push('', 'By storage tier (both copies of each replicated volume):');
    const tierRows = c.tiers.filter((t) => t.gb > 0).map((t) => [t.tier, `${quantity(t.gb)} GB`, formatUsd(t.usd)]);
    if (tierRows.length) for (const l of table(['tier', 'size', 'monthly'], tierRows, [false, true, true])) out.push(`  ${l}`);
    else out.push('  no replicated storage');
    out.push('', 'By resource:');
    const byAddress = itemsByAddress(c);
    const rows = c.resources.map((r) => {
      const items = byAddress.get(r.address) ?? [];
      const primary = [...new Set(items.filter((i) => !i.replica).map((i) => i.site))];
      return [r.address, primary.join(', '), formatUsd(r.usd), items.map(itemText).join(', ')];
    });
    for (const l of table(['resource', 'site', 'monthly', 'what is billed'], rows, [false, false, true, false])) out.push(`  ${l}`);
    out.push('');
  }
  out.push('Prices are illustrative list prices (see "Cost estimate" in docs/language.md); use IBM\'s cost estimator for a quote.');
  return out.join('\n') + '\n';
}

/** The breakdown as JSON, the shape schemas/cost.schema.json pins. */
export function costToJson(c: CostBreakdown): Record<string, unknown> {
  const byAddress = itemsByAddress(c);
  return {
    format_version: COST_JSON_FORMAT_VERSION,
    currency: 'USD',
    period: 'month',
    total_usd: c.totalUsd,
    sites: c.sites.map((s) => ({
      site: s.site,
      total_usd: s.usd,
      cores_usd: s.byDimension.cores,
      memory_usd: s.byDimension.memory,
      dr_automation_usd: s.byDimension.dr_automation,
      storage_usd: s.byDimension.storage,
    })),
    tiers: c.tiers.map((t) => ({ tier: t.tier, gb: t.gb, usd: t.usd })),
    resources: c.resources.map((r) => ({
      address: r.address,
      type: r.type,
      total_usd: r.usd,
      items: (byAddress.get(r.address) ?? []).map((i) => ({
        site: i.site,
        dimension: i.dimension,
        quantity: i.quantity,
        unit: i.unit,
        rate_usd: Math.round(i.rateUsd * 1e6) / 1e6,
        usd: i.usd,
        machine_type: i.machineType ?? null,
        proc_type: i.procType ?? null,
        tier: i.tier ?? null,
        replica: i.replica === true,
      })),
    })),
  };
}
