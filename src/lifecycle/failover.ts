// `drctl failover`: move production to the standby site (planned by default; --unplanned when
// the active site is gone). The move itself is move.ts; this opens the run and closes it.
import type { VarInput } from '../config/load.js';
import { openDrSession, type DrContext, type DrOpened } from './session.js';
import { runMove, type MoveOptions, type MoveOutcome } from './move.js';

export interface DrRunOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly statePath?: string;
  readonly lockTimeoutMs?: number;
  readonly parallelism?: number;
}

export interface FailoverOptions extends DrRunOptions, Omit<MoveOptions, 'kind'> {}

export interface MoveServiceOutcome extends Omit<DrOpened, 'dr'> {
  readonly move?: MoveOutcome;
}

export async function failoverService(opts: FailoverOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return moveService('failover', opts, ctx);
}

export async function moveService(kind: 'failover' | 'failback', opts: FailoverOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  const opened = await openDrSession({ ...opts, operation: kind, signal: opts.signal }, ctx);
  if (!opened.dr) return opened;
  try {
    const move = await runMove(opened.dr, { ...opts, kind });
    return { diagnostics: opened.diagnostics, sources: opened.sources, move };
  } finally {
    await opened.dr.close();
  }
}
