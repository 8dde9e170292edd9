// One workgroup machine per VM of the plan, its steps the phases' actors, restored from the
// state file when an earlier attempt persisted it, and brought to `ready-to-move`.
import { fromPromise } from 'xstate';
import { homePlacement, requireResource } from '../estate.js';
import { startLifecycle, stateName } from '../runner.js';
import { workgroupMachine, type StepInput } from '../workgroup.js';
import { bootVm } from './boot.js';
import type { MoveRun } from './context.js';
import { shutdownVm } from './shutdown.js';
import { switchStorage } from './storage.js';

export function startWorkgroups(run: MoveRun): void {
  const provided = workgroupMachine.provide({
    actors: {
      shutdownVm: fromPromise<void, StepInput>(({ input }) => shutdownVm(run, input)),
      switchStorage: fromPromise<void, StepInput>(({ input }) => switchStorage(run, input)),
      bootVm: fromPromise<{ id: string }, StepInput>(({ input }) => bootVm(run, input)),
    },
  });
  const { session, from, to } = run;
  for (const g of run.plan.groups) {
    for (const vm of g.vms) {
      requireResource(session, vm);
      const lc = startLifecycle(
        provided,
        vm,
        session,
        { vm, from, to, placement: homePlacement(session, vm), bootTimeoutMs: run.realMs(g.timeoutSeconds ?? 3600) },
        { onTransition: run.onTransition },
      );
      const s = lc.actor.getSnapshot();
      // A VM that finished an earlier move the other way turns around for this one.
      if (stateName(s) === 'active-on-target' && s.context.to !== to) lc.actor.send({ type: 'REVERSE' });
      if (stateName(lc.actor.getSnapshot()) === 'unmanaged') lc.actor.send({ type: 'DISCOVER' });
      if (stateName(lc.actor.getSnapshot()) === 'discovered') lc.actor.send({ type: 'READY' });
      run.lifecycles.set(vm, lc);
    }
  }
}
