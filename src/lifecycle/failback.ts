// `drctl failback`: once the home site is back, resync replication towards it (fencing any
// copy an unplanned failover left running there), then make the reverse move.
import type { DrContext } from './session.js';
import { moveService, type FailoverOptions, type MoveServiceOutcome } from './failover.js';

export type FailbackOptions = Omit<FailoverOptions, 'unplanned'>;

export function failbackService(opts: FailbackOptions, ctx: DrContext): Promise<MoveServiceOutcome> {
  return moveService('failback', opts, ctx);
}
