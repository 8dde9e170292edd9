// Diagnostics as JSON, for --json outputs and plan files.
import type { Diagnostic, Range } from './types.js';

export interface DiagnosticJson {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: Range;
}

export function diagnosticsToJson(diags: readonly Diagnostic[]): DiagnosticJson[] {
  return diags.map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, range: d.subject }));
}
