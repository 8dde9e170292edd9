// `drctl graph` output: the resource dependency graph as DOT, or the recovery order as a tree.
import { formatDuration, predictRecoveryPlan, type Declaration, type DrConfig } from '../../config/index.js';
import { topologicalWaves, type Graph } from '../../graph/index.js';

const SHAPES: Readonly<Record<string, string>> = {
  site: 'house',
  vm: 'box',
  volume_group: 'cylinder',
  replication_policy: 'note',
  network: 'hexagon',
  recovery_plan: 'component',
  drill: 'component',
  orchestrator: 'box3d',
  notification: 'cds',
};

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The resource graph as DOT: resources only (variables and locals are inputs, not resources). */
export function renderDot(graph: Graph<Declaration>): string {
  const isResource = (id: string) => graph.get(id)?.kind === 'resource';
  const ids = graph.nodes.filter(isResource).sort();
  const lines = ['digraph drctl {', '  rankdir = "RL";', '  node [fontname = "Helvetica", fontsize = 10];'];
  for (const id of ids) {
    const type = graph.get(id)!.type;
    lines.push(`  ${quote(id)} [shape = ${SHAPES[type] ?? 'box'}];`);
  }
  for (const id of ids) {
    for (const dep of graph.dependencies(id).filter(isResource).sort()) lines.push(`  ${quote(id)} -> ${quote(dep)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Resources in dependency waves: everything in a wave can be created in parallel. */
export function renderWaves(graph: Graph<Declaration>): string {
  const lines: string[] = [];
  topologicalWaves(graph).forEach((wave, i) => {
    const resources = wave.filter((id) => graph.get(id)?.kind === 'resource');
    if (resources.length) lines.push(`wave ${i + 1}: ${resources.join(', ')}`);
  });
  return lines.join('\n') + '\n';
}

/** The recovery order of each plan as a tree, with predicted durations. */
export function renderRecoveryTree(config: DrConfig, parallelism: number, only?: string): string {
  const out: string[] = [];
  for (const plan of config.recoveryPlans.values()) {
    if (only && plan.name !== only) continue;
    const p = predictRecoveryPlan(plan, config, parallelism);
    const target = plan.rtoSeconds === undefined ? '' : `, target ${formatDuration(plan.rtoSeconds)}`;
    out.push(`${plan.address}  (predicted RTO ${formatDuration(p.totalSeconds)}${target}, parallelism ${parallelism})`);
    const last = p.groups.length - 1;
    out.push(`├─ storage switch  ${formatDuration(p.storageSwitchSeconds)}`);
    p.groups.forEach((g, gi) => {
      const branch = gi === last ? '└─' : '├─';
      const stem = gi === last ? '   ' : '│  ';
      const group = plan.groups[gi];
      const extras = [
        group.timeoutSeconds !== undefined ? `timeout ${formatDuration(group.timeoutSeconds)}` : '',
        group.postCheck ? `post_check ${group.postCheck}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(
        `${branch} ${gi + 1}. ${g.name}  (${g.vms.length} VM${g.vms.length === 1 ? '' : 's'}, ${formatDuration(g.seconds)}${extras ? `, ${extras}` : ''})`,
      );
      g.vms.forEach((addr, vi) => {
        const vm = config.vms.get(addr);
        const leaf = vi === g.vms.length - 1 && !g.manual ? '└─' : '├─';
        const desc = vm ? `${vm.machineType} ${vm.os} ${vm.processors} cores ${vm.memoryGb} GB, boot ${formatDuration(vm.bootSeconds)}` : '';
        out.push(`${stem}${leaf} ${addr}  ${desc}`);
      });
      if (g.manual) out.push(`${stem}└─ manual step: ${g.manual}`);
    });
    out.push('');
  }
  if (out.length === 0) return only ? `No recovery_plan named "${only}".\n` : 'No recovery plans are declared.\n';
  return out.join('\n');
}

export const GRAPH_JSON_FORMAT_VERSION = '1.0';

/**
 * `drctl graph --json` (schemas/graph.schema.json): every resource with what it depends on, the
 * creation waves, and each recovery plan's order with predicted durations — the three text
 * formats in one document.
 */
export function graphToJson(graph: Graph<Declaration>, config: DrConfig, parallelism: number, only?: string): Record<string, unknown> {
  const isResource = (id: string) => graph.get(id)?.kind === 'resource';
  const ids = graph.nodes.filter(isResource).sort();
  const plans = [...config.recoveryPlans.values()].filter((p) => !only || p.name === only);
  return {
    format_version: GRAPH_JSON_FORMAT_VERSION,
    resources: ids.map((id) => ({ address: id, type: graph.get(id)!.type, dependencies: graph.dependencies(id).filter(isResource).sort() })),
    waves: topologicalWaves(graph)
      .map((wave) => wave.filter(isResource))
      .filter((wave) => wave.length > 0),
    recovery_plans: plans.map((plan) => {
      const p = predictRecoveryPlan(plan, config, parallelism);
      return {
        plan: plan.address,
        parallelism,
        predicted_seconds: p.totalSeconds,
        target_seconds: plan.rtoSeconds ?? null,
        storage_switch_seconds: p.storageSwitchSeconds,
        groups: p.groups.map((g, i) => ({
          name: g.name,
          vms: [...g.vms],
          predicted_seconds: g.seconds,
          timeout_seconds: plan.groups[i]?.timeoutSeconds ?? null,
          post_check: plan.groups[i]?.postCheck ?? null,
          manual: g.manual ?? null,
        })),
      };
    }),
  };
}
