// The HCL2 native-syntax scanner: source text → tokens, keeping comments and newlines so a
// formatter can reuse the stream. Hand-written over char codes; positions are tracked
// incrementally (line and column from 1, byte from 0 in UTF-8, ranges end exclusively).
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

export interface Token {
  readonly type: TokenType;
  /** Offsets into the source string (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly range: Range;
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
}

// Character codes used by the scanner.
const TAB = 9, LF = 10, CR = 13, SPACE = 32, BANG = 33, DQUOTE = 34, HASH = 35, DOLLAR = 36,
  PERCENT = 37, AMP = 38, LPAREN = 40, RPAREN = 41, STAR = 42, PLUS = 43, COMMA = 44, MINUS = 45,
  DOT = 46, SLASH = 47, D0 = 48, D9 = 57, COLON = 58, LT = 60, EQ = 61, GT = 62, QUESTION = 63,
  UA = 65, UE = 69, UZ = 90, LBRACK = 91, BACKSLASH = 92, RBRACK = 93, UNDERSCORE = 95, LA = 97,
  LE = 101, LZ = 122, LBRACE = 123, PIPE = 124, RBRACE = 125, TILDE = 126, BOM = 0xfeff;

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
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/**
 * Turns text offsets into positions. Offsets must be asked for in increasing order (the scanner
 * does); asking for an earlier one restarts from the beginning, which is correct but slower.
 */
export class PositionCursor {
  private idx = 0;
  private line = 1;
  private lineStart = 0;
  /** UTF-8 bytes minus UTF-16 units so far. */
  private byteAdj = 0;
  /** UTF-16 units minus code points on the current line. */
  private colAdj = 0;

  constructor(
    private readonly src: string,
    private readonly ascii: boolean,
    private readonly replaced?: ReadonlyMap<number, number>,
  ) {}

  at(i: number): Pos {
    if (i < this.idx) this.reset();
    const src = this.src;
    if (this.ascii) {
      // Only newlines matter: byte == index and column == index - lineStart + 1.
      let k = this.idx;
      while (k < i) {
        k = src.indexOf('\n', k);
        if (k < 0 || k >= i) break;
        this.line++;
        this.lineStart = ++k;
      }
      this.idx = i;
      return { line: this.line, column: i - this.lineStart + 1, byte: i };
    }
    for (let k = this.idx; k < i; k++) {
      const c = src.charCodeAt(k);
      if (c < 0x80) {
        if (c === LF) {
          this.line++;
          this.lineStart = k + 1;
          this.colAdj = 0;
        }
      } else if (c < 0x800) {
        this.byteAdj += 1;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        const d = src.charCodeAt(k + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          // A pair: 4 bytes for 2 units, one column.
          this.byteAdj += 2;
          this.colAdj += 1;
          k++;
          if (k >= i) break; // i points between the halves; count the pair as passed
        } else {
          this.byteAdj += 2; // lone surrogate: encoded as U+FFFD
        }
      } else if (c === 0xfffd && this.replaced !== undefined && this.replaced.has(k)) {
        this.byteAdj += (this.replaced.get(k) ?? 1) - 1;
      } else {
        this.byteAdj += 2;
      }
    }
    this.idx = i;
    return { line: this.line, column: i - this.lineStart + 1 - this.colAdj, byte: i + this.byteAdj };
  }

  private reset(): void {
    this.idx = 0;
    this.line = 1;
    this.lineStart = 0;
    this.byteAdj = 0;
    this.colAdj = 0;
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

/** Normal code inside a template: `${…}` or `%{…}`, ended by the brace at `braces`. */
interface InterpFrame {
  readonly mode: Mode.Normal;
  readonly braces: number;
}

type Frame = HeredocFrame | QuotedFrame | InterpFrame;

/** Scan HCL source into tokens. Never throws; invalid characters become Invalid tokens. */
export function scan(source: string, filename: string, options: ScanOptions = {}): ScanResult {
  const src = source;
  const n = src.length;
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const cursor = new PositionCursor(src, isAscii(src), options.replacedBytes);
  const replaced = options.replacedBytes;

  const stack: Frame[] = [];
  let braces = 0;

  function push(type: TokenType, start: number, end: number): void {
    const startPos = cursor.at(start);
    const endPos = end === start ? startPos : cursor.at(end);
    tokens.push({ type, start, end, range: { filename, start: startPos, end: endPos } });
  }

  function invalid(start: number, end: number, detail: string): void {
    push('Invalid', start, end);
    const tok = tokens[tokens.length - 1];
    // Characters that replaced invalid UTF-8 were reported by parseHclBytes already.
    if (replaced !== undefined && src.charCodeAt(start) === 0xfffd && replaced.has(start)) return;
    diagnostics.push({ severity: 'error', summary: 'Invalid character', detail, subject: tok.range });
  }

  let i = 0;
  if (n > 0 && src.charCodeAt(0) === BOM) i = 1; // a byte order mark is not content

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
        push('Newline', i, i + 1);
        i++;
        continue;
      case CR:
        if (src.charCodeAt(i + 1) === LF) {
          push('Newline', i, i + 2);
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
            push('Comment', i, n);
            const open = tokens[tokens.length - 1].range.start;
            diagnostics.push({
              severity: 'error',
              summary: 'Unterminated comment',
              detail: 'There is no "*/" to close this comment before the end of the file.',
              subject: { filename, start: open, end: { line: open.line, column: open.column + 2, byte: open.byte + 2 } },
            });
            i = n;
          } else {
            push('Comment', i, close + 2);
            i = close + 2;
          }
        } else {
          push('Slash', i, i + 1);
          i++;
        }
        continue;
      }
      case DQUOTE:
        push('OQuote', i, i + 1);
        stack.push({ mode: Mode.Quoted });
        i++;
        continue;
      case LBRACE:
        push('OBrace', i, i + 1);
        braces++;
        i++;
        continue;
      case RBRACE:
        if (frame !== undefined && frame.mode === Mode.Normal && frame.braces === braces) {
          push('TemplateSeqEnd', i, i + 1);
          stack.pop();
        } else {
          push('CBrace', i, i + 1);
        }
        braces--;
        i++;
        continue;
      case TILDE:
        if (src.charCodeAt(i + 1) === RBRACE) {
          // Like hclsyntax: `~}` is always a template sequence end; the parser rejects a
          // stray one.
          push('TemplateSeqEnd', i, i + 2);
          if (frame !== undefined && frame.mode === Mode.Normal && frame.braces === braces) stack.pop();
          braces--;
          i += 2;
        } else {
          invalid(i, i + 1, 'The "~" character is only valid as a template strip marker, as in "${~" or "~}".');
          i++;
        }
        continue;
      case LBRACK:
        push('OBrack', i, i + 1);
        i++;
        continue;
      case RBRACK:
        push('CBrack', i, i + 1);
        i++;
        continue;
      case LPAREN:
        push('OParen', i, i + 1);
        i++;
        continue;
      case RPAREN:
        push('CParen', i, i + 1);
        i++;
        continue;
      case COMMA:
        push('Comma', i, i + 1);
        i++;
        continue;
      case STAR:
        push('Star', i, i + 1);
        i++;
        continue;
      case PERCENT:
        push('Percent', i, i + 1);
        i++;
        continue;
      case PLUS:
        push('Plus', i, i + 1);
        i++;
        continue;
      case MINUS:
        push('Minus', i, i + 1);
        i++;
        continue;
      case QUESTION:
        push('Question', i, i + 1);
        i++;
        continue;
      case DOT:
        if (src.charCodeAt(i + 1) === DOT && src.charCodeAt(i + 2) === DOT) {
          push('Ellipsis', i, i + 3);
          i += 3;
        } else {
          push('Dot', i, i + 1);
          i++;
        }
        continue;
      case COLON:
        if (src.charCodeAt(i + 1) === COLON) {
          push('DoubleColon', i, i + 2);
          i += 2;
        } else {
          push('Colon', i, i + 1);
          i++;
        }
        continue;
      case EQ: {
        const d = src.charCodeAt(i + 1);
        if (d === EQ) {
          push('EqualOp', i, i + 2);
          i += 2;
        } else if (d === GT) {
          push('FatArrow', i, i + 2);
          i += 2;
        } else {
          push('Equal', i, i + 1);
          i++;
        }
        continue;
      }
      case BANG:
        if (src.charCodeAt(i + 1) === EQ) {
          push('NotEqual', i, i + 2);
          i += 2;
        } else {
          push('Bang', i, i + 1);
          i++;
        }
        continue;
      case GT:
        if (src.charCodeAt(i + 1) === EQ) {
          push('GreaterThanEq', i, i + 2);
          i += 2;
        } else {
          push('GreaterThan', i, i + 1);
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
          push('LessThanEq', i, i + 2);
          i += 2;
        } else {
          push('LessThan', i, i + 1);
          i++;
        }
        continue;
      }
      case AMP:
        if (src.charCodeAt(i + 1) === AMP) {
          push('And', i, i + 2);
          i += 2;
        } else {
          invalid(i, i + 1, 'Bitwise operators are not supported. Did you mean boolean AND ("&&")?');
          i++;
        }
        continue;
      case PIPE:
        if (src.charCodeAt(i + 1) === PIPE) {
          push('Or', i, i + 2);
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
      let j = i + (codePointAt(src, i) > 0xffff ? 2 : 1);
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
      push('Ident', i, j);
      i = j;
      continue;
    }
    if (c === BOM && i === 0) {
      i++;
      continue;
    }
    i = invalidRun(i);
  }

  push('EOF', n, n);
  return { tokens, diagnostics };

  function lineComment(start: number): number {
    let j = start + 1;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === LF || (d === CR && src.charCodeAt(j + 1) === LF)) break;
      j++;
    }
    push('Comment', start, j);
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
    push('Number', start, good);
    return good;
  }

  /** A run of characters that start no token; one Invalid token and one diagnostic. */
  function invalidRun(start: number): number {
    let j = start;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (j > start && !startsNoToken(c, j)) break;
      j += c >= 0xd800 && c <= 0xdbff && j + 1 < n ? 2 : 1;
    }
    const c = src.charCodeAt(start);
    let detail = 'This character is not used within the language.';
    if (c === 39) detail = 'Single quotes are not valid. Use double quotes (") to enclose strings.';
    else if (c === 59) detail = 'The ";" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.';
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
    push('OHeredoc', start, j);
    stack.push({ mode: Mode.Heredoc, marker: src.slice(nameStart, nameEnd), startOfLine: true });
    return j;
  }

  function openTemplateSeq(start: number, type: 'TemplateInterp' | 'TemplateControl'): number {
    const end = src.charCodeAt(start + 2) === TILDE ? start + 3 : start + 2;
    push(type, start, end);
    braces++;
    stack.push({ mode: Mode.Normal, braces });
    return end;
  }

  function scanQuoted(start: number): number {
    const c = src.charCodeAt(start);
    if (c === DQUOTE) {
      push('CQuote', start, start + 1);
      stack.pop();
      return start + 1;
    }
    if (c === LF || c === CR) {
      // Unterminated: leave the string here; the parser reports it.
      stack.pop();
      return start;
    }
    if ((c === DOLLAR || c === PERCENT) && src.charCodeAt(start + 1) === LBRACE) {
      return openTemplateSeq(start, c === DOLLAR ? 'TemplateInterp' : 'TemplateControl');
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
    push('QuotedLit', start, j);
    return j;
  }

  function scanHeredoc(start: number, frame: HeredocFrame): number {
    if (frame.startOfLine) {
      // Is this line the closing marker (surrounding spaces allowed)?
      // Unlike hclsyntax, a marker on the last line needs no newline after it.
      let eol = src.indexOf('\n', start);
      if (eol < 0) eol = n;
      {
        let a = start;
        let b = eol;
        if (b > a && src.charCodeAt(b - 1) === CR) b--;
        const closeEnd = b;
        while (a < b && isHclSpace(src.charCodeAt(a))) a++;
        while (b > a && isHclSpace(src.charCodeAt(b - 1))) b--;
        if (b - a === frame.marker.length && src.startsWith(frame.marker, a)) {
          push('CHeredoc', start, closeEnd);
          stack.pop();
          return closeEnd;
        }
      }
    }
    const c = src.charCodeAt(start);
    if ((c === DOLLAR || c === PERCENT) && src.charCodeAt(start + 1) === LBRACE) {
      frame.startOfLine = false;
      return openTemplateSeq(start, c === DOLLAR ? 'TemplateInterp' : 'TemplateControl');
    }
    let j = start;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === LF) {
        j++;
        push('StringLit', start, j);
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
    push('StringLit', start, j);
    frame.startOfLine = false;
    return j;
  }
}
