// Diagnostics as text (through the one renderer) or as JSON, for every command that loads config.
import type { Diagnostic } from '../../diag/types.js';
import { renderDiagnostics } from '../../diag/render.js';

export interface DiagnosticJson {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: Diagnostic['subject'];
}

export function diagnosticsToJson(diags: readonly Diagnostic[]): DiagnosticJson[] {
  return diags.map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, range: d.subject }));
}

export function renderDiagnosticsText(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean, width: number): string {
  return diags.length ? renderDiagnostics(diags, { sources, color, width: Math.min(width, 100) }) : '';
}
