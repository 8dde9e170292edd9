// What the state commands share: finding the state they act on (services/state.ts), printing
// the configuration's errors when it cannot tell where the state is, and warnings.
import type { Terminal } from '../terminal.js';
import { UserError } from '../../diag/index.js';
import { findState, type StateTarget, type StorageNotFound } from '../../services/index.js';
import { views } from '../../tui/index.js';

/** The state the command acts on; prints configuration errors and fails when it cannot tell. Close it when done. */
export async function stateTargetFor(term: Terminal, dir: string | undefined, statePath: string | undefined): Promise<StateTarget> {
  const found = await findState({ dir, statePath, cwd: term.cwd, env: term.env });
  if ('target' in found) {
    writeWarnings(term, found.target.warnings);
    return found.target;
  }
  const { renderDiagnosticsText } = await views.diagnostics();
  term.stderr.write(renderDiagnosticsText(found.diagnostics, found.sources, term.color, term.width));
  throw new UserError(found.message);
}

/** Runs `work` on the state the command acts on, and closes it (the store's connection) after. */
export async function withStateTarget<T>(term: Terminal, dir: string | undefined, statePath: string | undefined, work: (state: StateTarget) => Promise<T>): Promise<T> {
  const state = await stateTargetFor(term, dir, statePath);
  try {
    return await work(state);
  } finally {
    await state.close();
  }
}

export function writeWarnings(term: Terminal, warnings: readonly string[]): void {
  for (const w of warnings) term.stderr.write(`Warning: ${w}\n`);
}

/** A store command's result, or (when the configuration cannot say where the store is) its errors printed and a failure. */
export async function located<T>(term: Terminal, result: { readonly value: T } | StorageNotFound): Promise<T> {
  if ('value' in result) return result.value;
  const { renderDiagnosticsText } = await views.diagnostics();
  term.stderr.write(renderDiagnosticsText(result.diagnostics, result.sources, term.color, term.width));
  throw new UserError(result.message);
}
