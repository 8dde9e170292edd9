// The order of a move as a graph, run by the engine's walk: shutdowns (reverse plan order) →
// every volume group switched at once → boots group by group → replication reversed. Each
// VM's own storage step runs beside the graph (see paceStorageSteps).
import type { RecoveryGroup } from '../../config/model.js';
import { volumeGroupSwitchSeconds } from '../../powervs/index.js';
import { Graph } from '../../graph/graph.js';
import { walk, type WalkOutcome } from '../../graph/walk.js';
import { bootInGroup, runGroup } from './boot.js';
import type { MoveRun } from './context.js';
import { driveVm } from './drive.js';
import { reverse } from './reversal.js';
import { bootSeconds, switchAllStorage } from './storage.js';

export type MoveStep =
  | { readonly kind: 'shutdown' | 'boot'; readonly vm: string }
  | { readonly kind: 'barrier' | 'switch' }
  | { readonly kind: 'group'; readonly group: RecoveryGroup }
  | { readonly kind: 'reverse'; readonly vg: string };

/** The move's steps and their order, for the plan's groups (in plan order) and volume groups. */
export function moveGraph(groups: readonly RecoveryGroup[], vgs: readonly string[]): Graph<MoveStep> {
  const graph = new Graph<MoveStep>();
  for (const g of groups) graph.addNode(`shutdown-done ${g.name}`, { kind: 'barrier' });
  groups.forEach((g, i) => {
    for (const vm of g.vms) {
      graph.addNode(`shutdown ${vm}`, { kind: 'shutdown', vm });
      graph.addEdge(`shutdown-done ${g.name}`, `shutdown ${vm}`);
      if (i + 1 < groups.length) graph.addEdge(`shutdown ${vm}`, `shutdown-done ${groups[i + 1].name}`);
    }
  });
  // Storage is one step, as the runbook predicts it: when every VM is off, all volume groups are
  // switched at once, outside the VM parallelism. Left to the VMs' own storage steps, a volume
  // group would be switched when the walk first reached one of its VMs, which for a later group
  // can be just as that group is due to boot.
  graph.addNode('switch storage', { kind: 'switch' });
  graph.addEdge('switch storage', `shutdown-done ${groups[0].name}`);
  groups.forEach((g, i) => {
    graph.addNode(`group ${g.name}`, { kind: 'group', group: g });
    for (const vm of g.vms) {
      graph.addNode(`boot ${vm}`, { kind: 'boot', vm });
      graph.addEdge(`boot ${vm}`, 'switch storage');
      if (i > 0) graph.addEdge(`boot ${vm}`, `group ${groups[i - 1].name}`);
      graph.addEdge(`group ${g.name}`, `boot ${vm}`);
    }
  });
  for (const vg of vgs) {
    graph.addNode(`reverse ${vg}`, { kind: 'reverse', vg });
    graph.addEdge(`reverse ${vg}`, `group ${groups[groups.length - 1].name}`);
  }
  return graph;
}

/** Walks the move's graph; each step's outcome, a failure being an outcome. */
export function walkMove(run: MoveRun): Promise<Map<string, WalkOutcome>> {
  const { config, vgs } = run;
  const groups = run.plan.groups;
  const groupOf = new Map<string, RecoveryGroup>();
  for (const g of groups) for (const v of g.vms) groupOf.set(v, g);
  const switchSeconds = Math.max(
    1,
    ...vgs.map((vg) => volumeGroupSwitchSeconds((config.volumeGroups.get(vg)?.volumes ?? []).reduce((s, v) => s + v.sizeGb, 0))),
  );
  const p = run.dr.parallelism;
  // The RTO clock runs from the first shutdown to the last group's completion (runGroup stops it);
  // each step is timed in its stage, as the prediction has it (lifecycle/rto.ts).
  run.rto.start();
  return walk(
    moveGraph(groups, vgs),
    async (id, step) => {
      switch (step.kind) {
        case 'barrier':
          return;
        case 'shutdown':
          return run.rto.step(`shutdown ${groupOf.get(step.vm)!.name}`, id, p, () => driveVm(run, step.vm, step.kind));
        case 'switch':
          return run.rto.step('switch storage', id, 1, () => switchAllStorage(run));
        case 'boot':
          return run.rto.step(`boot ${groupOf.get(step.vm)!.name}`, id, p, () => bootInGroup(run, step.vm, groupOf.get(step.vm)!));
        case 'group':
          return run.rto.step(`group ${step.group.name}`, id, 1, () => runGroup(run, step.group));
        case 'reverse':
          return reverse(run, step.vg);
      }
    },
    {
      parallelism: run.dr.parallelism,
      signal: run.opts.signal,
      estimate: (id) => (id.startsWith('boot ') ? bootSeconds(run, id.slice(5)) : id === 'switch storage' ? switchSeconds : 1),
    },
  );
}
