// The HCL2 native-syntax AST. Every node keeps its source range (see diag/types for the rules).
// The shapes follow hashicorp/hcl's hclsyntax, flattened into tagged unions.
import type { Range } from '../diag/types.js';

export type { Range, Pos } from '../diag/types.js';

/** A parsed file. `source` is kept so renderers can quote expressions as written. */
export interface File {
  readonly kind: 'File';
  readonly filename: string;
  readonly source: string;
  readonly body: Body;
}

export interface Body {
  readonly kind: 'Body';
  /** Attributes and blocks in source order. */
  readonly items: readonly BodyItem[];
  readonly range: Range;
  /** The file this body came from; only the root body sets it. */
  readonly file?: { readonly filename: string; readonly source: string };
}

export type BodyItem = Attribute | Block;

export interface Attribute {
  readonly kind: 'Attribute';
  readonly name: string;
  readonly nameRange: Range;
  readonly equalsRange: Range;
  readonly expr: Expression;
  /** From the name to the end of the expression. */
  readonly range: Range;
}

export interface BlockLabel {
  readonly value: string;
  /** Whether it was written quoted ("x") or as a bare identifier (x). */
  readonly quoted: boolean;
  readonly range: Range;
}

export interface Block {
  readonly kind: 'Block';
  readonly type: string;
  readonly typeRange: Range;
  readonly labels: readonly BlockLabel[];
  readonly body: Body;
  readonly openBraceRange: Range;
  readonly closeBraceRange: Range;
  /** From the type to the closing brace. */
  readonly range: Range;
}

export type Expression =
  | LiteralExpr
  | TemplateExpr
  | TemplateWrapExpr
  | VariableExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | SplatItemExpr
  | FunctionCallExpr
  | TupleExpr
  | ObjectExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ForExpr
  | ParensExpr
  | InvalidExpr;

export interface LiteralExpr {
  readonly kind: 'Literal';
  readonly value: null | boolean | number | string;
  /** For numbers: the digits as written, so big or precise numbers survive formatting. */
  readonly raw?: string;
  readonly range: Range;
}

/** A quoted string or heredoc with parts; literal parts are LiteralExpr strings (escapes decoded). */
export interface TemplateExpr {
  readonly kind: 'Template';
  readonly parts: readonly TemplatePart[];
  /** Set for heredocs: the marker and whether it was the indented form (<<-). */
  readonly heredoc?: { readonly marker: string; readonly indented: boolean };
  readonly range: Range;
}

export type TemplatePart = Expression | TemplateIfDirective | TemplateForDirective;

export interface TemplateIfDirective {
  readonly kind: 'TemplateIf';
  readonly condition: Expression;
  readonly then: TemplateExpr;
  readonly else?: TemplateExpr;
  readonly range: Range;
}

export interface TemplateForDirective {
  readonly kind: 'TemplateFor';
  readonly keyVar?: string;
  readonly valueVar: string;
  readonly collection: Expression;
  readonly body: TemplateExpr;
  readonly range: Range;
}

/** "${expr}" alone: evaluates to expr's value unchanged (not converted to a string). */
export interface TemplateWrapExpr {
  readonly kind: 'TemplateWrap';
  readonly wrapped: Expression;
  readonly range: Range;
}

/** A bare name: the root of a traversal (var, local, site, count, a for-variable, …). */
export interface VariableExpr {
  readonly kind: 'Variable';
  readonly name: string;
  readonly range: Range;
}

export interface GetAttrExpr {
  readonly kind: 'GetAttr';
  readonly object: Expression;
  readonly name: string;
  readonly nameRange: Range;
  readonly range: Range;
}

/** collection[key]; also the legacy `x.0` form (key is then a number literal). */
export interface IndexExpr {
  readonly kind: 'Index';
  readonly collection: Expression;
  readonly key: Expression;
  readonly range: Range;
}

/**
 * `source[*].a.b` or `source.*.a.b`: `each` is evaluated for every element of source, with
 * SplatItemExpr standing for the element. `full` is true for `[*]`, false for the attribute-only `.*`.
 */
export interface SplatExpr {
  readonly kind: 'Splat';
  readonly source: Expression;
  readonly each: Expression;
  readonly full: boolean;
  readonly range: Range;
}

export interface SplatItemExpr {
  readonly kind: 'SplatItem';
  readonly range: Range;
}

export interface FunctionCallExpr {
  readonly kind: 'FunctionCall';
  readonly name: string;
  readonly nameRange: Range;
  readonly args: readonly Expression[];
  /** The last argument was followed by `...` and expands into separate arguments. */
  readonly expandFinal: boolean;
  readonly openParenRange: Range;
  readonly closeParenRange: Range;
  readonly range: Range;
}

export interface TupleExpr {
  readonly kind: 'Tuple';
  readonly items: readonly Expression[];
  readonly range: Range;
}

export interface ObjectItem {
  /**
   * The key as written. A bare VariableExpr key (`name = …`) means the literal string "name";
   * wrap it in parentheses (a ParensExpr) to use the variable's value instead.
   */
  readonly key: Expression;
  readonly value: Expression;
  /** '=' or ':' as written. */
  readonly separator: '=' | ':';
}

export interface ObjectExpr {
  readonly kind: 'Object';
  readonly items: readonly ObjectItem[];
  readonly range: Range;
}

export type UnaryOp = '!' | '-';
export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface UnaryExpr {
  readonly kind: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expression;
  readonly range: Range;
}

export interface BinaryExpr {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expression;
  readonly right: Expression;
  readonly opRange: Range;
  readonly range: Range;
}

export interface ConditionalExpr {
  readonly kind: 'Conditional';
  readonly condition: Expression;
  readonly trueExpr: Expression;
  readonly falseExpr: Expression;
  readonly range: Range;
}

/** `[for k, v in coll : v if cond]` (tuple) or `{for k, v in coll : k => v... if cond}` (object). */
export interface ForExpr {
  readonly kind: 'For';
  readonly keyVar?: string;
  readonly valueVar: string;
  readonly collection: Expression;
  /** Only for object-for: the key expression before `=>`. */
  readonly keyExpr?: Expression;
  readonly valueExpr: Expression;
  readonly condition?: Expression;
  /** Object-for with `...`: values with the same key are grouped into tuples. */
  readonly group: boolean;
  readonly isObject: boolean;
  readonly range: Range;
}

export interface ParensExpr {
  readonly kind: 'Parens';
  readonly expr: Expression;
  readonly range: Range;
}

/** Stands in where the parser could not read an expression; a diagnostic was already reported. */
export interface InvalidExpr {
  readonly kind: 'Invalid';
  readonly range: Range;
}

export interface ParseResult {
  readonly body: Body;
  readonly diagnostics: readonly import('../diag/types.js').Diagnostic[];
}
