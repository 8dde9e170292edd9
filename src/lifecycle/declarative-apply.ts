// Running a plan's declarative move inside `drctl apply`: the same move as `drctl failover
// --planned` (or failback), on apply's locked state and cloud connection, after the resource
// changes. The sites' new roles go into state only once the move succeeded. services/engine.ts
// calls it with what apply opened; lifecycle itself never reaches the apply engine.
import type { DrConfig } from '../config/index.js';
import type { Provider } from '../provider/index.js';
import type { StateSession } from '../state/index.js';
import type { Redactor } from '../redact/index.js';
import { UserError } from '../diag/index.js';
import { roleChanges, type EventInput, type Plan, type PlannedRunbook } from '../plan/index.js';
import { runMove, type MoveOutcome } from './move.js';
import { drctlDirOf, type DrSession, type RunContext } from './session.js';

export interface DeclarativeMoveInputs {
  readonly plan: Plan;
  readonly config: DrConfig;
  readonly session: StateSession;
  readonly provider: Provider;
  readonly parallelism: number;
  /** Real seconds per model second of the cloud. */
  readonly timeScale: number;
  readonly ctx: RunContext;
  readonly emit: (e: EventInput) => void;
  readonly signal?: AbortSignal;
  /** Apply's redactor: the move's events and record hide what apply's output hides. */
  readonly redactor: Redactor;
}

export interface DeclarativeMoveResult {
  readonly runbook: PlannedRunbook;
  readonly ok: boolean;
  /** The move's outcome (absent for record-only, or when it refused to start). */
  readonly move?: MoveOutcome;
  /** Why it failed or did not start. */
  readonly error?: string;
  /** The sites' roles were written to state. */
  readonly rolesRecorded: boolean;
}

const LEVEL = { info: 'info', warning: 'warn', critical: 'error' } as const;

export async function runDeclarativeMoves(inp: DeclarativeMoveInputs): Promise<DeclarativeMoveResult[]> {
  const { plan, config, session, emit } = inp;
  const results: DeclarativeMoveResult[] = [];
  const ctx: RunContext = {
    ...inp.ctx,
    // DR events join apply's event stream as log lines (the live views show them).
    drSink: (e) => {
      inp.ctx.drSink?.(e);
      if (e.name !== 'machine.transition') emit({ type: 'log', level: LEVEL[e.severity], message: `${e.name === 'run.step' ? '' : `${e.name} `}${e.message}` });
    },
  };
  const dr: DrSession = {
    config,
    state: session,
    provider: inp.provider,
    parallelism: inp.parallelism,
    timeScale: inp.timeScale,
    ctx,
    drctlDir: drctlDirOf(ctx.cwd),
    redactor: inp.redactor,
    close: async () => undefined,
  };
  for (const rb of plan.runbooks ?? []) {
    let move: MoveOutcome | undefined;
    let error: string | undefined;
    if (rb.mode !== 'record-only') {
      emit({
        type: 'log',
        level: 'info',
        message: `drctl will ${rb.kind === 'failover' ? 'fail over' : 'fail back'} from ${rb.from} to ${rb.to}${rb.plan ? ` (${rb.plan})` : ''}`,
      });
      try {
        move = await runMove(dr, { kind: rb.kind, plan: rb.plan, expect: { from: rb.from, to: rb.to }, signal: inp.signal });
        if (!move.ok)
          error = move.record
            ? `${rb.kind} ${move.record.outcome}: ${move.record.failures.join('; ') || 'see the run record'}`
            : (move.message ?? `${rb.kind} did not complete`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        error = e.message;
      }
    }
    const ok = error === undefined;
    if (ok) {
      for (const c of roleChanges(plan)) {
        const r = session.resource(c.address);
        if (!r || !c.after) continue;
        await session.upsert({ ...r, attributes: { ...r.attributes, role: c.after.role } });
        emit({ type: 'log', level: 'info', message: `${c.address}: role ${String(c.before?.role)} -> ${String(c.after.role)} recorded` });
      }
      const commit = await session.commit();
      emit({ type: 'state.persisted', serial: commit.serial, changed: commit.written });
    } else {
      emit({
        type: 'log',
        level: 'error',
        message: `${rb.kind} ${rb.from} → ${rb.to} did not complete: ${error}. The roles in state are unchanged; fix the cause and apply again.`,
      });
    }
    results.push({ runbook: rb, ok, ...(move ? { move } : {}), ...(error ? { error } : {}), rolesRecorded: ok });
  }
  return results;
}
