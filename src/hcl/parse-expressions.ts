// Expressions: operators by precedence, conditionals, terms (literals, variables, calls, tuples,
// objects, for expressions, parentheses) and traversals (attributes, indexes, splats).
// Templates come from TemplateParser below; bodies and blocks from the Parser above.
import type { Range } from '../diag/types.js';
import type { BinaryOp, Expression, LiteralExpr, ObjectItem } from './ast.js';
import { T, Token, type TokenType } from './lexer.js';
import {
  BinaryNode,
  ConditionalNode,
  ForNode,
  FunctionCallNode,
  GetAttrNode,
  IndexNode,
  InvalidNode,
  LiteralNode,
  NumberNode,
  ObjectNode,
  ParensNode,
  SplatItemNode,
  SplatNode,
  TupleNode,
  UnaryNode,
  VariableNode,
} from './nodes.js';
import { byCode, describe, eo, MAX_DEPTH, so, span } from './parse-core.js';
import { TemplateParser } from './parse-templates.js';

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

/** The expression grammar; bodies and blocks are the subclass's. */
export abstract class ExpressionParser extends TemplateParser {
  protected override parseExpression(): Expression {
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
        this.errorAt(
          colon,
          'Missing false expression in conditional',
          'The conditional operator (...?...:...) requires a false expression, delimited by a colon.',
          span(cond, colon),
        );
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

  protected parseBinary(minPrec: number): Expression {
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
  protected parseUnaryTerm(): Expression {
    return this.parseTraversals(this.parseTerm());
  }

  protected parseTerm(): Expression {
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
        // A literal too big for a double is valid syntax (HCL's numbers are arbitrary precision):
        // the evaluator refuses its value, so formatting and the JSON form still see the digits.
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

  protected parseParens(): Expression {
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
        if (close.type === 'EOF')
          this.unclosedAtEof('Unbalanced parentheses', 'There is no closing parenthesis for this "(" before the end of the file.', open.range);
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

  protected parseCall(nameTok: Token): Expression {
    let name = this.text(nameTok);
    let nameEnd = nameTok;
    while (this.peek().type === 'DoubleColon') {
      const sep = this.next();
      const part = this.peek();
      if (part.type !== 'Ident') {
        this.errorAt(
          part,
          'Missing function name',
          'Function scope resolution symbol :: must be followed by a function name in this scope.',
          span(nameTok, part),
        );
        return new InvalidNode(this.positions, nameTok.start, sep.end);
      }
      this.next();
      name += '::' + this.text(part);
      nameEnd = part;
    }
    const open = this.peek();
    if (open.type !== 'OParen') {
      this.errorAt(
        open,
        'Missing open parenthesis',
        'Function selector must be followed by an open parenthesis to begin the function call.',
        span(nameTok, open),
      );
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
        this.unclosedAtEof(
          'Unterminated function call',
          'There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.',
          subject,
        );
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
          this.errorAt(
            c,
            'Missing closing parenthesis',
            'An expanded function argument (with ...) must be immediately followed by closing parentheses.',
            span(nameTok, c),
          );
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
    return new FunctionCallNode(
      this.positions,
      nameTok.start,
      end,
      name,
      this.listFrom<Expression>(argBase),
      expandFinal,
      nameEnd.end,
      open.start,
      close === undefined ? end : close.start,
    );
  }

  protected parseTuple(): Expression {
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
        this.unclosedAtEof(
          'Unterminated tuple constructor expression',
          'There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.',
          openRange(),
        );
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

  protected parseObject(): Expression {
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
      this.unclosedAtEof(
        'Unterminated object constructor expression',
        'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
        open.range,
      );
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
          this.errorAt(
            t,
            'Missing key/value separator',
            'Expected an equals sign ("=") to mark the beginning of the attribute value. If you intended to give an attribute name containing periods or spaces, write the name in quotes to create a string literal.',
            span(open, t),
          );
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
  protected parseFor(open: Token): Expression {
    const isObject = open.type === 'OBrace';
    const closeType: TokenType = isObject ? 'CBrace' : 'CBrack';
    this.next(); // "for"
    const fail = (t: Token, detail: string): Expression => {
      if (t.type === 'EOF') {
        this.unclosedAtEof(
          "Invalid 'for' expression",
          `There is no closing ${isObject ? 'brace' : 'bracket'} for this 'for' expression before the end of the file.`,
          open.range,
        );
      } else if (this.bracketLeftOpen(t)) {
        this.error(
          "Invalid 'for' expression",
          `There is no closing ${isObject ? 'brace' : 'bracket'} for this 'for' expression. Add "${isObject ? '}' : ']'}" at its end.`,
          open.range,
        );
        return new InvalidNode(this.positions, open.start, this.prevToken().end);
      } else {
        this.errorAt(t, "Invalid 'for' expression", detail, span(open, t));
      }
      const close = this.recoverTo(closeType);
      return new InvalidNode(this.positions, open.start, (close ?? this.prevToken()).end);
    };
    const head = this.parseForHead('expression');
    if ('failAt' in head) return fail(head.failAt, head.detail);
    const { keyVar, valueVar, collection } = head;
    let t = this.peek();
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

  protected parseTraversals(from: Expression): Expression {
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
            this.error(
              'Missing close bracket on splat index',
              'The star for a full splat operator must be immediately followed by a closing bracket ("]").',
              span(open, star),
            );
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
            if (close.type === 'EOF')
              this.unclosedAtEof('Missing close bracket on index', 'There is no closing bracket for this index before the end of the file.', open.range);
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
  protected legacyIndex(num: Token, inSplat: boolean): LiteralExpr | undefined {
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
  protected parseAttrSplat(source: Expression, dot: Token, star: Token): Expression {
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
}
