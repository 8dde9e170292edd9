// The VM / workgroup lifecycle of a move (failover or failback): one machine per VM. Steps are
// actors the run provides (shutdown, storage switch, boot); the run decides when each step may
// start (reverse order for shutdowns, recovery-plan order for boots) by sending events.
// Split-brain protection lives in the shape of the machine: `booting` can only be reached
// through `shut-down`, i.e. after the source copy was confirmed off, or after the run declared
// the source site lost (an unplanned move).
import { assign, fromPromise, setup } from 'xstate';
import type { KsysEventName } from './ksys.js';

export interface StepInput {
  readonly vm: string;
  readonly from: string;
  readonly to: string;
  /** The cloud id of the VM at each site it has been placed on. */
  readonly placement: Readonly<Record<string, string>>;
}

export interface BootOutput {
  /** The id of the VM at the target site (created there on the first move). */
  readonly id: string;
}

export interface WorkgroupFailure {
  readonly event: KsysEventName;
  readonly step: 'shutdown' | 'storage' | 'boot';
  readonly message: string;
}

export interface WorkgroupContext {
  readonly vm: string;
  /** The site it is moving away from, and the site it is moving to. */
  readonly from: string;
  readonly to: string;
  readonly placement: Readonly<Record<string, string>>;
  /** Where the VM runs now: a site address, or null while it is down. */
  readonly activeOn: string | null;
  readonly bootTimeoutMs: number;
  readonly attempts: number;
  readonly failure?: WorkgroupFailure;
}

export interface WorkgroupInput {
  readonly vm: string;
  readonly from: string;
  readonly to: string;
  readonly placement?: Readonly<Record<string, string>>;
  readonly bootTimeoutMs?: number;
}

export type WorkgroupEvent =
  | { readonly type: 'DISCOVER' }
  | { readonly type: 'READY' }
  | { readonly type: 'MOVE' }
  /** Unplanned: the source site is gone, so there is nothing to shut down (and nothing to fence). */
  | { readonly type: 'SOURCE_LOST' }
  | { readonly type: 'SWITCH_STORAGE' }
  | { readonly type: 'BOOT' }
  | { readonly type: 'RETRY' }
  /** Turn around for the move back (failback): from and to swap. */
  | { readonly type: 'REVERSE' };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const DEFAULT_BOOT_TIMEOUT_MS = 60 * 60 * 1000;

export const workgroupMachine = setup({
  types: {
    context: {} as WorkgroupContext,
    events: {} as WorkgroupEvent,
    input: {} as WorkgroupInput,
  },
  actors: {
    shutdownVm: fromPromise<void, StepInput>(async () => {
      throw new Error('shutdownVm is not provided');
    }),
    switchStorage: fromPromise<void, StepInput>(async () => {
      throw new Error('switchStorage is not provided');
    }),
    bootVm: fromPromise<BootOutput, StepInput>(async () => {
      throw new Error('bootVm is not provided');
    }),
  },
  delays: {
    bootTimeout: ({ context }) => context.bootTimeoutMs,
  },
}).createMachine({
  id: 'workgroup',
  initial: 'unmanaged',
  context: ({ input }) => ({
    vm: input.vm,
    from: input.from,
    to: input.to,
    placement: input.placement ?? {},
    activeOn: input.from,
    bootTimeoutMs: input.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS,
    attempts: 0,
  }),
  states: {
    unmanaged: { on: { DISCOVER: 'discovered' } },
    discovered: { on: { READY: 'ready-to-move' } },
    'ready-to-move': {
      on: {
        MOVE: 'shutting-down',
        SOURCE_LOST: { target: 'shut-down', actions: assign({ activeOn: null }) },
      },
    },
    'shutting-down': {
      invoke: {
        src: 'shutdownVm',
        input: ({ context }) => ({ vm: context.vm, from: context.from, to: context.to, placement: context.placement }),
        onDone: { target: 'shut-down', actions: assign({ activeOn: null }) },
        onError: {
          target: 'shutdown-failed',
          actions: assign({ failure: ({ event }) => ({ event: 'VM_SHUTDOWN_FAILED' as const, step: 'shutdown' as const, message: message(event.error) }) }),
        },
      },
    },
    'shut-down': { on: { SWITCH_STORAGE: 'storage-switching' } },
    'storage-switching': {
      invoke: {
        src: 'switchStorage',
        input: ({ context }) => ({ vm: context.vm, from: context.from, to: context.to, placement: context.placement }),
        onDone: 'storage-switched',
        onError: {
          target: 'storage-failed',
          actions: assign({ failure: ({ event }) => ({ event: 'VG_REVERSAL_FAILED' as const, step: 'storage' as const, message: message(event.error) }) }),
        },
      },
    },
    'storage-switched': { on: { BOOT: 'booting' } },
    booting: {
      entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
      invoke: {
        src: 'bootVm',
        input: ({ context }) => ({ vm: context.vm, from: context.from, to: context.to, placement: context.placement }),
        onDone: {
          target: 'active-on-target',
          actions: assign({
            placement: ({ context, event }) => ({ ...context.placement, [context.to]: event.output.id }),
            activeOn: ({ context }) => context.to,
            failure: undefined,
          }),
        },
        onError: {
          target: 'boot-failed',
          actions: assign({ failure: ({ event }) => ({ event: 'VM_BOOTUP_FAILED' as const, step: 'boot' as const, message: message(event.error) }) }),
        },
      },
      after: {
        bootTimeout: {
          target: 'boot-failed',
          actions: assign({
            failure: ({ context }) => ({
              event: 'VM_BOOTUP_FAILED' as const,
              step: 'boot' as const,
              message: `did not boot within ${Math.round(context.bootTimeoutMs / 1000)}s`,
            }),
          }),
        },
      },
    },
    'active-on-target': {
      on: {
        REVERSE: {
          target: 'ready-to-move',
          actions: assign({ from: ({ context }) => context.to, to: ({ context }) => context.from, attempts: 0, failure: undefined }),
        },
      },
    },
    // Error states: each names the failed step; RETRY runs that step again.
    'shutdown-failed': {
      meta: { event: 'VM_SHUTDOWN_FAILED' },
      tags: ['error'],
      on: { RETRY: { target: 'shutting-down', actions: assign({ failure: undefined }) } },
    },
    'storage-failed': {
      meta: { event: 'VG_REVERSAL_FAILED' },
      tags: ['error'],
      on: { RETRY: { target: 'storage-switching', actions: assign({ failure: undefined }) } },
    },
    'boot-failed': { meta: { event: 'VM_BOOTUP_FAILED' }, tags: ['error'], on: { RETRY: { target: 'booting', actions: assign({ failure: undefined }) } } },
  },
});

export type WorkgroupMachine = typeof workgroupMachine;
export type WorkgroupState =
  | 'unmanaged'
  | 'discovered'
  | 'ready-to-move'
  | 'shutting-down'
  | 'shut-down'
  | 'storage-switching'
  | 'storage-switched'
  | 'booting'
  | 'active-on-target'
  | 'shutdown-failed'
  | 'storage-failed'
  | 'boot-failed';

export const WORKGROUP_ERROR_STATES: readonly WorkgroupState[] = ['shutdown-failed', 'storage-failed', 'boot-failed'];
