// Static references: arguments like `site = site.home` or `vms = [vm.db01, vm.web]` name other
// blocks directly (as Terraform's depends_on does), so they are read from the syntax, not evaluated.
import type { Expression, Range } from '../hcl/ast.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { suggestName } from '../diag/suggest.js';
import type { ResourceType } from './model.js';

export interface StaticRef {
  readonly type: string;
  readonly name: string;
  /** Set for `vm.web[2]`. */
  readonly index?: number;
  readonly range: Range;
}

export function refAddress(r: StaticRef): string {
  return r.index === undefined ? `${r.type}.${r.name}` : `${r.type}.${r.name}[${r.index}]`;
}

function unwrap(expr: Expression): Expression {
  let e = expr;
  while (e.kind === 'Parens' || e.kind === 'TemplateWrap') e = e.kind === 'Parens' ? e.expr : e.wrapped;
  return e;
}

/** Reads `type.name` or `type.name[N]`; undefined if the expression is not of that shape. */
export function readStaticRef(expr: Expression): StaticRef | undefined {
  const e = unwrap(expr);
  if (e.kind === 'GetAttr' && e.object.kind === 'Variable') {
    return { type: e.object.name, name: e.name, range: e.range };
  }
  if (e.kind === 'Index' && e.key.kind === 'Literal' && typeof e.key.value === 'number') {
    const inner = readStaticRef(e.collection);
    if (inner && inner.index === undefined && Number.isInteger(e.key.value)) return { ...inner, index: e.key.value, range: e.range };
  }
  return undefined;
}

function example(to: ResourceType | 'any'): string {
  switch (to) {
    case 'site':
      return 'site.home';
    case 'vm':
      return 'vm.db01';
    case 'network':
      return 'network.app';
    case 'volume_group':
      return 'volume_group.erp_db';
    case 'replication_policy':
      return 'replication_policy.gold';
    case 'recovery_plan':
      return 'recovery_plan.erp';
    default:
      return `${to === 'any' ? 'vm' : to}.example`;
  }
}

/** `sitee.home` where a site is wanted: suggest `site.home`. */
function misspeltType(r: StaticRef, to: ResourceType): string {
  return suggestName(r.type, [to]) !== undefined ? ` Did you mean ${refAddress({ ...r, type: to })}?` : '';
}

function wrongShape(diags: Diagnostic[], what: string, to: ResourceType | 'any', expr: Expression, many: boolean): void {
  const ex = example(to);
  // `vm.db01.name` names an attribute; the argument wants the block itself.
  const e = unwrap(expr);
  const block = e.kind === 'GetAttr' ? readStaticRef(e.object) : undefined;
  const hint = block && (to === 'any' || block.type === to) ? ` Refer to the block itself: ${refAddress(block)}.` : '';
  diags.push(
    errorDiag(
      'Invalid reference',
      many
        ? `${what} must be a list of references written directly, like [${ex}]; expressions that compute a reference are not supported here.${hint}`
        : `${what} must be a reference written directly, like ${ex}; expressions that compute a reference are not supported here.${hint}`,
      expr.range,
    ),
  );
}

/** One reference of type `to`. Reports and returns undefined on the wrong shape or type. */
export function decodeRef(expr: Expression, to: ResourceType, what: string, diags: Diagnostic[]): StaticRef | undefined {
  const r = readStaticRef(expr);
  if (!r) {
    wrongShape(diags, what, to, expr, false);
    return undefined;
  }
  if (r.type !== to) {
    diags.push(
      errorDiag('Invalid reference', `${what} must refer to a ${to}, like ${example(to)}; ${refAddress(r)} is not a ${to}.${misspeltType(r, to)}`, r.range),
    );
    return undefined;
  }
  return r;
}

/**
 * A list of references. Each element may be `type.name`, `type.name[N]`, or a whole counted block
 * (`vm.web` or `vm.web[*]`), which the caller expands to its instances.
 */
export function decodeRefList(expr: Expression, to: ResourceType | 'any', what: string, diags: Diagnostic[]): StaticRef[] | undefined {
  const e = unwrap(expr);
  const elements: Expression[] = e.kind === 'Tuple' ? [...e.items] : [e];
  const out: StaticRef[] = [];
  let ok = true;
  for (const el of elements) {
    let target = unwrap(el);
    // `vm.web[*]` and `vm.web.*` mean every instance, the same as `vm.web`.
    if (target.kind === 'Splat' && target.each.kind === 'SplatItem') target = target.source;
    const r = readStaticRef(target);
    if (!r) {
      wrongShape(diags, what, to, el, true);
      ok = false;
      continue;
    }
    if (to !== 'any' && r.type !== to) {
      diags.push(
        errorDiag(
          'Invalid reference',
          `${what} must list ${to} references, like ${example(to)}; ${refAddress(r)} is not a ${to}.${misspeltType(r, to)}`,
          r.range,
        ),
      );
      ok = false;
      continue;
    }
    out.push(Object.assign({}, r, { range: el.range }));
  }
  return ok ? out : undefined;
}
