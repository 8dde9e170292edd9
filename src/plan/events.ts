// The engine's typed events. The Ink view, the plain line view and --json are three consumers of
// the same stream; the engine never writes to a terminal itself.
import type { Action } from './actions.js';
import type { PlanSummary } from './plan.js';

interface At {
  /** Milliseconds since the run started (from the injected clock). */
  readonly t: number;
}

export type EngineEvent =
  | (At & { readonly type: 'plan.start'; readonly dir: string; readonly resources: number })
  | (At & { readonly type: 'refresh.start'; readonly address: string })
  | (At & { readonly type: 'refresh.done'; readonly address: string; readonly drift: 'none' | 'changed' | 'deleted' })
  | (At & { readonly type: 'plan.done'; readonly summary: PlanSummary; readonly changes: number })
  | (At & { readonly type: 'apply.start'; readonly total: number; readonly parallelism: number })
  | (At & { readonly type: 'resource.start'; readonly address: string; readonly action: Action })
  | (At & { readonly type: 'resource.progress'; readonly address: string; readonly message: string })
  | (At & { readonly type: 'resource.done'; readonly address: string; readonly action: Action; readonly id: string; readonly elapsedMs: number })
  | (At & { readonly type: 'resource.failed'; readonly address: string; readonly action: Action; readonly error: string; readonly elapsedMs: number })
  | (At & { readonly type: 'resource.skipped'; readonly address: string; readonly action: Action; readonly reason: string })
  | (At & { readonly type: 'state.persisted'; readonly serial: number; readonly changed: boolean })
  | (At & { readonly type: 'apply.interrupted'; readonly inFlight: number })
  | (At & {
      readonly type: 'apply.done';
      readonly succeeded: number;
      readonly failed: number;
      readonly skipped: number;
      readonly cancelled: number;
      readonly elapsedMs: number;
    })
  | (At & { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string });

export type EngineEventType = EngineEvent['type'];

/** Distributive Omit, so each variant keeps its own fields. */
export type EventInput = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 't'> : never) : never;

export type EventSink = (event: EngineEvent) => void;

/** An emitter that stamps events with the time since `start` on the given clock. */
export function eventEmitter(sink: EventSink, now: () => number): (e: EventInput) => void {
  const start = now();
  // Object.assign, not `{ ...e, t }`: V8 builds a spread followed by a property slowly.
  return (e) => sink(Object.assign({}, e, { t: Math.round(now() - start) }) as EngineEvent);
}
