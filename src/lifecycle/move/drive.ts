// One VM through one step of its workgroup machine: start it (or retry it after a failure),
// wait for it to finish, and report it. A step an earlier attempt finished is not redone.
import type { KsysEventName } from '../ksys.js';
import { stateName, until } from '../runner.js';
import type { WorkgroupState } from '../workgroup.js';
import type { MoveRun } from './context.js';

export type VmStep = 'shutdown' | 'storage' | 'boot';

interface StepStates {
  readonly from: WorkgroupState;
  readonly event: 'MOVE' | 'SWITCH_STORAGE' | 'BOOT';
  readonly busy: WorkgroupState;
  readonly failed: WorkgroupState;
  readonly done: WorkgroupState;
  readonly eventName: KsysEventName;
}

const STEPS: Readonly<Record<VmStep, StepStates>> = {
  shutdown: { from: 'ready-to-move', event: 'MOVE', busy: 'shutting-down', failed: 'shutdown-failed', done: 'shut-down', eventName: 'VM_SHUTDOWN_STARTED' },
  storage: {
    from: 'shut-down',
    event: 'SWITCH_STORAGE',
    busy: 'storage-switching',
    failed: 'storage-failed',
    done: 'storage-switched',
    eventName: 'VG_REVERSAL_STARTED',
  },
  boot: { from: 'storage-switched', event: 'BOOT', busy: 'booting', failed: 'boot-failed', done: 'active-on-target', eventName: 'VM_BOOTUP_STARTED' },
};
const ORDER: readonly WorkgroupState[] = [
  'ready-to-move',
  'shutting-down',
  'shut-down',
  'storage-switching',
  'storage-switched',
  'booting',
  'active-on-target',
];
const FAILED_AT: Partial<Record<WorkgroupState, WorkgroupState>> = {
  'shutdown-failed': 'shutting-down',
  'storage-failed': 'storage-switching',
  'boot-failed': 'booting',
};

export async function driveVm(run: MoveRun, vm: string, step: VmStep): Promise<void> {
  const { emit, from, to } = run;
  const lc = run.lifecycles.get(vm)!;
  const name = () => stateName(lc.actor.getSnapshot()) as WorkgroupState;
  const s = STEPS[step];
  const at = ORDER.indexOf(FAILED_AT[name()] ?? name());
  if (at > ORDER.indexOf(s.busy)) return; // finished by an earlier attempt
  if (name() === s.failed) lc.actor.send({ type: 'RETRY' });
  else if (name() === s.from) {
    if (step === 'shutdown' && run.sourceLost) {
      lc.actor.send({ type: 'SOURCE_LOST' });
      return;
    }
    if (step !== 'storage')
      emit({ name: s.eventName, subject: vm, message: `${step === 'boot' ? 'booting' : 'shutting down'} ${vm} at ${step === 'boot' ? to : from}` });
    lc.actor.send({ type: s.event });
  } else if (name() !== s.busy) throw new Error(`${vm} is ${name()}, not ready for ${step}`);
  const end = await until(
    lc.actor,
    (x) => {
      const n = stateName(x);
      return n === s.done || n === s.failed;
    },
    run.opts.signal,
  );
  if (stateName(end) === s.failed) {
    const f = end.context.failure;
    emit({ name: f?.event ?? 'MOVE_FAILED', subject: vm, message: `${vm}: ${f?.message ?? 'failed'}` });
    throw new Error(`${f?.event ?? 'failed'}: ${f?.message ?? ''}`);
  }
  if (step === 'shutdown') emit({ name: 'VM_SHUTDOWN_COMPLETED', subject: vm, message: `${vm} is off at ${from}` });
  if (step === 'boot') emit({ name: 'VM_BOOTUP_COMPLETED', subject: vm, message: `${vm} is up at ${to}` });
}
