// The HCL2 native-syntax parser: tokens → AST with a range on every node, plus diagnostics.
// Structure, precedence and messages follow hashicorp/hcl's hclsyntax. It never throws on user
// input: after an error it resynchronises (the rest of the line, or the matching bracket) and
// stays quiet until the next body item, so one mistake gives one diagnostic.
// This file holds the entry points and the body grammar (arguments, blocks, labels); the rest of
// the parser is a chain of classes beneath it: parse-expressions.ts, parse-templates.ts and
// parse-core.ts (the token cursor, diagnostics and recovery).
import type { Diagnostic, Range } from '../diag/types.js';
import type { Attribute, Block, BlockLabel, Body, BodyItem, Expression, ParseResult } from './ast.js';
import { scanTokens, T, Token, type ScanOptions } from './lexer.js';
import { AttributeNode, BlockLabelNode, BlockNode, BodyNode, FileBodyNode, InvalidNode } from './nodes.js';
import { describe, eo, MAX_DEPTH, span } from './parse-core.js';
import { ExpressionParser } from './parse-expressions.js';
import { decodeUtf8 } from './utf8.js';

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

/**
 * Parse a whole text as a template, as hclsyntax.ParseTemplate does for templatefile(): literal
 * text with `${…}` and `%{…}` sequences; only `$${` and `%%{` are escapes.
 */
export function parseHclTemplate(source: string, filename: string): { expr: Expression; diagnostics: Diagnostic[] } {
  const scanned = scanTokens(source, filename, { skipComments: true, template: true });
  const parser = new Parser(source, filename, scanned);
  let expr: Expression;
  try {
    expr = parser.parseStandaloneTemplate();
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
  return diags
    .map((d, k) => ({ d, k }))
    .sort((a, b) => at(a.d) - at(b.d) || a.k - b.k)
    .map((x) => x.d);
}

/** Files and standalone expressions: the body grammar over everything beneath it. */
class Parser extends ExpressionParser {
  parseFile(): Body {
    const items = this.parseBodyItems(undefined);
    return new FileBodyNode(this.positions, 0, this.en[this.n - 1], items, { filename: this.filename, source: this.src });
  }

  parseStandaloneTemplate(): Expression {
    return this.parseTemplate();
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
          const hint =
            t.type === 'Colon' ? ' Use "=" to set an argument, not ":".' : ' To set an argument, use the equals sign "=" to introduce the argument value.';
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
          this.errorAt(
            end,
            'Unexpected comma after argument',
            'Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.',
            context,
          );
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
        this.error(
          'Invalid block definition',
          'The equals sign "=" indicates an argument definition, and must not be used when defining a block.',
          t.range,
          span(ident, t),
        );
      } else if (t.type === 'Newline' || t.type === 'EOF') {
        this.error(
          'Invalid block definition',
          'A block definition must have block content delimited by "{" and "}", starting on the same line as the block header.',
          t.range,
          span(ident, t),
        );
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
        this.errorAt(
          t2,
          'Argument or block definition required',
          'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.',
        );
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
      this.error(
        'Invalid single-argument block definition',
        'Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.',
        c.range,
      );
    } else if (c.type === 'Newline') {
      this.error(
        'Invalid single-argument block definition',
        "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
        c.range,
      );
    } else {
      this.errorAt(
        c,
        'Invalid single-argument block definition',
        'A single-line block definition must end with a closing brace immediately after its single argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.',
      );
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
      this.error(
        'Unterminated string literal',
        'This string has no closing quote (") on its line. Strings cannot span lines; use "\\n" for a line break, or a heredoc (<<EOT) for multi-line text.',
        subject,
      );
      // `site "home {`: the brace was swallowed by the string; let the block open there.
      const brace = this.src.lastIndexOf('{', t.start - 1);
      if (brace > open.start && this.src.slice(brace + 1, t.start).trim() === '') this.strayBrace = brace;
      return new BlockLabelNode(this.positions, open.start, t.start, value, true);
    }
  }
}
