// Canonical formatting of HCL source, in `terraform fmt`'s style. Like hclwrite, it works on the
// token stream (comments and newlines included) and changes only the whitespace between tokens,
// so comments, strings, templates and heredocs come out exactly as written. The parser is used
// only to refuse files with syntax errors.
//
// The passes follow hclwrite's format.go: split the tokens into lines, each into up to three
// cells (lead, `= value`, trailing comment); indent by bracket depth; space the tokens within a
// cell by neighbour rules; align the `=` and comment cells over runs of consecutive lines. On
// top of hclwrite, and as the issue asks: blank lines are collapsed to one, removed at the start
// and end of the file, and one is inserted between two adjacent blocks; trailing whitespace is
// removed (from line comments too) and the file ends with exactly one newline.
//
// Alignment runs are exactly hclwrite's: a run of `=` is a run of consecutive lines that each
// hold a single-line attribute (`name = value` with balanced brackets). Any other line ends it:
// a blank line, a block header or closing brace, the first line of a multi-line value, and a
// comment-only line too (in hclwrite a line holding only a comment has no assign cell).
import type { Diagnostic } from '../diag/types.js';
import { hasErrors } from '../diag/types.js';
import { scan, type Token, type TokenType } from './lexer.js';
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
  const scanned = scan(source, filename);
  if (hasErrors(scanned.diagnostics)) return { diagnostics: [...diagnostics, ...scanned.diagnostics] };

  // The one change that is not whitespace: bare block labels get quotes, as terraform fmt does.
  let text = source;
  let tokens = scanned.tokens;
  const bare = walkBodies(splitLines(tokens)).bareLabels;
  if (bare.length > 0) {
    text = quoteBareLabels(source, bare);
    tokens = scan(text, filename).tokens;
  }
  const formatted = layout(text, tokens);
  // A safety net for bugs here: after the labels, formatting moves whitespace, never tokens.
  if (!sameTokens(text, tokens, formatted, filename)) {
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

/** One line of tokens, without its newline; cells are index ranges into `tokens`. */
interface Line {
  readonly tokens: Token[];
  /** The newline token that ends the line; absent for the last line of the file. */
  readonly eol?: Token;
  /** Start of the `= value` cell, or -1. */
  assignAt: number;
  /** Start of the trailing line-comment cell, or -1. */
  commentAt: number;
  /** Spaces before each token; spaces[0] is the indentation. */
  spaces: number[];
  /** Insert a blank line after this one (it closes a block followed directly by another). */
  blankAfter: boolean;
}

function layout(source: string, tokens: readonly Token[]): string {
  const lines = splitLines(tokens);
  for (const line of lines) findCells(line, source);
  indent(lines);
  spaceCells(lines, source);
  alignCells(lines, source);
  separateBlocks(lines);
  return emit(lines, source, tokens);
}

function splitLines(tokens: readonly Token[]): Line[] {
  const lines: Line[] = [];
  let current: Token[] = [];
  for (const tok of tokens) {
    if (tok.type === 'EOF') break;
    if (tok.type === 'Newline') {
      lines.push(newLine(current, tok));
      current = [];
    } else {
      current.push(tok);
    }
  }
  if (current.length > 0) lines.push(newLine(current, undefined));
  return lines;
}

function newLine(tokens: Token[], eol: Token | undefined): Line {
  return { tokens, eol, assignAt: -1, commentAt: -1, spaces: new Array<number>(tokens.length).fill(0), blankAfter: false };
}

function bracketChange(type: TokenType): number {
  switch (type) {
    case 'OBrace':
    case 'OBrack':
    case 'OParen':
    case 'TemplateInterp':
    case 'TemplateControl':
      return 1;
    case 'CBrace':
    case 'CBrack':
    case 'CParen':
    case 'TemplateSeqEnd':
      return -1;
    default:
      return 0;
  }
}

/** `#` and `//` comments (hclsyntax ends them with their newline, so they end a line). */
function isLineComment(tok: Token, source: string): boolean {
  return tok.type === 'Comment' && !(source.charCodeAt(tok.start) === 47 && source.charCodeAt(tok.start + 1) === 42);
}

/** hclwrite's linesForFormat: peel off a trailing line comment, then a balanced `= value`. */
function findCells(line: Line, source: string): void {
  const toks = line.tokens;
  const n = toks.length;
  // A trailing comment is a cell only after other tokens, and only a line comment: in
  // hclwrite a `/* */` before the newline is not last on its line (the newline token is).
  if (n > 1 && isLineComment(toks[n - 1], source)) line.commentAt = n - 1;
  const leadEnd = line.commentAt >= 0 ? line.commentAt : n;
  for (let i = 1; i < leadEnd; i++) {
    if (toks[i].type !== 'Equal') continue;
    let net = 0;
    for (let k = i; k < leadEnd; k++) net += bracketChange(toks[k].type);
    if (net === 0) line.assignAt = i;
    break;
  }
}

function leadEnd(line: Line): number {
  if (line.assignAt >= 0) return line.assignAt;
  return line.commentAt >= 0 ? line.commentAt : line.tokens.length;
}

/** hclwrite's formatIndent: two spaces per level, levels opened by lines with net open brackets. */
function indent(lines: Line[]): void {
  const stack: number[] = [];
  for (const line of lines) {
    if (line.tokens.length === 0) continue;
    let net = 0;
    const end = leadEnd(line);
    for (let i = 0; i < end; i++) {
      const t = line.tokens[i].type;
      net += bracketChange(t);
      if (t === 'OHeredoc') break;
    }
    if (net > 0) {
      line.spaces[0] = 2 * stack.length;
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
    line.spaces[0] = 2 * stack.length;
  }
}

/** hclwrite's formatSpaces: within each cell, the space after a token depends on its neighbours. */
function spaceCells(lines: Line[], source: string): void {
  for (const line of lines) {
    const n = line.tokens.length;
    const lead = leadEnd(line);
    const assignEnd = line.commentAt >= 0 ? line.commentAt : n;
    spaceRange(line, 0, lead, source);
    if (line.assignAt >= 0) {
      line.spaces[line.assignAt] = 1;
      spaceRange(line, line.assignAt, assignEnd, source);
    }
    if (line.commentAt >= 0) line.spaces[line.commentAt] = 1;
  }
}

function spaceRange(line: Line, start: number, end: number, source: string): void {
  const toks = line.tokens;
  for (let i = start; i + 1 < end; i++) {
    line.spaces[i + 1] = spaceAfter(toks[i], i > start ? toks[i - 1] : undefined, toks[i + 1], source) ? 1 : 0;
  }
}

const NEGATION_BEFORE: ReadonlySet<TokenType> = new Set<TokenType>([
  'OParen', 'OBrace', 'OBrack', 'Equal', 'Colon', 'Comma', 'Question',
  'Plus', 'Star', 'Slash', 'Percent', 'Minus',
  'EqualOp', 'NotEqual', 'GreaterThan', 'GreaterThanEq', 'LessThan', 'LessThanEq',
  'And', 'Or', 'Bang',
]);

function isInKeyword(tok: Token, before: Token | undefined, source: string): boolean {
  return tok.type === 'Ident' && before?.type === 'Ident' && tok.end - tok.start === 2 && source.startsWith('in', tok.start);
}

/** hclwrite's spaceAfterToken, rule for rule and in the same order. */
function spaceAfter(subject: Token, before: Token | undefined, after: Token, source: string): boolean {
  const s = subject.type;
  const a = after.type;
  // Function name and its parenthesis. Like hclwrite this also gives `[for x in(y) : x]`;
  // kept so files terraform fmt has formatted stay unchanged (the corpus has such lines).
  if (s === 'Ident' && a === 'OParen') return false;
  if ((s === 'Ident' && a === 'DoubleColon') || (s === 'DoubleColon' && a === 'Ident')) return false; // provider::ns::fn
  if (s === 'Dot' || a === 'Dot') return false;
  if (a === 'Comma' || a === 'Ellipsis') return false;
  if (s === 'Comma') return true;
  if (s === 'QuotedLit' || s === 'StringLit' || s === 'OQuote' || s === 'OHeredoc' ||
    a === 'QuotedLit' || a === 'StringLit' || a === 'CQuote' || a === 'CHeredoc') {
    return false; // inside templates
  }
  if (isInKeyword(subject, before, source)) return true; // `in [foo]`, not an index
  if (a === 'OBrack' && (s === 'Ident' || s === 'Number' || bracketChange(s) < 0)) return false; // indexing
  if (s === 'Bang') return false;
  if (s === 'Minus') {
    // Negation when what comes before cannot end an expression.
    return before !== undefined && !NEGATION_BEFORE.has(before.type);
  }
  if (s === 'OBrace' || a === 'CBrace') return !(s === 'OBrace' && a === 'CBrace'); // `{ a = 1 }`, `{}`
  if ((s === 'TemplateInterp' || s === 'TemplateControl') && a === 'OBrace') return true;
  if (s === 'CBrace' && a === 'TemplateSeqEnd') return true;
  if (s === 'TemplateSeqEnd' && (a === 'TemplateInterp' || a === 'TemplateControl')) return false;
  if (bracketChange(s) > 0) return false;
  if (bracketChange(a) < 0) return false;
  return true;
}

function columns(line: Line, start: number, end: number, source: string): number {
  let cols = 0;
  for (let i = start; i < end; i++) cols += line.spaces[i] + width(source, line.tokens[i]);
  return cols;
}

function width(source: string, tok: Token): number {
  // Columns count code points (surrogate pairs are one column).
  let w = tok.end - tok.start;
  for (let i = tok.start; i < tok.end; i++) {
    const c = source.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) w--;
  }
  return w;
}

/** hclwrite's formatCells: align `=` over runs of attribute lines, then trailing comments. */
function alignCells(lines: Line[], source: string): void {
  alignRuns(lines, (l) => l.assignAt, (l) => columns(l, 0, l.assignAt, source));
  alignRuns(lines, (l) => l.commentAt, (l) => columns(l, 0, l.commentAt, source));
}

function alignRuns(lines: Line[], cellAt: (l: Line) => number, width: (l: Line) => number): void {
  let start = -1;
  let max = 0;
  const close = (end: number) => {
    for (let i = start; i < end; i++) {
      const l = lines[i];
      l.spaces[cellAt(l)] = max - width(l) + 1;
    }
    start = -1;
    max = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (cellAt(l) < 0) {
      if (start >= 0) close(i);
      continue;
    }
    if (start < 0) start = i;
    // Width up to the cell, measured with the cell's own spacing not yet counted.
    const saved = l.spaces[cellAt(l)];
    l.spaces[cellAt(l)] = 0;
    max = Math.max(max, width(l));
    l.spaces[cellAt(l)] = saved;
  }
  if (start >= 0) close(lines.length);
}

interface BodyItem {
  readonly block: boolean;
  readonly startLine: number;
  /** The line of the block's closing brace (-1 until seen); attributes end where they start. */
  endLine: number;
}

interface BodyWalk {
  /** The items of every body (the file's and each block's), in source order. */
  readonly bodies: BodyItem[][];
  /** Block labels written as bare identifiers (`site home {`). */
  readonly bareLabels: Token[];
}

/**
 * Finds the attributes and blocks that start a line in a body, tracking bodies with a stack of
 * brackets: a block's `{` opens a body, every other bracket opens an expression.
 */
function walkBodies(lines: readonly Line[]): BodyWalk {
  interface Frame {
    readonly items?: BodyItem[];
    readonly item?: BodyItem;
  }
  const bodies: BodyItem[][] = [[]];
  const stack: Frame[] = [{ items: bodies[0] }];
  const bareLabels: Token[] = [];

  for (let li = 0; li < lines.length; li++) {
    const toks = lines[li].tokens;
    if (toks.length === 0) continue;
    let blockBrace = -1;
    let block: BodyItem | undefined;
    const top = stack[stack.length - 1];
    if (top.items && toks[0].type === 'Ident') {
      if (toks.length > 1 && toks[1].type === 'Equal') {
        top.items.push({ block: false, startLine: li, endLine: li });
      } else {
        let k = 1;
        const labels: Token[] = [];
        for (; k < toks.length; k++) {
          const t = toks[k].type;
          if (t === 'Ident') labels.push(toks[k]);
          else if (t !== 'OQuote' && t !== 'QuotedLit' && t !== 'CQuote') break;
        }
        if (k < toks.length && toks[k].type === 'OBrace') {
          blockBrace = k;
          block = { block: true, startLine: li, endLine: -1 };
          top.items.push(block);
          bareLabels.push(...labels);
        }
      }
    }
    for (let k = 0; k < toks.length; k++) {
      const change = bracketChange(toks[k].type);
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
function quoteBareLabels(source: string, labels: readonly Token[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const label of labels) {
    parts.push(source.slice(at, label.start), '"', source.slice(label.start, label.end), '"');
    at = label.end;
  }
  parts.push(source.slice(at));
  return parts.join('');
}

/**
 * Marks a blank line after a block directly followed by another block in the same body (with
 * only comments between). Two one-line blocks in a row are left together: a run of them is a
 * table (`group "db" { … }` lines), as Terraform's style guide allows for related blocks.
 */
function separateBlocks(lines: Line[]): void {
  const blank = lines.map((l) => l.tokens.length === 0);
  for (const items of walkBodies(lines).bodies) {
    for (let i = 0; i + 1 < items.length; i++) {
      const a = items[i];
      const b = items[i + 1];
      if (!a.block || !b.block || a.endLine < 0 || b.startLine <= a.endLine) continue;
      if (a.startLine === a.endLine && b.startLine === b.endLine) continue;
      let separated = false;
      for (let l = a.endLine + 1; l < b.startLine && !separated; l++) separated = blank[l];
      if (!separated) lines[a.endLine].blankAfter = true;
    }
  }
}

function emit(lines: Line[], source: string, tokens: readonly Token[]): string {
  const firstNewline = tokens.find((t) => t.type === 'Newline');
  const eolDefault = firstNewline ? source.slice(firstNewline.start, firstNewline.end) : '\n';
  const out: string[] = [];
  if (source.charCodeAt(0) === 0xfeff) out.push('\ufeff');
  // Blank lines: none at the start, at most one in a row, none at the end.
  let pendingBlank: string | undefined;
  let wroteContent = false;
  for (const line of lines) {
    const eol = line.eol ? source.slice(line.eol.start, line.eol.end) : eolDefault;
    if (line.tokens.length === 0) {
      if (wroteContent && pendingBlank === undefined) pendingBlank = eol;
      continue;
    }
    if (pendingBlank !== undefined) {
      out.push(pendingBlank);
      pendingBlank = undefined;
    }
    for (let i = 0; i < line.tokens.length; i++) {
      out.push(' '.repeat(line.spaces[i]));
      out.push(tokenText(source, line.tokens[i]));
    }
    out.push(eol);
    wroteContent = true;
    if (line.blankAfter) pendingBlank = eol;
  }
  return out.join('');
}

function tokenText(source: string, tok: Token): string {
  const text = source.slice(tok.start, tok.end);
  if (tok.type === 'Comment' && !text.startsWith('/*')) return text.replace(/[ \t]+$/, '');
  return text;
}

/**
 * Whether `formatted` has the same tokens as the original: the same types and text, with runs
 * of newlines counted as one (blank lines may come and go) and line comments compared without
 * trailing whitespace.
 */
function sameTokens(source: string, tokens: readonly Token[], formatted: string, filename: string): boolean {
  const again = scan(formatted, filename).tokens;
  const a = signature(source, tokens);
  const b = signature(formatted, again);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function signature(source: string, tokens: readonly Token[]): string[] {
  const sig: string[] = [];
  for (const tok of tokens) {
    if (tok.type === 'Newline') {
      if (sig.length > 0 && sig[sig.length - 1] !== '\n') sig.push('\n');
      continue;
    }
    if (tok.type === 'EOF') break;
    sig.push(tok.type + ':' + tokenText(source, tok));
  }
  if (sig[sig.length - 1] === '\n') sig.pop();
  return sig;
}
