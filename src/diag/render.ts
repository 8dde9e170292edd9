// The one renderer for diagnostics, in Terraform's shape:
//   Error: <summary>
//
//     on plans/erp.hcl line 12, in vm "db01":
//     12:   regoin = "dal13"
//           ^^^^^^
//
//   <detail>
import type { Diagnostic, Range } from './types.js';

export interface RenderOptions {
  /** Source text by filename, for the code frame. Missing files just omit the frame. */
  readonly sources?: ReadonlyMap<string, string>;
  readonly color?: boolean;
  /** Wrap the detail at this width (0 = no wrapping). */
  readonly width?: number;
}

const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  bold: '\u001b[1m',
  underline: '\u001b[4m',
  reset: '\u001b[0m',
};

/** Colour only on a TTY and never with NO_COLOR set (https://no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function renderDiagnostic(diag: Diagnostic, opts: RenderOptions = {}): string {
  const color = opts.color === true;
  const paint = (code: string, s: string) => (color ? code + s + ANSI.reset : s);
  const label = diag.severity === 'error' ? paint(ANSI.bold + ANSI.red, 'Error:') : paint(ANSI.bold + ANSI.yellow, 'Warning:');
  const lines: string[] = [`${label} ${paint(ANSI.bold, diag.summary)}`];

  const subject = diag.subject;
  if (subject) {
    const source = opts.sources?.get(subject.filename);
    const where = source === undefined ? undefined : enclosingBlockHeader(source, subject.start.line);
    lines.push('');
    lines.push(`  on ${subject.filename} line ${subject.start.line}${where ? `, in ${where}` : ''}:`);
    if (source !== undefined) lines.push(...codeFrame(source, subject, color));
  }
  if (diag.detail) {
    lines.push('');
    lines.push(...wrap(diag.detail, opts.width ?? 0));
  }
  return lines.join('\n') + '\n';
}

export function renderDiagnostics(diags: readonly Diagnostic[], opts: RenderOptions = {}): string {
  return diags.map((d) => renderDiagnostic(d, opts)).join('\n');
}

/** A one-line form for logs and plain views: `plans/erp.hcl:12:3: error: Unsupported argument`. */
export function formatDiagnosticLine(diag: Diagnostic): string {
  const at = diag.subject ? `${diag.subject.filename}:${diag.subject.start.line}:${diag.subject.start.column}: ` : '';
  return `${at}${diag.severity}: ${diag.summary}${diag.detail ? ` — ${diag.detail}` : ''}`;
}

function codeFrame(source: string, subject: Range, color: boolean): string[] {
  const lineText = lineAt(source, subject.start.line);
  if (lineText === undefined) return [];
  const gutter = `${String(subject.start.line).padStart(4)}: `;
  const startCol = Math.max(1, subject.start.column);
  // A multi-line subject is underlined to the end of its first line.
  const endCol = subject.end.line === subject.start.line ? Math.max(subject.end.column, startCol + 1) : lineText.length + 1;
  const shown = lineText.replace(/\t/g, ' ');
  const before = shown.slice(0, startCol - 1);
  const marked = shown.slice(startCol - 1, endCol - 1);
  const after = shown.slice(endCol - 1);
  const text = color ? `${before}${ANSI.underline}${marked}${ANSI.reset}${after}` : shown;
  const caretCount = Math.max(1, Math.min(endCol, shown.length + 1) - startCol);
  return [`${gutter}${text}`, `${' '.repeat(gutter.length + startCol - 1)}${'^'.repeat(caretCount)}`];
}

function lineAt(source: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = source.indexOf('\n', start);
  return source.slice(start, end < 0 ? source.length : end).replace(/\r$/, '');
}

const BLOCK_HEADER = /^([A-Za-z_][\w-]*)((?:\s+(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*))*)\s*\{/;

/** The top-level block that contains `line`, as `vm "db01"`; found by brace depth over the text. */
function enclosingBlockHeader(source: string, line: number): string | undefined {
  let depth = 0;
  let header: string | undefined;
  let lineNo = 1;
  let i = 0;
  let atLineStart = true;
  while (i <= source.length) {
    if (atLineStart) {
      atLineStart = false;
      if (depth === 0) {
        const nl = source.indexOf('\n', i);
        const m = BLOCK_HEADER.exec(source.slice(i, nl < 0 ? source.length : nl).trimStart());
        header = m ? `${m[1]}${m[2].replace(/\s+/g, ' ')}` : undefined;
      }
      if (lineNo === line) return header;
    }
    if (i === source.length) break;
    const ch = source[i];
    if (ch === '\n') {
      lineNo++;
      atLineStart = true;
    } else if (ch === '#' || (ch === '/' && source[i + 1] === '/')) {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl;
      continue;
    } else if (ch === '"') {
      i = skipString(source, i);
      continue;
    } else if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    i++;
  }
  return undefined;
}

function skipString(source: string, i: number): number {
  let j = i + 1;
  while (j < source.length && source[j] !== '"' && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
  return source[j] === '"' ? j + 1 : j;
}

function wrap(text: string, width: number): string[] {
  if (width <= 0) return text.split('\n');
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}
