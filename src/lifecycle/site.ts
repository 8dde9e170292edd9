// The site lifecycle of a DR pair: which site is active, and which DR operation is under way.
// The runs (failover, failback, drill, cleanup) send it events; it is persisted in the state
// file, so `drctl failover` after an interrupted one knows it is resuming, and no second move
// can start while one is unfinished.
import { assign, setup } from 'xstate';
import type { KsysEventName } from './ksys.js';

export type SiteOperation = 'failing-over' | 'resyncing' | 'failing-back' | 'drilling' | 'cleaning-up';

export interface SiteContext {
  /** The site production runs on (or last ran on, during a move). */
  readonly active: string;
  readonly standby: string;
  /** The operation a failed step interrupted (for needs-attention). */
  readonly interrupted?: SiteOperation;
  readonly failure?: { readonly event: KsysEventName; readonly step: string; readonly message: string };
  /** The run that last drove this machine. */
  readonly run?: string;
  readonly unplanned?: boolean;
}

export type SiteEvent =
  | { readonly type: 'REPLICATION_OK' }
  | { readonly type: 'REPLICATION_LOST' }
  | { readonly type: 'FAILOVER'; readonly to: string; readonly run: string; readonly unplanned?: boolean }
  | { readonly type: 'FAILBACK'; readonly run: string }
  | { readonly type: 'RESYNCED' }
  | { readonly type: 'MOVED' }
  | { readonly type: 'DRILL'; readonly run: string }
  | { readonly type: 'DRILL_ENDED' }
  | { readonly type: 'CLEANED' }
  | { readonly type: 'STEP_FAILED'; readonly event: KsysEventName; readonly step: string; readonly message: string }
  | { readonly type: 'RETRY'; readonly run?: string }
  | { readonly type: 'FORCE'; readonly run?: string };

const swap = assign<SiteContext, SiteEvent, undefined, SiteEvent, never>({
  active: ({ context }) => context.standby,
  standby: ({ context }) => context.active,
});
const clearFailure = assign<SiteContext, SiteEvent, undefined, SiteEvent, never>({ failure: undefined, interrupted: undefined });

function failedStep(op: SiteOperation) {
  return {
    target: 'needs-attention' as const,
    actions: assign<SiteContext, SiteEvent, undefined, SiteEvent, never>({
      interrupted: op,
      failure: ({ event }) => (event.type === 'STEP_FAILED' ? { event: event.event, step: event.step, message: event.message } : undefined),
    }),
  };
}

export const siteMachine = setup({
  types: {
    context: {} as SiteContext,
    events: {} as SiteEvent,
    input: {} as { readonly active: string; readonly standby: string },
  },
  guards: {
    // Split brain: a failover must move production away from the active site, never onto it.
    targetIsStandby: ({ context, event }) => event.type === 'FAILOVER' && event.to === context.standby,
    interruptedWas: ({ context }, op: SiteOperation) => context.interrupted === op,
  },
}).createMachine({
  id: 'site',
  initial: 'ready',
  context: ({ input }) => ({ active: input.active, standby: input.standby }),
  states: {
    ready: {
      on: {
        REPLICATION_OK: 'replicating',
        // An unplanned failover does not need healthy replication: the active site is gone.
        FAILOVER: {
          guard: 'targetIsStandby',
          target: 'failing-over',
          actions: assign({ run: ({ event }) => event.run, unplanned: ({ event }) => event.unplanned === true }),
        },
      },
    },
    replicating: {
      on: {
        REPLICATION_LOST: 'ready',
        FAILOVER: {
          guard: 'targetIsStandby',
          target: 'failing-over',
          actions: assign({ run: ({ event }) => event.run, unplanned: ({ event }) => event.unplanned === true }),
        },
        DRILL: { target: 'drilling', actions: assign({ run: ({ event }) => event.run }) },
      },
    },
    'failing-over': {
      on: {
        MOVED: { target: 'recovered', actions: swap },
        STEP_FAILED: failedStep('failing-over'),
      },
    },
    recovered: {
      on: { FAILBACK: { target: 'resyncing', actions: assign({ run: ({ event }) => event.run, unplanned: false }) } },
    },
    resyncing: {
      on: {
        RESYNCED: 'failing-back',
        STEP_FAILED: failedStep('resyncing'),
      },
    },
    'failing-back': {
      on: {
        MOVED: { target: 'replicating', actions: swap },
        STEP_FAILED: failedStep('failing-back'),
      },
    },
    drilling: {
      on: {
        DRILL_ENDED: 'cleaning-up',
        // A failed drill still cleans up; the failure is kept for the record.
        STEP_FAILED: { target: 'cleaning-up', actions: assign({ failure: ({ event }) => ({ event: event.event, step: event.step, message: event.message }) }) },
      },
    },
    'cleaning-up': {
      on: {
        CLEANED: { target: 'replicating', actions: clearFailure },
        STEP_FAILED: failedStep('cleaning-up'),
      },
    },
    'needs-attention': {
      tags: ['error'],
      on: {
        RETRY: [
          { guard: { type: 'interruptedWas', params: 'failing-over' }, target: 'failing-over', actions: clearFailure },
          { guard: { type: 'interruptedWas', params: 'resyncing' }, target: 'resyncing', actions: clearFailure },
          { guard: { type: 'interruptedWas', params: 'failing-back' }, target: 'failing-back', actions: clearFailure },
          { guard: { type: 'interruptedWas', params: 'cleaning-up' }, target: 'cleaning-up', actions: clearFailure },
        ],
        // Force past the failed step: accept the move as done (the failed VMs stay in their
        // error states and are listed in the run record).
        FORCE: [
          { guard: { type: 'interruptedWas', params: 'failing-over' }, target: 'recovered', actions: [swap, clearFailure] },
          { guard: { type: 'interruptedWas', params: 'resyncing' }, target: 'failing-back', actions: clearFailure },
          { guard: { type: 'interruptedWas', params: 'failing-back' }, target: 'replicating', actions: [swap, clearFailure] },
          { guard: { type: 'interruptedWas', params: 'cleaning-up' }, target: 'replicating', actions: clearFailure },
        ],
      },
    },
  },
});

export type SiteMachine = typeof siteMachine;
export type SiteState = 'ready' | 'replicating' | 'failing-over' | 'recovered' | 'resyncing' | 'failing-back' | 'drilling' | 'cleaning-up' | 'needs-attention';
/** States in which a move is unfinished: a new run must resume it rather than start another. */
export const SITE_BUSY_STATES: readonly SiteState[] = ['failing-over', 'resyncing', 'failing-back', 'needs-attention'];
