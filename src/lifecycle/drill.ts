// The drill (rehearsal) lifecycle: clone, boot the clones on the test network, validate, and
// clean up. Cleanup is always reached: after a failed step, after the drill's time limit
// (`after`), and on CANCEL (Ctrl-C), so a drill never leaves clones behind by design.
import { assign, fromPromise, setup } from 'xstate';

export interface DrillContext {
  readonly drill: string;
  readonly limitMs: number;
  readonly failure?: { readonly step: string; readonly message: string };
  readonly cancelled: boolean;
  readonly rtoMs?: number;
}

export type DrillEvent = { readonly type: 'CANCEL' } | { readonly type: 'RETRY' };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function failTo(step: string) {
  return {
    target: 'cleaning' as const,
    actions: assign<DrillContext, any, undefined, DrillEvent, never>({ failure: ({ event }) => ({ step, message: message(event.error) }) }),
  };
}

const cancel = {
  CANCEL: { target: 'cleaning' as const, actions: assign<DrillContext, DrillEvent, undefined, DrillEvent, never>({ cancelled: true }) },
};

const overTime = {
  limit: {
    target: 'cleaning' as const,
    actions: assign<DrillContext, DrillEvent, undefined, DrillEvent, never>({
      failure: ({ context }) => ({ step: 'limit', message: `the drill ran past its ${Math.round(context.limitMs / 1000)}s limit` }),
    }),
  },
};

export const drillMachine = setup({
  types: {
    context: {} as DrillContext,
    events: {} as DrillEvent,
    input: {} as { readonly drill: string; readonly limitMs: number },
  },
  actors: {
    cloneVolumes: fromPromise<void, { drill: string }>(async () => {
      throw new Error('cloneVolumes is not provided');
    }),
    bootClones: fromPromise<{ rtoMs: number }, { drill: string }>(async () => {
      throw new Error('bootClones is not provided');
    }),
    validate: fromPromise<void, { drill: string }>(async () => {
      throw new Error('validate is not provided');
    }),
    cleanup: fromPromise<void, { drill: string }>(async () => {
      throw new Error('cleanup is not provided');
    }),
  },
  delays: {
    limit: ({ context }) => context.limitMs,
  },
}).createMachine({
  id: 'drill',
  initial: 'starting',
  context: ({ input }) => ({ drill: input.drill, limitMs: input.limitMs, cancelled: false }),
  states: {
    starting: {
      invoke: { src: 'cloneVolumes', input: ({ context }) => ({ drill: context.drill }), onDone: 'active', onError: failTo('clone') },
      after: overTime,
      on: cancel,
    },
    active: {
      invoke: {
        src: 'bootClones',
        input: ({ context }) => ({ drill: context.drill }),
        onDone: { target: 'validating', actions: assign({ rtoMs: ({ event }) => event.output.rtoMs }) },
        onError: failTo('boot'),
      },
      after: overTime,
      on: cancel,
    },
    validating: {
      invoke: { src: 'validate', input: ({ context }) => ({ drill: context.drill }), onDone: 'cleaning', onError: failTo('validate') },
      after: overTime,
      on: cancel,
    },
    cleaning: {
      invoke: { src: 'cleanup', input: ({ context }) => ({ drill: context.drill }), onDone: 'done', onError: 'cleanup-failed' },
    },
    'cleanup-failed': { tags: ['error'], on: { RETRY: 'cleaning' } },
    done: { type: 'final' },
  },
});

export type DrillMachine = typeof drillMachine;
