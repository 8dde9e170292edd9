// The parser's shared floor: the token cursor over the scanner's arrays, diagnostics that stay
// quiet after the first error of a body item, and bracket-aware recovery. The template,
// expression and body parsers extend it in a chain (ParserCore → TemplateParser →
// ExpressionParser → Parser), one class per file: only Parser is ever made, so each call stays a
// plain `this.` call on one class shape, as when the grammar was one class.
import type { Diagnostic, Range } from '../diag/types.js';
import { SourcePositions, T, Token, TOKEN_TYPES, type TokenStream, type TokenType } from './lexer.js';
import type { Node } from './nodes.js';

/** Thrown only when the parser stops making progress: a bug, reported as a diagnostic. */
export class ParserStuck extends Error {}

/** Slots in the parser's table of recently read strings (a power of two). */
const SEEN_SLOTS = 4096;

/** Deeper nesting than this is reported rather than recursed into. */
export const MAX_DEPTH = 200;

/** A lookup table by numeric token type. */
export function byCode(entries: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const table = new Uint8Array(TOKEN_TYPES.length);
  for (const [code, value] of entries) table[code] = value;
  return table;
}

/** Bracket kinds that recovery counts, by numeric token type. */
const OPENS = byCode([T.OBrace, T.OBrack, T.OParen, T.TemplateInterp, T.TemplateControl].map((c) => [c, 1] as const));
const CLOSES = byCode([T.CBrace, T.CBrack, T.CParen, T.TemplateSeqEnd].map((c) => [c, 1] as const));

/** From the start of a to the end of b (tokens or nodes); token ranges are not materialised. */
export function span(a: Token | { readonly range: Range }, b: Token | { readonly range: Range }): Range {
  const start = a instanceof Token ? a.startPos() : a.range.start;
  const end = b instanceof Token ? b.endPos() : b.range.end;
  return { filename: a instanceof Token ? a.filename : a.range.filename, start, end };
}

/** String offsets of a token or of a node this parser made. */
export function so(x: Token | object): number {
  return x instanceof Token ? x.start : (x as Node).startOffset;
}

export function eo(x: Token | object): number {
  return x instanceof Token ? x.end : (x as Node).endOffset;
}

export function describe(t: Token, src: string): string {
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

/** Token access, diagnostics and recovery; subclasses add templates, expressions and bodies. */
export abstract class ParserCore {
  protected i = 0;
  /** Whether newlines are significant at this point (bodies, object constructors). */
  protected nl = true;
  /** An error was reported for the current body item; stay silent until the next one. */
  protected quiet = false;
  /** An "unclosed … at end of file" error was reported; every enclosing one is the same problem. */
  protected eofReported = false;
  protected depth = 0;
  /** How many block bodies enclose the current position. */
  protected blockDepth = 0;
  /** Offset of a "{" that an unterminated block label swallowed (see parseLabel). */
  protected strayBrace = -1;
  protected steps = 0;
  protected readonly maxSteps: number;
  /** The token stream without comments: numeric types and string offsets. */
  protected readonly ty: Uint8Array;
  protected readonly st: Int32Array;
  protected readonly en: Int32Array;
  protected readonly n: number;
  protected readonly positions: SourcePositions;
  protected viewIdx = -1;
  protected view: Token | undefined;
  readonly diags: Diagnostic[] = [];
  /**
   * Items of the lists being parsed (bodies, labels, tuples, arguments, object items), nested
   * lists above their parents; each list copies out an array of its exact length when done.
   * (Growing an array per list leaves its outgrown copies behind as garbage.)
   */
  protected readonly items: unknown[] = [];
  protected top = 0;
  /** Recently read strings by a hash of their text (see textAt). */
  protected readonly seen: (string | undefined)[] = new Array<string | undefined>(SEEN_SLOTS);

  constructor(
    protected readonly src: string,
    protected readonly filename: string,
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
  protected tok(j: number): Token {
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

  protected peek(): Token {
    if (++this.steps > this.maxSteps) throw new ParserStuck('no progress');
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return this.tok(j);
  }

  /** The numeric type of the token peek() would return, without making a token view. */
  protected peekType(): number {
    if (++this.steps > this.maxSteps) throw new ParserStuck('no progress');
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return ty[j];
  }

  /** Index of the token peek() returns. */
  protected peekIndex(): number {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    return j;
  }

  protected next(): Token {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    this.i = ty[j] === T.EOF ? j : j + 1;
    return this.tok(j);
  }

  /** Like next(), but returns the index of the token consumed rather than a view of it. */
  protected take(): number {
    const ty = this.ty;
    let j = this.i;
    if (!this.nl) while (ty[j] === T.Newline) j++;
    this.i = ty[j] === T.EOF ? j : j + 1;
    return j;
  }

  protected text(t: Token): string {
    return this.textAt(t.start, t.end);
  }

  /**
   * The source text from start to end, shared with an earlier equal string when there is one:
   * names and values repeat throughout a file (every VM has a "machine_type"), and one string
   * for each occurrence is memory the garbage collector copies and traces. A hit allocates
   * nothing; a miss slices and takes the slot.
   */
  protected textAt(start: number, end: number): string {
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

  protected isKeyword(t: Token, kw: string): boolean {
    return t.type === 'Ident' && t.end - t.start === kw.length && this.src.startsWith(kw, t.start);
  }

  protected pushItem(item: unknown): void {
    this.items[this.top++] = item;
  }

  /** The items pushed since `base`, as an array of their own; the stack drops back to base. */
  protected listFrom<T>(base: number): T[] {
    const out = base === this.top ? [] : (this.items.slice(base, this.top) as T[]);
    this.top = base;
    return out;
  }

  /** The last token consumed (for ranges of things cut short). */
  protected prevToken(): Token {
    return this.tok(Math.max(0, this.i - 1));
  }

  // ---- diagnostics --------------------------------------------------------------------------

  protected error(summary: string, detail: string, subject: Range, context?: Range): void {
    if (this.quiet) return;
    this.quiet = true;
    const d: Diagnostic = context === undefined ? { severity: 'error', summary, detail, subject } : { severity: 'error', summary, detail, subject, context };
    this.diags.push(d);
  }

  /** Report at a token, unless it is an Invalid token (the scanner reported it already). */
  protected errorAt(t: Token, summary: string, detail: string, context?: Range): void {
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
  protected unclosedAtEof(summary: string, detail: string, subject: Range): void {
    if (this.eofReported) {
      this.quiet = true;
      return;
    }
    this.eofReported = true;
    this.error(summary, detail, subject);
  }

  // ---- recovery -----------------------------------------------------------------------------

  /** Skip the rest of this line (bracket-aware); stop before a "}" that closes the enclosing block. */
  protected skipLine(): void {
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
  protected recoverTo(closer: TokenType, stopAtNewline = false): Token | undefined {
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
  protected bracketLeftOpen(t: Token | number): boolean {
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
  protected braceLaterOnLine(): boolean {
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
}
