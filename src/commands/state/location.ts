// What the state commands share: finding the state they act on (services/state.ts), printing
// the configuration's errors when it cannot tell where the state is, and warnings.
import type { Terminal } from '../terminal.js';
import { UserError } from '../../diag/index.js';
import { findState, type StateTarget } from '../../services/index.js';
import { views } from '../../tui/index.js';

/** The state the command acts on; prints configuration errors and fails when it cannot tell. */
export async function stateTargetFor(term: Terminal, dir: string | undefined, statePath: string | undefined): Promise<StateTarget> {
  const found = await findState({ dir, statePath, cwd: term.cwd, env: term.env });
  if ('target' in found) return found.target;
  const { renderDiagnosticsText } = await views.diagnostics();
  term.stderr.write(renderDiagnosticsText(found.diagnostics, found.sources, term.color, term.width));
  throw new UserError(found.message);
}

export function writeWarnings(term: Terminal, warnings: readonly string[]): void {
  for (const w of warnings) term.stderr.write(`Warning: ${w}\n`);
}
