// The HCL2 native-syntax scanner: source text → tokens, keeping comments and newlines so a
// formatter can reuse the stream. Hand-written over char codes, and compact: tokens are three
// parallel arrays (type, start, end), and positions (line and column from 1, byte from 0 in
// UTF-8, ranges end exclusively) are computed only when asked for, from a table of lines.
//
// Columns count Unicode code points (a surrogate pair is one column); hclsyntax counts grapheme
// clusters, which differs only for combining sequences and emoji with modifiers.
//
// Modes follow hclsyntax's scanner: normal code, quoted templates ("…"), heredoc templates
// (<<EOT … EOT), and normal code again inside ${…} / %{…}. Two deliberate differences:
// `#` and `//` comments do not include their trailing newline (it is its own Newline token),
// and a quoted string ends at a newline (the parser reports it), which stops one missing
// quote from swallowing the rest of the file.
import type { Diagnostic, Pos, Range } from '../diag/types.js';

export type TokenType =
  | 'Ident'
  | 'Number'
  | 'OBrace'
  | 'CBrace'
  | 'OBrack'
  | 'CBrack'
  | 'OParen'
  | 'CParen'
  | 'Dot'
  | 'Comma'
  | 'Star'
  | 'Slash'
  | 'Percent'
  | 'Plus'
  | 'Minus'
  | 'Equal'
  | 'EqualOp'
  | 'NotEqual'
  | 'LessThan'
  | 'LessThanEq'
  | 'GreaterThan'
  | 'GreaterThanEq'
  | 'And'
  | 'Or'
  | 'Bang'
  | 'Question'
  | 'Colon'
  | 'DoubleColon'
  | 'Ellipsis'
  | 'FatArrow'
  /** Opening `"` of a quoted template. */
  | 'OQuote'
  /** Closing `"`; absent when the string ran into a newline or the end of the file. */
  | 'CQuote'
  /** Literal text in a quoted template, escapes not yet decoded. */
  | 'QuotedLit'
  /** `<<EOT` or `<<-EOT` including the newline after the marker. */
  | 'OHeredoc'
  /** The closing marker line of a heredoc (leading spaces included, newline excluded). */
  | 'CHeredoc'
  /** Literal text in a heredoc: one token per line segment, the newline included. */
  | 'StringLit'
  /** `${` or `${~` */
  | 'TemplateInterp'
  /** `%{` or `%{~` */
  | 'TemplateControl'
  /** `}` or `~}` closing an interpolation or directive. */
  | 'TemplateSeqEnd'
  | 'Comment'
  | 'Newline'
  /** One or more characters that are not valid HCL here; a diagnostic was reported. */
  | 'Invalid'
  | 'EOF';

/** Token types by their numeric code in a TokenStream. */
export const TOKEN_TYPES: readonly TokenType[] = [
  'Ident',
  'Number',
  'OBrace',
  'CBrace',
  'OBrack',
  'CBrack',
  'OParen',
  'CParen',
  'Dot',
  'Comma',
  'Star',
  'Slash',
  'Percent',
  'Plus',
  'Minus',
  'Equal',
  'EqualOp',
  'NotEqual',
  'LessThan',
  'LessThanEq',
  'GreaterThan',
  'GreaterThanEq',
  'And',
  'Or',
  'Bang',
  'Question',
  'Colon',
  'DoubleColon',
  'Ellipsis',
  'FatArrow',
  'OQuote',
  'CQuote',
  'QuotedLit',
  'OHeredoc',
  'CHeredoc',
  'StringLit',
  'TemplateInterp',
  'TemplateControl',
  'TemplateSeqEnd',
  'Comment',
  'Newline',
  'Invalid',
  'EOF',
];

/** Numeric codes of token types, for the compact stream. */
export const T = {
  Ident: 0,
  Number: 1,
  OBrace: 2,
  CBrace: 3,
  OBrack: 4,
  CBrack: 5,
  OParen: 6,
  CParen: 7,
  Dot: 8,
  Comma: 9,
  Star: 10,
  Slash: 11,
  Percent: 12,
  Plus: 13,
  Minus: 14,
  Equal: 15,
  EqualOp: 16,
  NotEqual: 17,
  LessThan: 18,
  LessThanEq: 19,
  GreaterThan: 20,
  GreaterThanEq: 21,
  And: 22,
  Or: 23,
  Bang: 24,
  Question: 25,
  Colon: 26,
  DoubleColon: 27,
  Ellipsis: 28,
  FatArrow: 29,
  OQuote: 30,
  CQuote: 31,
  QuotedLit: 32,
  OHeredoc: 33,
  CHeredoc: 34,
  StringLit: 35,
  TemplateInterp: 36,
  TemplateControl: 37,
  TemplateSeqEnd: 38,
  Comment: 39,
  Newline: 40,
  Invalid: 41,
  EOF: 42,
} as const;

/**
 * The scanner's compact output: parallel arrays, no object per token (a large file has
 * hundreds of thousands of tokens, and objects for them cost more in garbage collection than
 * the scan itself). `scan` turns this into Token objects for callers who want them.
 */
export interface TokenStream {
  readonly count: number;
  readonly types: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly positions: SourcePositions;
  readonly diagnostics: Diagnostic[];
}

export interface ScanResult {
  /** All tokens, comments and newlines included; the last one is always EOF. */
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

/** Options used by parseHclBytes; not part of the everyday API. */
export interface ScanOptions {
  /**
   * Text offsets of U+FFFD characters that replaced invalid UTF-8 bytes, mapped to how many
   * bytes each replaced, so byte offsets stay those of the original file. Those characters
   * were reported already and are not reported again as invalid characters.
   */
  readonly replacedBytes?: ReadonlyMap<number, number>;
  /**
   * Recovery mode: a newline inside `${…}` of a quoted string, outside any bracket, ends the
   * interpolation and the string. hclsyntax allows such multi-line interpolations, so this is
   * only used to re-read a file whose first reading went wrong on a quoted string.
   */
  readonly quotedInterpEndsAtNewline?: boolean;
  /** Leave comments out of the stream (the parser has no use for them). */
  readonly skipComments?: boolean;
  /**
   * Read the whole source as template text (templatefile()'s files): the stream starts with a
   * zero-width heredoc opener whose marker never matches, closed at the end of the text.
   */
  readonly template?: boolean;
}

// Character codes used by the scanner.
const TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  BANG = 33,
  DQUOTE = 34,
  HASH = 35,
  DOLLAR = 36,
  PERCENT = 37,
  AMP = 38,
  LPAREN = 40,
  RPAREN = 41,
  STAR = 42,
  PLUS = 43,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  SLASH = 47,
  D0 = 48,
  D9 = 57,
  COLON = 58,
  LT = 60,
  EQ = 61,
  GT = 62,
  QUESTION = 63,
  UA = 65,
  UE = 69,
  UZ = 90,
  LBRACK = 91,
  BACKSLASH = 92,
  RBRACK = 93,
  UNDERSCORE = 95,
  LA = 97,
  LE = 101,
  LZ = 122,
  LBRACE = 123,
  PIPE = 124,
  RBRACE = 125,
  TILDE = 126,
  BOM = 0xfeff;

const ID_START = /[\p{ID_Start}]/u;
const ID_CONTINUE = /[\p{ID_Continue}]/u;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

function isAsciiIdentStart(c: number): boolean {
  return (c >= LA && c <= LZ) || (c >= UA && c <= UZ) || c === UNDERSCORE;
}

function isAsciiIdentContinue(c: number): boolean {
  return (c >= LA && c <= LZ) || (c >= UA && c <= UZ) || (c >= D0 && c <= D9) || c === UNDERSCORE || c === MINUS;
}

/** The code point at i (joining a surrogate pair) and its length in UTF-16 units. */
function codePointAt(src: string, i: number): number {
  return src.codePointAt(i) ?? 0;
}

function isIdentStartAt(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (c < 0x80) return isAsciiIdentStart(c);
  return ID_START.test(String.fromCodePoint(codePointAt(src, i)));
}

/** Length in UTF-16 units of the identifier continuation char at i, or 0. */
function identContinueLen(src: string, i: number): number {
  const c = src.charCodeAt(i);
  if (c < 0x80) return isAsciiIdentContinue(c) ? 1 : 0;
  const cp = codePointAt(src, i);
  if (!ID_CONTINUE.test(String.fromCodePoint(cp))) return 0;
  return cp > 0xffff ? 2 : 1;
}

/** Whitespace as Go's unicode.IsSpace sees it (used for template strip markers and heredocs). */
export function isHclSpace(c: number): boolean {
  if (c === SPACE || (c >= TAB && c <= CR)) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/**
 * Turns string offsets into positions (line and column from 1, UTF-8 byte offset from 0).
 * Its table of lines is built on the first lookup; lookups are a binary search over line starts,
 * and for lines with non-ASCII text a walk along the line (cached, so walking forward is cheap).
 */
export class SourcePositions {
  /** String offset at which each line starts; built on the first lookup (see lineStarts). */
  private starts: Int32Array | undefined;
  /** UTF-8 byte offset of each line start; undefined when the source is ASCII. */
  private lineBytes: Float64Array | undefined;
  private lastLine = 0;
  private lastIdx = -1;
  private lastCol = 0;
  private lastByte = 0;

  constructor(
    private readonly src: string,
    /** The file the offsets belong to; ranges from span() carry it. */
    readonly filename: string,
    private readonly replaced?: ReadonlyMap<number, number>,
  ) {}

  /**
   * The line table. Parsing a valid file asks for no position (nodes keep offsets), so it is
   * built when a diagnostic or a range first needs one.
   */
  private get lineStarts(): Int32Array {
    return (this.starts ??= this.buildTables());
  }

  private buildTables(): Int32Array {
    const src = this.src;
    let count = 1;
    for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) count++;
    const starts = new Int32Array(count);
    let li = 1;
    for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) starts[li++] = k + 1;
    if (!isAscii(src)) {
      const bytes = new Float64Array(count);
      let byte = 0;
      let line = 1;
      for (let k = 0; k < src.length; k++) {
        if (line < count && k === starts[line]) bytes[line++] = byte;
        const w = this.width(k);
        byte += w;
        if (w === 4) k++;
      }
      while (line < count) bytes[line++] = byte; // a last line that starts at the very end
      this.lineBytes = bytes;
    }
    return starts;
  }

  /** UTF-8 bytes of the char at k (4 for a surrogate pair, which then spans k and k+1). */
  private width(k: number): number {
    const c = this.src.charCodeAt(k);
    if (c < 0x80) return 1;
    if (c < 0x800) return 2;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = this.src.charCodeAt(k + 1);
      return d >= 0xdc00 && d <= 0xdfff ? 4 : 3;
    }
    if (c === 0xfffd && this.replaced !== undefined) return this.replaced.get(k) ?? 3;
    return 3;
  }

  /** Index of the line containing string offset i (0-based). */
  private lineOf(i: number): number {
    const starts = this.lineStarts;
    const last = starts.length - 1;
    // Lookups mostly move forward a line or two from the previous one: walk there first. (A
    // binary search over a big file's line table misses the cache at every step.)
    let g = this.lastLine;
    if (starts[g] <= i) {
      for (let n = 0; n < 8; n++) {
        if (g === last || starts[g + 1] > i) return g;
        g++;
      }
    } else {
      for (let n = 0; n < 8 && g > 0; n++) {
        g--;
        if (starts[g] <= i) return g;
      }
    }
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The position of string offset i (0 ≤ i ≤ length). */
  at(i: number): Pos {
    // Adjacent tokens share an offset (a token's end is the next one's start): reuse the Pos.
    if (i === this.memoIdx && this.memo !== undefined) return this.memo;
    const p = this.compute(i);
    this.memoIdx = i;
    this.memo = p;
    return p;
  }

  private memoIdx = -1;
  private memo: Pos | undefined;

  private compute(i: number): Pos {
    const line = this.lineOf(i);
    const ls = this.lineStarts[line];
    this.lastLine = line;
    if (this.lineBytes === undefined) return { line: line + 1, column: i - ls + 1, byte: i };
    let k = ls;
    let col = 1;
    let byte = this.lineBytes[line];
    if (this.lastIdx >= ls && this.lastIdx <= i && this.lineOf(this.lastIdx) === line) {
      k = this.lastIdx;
      col = this.lastCol;
      byte = this.lastByte;
    }
    while (k < i) {
      const w = this.width(k);
      byte += w;
      k += w === 4 ? 2 : 1;
      col++;
    }
    this.lastIdx = i;
    this.lastCol = col;
    this.lastByte = byte;
    return { line: line + 1, column: col, byte };
  }

  range(filename: string, start: number, end: number): Range {
    const s = this.at(start);
    return { filename, start: s, end: end === start ? s : this.at(end) };
  }

  /** The range from string offset start to end in this file. */
  span(start: number, end: number): Range {
    return this.range(this.filename, start, end);
  }
}

/** A token; its range is computed on first use (most tokens never need one). */
export class Token {
  private cached: Range | undefined;

  constructor(
    readonly type: TokenType,
    /** Offsets into the source string (UTF-16 code units), end exclusive. */
    readonly start: number,
    readonly end: number,
    private readonly positions: SourcePositions,
    readonly filename: string,
  ) {}

  get range(): Range {
    return (this.cached ??= this.positions.range(this.filename, this.start, this.end));
  }

  /** The start position, without building the whole range. */
  startPos(): Pos {
    return this.cached !== undefined ? this.cached.start : this.positions.at(this.start);
  }

  endPos(): Pos {
    return this.cached !== undefined ? this.cached.end : this.positions.at(this.end);
  }
}

/** True when every char is ASCII (then byte offsets equal string offsets). */
export function isAscii(src: string): boolean {
  // A single regex pass is far faster than a char loop in JS.
  return !/[^\x00-\x7f]/.test(src);
}

const enum Mode {
  Normal,
  Quoted,
  Heredoc,
}

interface HeredocFrame {
  readonly mode: Mode.Heredoc;
  readonly marker: string;
  startOfLine: boolean;
}

interface QuotedFrame {
  readonly mode: Mode.Quoted;
}

/** Quoted frames carry no state, so every quoted string shares this one. */
const QUOTED: QuotedFrame = Object.freeze({ mode: Mode.Quoted });

/** Normal code inside a template: `${…}` or `%{…}`, ended by the brace at `braces`. */
interface InterpFrame {
  readonly mode: Mode.Normal;
  readonly braces: number;
  /** Parentheses and brackets open inside this interpolation. */
  depth: number;
}

type Frame = HeredocFrame | QuotedFrame | InterpFrame;

/** Scan HCL source into tokens. Never throws; invalid characters become Invalid tokens. */
export function scan(source: string, filename: string, options: ScanOptions = {}): ScanResult {
  const stream = scanTokens(source, filename, options);
  const tokens: Token[] = new Array<Token>(stream.count);
  for (let k = 0; k < stream.count; k++) {
    tokens[k] = new Token(TOKEN_TYPES[stream.types[k]], stream.starts[k], stream.ends[k], stream.positions, filename);
  }
  return { tokens, diagnostics: stream.diagnostics };
}

/** Scan into the compact form the parser uses. */
export function scanTokens(source: string, filename: string, options: ScanOptions = {}): TokenStream {
  const src = source;
  const n = src.length;
  // Room for a token every three characters, which dense configuration text comes close to
  // (typical files have half as many). The arrays live outside the JS heap, and V8 starts a
  // full collection when such memory grows fast, so outgrowing them (a copy, and the old one
  // left for the collector) costs more than the slack.
  let cap = Math.floor(n / 3) + 16;
  let types = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let count = 0;
  const diagnostics: Diagnostic[] = [];
  const positions = new SourcePositions(src, filename, options.replacedBytes);
  const replaced = options.replacedBytes;
  const strictQuoted = options.quotedInterpEndsAtNewline === true;
  const keepComments = options.skipComments !== true;

  const stack: Frame[] = [];
  let braces = 0;

  function push(type: number, start: number, end: number): void {
    if (count === cap) {
      cap = Math.floor(cap * 1.5) + 16;
      const t2 = new Uint8Array(cap);
      t2.set(types);
      types = t2;
      const s2 = new Int32Array(cap);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(cap);
      e2.set(ends);
      ends = e2;
    }
    types[count] = type;
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  function invalid(start: number, end: number, detail: string): void {
    push(T.Invalid, start, end);
    // Characters that replaced invalid UTF-8 were reported by parseHclBytes already.
    if (replaced !== undefined && src.charCodeAt(start) === 0xfffd && replaced.has(start)) return;
    diagnostics.push({ severity: 'error', summary: 'Invalid character', detail, subject: positions.range(filename, start, end) });
  }

  let i = 0;
  if (n > 0 && src.charCodeAt(0) === BOM) i = 1; // a byte order mark is not content
  const template: HeredocFrame | undefined = options.template ? { mode: Mode.Heredoc, marker: '', startOfLine: false } : undefined;
  if (template) {
    push(T.OHeredoc, i, i);
    stack.push(template);
  }

  while (i < n) {
    const frame = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (frame !== undefined && frame.mode === Mode.Quoted) {
      i = scanQuoted(i);
      continue;
    }
    if (frame !== undefined && frame.mode === Mode.Heredoc) {
      i = scanHeredoc(i, frame);
      continue;
    }
    const c = src.charCodeAt(i);
    switch (c) {
      case SPACE:
      case TAB:
        i++;
        while (i < n) {
          const d = src.charCodeAt(i);
          if (d !== SPACE && d !== TAB) break;
          i++;
        }
        continue;
      case LF:
        if (strictQuoted) endQuotedAtNewline(frame);
        push(T.Newline, i, i + 1);
        i++;
        continue;
      case CR:
        if (src.charCodeAt(i + 1) === LF) {
          if (strictQuoted) endQuotedAtNewline(frame);
          push(T.Newline, i, i + 2);
          i += 2;
        } else {
          invalid(i, i + 1, 'A carriage return must be followed by a line feed; use "\\n" or "\\r\\n" line endings.');
          i++;
        }
        continue;
      case HASH:
        i = lineComment(i);
        continue;
      case SLASH: {
        const d = src.charCodeAt(i + 1);
        if (d === SLASH) {
          i = lineComment(i);
        } else if (d === STAR) {
          const close = src.indexOf('*/', i + 2);
          if (close < 0) {
            if (keepComments) push(T.Comment, i, n);
            const open = positions.at(i);
            diagnostics.push({
              severity: 'error',
              summary: 'Unterminated comment',
              detail: 'There is no "*/" to close this comment before the end of the file.',
              subject: { filename, start: open, end: { line: open.line, column: open.column + 2, byte: open.byte + 2 } },
            });
            i = n;
          } else {
            if (keepComments) push(T.Comment, i, close + 2);
            i = close + 2;
          }
        } else {
          push(T.Slash, i, i + 1);
          i++;
        }
        continue;
      }
      case DQUOTE:
        push(T.OQuote, i, i + 1);
        stack.push(QUOTED);
        i++;
        continue;
      case LBRACE:
        push(T.OBrace, i, i + 1);
        braces++;
        i++;
        continue;
      case RBRACE:
        if (frame !== undefined && frame.mode === Mode.Normal && frame.braces === braces) {
          push(T.TemplateSeqEnd, i, i + 1);
          stack.pop();
        } else {
          push(T.CBrace, i, i + 1);
        }
        braces--;
        i++;
        continue;
      case TILDE:
        if (src.charCodeAt(i + 1) === RBRACE) {
          // Like hclsyntax: `~}` is always a template sequence end; the parser rejects a
          // stray one.
          push(T.TemplateSeqEnd, i, i + 2);
          if (frame !== undefined && frame.mode === Mode.Normal && frame.braces === braces) stack.pop();
          braces--;
          i += 2;
        } else {
          invalid(i, i + 1, 'The "~" character is only valid as a template strip marker, as in "${~" or "~}".');
          i++;
        }
        continue;
      case LBRACK:
        push(T.OBrack, i, i + 1);
        if (frame !== undefined && frame.mode === Mode.Normal) frame.depth++;
        i++;
        continue;
      case RBRACK:
        push(T.CBrack, i, i + 1);
        if (frame !== undefined && frame.mode === Mode.Normal) frame.depth--;
        i++;
        continue;
      case LPAREN:
        push(T.OParen, i, i + 1);
        if (frame !== undefined && frame.mode === Mode.Normal) frame.depth++;
        i++;
        continue;
      case RPAREN:
        push(T.CParen, i, i + 1);
        if (frame !== undefined && frame.mode === Mode.Normal) frame.depth--;
        i++;
        continue;
      case COMMA:
        push(T.Comma, i, i + 1);
        i++;
        continue;
      case STAR:
        push(T.Star, i, i + 1);
        i++;
        continue;
      case PERCENT:
        push(T.Percent, i, i + 1);
        i++;
        continue;
      case PLUS:
        push(T.Plus, i, i + 1);
        i++;
        continue;
      case MINUS:
        push(T.Minus, i, i + 1);
        i++;
        continue;
      case QUESTION:
        push(T.Question, i, i + 1);
        i++;
        continue;
      case DOT:
        if (src.charCodeAt(i + 1) === DOT && src.charCodeAt(i + 2) === DOT) {
          push(T.Ellipsis, i, i + 3);
          i += 3;
        } else {
          push(T.Dot, i, i + 1);
          i++;
        }
        continue;
      case COLON:
        if (src.charCodeAt(i + 1) === COLON) {
          push(T.DoubleColon, i, i + 2);
          i += 2;
        } else {
          push(T.Colon, i, i + 1);
          i++;
        }
        continue;
      case EQ: {
        const d = src.charCodeAt(i + 1);
        if (d === EQ) {
          push(T.EqualOp, i, i + 2);
          i += 2;
        } else if (d === GT) {
          push(T.FatArrow, i, i + 2);
          i += 2;
        } else {
          push(T.Equal, i, i + 1);
          i++;
        }
        continue;
      }
      case BANG:
        if (src.charCodeAt(i + 1) === EQ) {
          push(T.NotEqual, i, i + 2);
          i += 2;
        } else {
          push(T.Bang, i, i + 1);
          i++;
        }
        continue;
      case GT:
        if (src.charCodeAt(i + 1) === EQ) {
          push(T.GreaterThanEq, i, i + 2);
          i += 2;
        } else {
          push(T.GreaterThan, i, i + 1);
          i++;
        }
        continue;
      case LT: {
        const d = src.charCodeAt(i + 1);
        if (d === LT) {
          const end = heredocOpener(i);
          if (end > 0) {
            i = end;
            continue;
          }
        }
        if (d === EQ) {
          push(T.LessThanEq, i, i + 2);
          i += 2;
        } else {
          push(T.LessThan, i, i + 1);
          i++;
        }
        continue;
      }
      case AMP:
        if (src.charCodeAt(i + 1) === AMP) {
          push(T.And, i, i + 2);
          i += 2;
        } else {
          invalid(i, i + 1, 'Bitwise operators are not supported. Did you mean boolean AND ("&&")?');
          i++;
        }
        continue;
      case PIPE:
        if (src.charCodeAt(i + 1) === PIPE) {
          push(T.Or, i, i + 2);
          i += 2;
        } else {
          invalid(i, i + 1, 'Bitwise operators are not supported. Did you mean boolean OR ("||")?');
          i++;
        }
        continue;
      default:
        break;
    }
    if (isDigit(c)) {
      i = number(i);
      continue;
    }
    if (c < 0x80 ? isAsciiIdentStart(c) : isIdentStartAt(src, i)) {
      let j = i + (c < 0x80 || codePointAt(src, i) <= 0xffff ? 1 : 2);
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d < 0x80) {
          if (!isAsciiIdentContinue(d)) break;
          j++;
        } else {
          const len = identContinueLen(src, j);
          if (len === 0) break;
          j += len;
        }
      }
      push(T.Ident, i, j);
      i = j;
      continue;
    }
    if (c === BOM && i === 0) {
      i++;
      continue;
    }
    i = invalidRun(i);
  }

  if (template && stack[stack.length - 1] === template) push(T.CHeredoc, n, n);
  push(T.EOF, n, n);
  return { count, types, starts, ends, positions, diagnostics };

  /** In recovery mode: a newline at the top of `${…}` in a quoted string ends both. */
  function endQuotedAtNewline(frame: Frame | undefined): void {
    if (frame === undefined || frame.mode !== Mode.Normal || frame.depth > 0 || frame.braces !== braces) return;
    const parent = stack.length > 1 ? stack[stack.length - 2] : undefined;
    if (parent === undefined || parent.mode !== Mode.Quoted) return;
    stack.length -= 2;
    braces--;
  }

  function lineComment(start: number): number {
    let j = start + 1;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === LF || (d === CR && src.charCodeAt(j + 1) === LF)) break;
      j++;
    }
    if (keepComments) push(T.Comment, start, j);
    return j;
  }

  function number(start: number): number {
    // NumberLit = digit (digit | "." | [eE][+-]?digit)*, never ending with "."
    let j = start + 1;
    let good = j;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (isDigit(d)) {
        j++;
        good = j;
      } else if (d === DOT) {
        j++;
      } else if (d === LE || d === UE) {
        const e = src.charCodeAt(j + 1);
        if (isDigit(e)) {
          j += 2;
          good = j;
        } else if ((e === PLUS || e === MINUS) && isDigit(src.charCodeAt(j + 2))) {
          j += 3;
          good = j;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    push(T.Number, start, good);
    return good;
  }

  /** A run of characters that start no token; one Invalid token and one diagnostic. */
  function invalidRun(start: number): number {
    if (src.charCodeAt(start) === 39) {
      // 'single quoted': one diagnostic for the whole string, up to the quote on this line.
      let close = start + 1;
      while (close < n && src.charCodeAt(close) !== 39 && src.charCodeAt(close) !== LF) close++;
      if (close < n && src.charCodeAt(close) === 39) {
        invalid(start, close + 1, 'Single quotes are not valid. Use double quotes (") to enclose strings.');
        return close + 1;
      }
    }
    let j = start;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (j > start && !startsNoToken(c, j)) break;
      j += c >= 0xd800 && c <= 0xdbff && j + 1 < n ? 2 : 1;
    }
    const c = src.charCodeAt(start);
    let detail = 'This character is not used within the language.';
    if (c === 39) detail = 'Single quotes are not valid. Use double quotes (") to enclose strings.';
    else if (c === 59)
      detail = 'The ";" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.';
    else if (c === DOLLAR) detail = 'A "$" is only valid in a string template, as in "${var.name}".';
    else if (c === 0xfffd) detail = 'This character is not valid here; the file may contain invalid UTF-8 or binary data.';
    invalid(start, j, detail);
    return j;
  }

  function startsNoToken(c: number, j: number): boolean {
    if (c === SPACE || c === TAB || c === LF || c === CR) return false;
    if (c < 0x80) {
      // ASCII chars that start no token.
      return c < 32 || c === 127 || c === 39 || c === 59 || c === DOLLAR || c === 64 || c === 94 || c === 96 || c === BACKSLASH;
    }
    return !isIdentStartAt(src, j) && !(c === BOM && j === 0);
  }

  /** Tries `<<EOT\n` / `<<-EOT\n`; returns the new offset, or 0 if this is not a heredoc. */
  function heredocOpener(start: number): number {
    let j = start + 2;
    if (src.charCodeAt(j) === MINUS) j++;
    if (!isIdentStartAt(src, j)) return 0;
    const nameStart = j;
    j += codePointAt(src, j) > 0xffff ? 2 : 1;
    while (j < n) {
      const len = identContinueLen(src, j);
      if (len === 0) break;
      j += len;
    }
    const nameEnd = j;
    if (src.charCodeAt(j) === CR) j++;
    if (src.charCodeAt(j) !== LF) return 0;
    j++;
    push(T.OHeredoc, start, j);
    stack.push({ mode: Mode.Heredoc, marker: src.slice(nameStart, nameEnd), startOfLine: true });
    return j;
  }

  function openTemplateSeq(start: number, type: number): number {
    const end = src.charCodeAt(start + 2) === TILDE ? start + 3 : start + 2;
    push(type, start, end);
    braces++;
    stack.push({ mode: Mode.Normal, braces, depth: 0 });
    return end;
  }

  function scanQuoted(start: number): number {
    const c = src.charCodeAt(start);
    if (c === DQUOTE) {
      push(T.CQuote, start, start + 1);
      stack.pop();
      return start + 1;
    }
    if (c === LF || c === CR) {
      // Unterminated: leave the string here; the parser reports it.
      stack.pop();
      return start;
    }
    if ((c === DOLLAR || c === PERCENT) && src.charCodeAt(start + 1) === LBRACE) {
      return openTemplateSeq(start, c === DOLLAR ? T.TemplateInterp : T.TemplateControl);
    }
    let j = start;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === DQUOTE || d === LF || d === CR) break;
      if (d === BACKSLASH) {
        const e = src.charCodeAt(j + 1);
        j += j + 1 < n && e !== LF && e !== CR ? 2 : 1;
        continue;
      }
      if (d === DOLLAR || d === PERCENT) {
        const e = src.charCodeAt(j + 1);
        if (e === LBRACE) break;
        if (e === d && src.charCodeAt(j + 2) === LBRACE) {
          j += 3; // $${ or %%{ : an escaped sequence opener
          continue;
        }
      }
      j++;
    }
    push(T.QuotedLit, start, j);
    return j;
  }

  function scanHeredoc(start: number, frame: HeredocFrame): number {
    if (frame.startOfLine && frame.marker !== '') {
      // Is this line the closing marker (surrounding spaces allowed)? As in hclsyntax, only
      // when a newline ends it: a marker on a last line without one leaves the heredoc open.
      const eol = src.indexOf('\n', start);
      if (eol >= 0) {
        let a = start;
        let b = eol;
        if (b > a && src.charCodeAt(b - 1) === CR) b--;
        const closeEnd = b;
        while (a < b && isHclSpace(src.charCodeAt(a))) a++;
        while (b > a && isHclSpace(src.charCodeAt(b - 1))) b--;
        if (b - a === frame.marker.length && src.startsWith(frame.marker, a)) {
          push(T.CHeredoc, start, closeEnd);
          stack.pop();
          return closeEnd;
        }
      }
    }
    const c = src.charCodeAt(start);
    if ((c === DOLLAR || c === PERCENT) && src.charCodeAt(start + 1) === LBRACE) {
      frame.startOfLine = false;
      return openTemplateSeq(start, c === DOLLAR ? T.TemplateInterp : T.TemplateControl);
    }
    let j = start;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === LF) {
        j++;
        push(T.StringLit, start, j);
        frame.startOfLine = true;
        return j;
      }
      if (d === DOLLAR || d === PERCENT) {
        const e = src.charCodeAt(j + 1);
        if (e === LBRACE) break;
        if (e === d && src.charCodeAt(j + 2) === LBRACE) {
          j += 3;
          continue;
        }
      }
      j++;
    }
    push(T.StringLit, start, j);
    frame.startOfLine = false;
    return j;
  }
}
