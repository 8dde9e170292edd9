// Canonical formatting of HCL source, in `terraform fmt`'s style. Like hclwrite, it works on the
// token stream (comments and newlines included) and changes the whitespace between tokens, so
// comments, string literals and heredoc text come out exactly as written. The parser is used
// only to refuse files with syntax errors.
//
// The passes follow hclwrite's format.go: split the tokens into lines, each into up to three
// cells (lead, `= value`, trailing comment); indent by bracket depth; space the tokens within a
// cell by neighbour rules; align the `=` and comment cells over runs of consecutive lines.
// As in terraform fmt, that spacing applies inside `${…}` and `%{…}` too (`"${ a }"` becomes
// `"${a}"`), and bare block labels get quotes (`site home {` becomes `site "home" {`).
// On top of terraform fmt, as the issue asks: blank lines are collapsed to one, removed at the
// start and end of the file, and one is put between two adjacent blocks unless both are one-line
// blocks; line comments lose trailing whitespace; the file ends with exactly one newline.
// Not done (Terraform 0.11 migrations, not style): unwrapping `"${x}"` to `x`, and rewriting
// quoted variable types. Checked against terraform v1.11.4 on the corpus and on whitespace-
// mangled copies of it: identical apart from the blank-line rules above.
//
// Alignment runs are exactly hclwrite's: a run of `=` is a run of consecutive lines that each
// hold a single-line attribute (`name = value` with balanced brackets). Any other line ends it:
// a blank line, a block header or closing brace, the first line of a multi-line value, and a
// comment-only line too (in hclwrite a line holding only a comment has no assign cell).
import type { Diagnostic } from '../diag/types.js';
import { hasErrors } from '../diag/types.js';
import { T, scanTokens, type TokenStream } from './lexer.js';
import { parseHcl, parseHclBytes } from './parser.js';

export interface FormatResult {
  /** The canonical text; absent when the source has syntax errors (see diagnostics). */
  readonly formatted?: string;
  readonly diagnostics: Diagnostic[];
}

/** The canonical form of `source`, or `source` unchanged when it has syntax errors. Never throws. */
export function formatHcl(source: string, filename = '<input>'): string {
  try {
    return formatHclChecked(source, filename).formatted ?? source;
  } catch {
    return source;
  }
}

/** Formats `source`, or returns the syntax errors that stop it from being formatted. */
export function formatHclChecked(source: string, filename = '<input>'): FormatResult {
  const parsed = parseHcl(source, filename);
  const diagnostics = [...parsed.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  let stream = scanTokens(source, filename);
  if (hasErrors(stream.diagnostics)) return { diagnostics: [...diagnostics, ...stream.diagnostics] };

  // The one change that is not whitespace: bare block labels get quotes, as terraform fmt does.
  let text = source;
  const bare = walkBodies(stream, splitLines(stream)).bareLabels;
  if (bare.length > 0) {
    text = quoteBareLabels(source, stream, bare);
    stream = scanTokens(text, filename);
  }
  const formatted = layout(text, stream);
  // A safety net for bugs here: after the labels, formatting moves whitespace, never tokens.
  if (!sameTokens(text, stream, formatted, filename)) {
    return {
      diagnostics: [
        ...diagnostics,
        {
          severity: 'error',
          summary: 'Cannot format this file',
          detail: `drctl's formatter would have changed the meaning of ${filename}, so it was left as it is. This is a bug in drctl; please report it with the file.`,
        },
      ],
    };
  }
  return { formatted, diagnostics };
}

/**
 * Formats a file read as bytes. Invalid UTF-8 is a syntax error here (writing the text back
 * would replace the bad bytes); a byte order mark is kept.
 */
export function formatHclBytes(bytes: Uint8Array, filename: string): FormatResult & { readonly source: string } {
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const diagnostics: Diagnostic[] = [...parseHclBytes(bytes, filename).diagnostics];
    if (!hasErrors(diagnostics)) {
      diagnostics.push({ severity: 'error', summary: 'Invalid UTF-8', detail: `${filename} is not valid UTF-8 text, so it was not formatted.` });
    }
    return { source: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), diagnostics };
  }
  return { source, ...formatHclChecked(source, filename) };
}

/**
 * One line: tokens [start, end) of the stream, without its newline. Cells and spaces use
 * stream indices; spaces before each token live in one array for the whole file.
 */
interface Line {
  readonly start: number;
  readonly end: number;
  /** Stream index of the newline ending the line; -1 for the last line of the file. */
  readonly eol: number;
  /** Start of the `= value` cell, or -1. */
  assignAt: number;
  /** Start of the trailing line-comment cell, or -1. */
  commentAt: number;
  /** Insert a blank line after this one (it closes a block followed directly by another). */
  blankAfter: boolean;
}

interface Layout {
  readonly source: string;
  readonly ts: TokenStream;
  readonly lines: Line[];
  /** Spaces before each token; at a line's first token, the indentation. */
  readonly spaces: Int32Array;
}

function layout(source: string, ts: TokenStream): string {
  const lines = splitLines(ts);
  const l: Layout = { source, ts, lines, spaces: new Int32Array(ts.count) };
  for (const line of lines) findCells(l, line);
  indent(l);
  spaceCells(l);
  alignCells(l);
  separateBlocks(l);
  return emit(l);
}

function splitLines(ts: TokenStream): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let k = 0; k < ts.count; k++) {
    const t = ts.types[k];
    if (t === T.Newline) {
      lines.push({ start, end: k, eol: k, assignAt: -1, commentAt: -1, blankAfter: false });
      start = k + 1;
    } else if (t === T.EOF) {
      if (k > start) lines.push({ start, end: k, eol: -1, assignAt: -1, commentAt: -1, blankAfter: false });
      break;
    }
  }
  return lines;
}

function bracketChange(type: number): number {
  switch (type) {
    case T.OBrace:
    case T.OBrack:
    case T.OParen:
    case T.TemplateInterp:
    case T.TemplateControl:
      return 1;
    case T.CBrace:
    case T.CBrack:
    case T.CParen:
    case T.TemplateSeqEnd:
      return -1;
    default:
      return 0;
  }
}

/** `#` and `//` comments (hclsyntax ends them with their newline, so they end a line). */
function isLineComment(l: Layout, k: number): boolean {
  if (l.ts.types[k] !== T.Comment) return false;
  const at = l.ts.starts[k];
  return !(l.source.charCodeAt(at) === 47 && l.source.charCodeAt(at + 1) === 42); // not /*
}

/** hclwrite's linesForFormat: peel off a trailing line comment, then a balanced `= value`. */
function findCells(l: Layout, line: Line): void {
  const types = l.ts.types;
  // A trailing comment is a cell only after other tokens, and only a line comment: in
  // hclwrite a `/* */` before the newline is not last on its line (the newline token is).
  if (line.end - line.start > 1 && isLineComment(l, line.end - 1)) line.commentAt = line.end - 1;
  const leadEnd = line.commentAt >= 0 ? line.commentAt : line.end;
  for (let i = line.start + 1; i < leadEnd; i++) {
    if (types[i] !== T.Equal) continue;
    let net = 0;
    for (let k = i; k < leadEnd; k++) net += bracketChange(types[k]);
    if (net === 0) line.assignAt = i;
    break;
  }
}

function leadEnd(line: Line): number {
  if (line.assignAt >= 0) return line.assignAt;
  return line.commentAt >= 0 ? line.commentAt : line.end;
}

/** hclwrite's formatIndent: two spaces per level, levels opened by lines with net open brackets. */
function indent(l: Layout): void {
  const types = l.ts.types;
  const stack: number[] = [];
  for (const line of l.lines) {
    if (line.end === line.start) continue;
    let net = 0;
    const end = leadEnd(line);
    for (let k = line.start; k < end; k++) {
      net += bracketChange(types[k]);
      if (types[k] === T.OHeredoc) break;
    }
    if (net > 0) {
      l.spaces[line.start] = 2 * stack.length;
      stack.push(net);
      continue;
    }
    let closed = -net;
    while (closed > 0 && stack.length > 0) {
      const top = stack[stack.length - 1];
      if (closed >= top) {
        closed -= top;
        stack.pop();
      } else {
        stack[stack.length - 1] = top - closed;
        closed = 0;
      }
    }
    l.spaces[line.start] = 2 * stack.length;
  }
}

/** hclwrite's formatSpaces: within each cell, the space after a token depends on its neighbours. */
function spaceCells(l: Layout): void {
  for (const line of l.lines) {
    const assignEnd = line.commentAt >= 0 ? line.commentAt : line.end;
    spaceRange(l, line.start, leadEnd(line));
    if (line.assignAt >= 0) {
      l.spaces[line.assignAt] = 1;
      spaceRange(l, line.assignAt, assignEnd);
    }
    if (line.commentAt >= 0) l.spaces[line.commentAt] = 1;
  }
}

function spaceRange(l: Layout, start: number, end: number): void {
  for (let k = start; k + 1 < end; k++) l.spaces[k + 1] = spaceAfter(l, k, k > start ? k - 1 : -1, k + 1) ? 1 : 0;
}

const NEGATION_BEFORE: ReadonlySet<number> = new Set<number>([
  T.OParen,
  T.OBrace,
  T.OBrack,
  T.Equal,
  T.Colon,
  T.Comma,
  T.Question,
  T.Plus,
  T.Star,
  T.Slash,
  T.Percent,
  T.Minus,
  T.EqualOp,
  T.NotEqual,
  T.GreaterThan,
  T.GreaterThanEq,
  T.LessThan,
  T.LessThanEq,
  T.And,
  T.Or,
  T.Bang,
]);

/** `in` after an identifier: the keyword of a for expression. */
function isInKeyword(l: Layout, k: number, before: number): boolean {
  const { types, starts, ends } = l.ts;
  return types[k] === T.Ident && before >= 0 && types[before] === T.Ident && ends[k] - starts[k] === 2 && l.source.startsWith('in', starts[k]);
}

/** hclwrite's spaceAfterToken, rule for rule and in the same order; `before` is -1 at a cell start. */
function spaceAfter(l: Layout, subject: number, before: number, after: number): boolean {
  const types = l.ts.types;
  const s = types[subject];
  const a = types[after];
  // Function name and its parenthesis. Like hclwrite this also gives `[for x in(y) : x]`;
  // kept so files terraform fmt has formatted stay unchanged (the corpus has such lines).
  if (s === T.Ident && a === T.OParen) return false;
  if ((s === T.Ident && a === T.DoubleColon) || (s === T.DoubleColon && a === T.Ident)) return false; // provider::ns::fn
  if (s === T.Dot || a === T.Dot) return false;
  if (a === T.Comma || a === T.Ellipsis) return false;
  if (s === T.Comma) return true;
  if (
    s === T.QuotedLit ||
    s === T.StringLit ||
    s === T.OQuote ||
    s === T.OHeredoc ||
    a === T.QuotedLit ||
    a === T.StringLit ||
    a === T.CQuote ||
    a === T.CHeredoc
  ) {
    return false; // inside templates
  }
  if (isInKeyword(l, subject, before)) return true; // `in [foo]`, not an index
  if (a === T.OBrack && (s === T.Ident || s === T.Number || bracketChange(s) < 0)) return false; // indexing
  if (s === T.Bang) return false;
  if (s === T.Minus) {
    // Negation when what comes before cannot end an expression.
    return before >= 0 && !NEGATION_BEFORE.has(types[before]);
  }
  if (s === T.OBrace || a === T.CBrace) return !(s === T.OBrace && a === T.CBrace); // `{ a = 1 }`, `{}`
  if ((s === T.TemplateInterp || s === T.TemplateControl) && a === T.OBrace) return true;
  if (s === T.CBrace && a === T.TemplateSeqEnd) return true;
  if (s === T.TemplateSeqEnd && (a === T.TemplateInterp || a === T.TemplateControl)) return false;
  if (bracketChange(s) > 0) return false;
  if (bracketChange(a) < 0) return false;
  return true;
}

/** Columns from the line start to the end of token end-1, spaces included (code points). */
function columns(l: Layout, start: number, end: number): number {
  let cols = 0;
  for (let k = start; k < end; k++) cols += l.spaces[k] + width(l, k);
  return cols;
}

function width(l: Layout, k: number): number {
  const from = l.ts.starts[k];
  const to = l.ts.ends[k];
  let w = to - from;
  for (let i = from; i < to; i++) {
    const c = l.source.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) w--; // a surrogate pair is one column
  }
  return w;
}

/** hclwrite's formatCells: align `=` over runs of attribute lines, then trailing comments. */
function alignCells(l: Layout): void {
  alignRuns(l, (line) => line.assignAt);
  alignRuns(l, (line) => line.commentAt);
}

function alignRuns(l: Layout, cellAt: (line: Line) => number): void {
  const lines = l.lines;
  const widths = new Int32Array(lines.length);
  let start = -1;
  let max = 0;
  const close = (end: number) => {
    for (let i = start; i < end; i++) l.spaces[cellAt(lines[i])] = max - widths[i] + 1;
    start = -1;
    max = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const at = cellAt(lines[i]);
    if (at < 0) {
      if (start >= 0) close(i);
      continue;
    }
    if (start < 0) start = i;
    widths[i] = columns(l, lines[i].start, at);
    if (widths[i] > max) max = widths[i];
  }
  if (start >= 0) close(lines.length);
}

interface BodyItem {
  readonly block: boolean;
  /** Line indices. */
  readonly startLine: number;
  /** The line of the block's closing brace (-1 until seen); attributes end where they start. */
  endLine: number;
}

interface BodyWalk {
  /** The items of every body (the file's and each block's), in source order. */
  readonly bodies: BodyItem[][];
  /** Stream indices of block labels written as bare identifiers (`site home {`). */
  readonly bareLabels: number[];
}

/**
 * Finds the attributes and blocks that start a line in a body, tracking bodies with a stack of
 * brackets: a block's `{` opens a body, every other bracket opens an expression.
 */
function walkBodies(ts: TokenStream, lines: readonly Line[]): BodyWalk {
  interface Frame {
    readonly items?: BodyItem[];
    readonly item?: BodyItem;
  }
  const types = ts.types;
  const bodies: BodyItem[][] = [[]];
  const stack: Frame[] = [{ items: bodies[0] }];
  const bareLabels: number[] = [];

  for (let li = 0; li < lines.length; li++) {
    const { start, end } = lines[li];
    if (start === end) continue;
    let blockBrace = -1;
    let block: BodyItem | undefined;
    const top = stack[stack.length - 1];
    if (top.items && types[start] === T.Ident) {
      if (end - start > 1 && types[start + 1] === T.Equal) {
        top.items.push({ block: false, startLine: li, endLine: li });
      } else {
        let k = start + 1;
        const labels: number[] = [];
        for (; k < end; k++) {
          const t = types[k];
          if (t === T.Ident) labels.push(k);
          else if (t !== T.OQuote && t !== T.QuotedLit && t !== T.CQuote) break;
        }
        if (k < end && types[k] === T.OBrace) {
          blockBrace = k;
          block = { block: true, startLine: li, endLine: -1 };
          top.items.push(block);
          bareLabels.push(...labels);
        }
      }
    }
    for (let k = start; k < end; k++) {
      const change = bracketChange(types[k]);
      if (change > 0) {
        if (k === blockBrace && block) {
          const items: BodyItem[] = [];
          bodies.push(items);
          stack.push({ items, item: block });
        } else {
          stack.push({});
        }
      } else if (change < 0 && stack.length > 1) {
        const frame = stack.pop()!;
        if (frame.item) frame.item.endLine = li;
      }
    }
  }
  return { bodies, bareLabels };
}

/** Terraform writes block labels quoted: `site home {` becomes `site "home" {`. */
function quoteBareLabels(source: string, ts: TokenStream, labels: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const k of labels) {
    parts.push(source.slice(at, ts.starts[k]), '"', source.slice(ts.starts[k], ts.ends[k]), '"');
    at = ts.ends[k];
  }
  parts.push(source.slice(at));
  return parts.join('');
}

/**
 * Marks a blank line after a block directly followed by another block in the same body (with
 * only comments between). Two one-line blocks in a row are left together: a run of them is a
 * table (`group "db" { … }` lines), as Terraform's style guide allows for related blocks.
 */
function separateBlocks(l: Layout): void {
  const lines = l.lines;
  for (const items of walkBodies(l.ts, lines).bodies) {
    for (let i = 0; i + 1 < items.length; i++) {
      const a = items[i];
      const b = items[i + 1];
      if (!a.block || !b.block || a.endLine < 0 || b.startLine <= a.endLine) continue;
      if (a.startLine === a.endLine && b.startLine === b.endLine) continue;
      let separated = false;
      for (let li = a.endLine + 1; li < b.startLine && !separated; li++) separated = lines[li].start === lines[li].end;
      if (!separated) lines[a.endLine].blankAfter = true;
    }
  }
}

const SPACES = ' '.repeat(64);

function emit(l: Layout): string {
  const { source, ts, lines, spaces } = l;
  let eolDefault = '\n';
  for (const line of lines) {
    if (line.eol >= 0) {
      eolDefault = source.slice(ts.starts[line.eol], ts.ends[line.eol]);
      break;
    }
  }
  let out = source.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  // Blank lines: none at the start, at most one in a row, none at the end.
  let pendingBlank: string | undefined;
  let wroteContent = false;
  for (const line of lines) {
    const eol = line.eol >= 0 ? source.slice(ts.starts[line.eol], ts.ends[line.eol]) : eolDefault;
    if (line.start === line.end) {
      if (wroteContent && pendingBlank === undefined) pendingBlank = eol;
      continue;
    }
    if (pendingBlank !== undefined) {
      out += pendingBlank;
      pendingBlank = undefined;
    }
    for (let k = line.start; k < line.end; k++) {
      const n = spaces[k];
      if (n > 0) out += n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n);
      out += tokenText(source, ts, k);
    }
    out += eol;
    wroteContent = true;
    if (line.blankAfter) pendingBlank = eol;
  }
  return out;
}

/** The token's text; line comments lose trailing whitespace. */
function tokenText(source: string, ts: TokenStream, k: number): string {
  const from = ts.starts[k];
  let to = ts.ends[k];
  if (ts.types[k] === T.Comment && source.charCodeAt(from + 1) !== 42 /* not /* */) {
    while (to > from && (source.charCodeAt(to - 1) === 32 || source.charCodeAt(to - 1) === 9)) to--;
  }
  return source.slice(from, to);
}

/**
 * Whether `formatted` has the same tokens as the original: the same types and text, with runs
 * of newlines counted as one (blank lines may come and go) and line comments compared without
 * trailing whitespace.
 */
function sameTokens(source: string, ts: TokenStream, formatted: string, filename: string): boolean {
  const again = scanTokens(formatted, filename);
  let i = skipNewlines(ts, 0);
  let j = skipNewlines(again, 0);
  for (;;) {
    const a = ts.types[i];
    const b = again.types[j];
    if (a === T.Newline || b === T.Newline) {
      // Runs of newlines count as one, and those before the end of the file as none.
      const i2 = skipNewlines(ts, i);
      const j2 = skipNewlines(again, j);
      if (ts.types[i2] === T.EOF && again.types[j2] === T.EOF) return true;
      if (a !== b) return false;
      i = i2;
      j = j2;
      continue;
    }
    if (a !== b) return false;
    if (a === T.EOF) return true;
    if (tokenText(source, ts, i) !== tokenText(formatted, again, j)) return false;
    i++;
    j++;
  }
}

function skipNewlines(ts: TokenStream, k: number): number {
  while (ts.types[k] === T.Newline) k++;
  return k;
}
