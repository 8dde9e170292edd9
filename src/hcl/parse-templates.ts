// Templates: quoted strings and heredocs with their interpolations, `~` strip markers,
// if/for directives (nested as hclsyntax's templateParser does) and the `<<-` indent rule,
// plus the escapes of quoted literals. Interpolated expressions come from the subclass.
import type { Pos, Range } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import type { Expression, TemplateExpr, TemplatePart } from './ast.js';
import { isHclSpace, SourcePositions, T, Token, type TokenType } from './lexer.js';
import { HeredocNode, InvalidNode, LiteralNode, TemplateForNode, TemplateIfNode, TemplateNode, TemplateWrapNode } from './nodes.js';
import { eo, MAX_DEPTH, ParserCore, ParserStuck, so, span } from './parse-core.js';

/** A flat template atom, before if/for directives are nested (as hclsyntax does it); s and e are string offsets. */
type TemplateAtom =
  | { k: 'lit'; val: string; s: number; e: number }
  | { k: 'interp'; expr: Expression; s: number; e: number }
  | { k: 'if'; cond: Expression; s: number; e: number }
  | { k: 'for'; keyVar?: string; valueVar: string; coll: Expression; s: number; e: number }
  | { k: 'else' | 'endif' | 'endfor'; s: number; e: number }
  | { k: 'end'; s: number; e: number };

/** Quoted templates, heredocs and quoted literals; expressions inside them come from the subclass. */
export abstract class TemplateParser extends ParserCore {
  /** The expression grammar, inside `${ }` and directives. */
  protected abstract parseExpression(): Expression;

  /**
   * The head of a `for` expression or directive, `k, v in collection`, after the keyword; on a
   * syntax error, the token and hclsyntax's wording for it (the caller reports and recovers).
   */
  protected parseForHead(
    kind: 'expression' | 'directive',
  ): { keyVar: string | undefined; valueVar: string; collection: Expression } | { failAt: Token; detail: string } {
    const For = kind === 'expression' ? 'For expression' : 'For directive';
    let t = this.peek();
    if (t.type !== 'Ident') return { failAt: t, detail: `${For} requires variable name after 'for'.` };
    this.next();
    let keyVar: string | undefined;
    let valueVar = this.text(t);
    if (this.peek().type === 'Comma') {
      this.next();
      t = this.peek();
      if (t.type !== 'Ident') return { failAt: t, detail: `${For} requires value variable name after comma.` };
      this.next();
      keyVar = valueVar;
      valueVar = this.text(t);
    }
    t = this.peek();
    if (!this.isKeyword(t, 'in')) {
      const detail =
        kind === 'expression' ? "For expression requires the 'in' keyword after its name declarations." : "For directive requires 'in' keyword after names.";
      return { failAt: t, detail };
    }
    this.next();
    return { keyVar, valueVar, collection: this.parseExpression() };
  }

  /** A quoted string or heredoc: parts, strip markers, the `<<-` indent rule, directives. */
  protected parseTemplate(): Expression {
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
        return new TemplateNode(p, this.st[i], this.en[i + 2], [new LiteralNode(p, litStart, litEnd, nfc(raw))]);
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
        let val = nfc(t.type === 'QuotedLit' ? this.decodeQuoted(t) : decodeHeredocText(this.text(t)));
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
        const lastLine = this.src.slice(this.src.lastIndexOf('\n') + 1).trim();
        const detail =
          lastLine === info.marker
            ? `The closing "${info.marker}" marker is on the last line with no newline after it, so it does not end the heredoc. End the file with a newline.`
            : `There is no closing "${info.marker}" marker for this heredoc before the end of the file. Put the marker alone on its own line to end the heredoc.`;
        this.unclosedAtEof('Unclosed heredoc', detail, intro);
      } else {
        const subject: Range = { filename: this.filename, start: open.range.start, end: t.range.start };
        if (t.type === 'EOF') this.eofReported = true;
        this.error(
          'Unterminated template string',
          'This string has no closing quote (") on its line. Strings cannot span lines; use "\\n" for a line break, or a heredoc (<<EOT) for multi-line text.',
          subject,
        );
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
  protected templateInterp(open: Token, atoms: TemplateAtom[], heredoc: boolean): 'trim' | 'ok' | 'error' {
    const expr = this.parseExpression();
    const close = this.peek();
    if (close.type === 'TemplateSeqEnd') {
      this.next();
      atoms.push({ k: 'interp', expr, s: open.start, e: close.end });
      return close.end - close.start === 2 ? 'trim' : 'ok';
    }
    if (close.type === 'EOF') {
      this.unclosedAtEof(
        'Unclosed template interpolation sequence',
        'There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.',
        open.range,
      );
    } else if (close.type === 'Colon') {
      this.errorAt(
        close,
        'Extra characters after interpolation expression',
        'Template interpolation doesn\'t expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with "$${" instead of just "${".',
        span(open, close),
      );
    } else if (!heredoc && (close.type === 'OQuote' || close.type === 'CQuote' || close.type === 'Newline')) {
      this.error(
        'Unclosed template interpolation sequence',
        'There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.',
        open.range,
      );
    } else {
      this.errorAt(
        close,
        'Extra characters after interpolation expression',
        'Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with "$${" instead of just "${".',
        span(open, close),
      );
    }
    this.recoverTo('TemplateSeqEnd', !heredoc);
    atoms.push({ k: 'interp', expr: new InvalidNode(this.positions, open.start, eo(expr)), s: open.start, e: eo(expr) });
    return 'error';
  }

  /** `%{ if … }`, `%{ for … }`, `%{ else }`, `%{ endif }`, `%{ endfor }`. */
  protected templateDirective(open: Token, atoms: TemplateAtom[], heredoc: boolean): 'trim' | 'ok' | 'error' {
    const kw = this.peek();
    if (kw.type !== 'Ident') {
      this.errorAt(
        kw,
        'Invalid template directive',
        'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence.',
        span(open, kw),
      );
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
        const head = this.parseForHead('directive');
        if ('failAt' in head) return failFor(head.failAt, head.detail);
        const { keyVar, valueVar, collection: coll } = head;
        atom =
          keyVar !== undefined ? { k: 'for', keyVar, valueVar, coll, s: open.start, e: open.end } : { k: 'for', valueVar, coll, s: open.start, e: open.end };
        break;
      }
      default:
        this.errorAt(
          kw,
          'Invalid template control keyword',
          `"${word}" is not a valid template control keyword.${didYouMean(word, ['if', 'for', 'else', 'endif', 'endfor'])}`,
          span(open, kw),
        );
        this.recoverTo('TemplateSeqEnd', !heredoc);
        return 'error';
    }
    const close = this.peek();
    if (close.type !== 'TemplateSeqEnd') {
      if (close.type === 'EOF') {
        this.unclosedAtEof(`Unclosed ${word} directive`, `There is no closing brace for this %{ ${word} } directive before the end of the file.`, open.range);
      } else {
        this.errorAt(
          close,
          `Extra characters in ${word} marker`,
          'Expected a closing brace to end the sequence, but found extra characters.',
          span(open, close),
        );
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
  protected buildTemplateParts(atoms: TemplateAtom[]): TemplatePart[] {
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
              this.error(
                'Unexpected end of template',
                'This if directive is missing its corresponding endif directive: add %{endif} where its content ends.',
                rangeOf(a),
              );
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
              this.error(
                'Unexpected end of template',
                'This for directive is missing its corresponding endfor directive: add %{endfor} where its content ends.',
                rangeOf(a),
              );
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
                this.error(
                  `Unexpected ${b.k} directive`,
                  `Expecting an endfor directive corresponding to the for directive at ${formatPos(rangeOf(a))}.`,
                  rangeOf(b),
                );
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
  protected decodeQuoted(t: Token): string {
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
            this.escapeError(
              t,
              i,
              k,
              `The \\${String.fromCharCode(sel)} escape sequence must be followed by ${want === 4 ? 'four' : 'eight'} hexadecimal digits.`,
            );
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
          this.escapeError(
            t,
            i,
            i + len,
            `The symbol "${String.fromCodePoint(cp)}" is not a valid escape sequence selector. Valid escapes are \\n, \\r, \\t, \\", \\\\, \\uNNNN and \\UNNNNNNNN.`,
          );
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

  protected escapeError(_t: Token, from: number, to: number, detail: string): void {
    // The file's position table knows how many bytes each invalid UTF-8 byte's U+FFFD stands for.
    this.error('Invalid escape sequence', detail, this.positions.span(from, to));
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
function formatPos(r: Range): string {
  return `${r.filename}:${r.start.line},${r.start.column}`;
}

/** Characters below U+0300 never change under NFC: only text with others is normalised. */
const MAY_DENORMALISE = /[\u0300-\uffff]/;

/** String literals are NFC-normalised, as cty normalises every string: "e\u0301" == "é". */
function nfc(s: string): string {
  return MAY_DENORMALISE.test(s) ? s.normalize('NFC') : s;
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
