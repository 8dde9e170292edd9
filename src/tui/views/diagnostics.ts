// Diagnostics as text (through the one renderer) or as JSON, for every command that loads config.
import type { Diagnostic } from '../../diag/types.js';
import { renderDiagnostics } from '../../diag/render.js';

export { diagnosticsToJson, type DiagnosticJson } from '../../diag/json.js';

export function renderDiagnosticsText(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean, width: number): string {
  return diags.length ? renderDiagnostics(diags, { sources, color, width: Math.min(width, 100) }) : '';
}
