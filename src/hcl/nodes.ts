// The parser's AST nodes: classes that keep string offsets and build their ranges when asked.
// Held as objects (a Range and two Pos per range), a large file's ranges were two-thirds of its
// AST's memory, and copying and tracing them made garbage collection grow faster than the input.
// A node's own properties are its AST fields. Offsets are private fields; ranges are prototype
// accessors that return a new plain Range (the values the parser always gave) on each read; and
// `kind`, the same for every instance of a class, is a read-only property of the prototype.
//
// Each class declares its own private fields: V8 builds instances of a subclass whose base class
// has private fields about three times slower. Fields that only some nodes of a kind have (a
// number's digits, a heredoc's marker, the root body's file) get a class of their own, so other
// nodes neither carry nor show them, as before.
import type { Range } from '../diag/types.js';
import type * as A from './ast.js';
import type { SourcePositions } from './lexer.js';

/** A node made by the parser: its range, and the string offsets the range comes from. */
export abstract class Node {
  abstract get range(): Range;
  /** String offset where the node starts. */
  abstract get startOffset(): number;
  /** String offset where the node ends (exclusive). */
  abstract get endOffset(): number;
}

/** Puts a node class's kind on its prototype. */
function setKind(cls: abstract new (...args: never[]) => Node, kind: string): void {
  Object.defineProperty(cls.prototype, 'kind', { value: kind, enumerable: true });
}

export class BodyNode extends Node implements A.Body {
  static {
    setKind(this, 'Body');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Body';
  declare readonly items: readonly A.BodyItem[];
  constructor(at: SourcePositions, start: number, end: number, items: readonly A.BodyItem[]) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.items = items;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class FileBodyNode extends Node implements A.Body {
  static {
    setKind(this, 'Body');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Body';
  declare readonly items: readonly A.BodyItem[];
  declare readonly file: { readonly filename: string; readonly source: string };
  constructor(at: SourcePositions, start: number, end: number, items: readonly A.BodyItem[], file: { readonly filename: string; readonly source: string }) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.items = items;
    this.file = file;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class AttributeNode extends Node implements A.Attribute {
  static {
    setKind(this, 'Attribute');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  readonly #equals: number;
  declare readonly kind: 'Attribute';
  declare readonly name: string;
  declare readonly expr: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, name: string, expr: A.Expression, equals: number) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.#equals = equals;
    this.name = name;
    this.expr = expr;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
  /** The name is written as it reads, so it ends name.length after the start. */
  get nameRange(): Range {
    return this.#at.span(this.#start, this.#start + this.name.length);
  }
  /** "=" is one character. */
  get equalsRange(): Range {
    return this.#at.span(this.#equals, this.#equals + 1);
  }
}

export class BlockLabelNode extends Node implements A.BlockLabel {
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly value: string;
  declare readonly quoted: boolean;
  constructor(at: SourcePositions, start: number, end: number, value: string, quoted: boolean) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.value = value;
    this.quoted = quoted;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class BlockNode extends Node implements A.Block {
  static {
    setKind(this, 'Block');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  readonly #open: number;
  readonly #close: number;
  declare readonly kind: 'Block';
  declare readonly type: string;
  declare readonly labels: readonly A.BlockLabel[];
  declare readonly body: A.Body;
  constructor(at: SourcePositions, start: number, end: number, type: string, labels: readonly A.BlockLabel[], body: A.Body, open: number, close: number) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.#open = open;
    this.#close = close;
    this.type = type;
    this.labels = labels;
    this.body = body;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
  /** The type is written as it reads. */
  get typeRange(): Range {
    return this.#at.span(this.#start, this.#start + this.type.length);
  }
  /** "{" is one character. */
  get openBraceRange(): Range {
    return this.#at.span(this.#open, this.#open + 1);
  }
  /** The closer (or the point where it is missing) ends the block. */
  get closeBraceRange(): Range {
    return this.#at.span(this.#close, this.#end);
  }
}

export class LiteralNode extends Node implements A.LiteralExpr {
  static {
    setKind(this, 'Literal');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Literal';
  declare readonly value: null | boolean | string;
  constructor(at: SourcePositions, start: number, end: number, value: null | boolean | string) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.value = value;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class NumberNode extends Node implements A.LiteralExpr {
  static {
    setKind(this, 'Literal');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Literal';
  declare readonly value: number;
  declare readonly raw: string;
  constructor(at: SourcePositions, start: number, end: number, value: number, raw: string) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.value = value;
    this.raw = raw;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class TemplateNode extends Node implements A.TemplateExpr {
  static {
    setKind(this, 'Template');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Template';
  declare readonly parts: readonly A.TemplatePart[];
  constructor(at: SourcePositions, start: number, end: number, parts: readonly A.TemplatePart[]) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.parts = parts;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class HeredocNode extends Node implements A.TemplateExpr {
  static {
    setKind(this, 'Template');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Template';
  declare readonly parts: readonly A.TemplatePart[];
  declare readonly heredoc: { readonly marker: string; readonly indented: boolean };
  constructor(
    at: SourcePositions,
    start: number,
    end: number,
    parts: readonly A.TemplatePart[],
    heredoc: { readonly marker: string; readonly indented: boolean },
  ) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.parts = parts;
    this.heredoc = heredoc;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class TemplateIfNode extends Node implements A.TemplateIfDirective {
  static {
    setKind(this, 'TemplateIf');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'TemplateIf';
  declare readonly condition: A.Expression;
  declare readonly then: A.TemplateExpr;
  declare readonly else: A.TemplateExpr | undefined;
  constructor(at: SourcePositions, start: number, end: number, condition: A.Expression, then: A.TemplateExpr, otherwise?: A.TemplateExpr) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.condition = condition;
    this.then = then;
    this.else = otherwise;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class TemplateForNode extends Node implements A.TemplateForDirective {
  static {
    setKind(this, 'TemplateFor');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'TemplateFor';
  declare readonly keyVar: string | undefined;
  declare readonly valueVar: string;
  declare readonly collection: A.Expression;
  declare readonly body: A.TemplateExpr;
  constructor(at: SourcePositions, start: number, end: number, keyVar: string | undefined, valueVar: string, collection: A.Expression, body: A.TemplateExpr) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.keyVar = keyVar;
    this.valueVar = valueVar;
    this.collection = collection;
    this.body = body;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class TemplateWrapNode extends Node implements A.TemplateWrapExpr {
  static {
    setKind(this, 'TemplateWrap');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'TemplateWrap';
  declare readonly wrapped: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, wrapped: A.Expression) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.wrapped = wrapped;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class VariableNode extends Node implements A.VariableExpr {
  static {
    setKind(this, 'Variable');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  declare readonly kind: 'Variable';
  declare readonly name: string;
  constructor(at: SourcePositions, start: number, name: string) {
    super();
    this.#at = at;
    this.#start = start;
    this.name = name;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#start + this.name.length);
  }
  get startOffset(): number {
    return this.#start;
  }
  /** The name is written as it reads. */
  get endOffset(): number {
    return this.#start + this.name.length;
  }
}

export class GetAttrNode extends Node implements A.GetAttrExpr {
  static {
    setKind(this, 'GetAttr');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'GetAttr';
  declare readonly object: A.Expression;
  declare readonly name: string;
  constructor(at: SourcePositions, start: number, end: number, object: A.Expression, name: string) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.object = object;
    this.name = name;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
  /** The name, written as it reads, ends the node. */
  get nameRange(): Range {
    return this.#at.span(this.#end - this.name.length, this.#end);
  }
}

export class IndexNode extends Node implements A.IndexExpr {
  static {
    setKind(this, 'Index');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Index';
  declare readonly collection: A.Expression;
  declare readonly key: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, collection: A.Expression, key: A.Expression) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.collection = collection;
    this.key = key;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class SplatNode extends Node implements A.SplatExpr {
  static {
    setKind(this, 'Splat');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Splat';
  declare readonly source: A.Expression;
  declare readonly each: A.Expression;
  declare readonly full: boolean;
  constructor(at: SourcePositions, start: number, end: number, source: A.Expression, each: A.Expression, full: boolean) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.source = source;
    this.each = each;
    this.full = full;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class SplatItemNode extends Node implements A.SplatItemExpr {
  static {
    setKind(this, 'SplatItem');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'SplatItem';
  constructor(at: SourcePositions, start: number, end: number) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class FunctionCallNode extends Node implements A.FunctionCallExpr {
  static {
    setKind(this, 'FunctionCall');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  readonly #nameEnd: number;
  readonly #open: number;
  readonly #close: number;
  declare readonly kind: 'FunctionCall';
  declare readonly name: string;
  declare readonly args: readonly A.Expression[];
  declare readonly expandFinal: boolean;
  constructor(
    at: SourcePositions,
    start: number,
    end: number,
    name: string,
    args: readonly A.Expression[],
    expandFinal: boolean,
    nameEnd: number,
    open: number,
    close: number,
  ) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.#nameEnd = nameEnd;
    this.#open = open;
    this.#close = close;
    this.name = name;
    this.args = args;
    this.expandFinal = expandFinal;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
  get nameRange(): Range {
    return this.#at.span(this.#start, this.#nameEnd);
  }
  /** "(" is one character. */
  get openParenRange(): Range {
    return this.#at.span(this.#open, this.#open + 1);
  }
  /** The closer (or the point where it is missing) ends the call. */
  get closeParenRange(): Range {
    return this.#at.span(this.#close, this.#end);
  }
}

export class TupleNode extends Node implements A.TupleExpr {
  static {
    setKind(this, 'Tuple');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Tuple';
  declare readonly items: readonly A.Expression[];
  constructor(at: SourcePositions, start: number, end: number, items: readonly A.Expression[]) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.items = items;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class ObjectNode extends Node implements A.ObjectExpr {
  static {
    setKind(this, 'Object');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Object';
  declare readonly items: readonly A.ObjectItem[];
  constructor(at: SourcePositions, start: number, end: number, items: readonly A.ObjectItem[]) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.items = items;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class UnaryNode extends Node implements A.UnaryExpr {
  static {
    setKind(this, 'Unary');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Unary';
  declare readonly op: A.UnaryOp;
  declare readonly operand: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, op: A.UnaryOp, operand: A.Expression) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.op = op;
    this.operand = operand;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class BinaryNode extends Node implements A.BinaryExpr {
  static {
    setKind(this, 'Binary');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  readonly #opStart: number;
  declare readonly kind: 'Binary';
  declare readonly op: A.BinaryOp;
  declare readonly left: A.Expression;
  declare readonly right: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, op: A.BinaryOp, left: A.Expression, right: A.Expression, opStart: number) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.#opStart = opStart;
    this.op = op;
    this.left = left;
    this.right = right;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
  /** The operator as written is op. */
  get opRange(): Range {
    return this.#at.span(this.#opStart, this.#opStart + this.op.length);
  }
}

export class ConditionalNode extends Node implements A.ConditionalExpr {
  static {
    setKind(this, 'Conditional');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Conditional';
  declare readonly condition: A.Expression;
  declare readonly trueExpr: A.Expression;
  declare readonly falseExpr: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, condition: A.Expression, trueExpr: A.Expression, falseExpr: A.Expression) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.condition = condition;
    this.trueExpr = trueExpr;
    this.falseExpr = falseExpr;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class ForNode extends Node implements A.ForExpr {
  static {
    setKind(this, 'For');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'For';
  declare readonly keyVar: string | undefined;
  declare readonly valueVar: string;
  declare readonly collection: A.Expression;
  declare readonly keyExpr: A.Expression | undefined;
  declare readonly valueExpr: A.Expression;
  declare readonly condition: A.Expression | undefined;
  declare readonly group: boolean;
  declare readonly isObject: boolean;
  constructor(
    at: SourcePositions,
    start: number,
    end: number,
    keyVar: string | undefined,
    valueVar: string,
    collection: A.Expression,
    keyExpr: A.Expression | undefined,
    valueExpr: A.Expression,
    condition: A.Expression | undefined,
    group: boolean,
    isObject: boolean,
  ) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.keyVar = keyVar;
    this.valueVar = valueVar;
    this.collection = collection;
    this.keyExpr = keyExpr;
    this.valueExpr = valueExpr;
    this.condition = condition;
    this.group = group;
    this.isObject = isObject;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class ParensNode extends Node implements A.ParensExpr {
  static {
    setKind(this, 'Parens');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Parens';
  declare readonly expr: A.Expression;
  constructor(at: SourcePositions, start: number, end: number, expr: A.Expression) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
    this.expr = expr;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}

export class InvalidNode extends Node implements A.InvalidExpr {
  static {
    setKind(this, 'Invalid');
  }
  readonly #at: SourcePositions;
  readonly #start: number;
  readonly #end: number;
  declare readonly kind: 'Invalid';
  constructor(at: SourcePositions, start: number, end: number) {
    super();
    this.#at = at;
    this.#start = start;
    this.#end = end;
  }
  get range(): Range {
    return this.#at.span(this.#start, this.#end);
  }
  get startOffset(): number {
    return this.#start;
  }
  get endOffset(): number {
    return this.#end;
  }
}
