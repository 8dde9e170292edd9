// Diagnostics as text (through the one renderer) or as JSON, for every command that loads config.
import { renderDiagnostics, type Diagnostic } from '../../diag/index.js';

export { diagnosticsToJson, type DiagnosticJson } from '../../diag/index.js';

export function renderDiagnosticsText(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean, width: number): string {
  return diags.length ? renderDiagnostics(diags, { sources, color, width: Math.min(width, 100) }) : '';
}
