// Helpers for the parser tests: a compact S-expression rendering of ASTs, and range rendering
// ("line:col-line:col@byte-byte"), so table tests can state an expected tree and its ranges
// in one readable line.
import type { Body, Expression, Range, TemplateExpr, TemplatePart } from '../../src/hcl/ast.js';
import type { Diagnostic } from '../../src/diag/types.js';

/** `1:5-1:9@4-8`: start and end line:column, then the byte offsets. */
export function rng(r: Range | undefined): string {
  if (r === undefined) return '<none>';
  return `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}@${r.start.byte}-${r.end.byte}`;
}

/** A diagnostic as `Summary @range`, for exact list comparisons. */
export function diag(d: Diagnostic): string {
  return `${d.summary} @${rng(d.subject)}`;
}

export function sexpr(e: TemplatePart): string {
  switch (e.kind) {
    case 'Literal':
      return typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'Template':
      return template(e);
    case 'TemplateWrap':
      return `(wrap ${sexpr(e.wrapped)})`;
    case 'Variable':
      return e.name;
    case 'GetAttr':
      return `(. ${sexpr(e.object)} ${e.name})`;
    case 'Index':
      return `([] ${sexpr(e.collection)} ${sexpr(e.key)})`;
    case 'Splat':
      return `(${e.full ? 'splat' : 'attr-splat'} ${sexpr(e.source)} ${sexpr(e.each)})`;
    case 'SplatItem':
      return '*';
    case 'FunctionCall':
      return `(call ${e.name}${e.args.map((a) => ' ' + sexpr(a)).join('')}${e.expandFinal ? '...' : ''})`;
    case 'Tuple':
      return `[${e.items.map(sexpr).join(' ')}]`;
    case 'Object':
      return `{${e.items.map((i) => `${sexpr(i.key)}${i.separator}${sexpr(i.value)}`).join(' ')}}`;
    case 'Unary':
      return `(${e.op} ${sexpr(e.operand)})`;
    case 'Binary':
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'Conditional':
      return `(? ${sexpr(e.condition)} ${sexpr(e.trueExpr)} ${sexpr(e.falseExpr)})`;
    case 'For': {
      const vars = e.keyVar !== undefined ? `${e.keyVar},${e.valueVar}` : e.valueVar;
      const key = e.keyExpr !== undefined ? ` ${sexpr(e.keyExpr)} =>` : '';
      const cond = e.condition !== undefined ? ` if ${sexpr(e.condition)}` : '';
      return `(${e.isObject ? 'for{}' : 'for[]'} ${vars} in ${sexpr(e.collection)} :${key} ${sexpr(e.valueExpr)}${e.group ? '...' : ''}${cond})`;
    }
    case 'Parens':
      return `(paren ${sexpr(e.expr)})`;
    case 'Invalid':
      return '<invalid>';
    case 'TemplateIf':
      return `(if ${sexpr(e.condition)} ${template(e.then)}${e.else !== undefined ? ' else ' + template(e.else) : ''})`;
    case 'TemplateFor':
      return `(tfor ${e.keyVar !== undefined ? e.keyVar + ',' : ''}${e.valueVar} in ${sexpr(e.collection)} ${template(e.body)})`;
  }
}

function template(t: TemplateExpr): string {
  const head = t.heredoc !== undefined ? `heredoc${t.heredoc.indented ? '-' : ''} ${t.heredoc.marker}` : 'tpl';
  return `(${head}${t.parts.map((p) => ' ' + sexpr(p)).join('')})`;
}

/** A body as nested lines: `name = expr` and `type "label" { … }`. */
export function bodyOutline(body: Body, indent = ''): string[] {
  const out: string[] = [];
  for (const item of body.items) {
    if (item.kind === 'Attribute') {
      out.push(`${indent}${item.name} = ${sexpr(item.expr)}`);
    } else {
      const labels = item.labels.map((l) => (l.quoted ? JSON.stringify(l.value) : l.value)).join(' ');
      out.push(`${indent}${item.type}${labels.length > 0 ? ' ' + labels : ''} {`);
      out.push(...bodyOutline(item.body, indent + '  '));
      out.push(`${indent}}`);
    }
  }
  return out;
}

/** Every expression node in a tree, depth first, with template parts. */
export function walkExpressions(e: TemplatePart, visit: (e: TemplatePart) => void): void {
  visit(e);
  const kids: TemplatePart[] = [];
  switch (e.kind) {
    case 'Template':
      kids.push(...e.parts);
      break;
    case 'TemplateWrap':
      kids.push(e.wrapped);
      break;
    case 'GetAttr':
      kids.push(e.object);
      break;
    case 'Index':
      kids.push(e.collection, e.key);
      break;
    case 'Splat':
      kids.push(e.source, e.each);
      break;
    case 'FunctionCall':
      kids.push(...e.args);
      break;
    case 'Tuple':
      kids.push(...e.items);
      break;
    case 'Object':
      for (const i of e.items) kids.push(i.key, i.value);
      break;
    case 'Unary':
      kids.push(e.operand);
      break;
    case 'Binary':
      kids.push(e.left, e.right);
      break;
    case 'Conditional':
      kids.push(e.condition, e.trueExpr, e.falseExpr);
      break;
    case 'For':
      kids.push(e.collection, ...(e.keyExpr ? [e.keyExpr] : []), e.valueExpr, ...(e.condition ? [e.condition] : []));
      break;
    case 'Parens':
      kids.push(e.expr);
      break;
    case 'TemplateIf':
      kids.push(e.condition, e.then, ...(e.else ? [e.else] : []));
      break;
    case 'TemplateFor':
      kids.push(e.collection, e.body);
      break;
    default:
      break;
  }
  for (const k of kids) walkExpressions(k, visit);
}

export function isExpression(e: TemplatePart): e is Expression {
  return e.kind !== 'TemplateIf' && e.kind !== 'TemplateFor';
}
