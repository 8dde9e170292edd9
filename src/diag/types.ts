// Positions follow hclsyntax: line and column count from 1, byte from 0; ranges end exclusively.
export interface Pos {
  readonly line: number;
  readonly column: number;
  readonly byte: number;
}

export interface Range {
  readonly filename: string;
  readonly start: Pos;
  readonly end: Pos;
}

export type Severity = 'error' | 'warning';

/** A diagnostic is data; one renderer turns it into text. */
export interface Diagnostic {
  readonly severity: Severity;
  /** A short phrase, e.g. "Unsupported argument". */
  readonly summary: string;
  /** What is wrong and what to do about it. */
  readonly detail?: string;
  /** The exact source the diagnostic is about. */
  readonly subject?: Range;
  /** A wider range that gives the subject its context (e.g. the whole block). */
  readonly context?: Range;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function errorDiag(summary: string, detail: string | undefined, subject?: Range, context?: Range): Diagnostic {
  return { severity: 'error', summary, detail, subject, context };
}

export function warningDiag(summary: string, detail: string | undefined, subject?: Range, context?: Range): Diagnostic {
  return { severity: 'warning', summary, detail, subject, context };
}

/** Range covering from the start of `a` to the end of `b`. */
export function spanRanges(a: Range, b: Range): Range {
  return { filename: a.filename, start: a.start, end: b.end };
}
