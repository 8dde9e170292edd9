// The HCL2 native-syntax parser: tokens → AST with a range on every node, plus diagnostics.
// Structure, precedence and messages follow hashicorp/hcl's hclsyntax. It never throws on user
// input: after an error it resynchronises (the rest of the line, or the matching bracket) and
// stays quiet until the next body item, so one mistake gives one diagnostic.
import type { Diagnostic, Pos, Range } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import type {
  Attribute,
  BinaryOp,
  Block,
  BlockLabel,
  Body,
  BodyItem,
  Expression,
  LiteralExpr,
  ObjectItem,
  ParseResult,
  TemplateExpr,
  TemplatePart,
} from './ast.js';
import { isHclSpace, scanTokens, SourcePositions, T, Token, TOKEN_TYPES, type ScanOptions, type TokenStream, type TokenType } from './lexer.js';
import {
  AttributeNode,
  BinaryNode,
  BlockLabelNode,
  BlockNode,
  BodyNode,
  FileBodyNode,
  ConditionalNode,
  ForNode,
  FunctionCallNode,
  GetAttrNode,
  HeredocNode,
  IndexNode,
  InvalidNode,
  LiteralNode,
  NumberNode,
  Node,
  ObjectNode,
  ParensNode,
  SplatItemNode,
  SplatNode,
  TemplateForNode,
  TemplateIfNode,
  TemplateNode,
  TemplateWrapNode,
  TupleNode,
  UnaryNode,
  VariableNode,
} from './nodes.js';

/** Parse a configuration file. Never throws; problems are returned as diagnostics. */
export function parseHcl(source: string, filename: string): ParseResult {
  return parseWith(source, filename, {});
}

/**
 * Parse a configuration file given as bytes. Invalid UTF-8 is reported with its byte range and
 * each bad byte is read as U+FFFD, keeping the byte offsets of the original file.
 */
export function parseHclBytes(bytes: Uint8Array, filename: string): ParseResult {
  const decoded = decodeUtf8(bytes, filename);
  const result = parseWith(decoded.text, filename, { replacedBytes: decoded.replaced });
  if (decoded.diagnostics.length === 0) return result;
  return { body: result.body, diagnostics: inSourceOrder([...decoded.diagnostics, ...result.diagnostics]) };
}

/** Parse a single expression (for example a `-var` value); newlines inside it are ignored. */
export function parseHclExpression(source: string, filename: string): { expr: Expression; diagnostics: Diagnostic[] } {
  const scanned = scanTokens(source, filename, { skipComments: true });
  const parser = new Parser(source, filename, scanned);
  let expr: Expression;
  try {
    expr = parser.parseStandaloneExpression();
  } catch (err) {
    parser.internalError(err);
    expr = new InvalidNode(scanned.positions, source.length, source.length);
  }
  const all = [...scanned.diagnostics, ...parser.diags];
  return { expr, diagnostics: all.length > 1 ? inSourceOrder(all) : all };
}

/** Problems whose cause may be a quoted string that a newline should have ended. */
const QUOTED_STRING_TROUBLE = new Set([
  'Unclosed template interpolation sequence',
  'Unterminated template string',
  'Extra characters after interpolation expression',
  'Unterminated string literal',
  'Invalid string literal',
]);

function parseWith(source: string, filename: string, options: ScanOptions): ParseResult {
  const first = parseOnce(source, filename, options);
  if (!first.diagnostics.some((d) => QUOTED_STRING_TROUBLE.has(d.summary))) return first;
  // A `${` left open in a quoted string makes the rest of the file scan as part of it. Read
  // again with such strings ended at the newline, and keep whichever reading explains the
  // file with fewer errors (valid files never get here).
  const second = parseOnce(source, filename, { ...options, quotedInterpEndsAtNewline: true });
  return second.diagnostics.length < first.diagnostics.length ? second : first;
}

function parseOnce(source: string, filename: string, options: ScanOptions): ParseResult {
  const scanned = scanTokens(source, filename, { ...options, skipComments: true });
  const parser = new Parser(source, filename, scanned);
  let body: Body;
  try {
    body = parser.parseFile();
  } catch (err) {
    parser.internalError(err);
    body = new FileBodyNode(scanned.positions, 0, source.length, [], { filename, source });
  }
  const all = scanned.diagnostics.length === 0 ? parser.diags : [...scanned.diagnostics, ...parser.diags];
  const diagnostics = all.length > 1 ? inSourceOrder(all) : all;
  return { body, diagnostics };
}

/** Diagnostics ordered by where they point (stable for equal positions). */
function inSourceOrder(diags: Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic): number => d.subject?.start.byte ?? Number.MAX_SAFE_INTEGER;
  return diags.map((d, k) => ({ d, k })).sort((a, b) => at(a.d) - at(b.d) || a.k - b.k).map((x) => x.d);
}

/** Thrown only when the parser stops making progress: a bug, reported as a diagnostic. */
class ParserStuck extends Error {}

/** Slots in the parser's table of recently read strings (a power of two). */
const SEEN_SLOTS = 4096;

/** Deeper nesting than this is reported rather than recursed into. */
const MAX_DEPTH = 200;

const BINARY_PREC: Partial<Record<TokenType, number>> = {
  Or: 1,
  And: 2,
  EqualOp: 3,
  NotEqual: 3,
  LessThan: 4,
  LessThanEq: 4,
  GreaterThan: 4,
  GreaterThanEq: 4,
  Plus: 5,
  Minus: 5,
  Star: 6,
  Slash: 6,
  Percent: 6,
};

/** Binary operator precedence by numeric token type; 0 for tokens that are not operators. */
const PREC_BY_CODE = byCode(Object.entries(BINARY_PREC).map(([name, prec]) => [T[name as TokenType], prec ?? 0] as const));

const BINARY_OP: Partial<Record<TokenType, BinaryOp>> = {
  Or: '||',
  And: '&&',
  EqualOp: '==',
  NotEqual: '!=',
  LessThan: '<',
  LessThanEq: '<=',
  GreaterThan: '>',
  GreaterThanEq: '>=',
  Plus: '+',
  Minus: '-',
  Star: '*',
  Slash: '/',
  Percent: '%',
};

/** A lookup table by numeric token type. */
function byCode(entries: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const table = new Uint8Array(TOKEN_TYPES.length);
  for (const [code, value] of entries) table[code] = value;
  return table;
}

/** Bracket kinds that recovery counts, by numeric token type. */
const OPENS = byCode([T.OBrace, T.OBrack, T.OParen, T.TemplateInterp, T.TemplateControl].map((c) => [c, 1] as const));
const CLOSES = byCode([T.CBrace, T.CBrack, T.CParen, T.TemplateSeqEnd].map((c) => [c, 1] as const));

/** A flat template atom, before if/for directives are nested (as hclsyntax does it); s and e are string offsets. */
type TemplateAtom =
  | { k: 'lit'; val: string; s: number; e: number }
  | { k: 'interp'; expr: Expression; s: number; e: number }
  | { k: 'if'; cond: Expression; s: number; e: number }
  | { k: 'for'; keyVar?: string; valueVar: string; coll: Expression; s: number; e: number }
  | { k: 'else' | 'endif' | 'endfor'; s: number; e: number }
  | { k: 'end'; s: number; e: number };

/** From the start of a to the end of b (tokens or nodes); token ranges are not materialised. */
function span(a: Token | { readonly range: Range }, b: Token | { readonly range: Range }): Range {
  const start = a instanceof Token ? a.startPos() : a.range.start;
  const end = b instanceof Token ? b.endPos() : b.range.end;
  return { filename: a instanceof Token ? a.filename : a.range.filename, start, end };
}

/** String offsets of a token or of a node this parser made. */
function so(x: Token | object): number {
  return x instanceof Token ? x.start : (x as Node).startOffset;
}

function eo(x: Token | object): number {
  return x instanceof Token ? x.end : (x as Node).endOffset;
}

function describe(t: Token, src: string): string {
  switch (t.type) {
    case 'EOF':
      return 'the end of the file';
    case 'Newline':
      return 'the end of the line';
    case 'OQuote':
    case 'CQuote':
      return 'a quote';
    default: {
      const text = src.slice(t.start, Math.min(t.end, t.start + 20));
      return JSON.stringify(text);
    }
  }
}

class Parser {
  private i = 0;
  /** Whether newlines are significant at this point (bodies, object constructors). */
  private nl = true;
  /** An error was reported for the current body item; stay silent until the next one. */
  private quiet = false;
  /** An "unclosed … at end of file" error was reported; every enclosing one is the same problem. */
  private eofReported = false;
  private depth = 0;
  /** How many block bodies enclose the current position. */
  private blockDepth = 0;
  /** Offset of a "{" that an unterminated block label swallowed (see parseLabel). */
  private strayBrace = -1;
  private steps = 0;
  private readonly maxSteps: number;
  /** The token stream without comments: numeric types and string offsets. */
  private readonly ty: Uint8Array;
  private readonly st: Int32Array;
  private readonly en: Int32Array;
  private readonly n: number;
  private readonly positions: SourcePositions;
  private viewIdx = -1;
  private view: Token | undefined;
  readonly diags: Diagnostic[] = [];
  /**
   * Items of the lists being parsed (bodies, labels, tuples, arguments, object items), nested
   * lists above their parents; each list copies out an array of its exact length when done.
   * (Growing an array per list leaves its outgrown copies behind as garbage.)
   */
  private readonly items: unknown[] = [];
  private top = 0;
  /** Recently read strings by a hash of their text (see textAt). */
  private readonly seen: (string | undefined)[] = new Array<string | undefined>(SEEN_SLOTS);

  constructor(
    private readonly src: string,
    private readonly filename: string,
    stream: TokenStream,
  ) {
    // The parser asks the scanner to leave comments out; drop any that are there anyway.
    let ty = stream.types;
    let st = stream.starts;
    let en = stream.ends;
    let n = stream.count;
    if (ty.subarray(0, n).includes(T.Comment)) {
      ty = new Uint8Array(stream.count);
      st = new Int32Array(stream.count);
      en = new Int32Array(stream.count);
      n = 0;
      for (let k = 0; k < stream.count; k++) {
        const t = stream.types[k];
        if (t === T.Comment) continue;
        ty[n] = t;
        st[n] = stream.starts[k];
        en[n] = stream.ends[k];
        n++;
      }
    }
    this.ty = ty;
    this.st = st;
    this.en = en;
    this.n = n;
    this.positions = stream.positions;
    this.maxSteps = n * 64 + 10_000;
  }

  /** The token at index j (the last one is EOF). */
  private tok(j: number): Token {
    if (j === this.viewIdx && this.view !== undefined) return this.view;
    const t = new Token(TOKEN_TYPES[this.ty[j]], this.st[j], this.en[j], this.positions, this.filename);
    this.viewIdx = j;
    this.view = t;
    return t;
  }

  internalError(err: unknown): void {
    const what = err instanceof RangeError ? 'the input is nested too deeply' : String(err instanceof Error ? err.message : err);
    this.diags.push({
      severity: 'error',
      summary: err instanceof RangeError ? 'Configuration too deeply nested' : 'Internal parser error',
      detail: `The parser could not continue: ${what}. Please report this together with the file that caused it.`,
      subject: this.tok(Math.min(this.i, this.n - 1)).range,
    });
  }

  // ---- token access -------------------------------------------------------------------------

  private peek(): Token {
    if (++this.steps > this.maxSteps) throw new ParserStuck('no progress');
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return this.tok(j);
  }

  /** The numeric type of the token peek() would return, without making a token view. */
  private peekType(): number {
    if (++this.steps > this.maxSteps) throw new ParserStuck('no progress');
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return ty[j];
  }

  /** Index of the token peek() returns. */
  private peekIndex(): number {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return j;
  }

  private next(): Token {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    this.i = ty[j] === T.EOF ? j : j + 1;
    return this.tok(j);
  }

  /** Like next(), but returns the index of the token consumed rather than a view of it. */
  private take(): number {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    this.i = ty[j] === T.EOF ? j : j + 1;
    return j;
  }

  private text(t: Token): string {
    return this.textAt(t.start, t.end);
  }

  /**
   * The source text from start to end, shared with an earlier equal string when there is one:
   * names and values repeat throughout a file (every VM has a "machine_type"), and one string
   * for each occurrence is memory the garbage collector copies and traces. A hit allocates
   * nothing; a miss slices and takes the slot.
   */
  private textAt(start: number, end: number): string {
    const src = this.src;
    const len = end - start;
    if (len <= 0) return '';
    const h = (len * 97 + src.charCodeAt(start) * 31 + src.charCodeAt(end - 1) * 7 + src.charCodeAt(start + (len >> 1))) & (SEEN_SLOTS - 1);
    const hit = this.seen[h];
    if (hit !== undefined && hit.length === len && src.startsWith(hit, start)) return hit;
    const text = src.slice(start, end);
    this.seen[h] = text;
    return text;
  }

  private isKeyword(t: Token, kw: string): boolean {
    return t.type === 'Ident' && t.end - t.start === kw.length && this.src.startsWith(kw, t.start);
  }

  private pushItem(item: unknown): void {
    this.items[this.top++] = item;
  }

  /** The items pushed since `base`, as an array of their own; the stack drops back to base. */
  private listFrom<T>(base: number): T[] {
    const out = base === this.top ? [] : (this.items.slice(base, this.top) as T[]);
    this.top = base;
    return out;
  }

  /** The last token consumed (for ranges of things cut short). */
  private prevToken(): Token {
    return this.tok(Math.max(0, this.i - 1));
  }

  // ---- diagnostics --------------------------------------------------------------------------

  private error(summary: string, detail: string, subject: Range, context?: Range): void {
    if (this.quiet) return;
    this.quiet = true;
    const d: Diagnostic = context === undefined
      ? { severity: 'error', summary, detail, subject }
      : { severity: 'error', summary, detail, subject, context };
    this.diags.push(d);
  }

  /** Report at a token, unless it is an Invalid token (the scanner reported it already). */
  private errorAt(t: Token, summary: string, detail: string, context?: Range): void {
    if (t.type === 'Invalid') {
      this.quiet = true;
      return;
    }
    if (t.type === 'EOF') {
      if (this.eofReported) {
        this.quiet = true;
        return;
      }
      this.eofReported = true;
    }
    this.error(summary, detail, t.range, context);
  }

  /** An opener left unclosed at the end of the file: reported once for the innermost. */
  private unclosedAtEof(summary: string, detail: string, subject: Range): void {
    if (this.eofReported) {
      this.quiet = true;
      return;
    }
    this.eofReported = true;
    this.error(summary, detail, subject);
  }

  // ---- recovery -----------------------------------------------------------------------------

  /** Skip the rest of this line (bracket-aware); stop before a "}" that closes the enclosing block. */
  private skipLine(): void {
    const types = this.ty;
    let depth = 0;
    for (;;) {
      const ty = types[this.i];
      if (ty === T.EOF) return;
      if (depth === 0) {
        if (ty === T.Newline) {
          this.i++;
          return;
        }
        if (ty === T.CBrace && this.blockDepth > 0) return;
      }
      if (OPENS[ty] === 1) depth++;
      else if (CLOSES[ty] === 1 && depth > 0) depth--;
      this.i++;
    }
  }

  /**
   * Skip to the closer that matches an opener already consumed, and consume it. Stops without
   * consuming at the end of the file or at a closer of another kind that belongs to an outer
   * construct. Returns the closer if found.
   */
  private recoverTo(closer: TokenType, stopAtNewline = false): Token | undefined {
    const types = this.ty;
    const want = T[closer];
    let depth = 0;
    for (;;) {
      const ty = types[this.i];
      if (ty === T.EOF) return undefined;
      if (depth === 0) {
        if (ty === want) {
          this.i++;
          return this.tok(this.i - 1);
        }
        if (CLOSES[ty] === 1) return undefined;
        if (stopAtNewline && ty === T.Newline) return undefined;
      }
      if (OPENS[ty] === 1) depth++;
      else if (CLOSES[ty] === 1) depth--;
      this.i++;
    }
  }

  /**
   * Inside brackets where newlines are ignored: does the next token show that the bracket was
   * never closed? True at the end of the file, at a "}" that is not ours, or when a new line
   * starts with something that can only be a new argument or block ("name =" or "name {").
   * In the last two cases the position is moved back to that line break so the body can go on.
   */
  private bracketLeftOpen(t: Token | number): boolean {
    const code = typeof t === 'number' ? t : T[t.type];
    if (code === T.EOF) return true;
    const types = this.ty;
    let j = this.i;
    let sawNewline = -1;
    while (types[j] === T.Newline) {
      if (sawNewline < 0) sawNewline = j;
      j++;
    }
    if (code === T.CBrace || code === T.TemplateSeqEnd) {
      if (sawNewline >= 0) this.i = sawNewline;
      return true;
    }
    if (sawNewline < 0 || code !== T.Ident) return false;
    const after = types[j + 1];
    if (after === T.Equal || after === T.OBrace) {
      this.i = sawNewline;
      return true;
    }
    return false;
  }

  /** Whether a "{" follows on this line, outside brackets (the line is a block header). */
  private braceLaterOnLine(): boolean {
    const types = this.ty;
    let depth = 0;
    for (let j = this.i; ; j++) {
      const ty = types[j];
      if (ty === T.EOF || (ty === T.Newline && depth === 0)) return false;
      if (ty === T.OBrace && depth === 0) return true;
      if (ty === T.OBrack || ty === T.OParen) depth++;
      else if ((ty === T.CBrack || ty === T.CParen) && depth > 0) depth--;
      else if (ty === T.Equal && depth === 0) return false;
    }
  }

  // ---- bodies -------------------------------------------------------------------------------

  parseFile(): Body {
    const items = this.parseBodyItems(undefined);
    return new FileBodyNode(this.positions, 0, this.en[this.n - 1], items, { filename: this.filename, source: this.src });
  }

  parseStandaloneExpression(): Expression {
    this.nl = false;
    const expr = this.parseExpression();
    const t = this.peek();
    if (t.type !== 'EOF') {
      this.errorAt(t, 'Extra characters after expression', 'An expression was successfully parsed, but extra characters were found after it.');
    }
    return expr;
  }

  /** Items of a body up to "}" (not consumed) or the end of the file. */
  private parseBodyItems(open: Token | undefined): BodyItem[] {
    const base = this.top;
    // Attributes by name, to report one set twice; most bodies are short, and for those a scan
    // of the items is cheaper than a map per body.
    let byName: Map<string, Attribute> | undefined;
    const savedNl = this.nl;
    this.nl = true;
    for (;;) {
      this.quiet = false;
      const ty = this.peekType();
      if (ty === T.Newline) {
        this.i++;
        continue;
      }
      if (ty === T.Ident) {
        const item = this.parseBodyItem();
        if (item === undefined) continue;
        if (item.kind === 'Attribute') {
          const first = byName !== undefined ? byName.get(item.name) : this.firstAttribute(base, item.name);
          if (first !== undefined) {
            const at = first.nameRange;
            this.error(
              'Attribute redefined',
              `The argument "${item.name}" was already set at ${at.filename}:${at.start.line},${at.start.column}. Each argument may be set only once.`,
              item.nameRange,
            );
            continue;
          }
          if (byName === undefined && this.top - base >= 16) {
            byName = new Map();
            for (let k = base; k < this.top; k++) {
              const x = this.items[k] as BodyItem;
              if (x.kind === 'Attribute') byName.set(x.name, x);
            }
          }
          byName?.set(item.name, item);
        }
        this.pushItem(item);
        continue;
      }
      if (ty === T.CBrace && open !== undefined) break;
      const t = this.peek();
      if (ty === T.EOF) {
        if (open !== undefined) {
          this.unclosedAtEof(
            'Unclosed configuration block',
            'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
            open.range,
          );
        }
        break;
      }
      if (ty === T.CBrace) {
        this.error('Unexpected closing brace', 'This "}" does not close any block. Remove it, or check the brace nesting above.', t.range);
        this.i++;
        this.skipLine();
        continue;
      }
      if (ty === T.OQuote) {
        this.error('Invalid argument name', 'Argument names must not be quoted.', t.range);
      } else {
        this.errorAt(t, 'Argument or block definition required', `An argument or block definition is required here, but found ${describe(t, this.src)}.`);
      }
      this.skipLine();
    }
    this.nl = savedNl;
    return this.listFrom(base);
  }

  /** The attribute called `name` among the body items pushed since base. */
  private firstAttribute(base: number, name: string): Attribute | undefined {
    for (let k = base; k < this.top; k++) {
      const x = this.items[k] as BodyItem;
      if (x.kind === 'Attribute' && x.name === name) return x;
    }
    return undefined;
  }

  private parseBodyItem(): BodyItem | undefined {
    const identIdx = this.peekIndex();
    this.i = identIdx + 1;
    const ty = this.peekType();
    switch (ty) {
      case T.Equal:
        return this.parseAttribute(identIdx, false);
      case T.OQuote:
      case T.OBrace:
      case T.Ident:
        return this.parseBlock(this.tok(identIdx));
      default: {
        const ident = this.tok(identIdx);
        const t = this.peek();
        if (t.type === 'Invalid') {
          this.quiet = true;
        } else if (t.type !== 'Newline' && t.type !== 'EOF' && this.braceLaterOnLine()) {
          // `name 123 {`: a block whose label is not a string or a name.
          this.error('Invalid block definition', 'Either a quoted string block label or an opening brace ("{") is expected here.', t.range, span(ident, t));
        } else {
          const hint = t.type === 'Colon'
            ? ' Use "=" to set an argument, not ":".'
            : ' To set an argument, use the equals sign "=" to introduce the argument value.';
          this.error('Argument or block definition required', `An argument or block definition is required here.${hint}`, ident.range);
        }
        this.skipLine();
        return undefined;
      }
    }
  }

  /** The name is the token at identIdx; the "=" is next. */
  private parseAttribute(identIdx: number, singleLine: boolean): Attribute {
    const nameStart = this.st[identIdx];
    const nameEnd = this.en[identIdx];
    const eqIdx = this.peekIndex();
    this.i = eqIdx + 1;
    const expr = this.parseExpression();
    if (!singleLine) {
      const endType = this.peekType();
      if (endType === T.Newline) {
        this.i++;
      } else if (endType !== T.EOF) {
        const end = this.peek();
        const context = this.positions.span(nameStart, end.end);
        if (end.type === 'Comma') {
          this.errorAt(end, 'Unexpected comma after argument', 'Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.', context);
        } else {
          this.errorAt(end, 'Missing newline after argument', 'An argument definition must end with a newline.', context);
        }
        this.skipLine();
      }
    }
    return new AttributeNode(this.positions, nameStart, eo(expr), this.textAt(nameStart, nameEnd), expr, this.st[eqIdx]);
  }

  private parseBlock(ident: Token): Block | undefined {
    const labelBase = this.top;
    let open: Token;
    for (;;) {
      const ty = this.peekType();
      if (ty === T.OBrace) {
        open = this.next();
        break;
      }
      if (ty === T.OQuote) {
        this.pushItem(this.parseLabel());
        if (this.strayBrace >= 0) {
          open = new Token('OBrace', this.strayBrace, this.strayBrace + 1, this.positions, this.filename);
          this.strayBrace = -1;
          break;
        }
        continue;
      }
      if (ty === T.Ident) {
        const j = this.peekIndex();
        this.i = j + 1;
        this.pushItem(new BlockLabelNode(this.positions, this.st[j], this.en[j], this.textAt(this.st[j], this.en[j]), false));
        continue;
      }
      const t = this.peek();
      if (t.type === 'Equal') {
        this.error('Invalid block definition', 'The equals sign "=" indicates an argument definition, and must not be used when defining a block.', t.range, span(ident, t));
      } else if (t.type === 'Newline' || t.type === 'EOF') {
        this.error('Invalid block definition', 'A block definition must have block content delimited by "{" and "}", starting on the same line as the block header.', t.range, span(ident, t));
      } else {
        this.errorAt(t, 'Invalid block definition', 'Either a quoted string block label or an opening brace ("{") is expected here.', span(ident, t));
      }
      this.skipLine();
      this.top = labelBase;
      return undefined;
    }

    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.error('Configuration too deeply nested', `Blocks are nested more than ${MAX_DEPTH} levels deep here.`, open.range);
      this.recoverTo('CBrace');
      this.skipLine();
      this.top = labelBase;
      return undefined;
    }
    let items: BodyItem[];
    // The closing brace, or where it should have been.
    let closeStart: number;
    let closeEnd: number;
    const after = this.peekType();
    const savedQuiet = this.quiet;
    if (after === T.Newline || after === T.EOF || after === T.CBrace) {
      this.blockDepth++;
      items = this.parseBodyItems(open);
      this.blockDepth--;
      const closeIdx = this.peekIndex();
      if (this.ty[closeIdx] === T.CBrace) this.take();
      closeStart = this.st[closeIdx];
      closeEnd = this.en[closeIdx];
    } else {
      this.blockDepth++;
      const single = this.parseSingleAttrBody(open);
      this.blockDepth--;
      items = single.items;
      closeStart = single.close.start;
      closeEnd = single.close.end;
    }
    this.depth--;
    this.quiet = savedQuiet;

    const eolType = this.peekType();
    if (eolType === T.Newline) {
      this.i++;
    } else if (eolType !== T.EOF) {
      const eol = this.peek();
      this.errorAt(eol, 'Missing newline after block definition', 'A block definition must end with a newline.', span(ident, eol));
      this.skipLine();
    }
    const body = new BodyNode(this.positions, open.start, closeEnd, items);
    return new BlockNode(this.positions, ident.start, closeEnd, this.text(ident), this.listFrom<BlockLabel>(labelBase), body, open.start, closeStart);
  }

  /** `name { arg = value }` on one line: exactly one argument. */
  private parseSingleAttrBody(open: Token): { items: BodyItem[]; close: Token } {
    const items: BodyItem[] = [];
    const t = this.peek();
    if (t.type === 'Ident') {
      const nameIdx = this.peekIndex();
      const name = this.next();
      const t2 = this.peek();
      if (t2.type === 'Equal') {
        items.push(this.parseAttribute(nameIdx, true));
      } else if (t2.type === 'OQuote' || t2.type === 'OBrace' || t2.type === 'Ident') {
        this.error(
          'Argument definition required',
          `A single-line block definition can contain only a single argument. If you meant to define argument "${this.text(name)}", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.`,
          span(name, t2),
        );
      } else {
        this.errorAt(t2, 'Argument or block definition required', 'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.');
      }
    } else {
      this.errorAt(t, 'Argument or block definition required', `An argument or block definition is required here, but found ${describe(t, this.src)}.`);
    }
    const c = this.peek();
    if (c.type === 'CBrace') return { items, close: this.next() };
    if (c.type === 'EOF') {
      this.unclosedAtEof(
        'Unclosed configuration block',
        'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
        open.range,
      );
      return { items, close: c };
    }
    if (c.type === 'Comma') {
      this.error('Invalid single-argument block definition', 'Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.', c.range);
    } else if (c.type === 'Newline') {
      this.error('Invalid single-argument block definition', "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.", c.range);
    } else {
      this.errorAt(c, 'Invalid single-argument block definition', 'A single-line block definition must end with a closing brace immediately after its single argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.');
    }
    const close = this.recoverTo('CBrace');
    return { items, close: close ?? this.prevToken() };
  }

  /** A block label in quotes: a literal string, no template sequences. */
  private parseLabel(): BlockLabel {
    // Fast path for the usual label: "name", with no escapes.
    const j = this.peekIndex();
    const ty = this.ty;
    if (ty[j + 1] === T.QuotedLit && ty[j + 2] === T.CQuote) {
      const raw = this.textAt(this.st[j + 1], this.en[j + 1]);
      if (raw.indexOf('\\') < 0 && raw.indexOf('$${') < 0 && raw.indexOf('%%{') < 0) {
        this.i = j + 3;
        return new BlockLabelNode(this.positions, this.st[j], this.en[j + 2], raw, true);
      }
    }
    const open = this.next();
    let value = '';
    for (;;) {
      const t = this.tok(this.i);
      if (t.type === 'CQuote') {
        this.i++;
        return new BlockLabelNode(this.positions, open.start, t.end, value, true);
      }
      if (t.type === 'QuotedLit') {
        this.i++;
        value += this.decodeQuoted(t);
        continue;
      }
      if (t.type === 'TemplateInterp' || t.type === 'TemplateControl') {
        const which = t.type === 'TemplateInterp' ? '$' : '%';
        this.error(
          'Invalid string literal',
          `Template sequences are not allowed in this string. To include a literal "${which}", double it (as "${which}${which}") to escape it.`,
          t.range,
          span(open, t),
        );
        this.i++;
        this.recoverTo('TemplateSeqEnd', true);
        value += `${which}{ ... }`;
        continue;
      }
      // A newline or the end of the file: the scanner ended the string there.
      const subject: Range = { filename: this.filename, start: open.range.start, end: t.range.start };
      if (t.type === 'EOF') this.eofReported = true;
      this.error('Unterminated string literal', 'This string has no closing quote (") on its line. Strings cannot span lines; use "\\n" for a line break, or a heredoc (<<EOT) for multi-line text.', subject);
      // `site "home {`: the brace was swallowed by the string; let the block open there.
      const brace = this.src.lastIndexOf('{', t.start - 1);
      if (brace > open.start && this.src.slice(brace + 1, t.start).trim() === '') this.strayBrace = brace;
      return new BlockLabelNode(this.positions, open.start, t.start, value, true);
    }
  }

  // ---- expressions --------------------------------------------------------------------------

  private parseExpression(): Expression {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      const t = this.peek();
      this.error('Expression too deeply nested', `Expressions are nested more than ${MAX_DEPTH} levels deep here.`, t.range);
      return new InvalidNode(this.positions, t.start, t.end);
    }
    const cond = this.parseBinary(1);
    let result = cond;
    if (this.peekType() === T.Question) {
      this.next();
      const trueExpr = this.parseExpression();
      const colon = this.peek();
      if (colon.type !== 'Colon') {
        this.errorAt(colon, 'Missing false expression in conditional', 'The conditional operator (...?...:...) requires a false expression, delimited by a colon.', span(cond, colon));
        result = new InvalidNode(this.positions, so(cond), eo(trueExpr));
      } else {
        this.next();
        const falseExpr = this.parseExpression();
        result = new ConditionalNode(this.positions, so(cond), eo(falseExpr), cond, trueExpr, falseExpr);
      }
    }
    this.depth--;
    return result;
  }

  private parseBinary(minPrec: number): Expression {
    let lhs = this.parseUnaryTerm();
    for (;;) {
      const prec = PREC_BY_CODE[this.peekType()];
      if (prec === 0 || prec < minPrec) return lhs;
      const t = this.next();
      const rhs = this.parseBinary(prec + 1);
      lhs = new BinaryNode(this.positions, so(lhs), eo(rhs), BINARY_OP[t.type] as BinaryOp, lhs, rhs, t.start);
    }
  }

  /** A term and its traversals; unary operators bind to a term with its traversals. */
  private parseUnaryTerm(): Expression {
    return this.parseTraversals(this.parseTerm());
  }

  private parseTerm(): Expression {
    const ty = this.peekType();
    if (ty === T.Number || ty === T.Ident) {
      // Most terms: read them from the token arrays, without a token view.
      const j = this.peekIndex();
      const start = this.st[j];
      const end = this.en[j];
      this.i = j + 1;
      const p = this.positions;
      if (ty === T.Number) {
        const raw = this.textAt(start, end);
        const value = Number(raw);
        if (Number.isNaN(value)) {
          this.error('Invalid number literal', `"${raw}" is not a valid number. Write numbers like 42, 3.14 or 1e6.`, p.span(start, end));
          return new InvalidNode(p, start, end);
        }
        return new NumberNode(p, start, end, value, raw);
      }
      const after = this.peekType();
      if (after === T.OParen || after === T.DoubleColon) return this.parseCall(this.tok(j));
      const name = this.textAt(start, end);
      if (name === 'true') return new LiteralNode(p, start, end, true);
      if (name === 'false') return new LiteralNode(p, start, end, false);
      if (name === 'null') return new LiteralNode(p, start, end, null);
      return new VariableNode(p, start, name);
    }
    switch (ty) {
      case T.OQuote:
      case T.OHeredoc:
        return this.parseTemplate();
      case T.OParen:
        return this.parseParens();
      case T.OBrack:
        return this.parseTuple();
      case T.OBrace:
        return this.parseObject();
      default:
        break;
    }
    const t = this.peek();
    switch (t.type) {
      case 'Minus':
      case 'Bang': {
        this.next();
        if (this.depth > MAX_DEPTH) {
          this.error('Expression too deeply nested', `Expressions are nested more than ${MAX_DEPTH} levels deep here.`, t.range);
          return new InvalidNode(this.positions, t.start, t.end);
        }
        this.depth++;
        const operand = this.parseUnaryTerm();
        this.depth--;
        return new UnaryNode(this.positions, t.start, eo(operand), t.type === 'Minus' ? '-' : '!', operand);
      }
      case 'EOF':
        this.errorAt(t, 'Missing expression', 'Expected the start of an expression, but found the end of the file.');
        return new InvalidNode(this.positions, t.start, t.end);
      default:
        this.errorAt(t, 'Invalid expression', `Expected the start of an expression, but found ${describe(t, this.src)}.`);
        return new InvalidNode(this.positions, t.start, t.end);
    }
  }

  private parseParens(): Expression {
    const open = this.next();
    const savedNl = this.nl;
    this.nl = false;
    const expr = this.parseExpression();
    const close = this.peek();
    let result: Expression;
    if (close.type === 'CParen') {
      this.next();
      result = new ParensNode(this.positions, open.start, close.end, expr);
    } else {
      if (this.bracketLeftOpen(close)) {
        if (close.type === 'EOF') this.unclosedAtEof('Unbalanced parentheses', 'There is no closing parenthesis for this "(" before the end of the file.', open.range);
        else this.error('Unbalanced parentheses', 'There is no closing parenthesis for this "(". Add ")" at the end of the expression.', open.range);
      } else {
        this.errorAt(close, 'Unbalanced parentheses', 'Expected a closing parenthesis to terminate the expression.', span(open, close));
        this.recoverTo('CParen');
      }
      result = new InvalidNode(this.positions, open.start, eo(expr));
    }
    this.nl = savedNl;
    return result;
  }

  private parseCall(nameTok: Token): Expression {
    let name = this.text(nameTok);
    let nameEnd = nameTok;
    while (this.peek().type === 'DoubleColon') {
      const sep = this.next();
      const part = this.peek();
      if (part.type !== 'Ident') {
        this.errorAt(part, 'Missing function name', 'Function scope resolution symbol :: must be followed by a function name in this scope.', span(nameTok, part));
        return new InvalidNode(this.positions, nameTok.start, sep.end);
      }
      this.next();
      name += '::' + this.text(part);
      nameEnd = part;
    }
    const open = this.peek();
    if (open.type !== 'OParen') {
      this.errorAt(open, 'Missing open parenthesis', 'Function selector must be followed by an open parenthesis to begin the function call.', span(nameTok, open));
      return new InvalidNode(this.positions, nameTok.start, nameEnd.end);
    }
    this.next();
    const savedNl = this.nl;
    this.nl = false;
    const argBase = this.top;
    let expandFinal = false;
    let close: Token | undefined;
    const unclosed = (ty: number): void => {
      const subject = span(nameTok, open);
      if (ty === T.EOF) {
        this.unclosedAtEof('Unterminated function call', 'There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.', subject);
      } else {
        this.error('Unterminated function call', 'There is no closing parenthesis for this function call. Add ")" after the last argument.', subject);
      }
    };
    for (;;) {
      let ty = this.peekType();
      if (ty === T.CParen) {
        close = this.next();
        break;
      }
      if (this.bracketLeftOpen(ty)) {
        unclosed(ty);
        break;
      }
      const arg = this.parseExpression();
      this.pushItem(arg);
      ty = this.peekType();
      if (ty === T.CParen) {
        close = this.next();
        break;
      }
      if (ty === T.Comma) {
        this.next();
        continue;
      }
      if (ty === T.Ellipsis) {
        this.next();
        expandFinal = true;
        const c = this.peek();
        if (c.type === 'CParen') {
          close = this.next();
        } else {
          this.errorAt(c, 'Missing closing parenthesis', 'An expanded function argument (with ...) must be immediately followed by closing parentheses.', span(nameTok, c));
          close = this.recoverTo('CParen');
        }
        break;
      }
      if (this.bracketLeftOpen(ty)) {
        unclosed(ty);
        break;
      }
      const t = this.peek();
      this.errorAt(t, 'Missing argument separator', 'A comma is required to separate each function argument from the next.', span(nameTok, t));
      close = this.recoverTo('CParen');
      break;
    }
    this.nl = savedNl;
    const end = eo(close ?? (this.top > argBase ? (this.items[this.top - 1] as Expression) : open));
    return new FunctionCallNode(this.positions, nameTok.start, end, name, this.listFrom<Expression>(argBase), expandFinal, nameEnd.end, open.start, close === undefined ? end : close.start);
  }

  private parseTuple(): Expression {
    // Token indexes rather than views: a large file has many short tuples.
    const openIdx = this.take();
    const savedNl = this.nl;
    this.nl = false;
    const first = this.peekIndex();
    if (this.ty[first] === T.Ident && this.en[first] - this.st[first] === 3 && this.src.startsWith('for', this.st[first])) {
      const result = this.parseFor(this.tok(openIdx));
      this.nl = savedNl;
      return result;
    }
    const openRange = (): Range => this.positions.span(this.st[openIdx], this.en[openIdx]);
    const base = this.top;
    let end = -1;
    const unclosed = (ty: number): void => {
      if (ty === T.EOF) {
        this.unclosedAtEof('Unterminated tuple constructor expression', 'There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.', openRange());
      } else {
        this.error('Unterminated tuple constructor expression', 'There is no closing bracket for this "[". Add "]" after the last item.', openRange());
      }
    };
    for (;;) {
      let ty = this.peekType();
      if (ty === T.CBrack) {
        end = this.en[this.take()];
        break;
      }
      if (this.bracketLeftOpen(ty)) {
        unclosed(ty);
        break;
      }
      this.pushItem(this.parseExpression());
      ty = this.peekType();
      if (ty === T.CBrack) {
        end = this.en[this.take()];
        break;
      }
      if (ty === T.Comma) {
        this.take();
        continue;
      }
      if (this.bracketLeftOpen(ty)) {
        unclosed(ty);
        break;
      }
      const t = this.peek();
      this.errorAt(t, 'Missing item separator', 'Expected a comma to mark the beginning of the next item.', this.positions.span(this.st[openIdx], t.end));
      const close = this.recoverTo('CBrack');
      if (close !== undefined) end = close.end;
      break;
    }
    this.nl = savedNl;
    if (end < 0) end = this.top > base ? eo(this.items[this.top - 1] as Expression) : this.en[openIdx];
    return new TupleNode(this.positions, this.st[openIdx], end, this.listFrom<Expression>(base));
  }

  private parseObject(): Expression {
    const open = this.next();
    const savedNl = this.nl;
    this.nl = false;
    if (this.isKeyword(this.peek(), 'for')) {
      const result = this.parseFor(open);
      this.nl = savedNl;
      return result;
    }
    this.nl = true;
    const base = this.top;
    let close: Token | undefined;
    const unterminated = (): void => {
      this.unclosedAtEof('Unterminated object constructor expression', 'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', open.range);
    };
    for (;;) {
      let t = this.peek();
      if (t.type === 'Newline') {
        this.i++;
        continue;
      }
      if (t.type === 'CBrace') {
        close = this.next();
        break;
      }
      if (t.type === 'EOF') {
        unterminated();
        break;
      }
      const key = this.parseExpression();
      t = this.peek();
      if (t.type !== 'Equal' && t.type !== 'Colon') {
        if (t.type === 'EOF') {
          unterminated();
          break;
        }
        if (t.type === 'Newline' || t.type === 'Comma') {
          this.errorAt(t, 'Missing attribute value', 'Expected an attribute value, introduced by an equals sign ("=").', span(open, t));
        } else if (t.type === 'Ident') {
          this.errorAt(t, 'Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value. If you intended to give an attribute name containing periods or spaces, write the name in quotes to create a string literal.', span(open, t));
        } else {
          this.errorAt(t, 'Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value.', span(open, t));
        }
        close = this.recoverTo('CBrace');
        break;
      }
      this.next();
      const value = this.parseExpression();
      this.pushItem({ key, value, separator: t.type === 'Equal' ? '=' : ':' });
      t = this.peek();
      if (t.type === 'CBrace') {
        close = this.next();
        break;
      }
      if (t.type === 'Comma' || t.type === 'Newline') {
        this.next();
        continue;
      }
      if (t.type === 'EOF') {
        unterminated();
        break;
      }
      this.errorAt(t, 'Missing attribute separator', 'Expected a newline or comma to mark the beginning of the next attribute.', span(open, t));
      close = this.recoverTo('CBrace');
      break;
    }
    this.nl = savedNl;
    const end = close ?? (this.top > base ? (this.items[this.top - 1] as ObjectItem).value : open);
    return new ObjectNode(this.positions, open.start, eo(end), this.listFrom<ObjectItem>(base));
  }

  /** `[for …]` or `{for …}`; the opener is consumed and newlines are already ignored. */
  private parseFor(open: Token): Expression {
    const isObject = open.type === 'OBrace';
    const closeType: TokenType = isObject ? 'CBrace' : 'CBrack';
    this.next(); // "for"
    const fail = (t: Token, detail: string): Expression => {
      if (t.type === 'EOF') {
        this.unclosedAtEof("Invalid 'for' expression", `There is no closing ${isObject ? 'brace' : 'bracket'} for this 'for' expression before the end of the file.`, open.range);
      } else if (this.bracketLeftOpen(t)) {
        this.error("Invalid 'for' expression", `There is no closing ${isObject ? 'brace' : 'bracket'} for this 'for' expression. Add "${isObject ? '}' : ']'}" at its end.`, open.range);
        return new InvalidNode(this.positions, open.start, this.prevToken().end);
      } else {
        this.errorAt(t, "Invalid 'for' expression", detail, span(open, t));
      }
      const close = this.recoverTo(closeType);
      return new InvalidNode(this.positions, open.start, (close ?? this.prevToken()).end);
    };
    let t = this.peek();
    if (t.type !== 'Ident') return fail(t, "For expression requires variable name after 'for'.");
    this.next();
    let keyVar: string | undefined;
    let valueVar = this.text(t);
    if (this.peek().type === 'Comma') {
      this.next();
      t = this.peek();
      if (t.type !== 'Ident') return fail(t, 'For expression requires value variable name after comma.');
      this.next();
      keyVar = valueVar;
      valueVar = this.text(t);
    }
    t = this.peek();
    if (!this.isKeyword(t, 'in')) return fail(t, "For expression requires the 'in' keyword after its name declarations.");
    this.next();
    const collection = this.parseExpression();
    t = this.peek();
    if (t.type !== 'Colon') return fail(t, 'For expression requires a colon after the collection expression.');
    this.next();
    let keyExpr: Expression | undefined;
    let valueExpr = this.parseExpression();
    if (this.peek().type === 'FatArrow') {
      this.next();
      keyExpr = valueExpr;
      valueExpr = this.parseExpression();
    }
    let group = false;
    let ellipsis: Token | undefined;
    if (this.peek().type === 'Ellipsis') {
      ellipsis = this.next();
      group = true;
    }
    let condition: Expression | undefined;
    if (this.isKeyword(this.peek(), 'if')) {
      this.next();
      condition = this.parseExpression();
    }
    t = this.peek();
    if (t.type !== closeType) return fail(t, "Extra characters after the end of the 'for' expression.");
    const close = this.next();
    const range = span(open, close);
    const invalid = (): Expression => new InvalidNode(this.positions, open.start, close.end);
    if (!isObject) {
      if (keyExpr !== undefined) {
        this.error("Invalid 'for' expression", 'Key expression is not valid when building a tuple.', keyExpr.range, range);
        return invalid();
      }
      if (ellipsis !== undefined) {
        this.error("Invalid 'for' expression", 'Grouping ellipsis (...) cannot be used when building a tuple.', ellipsis.range, range);
        return invalid();
      }
    } else if (keyExpr === undefined) {
      this.error("Invalid 'for' expression", 'Key expression is required when building an object.', valueExpr.range, range);
      return invalid();
    }
    return new ForNode(this.positions, open.start, close.end, keyVar, valueVar, collection, keyExpr, valueExpr, condition, group, isObject);
  }

  private parseTraversals(from: Expression): Expression {
    let ret = from;
    for (;;) {
      const ty = this.peekType();
      if (ty !== T.Dot && ty !== T.OBrack) return ret;
      // `.name` is the hot case: build it from the token arrays, without token views.
      const dotIdx = this.peekIndex();
      if (ty === T.Dot && this.ty[dotIdx + 1] === T.Ident) {
        const k = dotIdx + 1;
        this.i = k + 1;
        ret = new GetAttrNode(this.positions, so(ret), this.en[k], ret, this.textAt(this.st[k], this.en[k]));
        continue;
      }
      const t = this.peek();
      if (t.type === 'Dot') {
        this.next();
        const a = this.peek();
        if (a.type === 'Ident') {
          this.next();
          ret = new GetAttrNode(this.positions, so(ret), a.end, ret, this.text(a));
        } else if (a.type === 'Number') {
          this.next();
          const key = this.legacyIndex(a, false);
          if (key === undefined) return new InvalidNode(this.positions, so(ret), a.end);
          ret = new IndexNode(this.positions, so(ret), a.end, ret, key);
        } else if (a.type === 'Star') {
          this.next();
          ret = this.parseAttrSplat(ret, t, a);
        } else {
          this.errorAt(a, 'Invalid attribute name', 'An attribute name is required after a dot.');
          return new InvalidNode(this.positions, so(ret), t.end);
        }
      } else if (t.type === 'OBrack') {
        const open = this.next();
        const savedNl = this.nl;
        this.nl = false;
        if (this.peek().type === 'Star') {
          const star = this.next();
          const close = this.peek();
          if (close.type !== 'CBrack') {
            this.nl = savedNl;
            if (close.type === 'Invalid') this.quiet = true;
            this.error('Missing close bracket on splat index', 'The star for a full splat operator must be immediately followed by a closing bracket ("]").', span(open, star));
            this.recoverTo('CBrack', true);
            return new InvalidNode(this.positions, so(ret), star.end);
          }
          this.next();
          this.nl = savedNl;
          const item: Expression = new SplatItemNode(this.positions, open.start, close.end);
          if (++this.depth > MAX_DEPTH) {
            this.depth--;
            this.error('Expression too deeply nested', `Expressions are nested more than ${MAX_DEPTH} levels deep here.`, item.range);
            return new InvalidNode(this.positions, so(ret), close.end);
          }
          const each = this.parseTraversals(item);
          this.depth--;
          ret = new SplatNode(this.positions, so(ret), eo(each), ret, each, true);
          continue;
        }
        const key = this.parseExpression();
        const close = this.peek();
        if (close.type !== 'CBrack') {
          if (this.bracketLeftOpen(close)) {
            if (close.type === 'EOF') this.unclosedAtEof('Missing close bracket on index', 'There is no closing bracket for this index before the end of the file.', open.range);
            else this.error('Missing close bracket on index', 'The index operator must end with a closing bracket ("]").', open.range);
          } else {
            this.errorAt(close, 'Missing close bracket on index', 'The index operator must end with a closing bracket ("]").', span(open, close));
            this.recoverTo('CBrack');
          }
          this.nl = savedNl;
          return new InvalidNode(this.positions, so(ret), eo(key));
        }
        this.next();
        this.nl = savedNl;
        ret = new IndexNode(this.positions, so(ret), close.end, ret, key);
      } else {
        return ret;
      }
    }
  }

  /** `.0` after a dot: the legacy index form. Returns undefined after an error. */
  private legacyIndex(num: Token, inSplat: boolean): LiteralExpr | undefined {
    const raw = this.text(num);
    const dot = raw.indexOf('.');
    if (dot >= 0) {
      const properly = inSplat ? ' with a full splat expression [*]' : '';
      this.error(
        'Invalid legacy index syntax',
        `When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax${properly} instead, like [${raw.slice(0, dot)}][${raw.slice(dot + 1)}].`,
        num.range,
      );
      return undefined;
    }
    const value = Number(raw);
    if (Number.isNaN(value)) {
      this.error('Invalid number literal', `"${raw}" is not a valid number.`, num.range);
      return undefined;
    }
    return new NumberNode(this.positions, num.start, num.end, value, raw);
  }

  /** `source.*.a.b`: only attribute (and legacy index) steps apply to each element. */
  private parseAttrSplat(source: Expression, dot: Token, star: Token): Expression {
    let each: Expression = new SplatItemNode(this.positions, dot.start, star.end);
    let lastEnd = star.end;
    while (this.peek().type === 'Dot') {
      this.i = this.peekIndex();
      const a = this.tok(this.i + 1);
      if (a.type === 'Ident') {
        this.i += 2;
        each = new GetAttrNode(this.positions, so(each), a.end, each, this.text(a));
        lastEnd = a.end;
      } else if (a.type === 'Number') {
        this.i += 2;
        const key = this.legacyIndex(a, true);
        if (key === undefined) return new InvalidNode(this.positions, so(source), a.end);
        each = new IndexNode(this.positions, so(each), a.end, each, key);
        lastEnd = a.end;
      } else if (a.type === 'Star') {
        this.errorAt(a, 'Nested splat expression not allowed', 'A splat expression (*) cannot be used inside another attribute-only splat expression.');
        this.i += 2;
        return new InvalidNode(this.positions, so(source), a.end);
      } else {
        break; // the outer traversal loop reports the dot
      }
    }
    return new SplatNode(this.positions, so(source), lastEnd, source, each, false);
  }

  // ---- templates ----------------------------------------------------------------------------

  /** A quoted string or heredoc: parts, strip markers, the `<<-` indent rule, directives. */
  private parseTemplate(): Expression {
    // Fast path for the most common string: "text" with no escapes or sequences.
    const i = this.peekIndex();
    const ty = this.ty;
    if (ty[i] === T.OQuote && ty[i + 1] === T.QuotedLit && ty[i + 2] === T.CQuote) {
      const litStart = this.st[i + 1];
      const litEnd = this.en[i + 1];
      const raw = this.textAt(litStart, litEnd);
      if (raw.indexOf('\\') < 0 && raw.indexOf('$${') < 0 && raw.indexOf('%%{') < 0) {
        this.i = i + 3;
        const p = this.positions;
        return new TemplateNode(p, this.st[i], this.en[i + 2], [new LiteralNode(p, litStart, litEnd, raw)]);
      }
    }
    const open = this.next();
    const heredoc = open.type === 'OHeredoc';
    const closer: TokenType = heredoc ? 'CHeredoc' : 'CQuote';
    const atoms: TemplateAtom[] = [];
    let ltrimNext = false;
    let nextCanTrimPrev = false;
    let close: Token | undefined;
    const savedNl = this.nl;
    this.nl = true;
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.nl = savedNl;
      this.error('Expression too deeply nested', `Expressions are nested more than ${MAX_DEPTH} levels deep here.`, open.range);
      this.recoverTo(closer, !heredoc);
      return new InvalidNode(this.positions, open.start, open.end);
    }

    for (;;) {
      const t = this.tok(this.i);
      if (++this.steps > this.maxSteps) throw new ParserStuck('no progress in template');
      if (t.type === closer) {
        this.i++;
        close = t;
        break;
      }
      const ltrim = ltrimNext;
      ltrimNext = false;
      const canTrimPrev = nextCanTrimPrev;
      nextCanTrimPrev = false;

      if (t.type === 'QuotedLit' || t.type === 'StringLit') {
        this.i++;
        let val = t.type === 'QuotedLit' ? this.decodeQuoted(t) : decodeHeredocText(this.text(t));
        if (ltrim) val = trimStartSpace(val);
        atoms.push({ k: 'lit', val, s: t.start, e: t.end });
        nextCanTrimPrev = true;
        continue;
      }
      if (t.type === 'TemplateInterp' || t.type === 'TemplateControl') {
        const tilde = t.end - t.start === 3;
        if (canTrimPrev && tilde && atoms.length > 0) {
          const prev = atoms[atoms.length - 1];
          if (prev.k === 'lit') prev.val = trimEndSpace(prev.val);
        }
        this.i++;
        this.nl = false;
        const ok = t.type === 'TemplateInterp' ? this.templateInterp(t, atoms, heredoc) : this.templateDirective(t, atoms, heredoc);
        this.nl = true;
        if (ok === 'trim') ltrimNext = true;
        continue;
      }
      // The string ended early: a newline in a quoted string, or the end of the file.
      if (heredoc) {
        const info = heredocInfo(this.text(open));
        const intro = this.positions.range(this.filename, open.start, open.start + (info.indented ? 3 : 2) + info.marker.length);
        this.unclosedAtEof('Unclosed heredoc', `There is no closing "${info.marker}" marker for this heredoc before the end of the file. Put the marker alone on its own line to end the heredoc.`, intro);
      } else {
        const subject: Range = { filename: this.filename, start: open.range.start, end: t.range.start };
        if (t.type === 'EOF') this.eofReported = true;
        this.error('Unterminated template string', 'This string has no closing quote (") on its line. Strings cannot span lines; use "\\n" for a line break, or a heredoc (<<EOT) for multi-line text.', subject);
      }
      break;
    }
    this.nl = savedNl;
    this.depth--;

    const end = (close ?? this.prevToken()).end;
    if (heredoc && this.text(open).startsWith('<<-')) flushHeredoc(atoms);
    const passthru = atoms.length === 1 && atoms[0].k === 'interp';
    meldLiterals(atoms);
    if (atoms.length === 0) atoms.push({ k: 'lit', val: '', s: open.end, e: open.end });
    atoms.push(close !== undefined ? { k: 'end', s: close.start, e: close.end } : { k: 'end', s: end, e: end });

    if (passthru) {
      const only = atoms[0] as { k: 'interp'; expr: Expression };
      return new TemplateWrapNode(this.positions, open.start, end, only.expr);
    }
    const parts = hasDirectives(atoms) ? this.buildTemplateParts(atoms) : flatParts(atoms, this.positions);
    return heredoc
      ? new HeredocNode(this.positions, open.start, end, parts, heredocInfo(this.text(open)))
      : new TemplateNode(this.positions, open.start, end, parts);
  }

  /** `${ expr }`; returns 'trim' when it ended with `~}`. */
  private templateInterp(open: Token, atoms: TemplateAtom[], heredoc: boolean): 'trim' | 'ok' | 'error' {
    const expr = this.parseExpression();
    const close = this.peek();
    if (close.type === 'TemplateSeqEnd') {
      this.next();
      atoms.push({ k: 'interp', expr, s: open.start, e: close.end });
      return close.end - close.start === 2 ? 'trim' : 'ok';
    }
    if (close.type === 'EOF') {
      this.unclosedAtEof('Unclosed template interpolation sequence', 'There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.', open.range);
    } else if (close.type === 'Colon') {
      this.errorAt(close, 'Extra characters after interpolation expression', 'Template interpolation doesn\'t expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with "$${" instead of just "${".', span(open, close));
    } else if (!heredoc && (close.type === 'OQuote' || close.type === 'CQuote' || close.type === 'Newline')) {
      this.error('Unclosed template interpolation sequence', 'There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.', open.range);
    } else {
      this.errorAt(close, 'Extra characters after interpolation expression', 'Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with "$${" instead of just "${".', span(open, close));
    }
    this.recoverTo('TemplateSeqEnd', !heredoc);
    atoms.push({ k: 'interp', expr: new InvalidNode(this.positions, open.start, eo(expr)), s: open.start, e: eo(expr) });
    return 'error';
  }

  /** `%{ if … }`, `%{ for … }`, `%{ else }`, `%{ endif }`, `%{ endfor }`. */
  private templateDirective(open: Token, atoms: TemplateAtom[], heredoc: boolean): 'trim' | 'ok' | 'error' {
    const kw = this.peek();
    if (kw.type !== 'Ident') {
      this.errorAt(kw, 'Invalid template directive', 'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence.', span(open, kw));
      this.recoverTo('TemplateSeqEnd', !heredoc);
      return 'error';
    }
    this.next();
    const word = this.text(kw);
    let atom: TemplateAtom;
    switch (word) {
      case 'if': {
        const cond = this.parseExpression();
        atom = { k: 'if', cond, s: open.start, e: open.end };
        break;
      }
      case 'else':
      case 'endif':
      case 'endfor':
        atom = { k: word, s: open.start, e: open.end };
        break;
      case 'for': {
        const failFor = (t: Token, detail: string): 'error' => {
          this.errorAt(t, "Invalid 'for' directive", detail);
          this.recoverTo('TemplateSeqEnd', !heredoc);
          return 'error';
        };
        let t = this.peek();
        if (t.type !== 'Ident') return failFor(t, "For directive requires variable name after 'for'.");
        this.next();
        let keyVar: string | undefined;
        let valueVar = this.text(t);
        if (this.peek().type === 'Comma') {
          this.next();
          t = this.peek();
          if (t.type !== 'Ident') return failFor(t, 'For directive requires value variable name after comma.');
          this.next();
          keyVar = valueVar;
          valueVar = this.text(t);
        }
        t = this.peek();
        if (!this.isKeyword(t, 'in')) return failFor(t, "For directive requires 'in' keyword after names.");
        this.next();
        const coll = this.parseExpression();
        atom = keyVar !== undefined ? { k: 'for', keyVar, valueVar, coll, s: open.start, e: open.end } : { k: 'for', valueVar, coll, s: open.start, e: open.end };
        break;
      }
      default:
        this.errorAt(kw, 'Invalid template control keyword', `"${word}" is not a valid template control keyword.${didYouMean(word, ['if', 'for', 'else', 'endif', 'endfor'])}`, span(open, kw));
        this.recoverTo('TemplateSeqEnd', !heredoc);
        return 'error';
    }
    const close = this.peek();
    if (close.type !== 'TemplateSeqEnd') {
      if (close.type === 'EOF') {
        this.unclosedAtEof(`Unclosed ${word} directive`, `There is no closing brace for this %{ ${word} } directive before the end of the file.`, open.range);
      } else {
        this.errorAt(close, `Extra characters in ${word} marker`, 'Expected a closing brace to end the sequence, but found extra characters.', span(open, close));
      }
      this.recoverTo('TemplateSeqEnd', !heredoc);
      atom.e = this.prevToken().end;
      atoms.push(atom);
      return 'error';
    }
    this.next();
    atom.e = close.end;
    atoms.push(atom);
    return close.end - close.start === 2 ? 'trim' : 'ok';
  }

  /** Nest the flat atoms into parts with if/for directives, as hclsyntax's templateParser. */
  private buildTemplateParts(atoms: TemplateAtom[]): TemplatePart[] {
    const p = this.positions;
    let pos = 0;
    const peekAtom = (): TemplateAtom => atoms[pos];
    const readAtom = (): TemplateAtom => {
      const a = atoms[pos];
      if (a.k !== 'end') pos++;
      return a;
    };
    const rangeOf = (a: TemplateAtom): Range => p.span(a.s, a.e);
    /** The parts as a template; with no parts, an empty one at `fallback`. */
    const sequence = (parts: TemplatePart[], fallback: number): TemplateExpr =>
      parts.length === 0 ? new TemplateNode(p, fallback, fallback, parts) : new TemplateNode(p, so(parts[0]), eo(parts[parts.length - 1]), parts);

    const parseOne = (): TemplatePart => {
      const a = peekAtom();
      switch (a.k) {
        case 'lit':
          readAtom();
          return new LiteralNode(p, a.s, a.e, a.val);
        case 'interp':
          readAtom();
          return a.expr;
        case 'if': {
          readAtom();
          const thenParts: TemplatePart[] = [];
          const elseParts: TemplatePart[] = [];
          let current = thenParts;
          let hasElse = false;
          for (;;) {
            const b = peekAtom();
            if (b.k === 'end') {
              this.error('Unexpected end of template', 'This if directive is missing its corresponding endif directive: add %{endif} where its content ends.', rangeOf(a));
              return new InvalidNode(p, a.s, b.e);
            }
            if (b.k === 'else' || b.k === 'endif' || b.k === 'endfor') {
              readAtom();
              if (b.k === 'else' && !hasElse) {
                hasElse = true;
                current = elseParts;
                continue;
              }
              if (b.k === 'endif') {
                const thenExpr = sequence(thenParts, a.e);
                const elseExpr = hasElse ? sequence(elseParts, b.s) : undefined;
                return new TemplateIfNode(p, a.s, b.e, a.cond, thenExpr, elseExpr);
              }
              if (b.k === 'else') {
                this.error('Unexpected else directive', `Already in the else clause for the if started at ${formatPos(rangeOf(a))}.`, rangeOf(b));
              } else {
                this.error(`Unexpected ${b.k} directive`, `Expecting an endif directive for the if started at ${formatPos(rangeOf(a))}.`, rangeOf(b));
              }
              return new InvalidNode(p, a.s, b.e);
            }
            current.push(parseOne());
          }
        }
        case 'for': {
          readAtom();
          const body: TemplatePart[] = [];
          for (;;) {
            const b = peekAtom();
            if (b.k === 'end') {
              this.error('Unexpected end of template', 'This for directive is missing its corresponding endfor directive: add %{endfor} where its content ends.', rangeOf(a));
              return new InvalidNode(p, a.s, b.e);
            }
            if (b.k === 'else' || b.k === 'endif' || b.k === 'endfor') {
              readAtom();
              if (b.k === 'endfor') {
                return new TemplateForNode(p, a.s, b.e, a.keyVar, a.valueVar, a.coll, sequence(body, a.e));
              }
              if (b.k === 'else') {
                this.error('Unexpected else directive', 'An else clause is not expected for a for directive.', rangeOf(b));
              } else {
                this.error(`Unexpected ${b.k} directive`, `Expecting an endfor directive corresponding to the for directive at ${formatPos(rangeOf(a))}.`, rangeOf(b));
              }
              return new InvalidNode(p, a.s, b.e);
            }
            body.push(parseOne());
          }
        }
        case 'end':
          // Unreachable from the root loop; kept for exhaustiveness.
          return new InvalidNode(p, a.s, a.e);
        default:
          readAtom();
          this.error(`Unexpected ${a.k} directive`, 'The control directives within this template are unbalanced.', rangeOf(a));
          return new InvalidNode(p, a.s, a.e);
      }
    };

    const parts: TemplatePart[] = [];
    while (peekAtom().k !== 'end') parts.push(parseOne());
    return parts;
  }

  // ---- string literals ----------------------------------------------------------------------

  /** Decode a quoted literal's escapes, reporting bad ones. */
  private decodeQuoted(t: Token): string {
    const src = this.src;
    const raw = this.textAt(t.start, t.end);
    if (raw.indexOf('\\') < 0 && raw.indexOf('$${') < 0 && raw.indexOf('%%{') < 0) return raw;
    let out = '';
    let i = t.start;
    let runStart = i;
    const end = t.end;
    while (i < end) {
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) {
        out += src.slice(runStart, i);
        const sel = src.charCodeAt(i + 1);
        let len = 2;
        if (i + 1 >= end) {
          this.escapeError(t, i, i + 1, 'Backslash must be followed by an escape sequence selector character.');
          len = 1;
        } else if (sel === 110) out += '\n';
        else if (sel === 114) out += '\r';
        else if (sel === 116) out += '\t';
        else if (sel === 34) out += '"';
        else if (sel === 92) out += '\\';
        else if (sel === 117 || sel === 85) {
          const want = sel === 117 ? 4 : 8;
          let k = i + 2;
          while (k < end && k < i + 2 + want && isHex(src.charCodeAt(k))) k++;
          len = k - i;
          if (k - (i + 2) !== want) {
            this.escapeError(t, i, k, `The \\${String.fromCharCode(sel)} escape sequence must be followed by ${want === 4 ? 'four' : 'eight'} hexadecimal digits.`);
          } else {
            const cp = parseInt(src.slice(i + 2, k), 16);
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
              this.escapeError(t, i, k, `Cannot encode character U+${cp.toString(16).padStart(4, '0')} in UTF-8.`);
            } else {
              out += String.fromCodePoint(cp);
            }
          }
        } else {
          const cp = src.codePointAt(i + 1) ?? sel;
          len = cp > 0xffff ? 3 : 2;
          this.escapeError(t, i, i + len, `The symbol "${String.fromCodePoint(cp)}" is not a valid escape sequence selector. Valid escapes are \\n, \\r, \\t, \\", \\\\, \\uNNNN and \\UNNNNNNNN.`);
          out += String.fromCodePoint(cp);
        }
        i += len;
        runStart = i;
        continue;
      }
      if ((c === 36 || c === 37) && src.charCodeAt(i + 1) === c && src.charCodeAt(i + 2) === 123 && i + 2 < end) {
        out += src.slice(runStart, i) + String.fromCharCode(c) + '{';
        i += 3;
        runStart = i;
        continue;
      }
      i++;
    }
    return out + src.slice(runStart, end);
  }

  private escapeError(t: Token, from: number, to: number, detail: string): void {
    const start = posWithin(this.src, t, from);
    const end = posWithin(this.src, t, to);
    this.error('Invalid escape sequence', detail, { filename: this.filename, start, end });
  }
}

function hasDirectives(atoms: readonly TemplateAtom[]): boolean {
  for (const a of atoms) if (a.k !== 'lit' && a.k !== 'interp' && a.k !== 'end') return true;
  return false;
}

/** Parts of a template without directives: literals and interpolations, in order. */
function flatParts(atoms: readonly TemplateAtom[], at: SourcePositions): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const a of atoms) {
    if (a.k === 'lit') parts.push(new LiteralNode(at, a.s, a.e, a.val));
    else if (a.k === 'interp') parts.push(a.expr);
  }
  return parts;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Position of a string offset inside a single-line token. */
function posWithin(src: string, t: Token, at: number): Pos {
  let column = t.range.start.column;
  let byte = t.range.start.byte;
  for (let k = t.start; k < at; k++) {
    const c = src.charCodeAt(k);
    if (c < 0x80) byte += 1;
    else if (c < 0x800) byte += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < at) {
      byte += 4;
      k++;
    } else byte += 3;
    column++;
  }
  return { line: t.range.start.line, column, byte };
}

function formatPos(r: Range): string {
  return `${r.filename}:${r.start.line},${r.start.column}`;
}

/** Heredoc text: only the `$${` and `%%{` escapes apply. */
function decodeHeredocText(raw: string): string {
  if (raw.indexOf('$${') < 0 && raw.indexOf('%%{') < 0) return raw;
  return raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function trimStartSpace(s: string): string {
  let i = 0;
  while (i < s.length && isHclSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

function trimEndSpace(s: string): string {
  let j = s.length;
  while (j > 0 && isHclSpace(s.charCodeAt(j - 1))) j--;
  return j === s.length ? s : s.slice(0, j);
}

function heredocInfo(openText: string): { marker: string; indented: boolean } {
  const indented = openText.startsWith('<<-');
  const marker = openText.slice(indented ? 3 : 2).replace(/\r?\n$/, '');
  return { marker, indented };
}

/**
 * The `<<-` rule: find the least indentation among line-leading literals (lines that are only
 * spaces don't count) and remove that many space characters from each of them.
 */
function flushHeredoc(atoms: TemplateAtom[]): void {
  let min = Infinity;
  let newline = true;
  const adjust: Extract<TemplateAtom, { k: 'lit' }>[] = [];
  for (const a of atoms) {
    if (newline) {
      newline = false;
      let spaces = 0;
      if (a.k === 'lit') {
        const trimmed = trimStartSpace(a.val);
        if (trimmed.length === 0 && a.val.endsWith('\n')) {
          spaces = Infinity;
        } else {
          spaces = countCodePoints(a.val, a.val.length - trimmed.length);
          adjust.push(a);
        }
      }
      if (spaces < min) min = spaces;
    }
    if (a.k === 'lit' && a.val.endsWith('\n')) newline = true;
  }
  if (min === Infinity || min === 0) return;
  for (const a of adjust) {
    let k = 0;
    for (let n = 0; n < min && k < a.val.length; n++) {
      const c = a.val.charCodeAt(k);
      k += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    }
    // The removed indent is source text as written, so the literal now starts k units later.
    a.val = a.val.slice(k);
    a.s += k;
  }
}

function countCodePoints(s: string, units: number): number {
  let n = 0;
  for (let k = 0; k < units; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff) k++;
    n++;
  }
  return n;
}

function meldLiterals(atoms: TemplateAtom[]): void {
  let w = 0;
  for (let r = 0; r < atoms.length; r++) {
    const a = atoms[r];
    const prev = w > 0 ? atoms[w - 1] : undefined;
    if (a.k === 'lit' && prev !== undefined && prev.k === 'lit') {
      prev.val += a.val;
      prev.e = a.e;
      continue;
    }
    atoms[w++] = a;
  }
  atoms.length = w;
}

// ---- bytes --------------------------------------------------------------------------------

interface Decoded {
  readonly text: string;
  readonly replaced: Map<number, number>;
  readonly diagnostics: Diagnostic[];
}

/** Decode UTF-8, replacing each invalid byte by U+FFFD and reporting each run of them. */
function decodeUtf8(bytes: Uint8Array, filename: string): Decoded {
  const replaced = new Map<number, number>();
  const diagnostics: Diagnostic[] = [];
  const n = bytes.length;
  // Fast path: valid input decodes in one call.
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, replaced, diagnostics };
  } catch {
    // fall through to the careful decoder
  }
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  let line = 1;
  let column = 1;
  let i = 0;
  let validStart = 0;
  let badStart = -1;
  let badPos: Pos | undefined;
  const flushValid = (to: number): void => {
    if (to > validStart) text += dec.decode(bytes.subarray(validStart, to));
  };
  const endBad = (at: number): void => {
    if (badStart < 0 || badPos === undefined) return;
    diagnostics.push({
      severity: 'error',
      summary: 'Invalid UTF-8',
      detail: `The file contains ${at - badStart === 1 ? 'a byte' : `${at - badStart} bytes`} that are not valid UTF-8 here. Configuration files must be UTF-8 text; re-save the file as UTF-8.`,
      subject: { filename, start: badPos, end: { line, column, byte: at } },
    });
    badStart = -1;
    badPos = undefined;
  };
  while (i < n) {
    const b = bytes[i];
    const len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      if (badStart >= 0) {
        endBad(i);
        validStart = i;
      }
      if (b === 0x0a) {
        line++;
        column = 1;
      } else {
        column++; // one code point
      }
      i += len;
      continue;
    }
    // An invalid byte.
    if (badStart < 0) {
      flushValid(i);
      badStart = i;
      badPos = { line, column, byte: i };
    }
    replaced.set(text.length, 1);
    text += '\uFFFD';
    column++;
    i++;
    validStart = i;
  }
  endBad(n);
  flushValid(n);
  return { text, replaced, diagnostics };
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number): boolean => k < b.length && (b[k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    const c1 = b[i + 1];
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const c1 = b[i + 1];
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}
