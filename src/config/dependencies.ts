// References between declarations: each one checked against what is declared, and the
// dependency graph they make, with every cycle reported.
import type { Body, Expression } from '../hcl/ast.js';
import { referencesOf } from '../hcl/references.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { Graph } from '../graph/graph.js';
import { findCycles, describeCycle } from '../graph/cycles.js';
import { BLOCK_SCHEMAS, RESOURCE_BLOCK_TYPES } from './schema.js';
import type { CheckedBody } from './body.js';
import type { Declaration } from './declarations.js';

const SCOPE_ROOTS: Readonly<Record<string, string>> = { var: 'variable', local: 'local value' };

function expressionsOf(d: Declaration, body: CheckedBody | undefined): Expression[] {
  if (d.attr) return [d.attr.expr];
  if (!body) return [];
  const out: Expression[] = [];
  const visit = (b: CheckedBody | Body) => {
    if ('items' in b) {
      for (const item of b.items) {
        if (item.kind === 'Attribute') out.push(item.expr);
        else visit(item.body);
      }
      return;
    }
    for (const a of b.attrs.values()) out.push(a.expr);
    for (const list of b.blocks.values()) for (const blk of list) visit(blk.body);
  };
  visit(body);
  return out;
}

export function buildGraph(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, diags: Diagnostic[]): Graph<Declaration> {
  const graph = new Graph<Declaration>();
  for (const d of decls.values()) graph.addNode(d.address, d);
  const namesOf = (type: string) =>
    [...decls.values()].filter((x) => x.type === type || (type === 'var' && x.kind === 'var') || (type === 'local' && x.kind === 'local')).map((x) => x.name);

  for (const d of decls.values()) {
    if (d.kind === 'moved') continue; // moved blocks name old addresses that no longer exist.
    const isCountable = d.block !== undefined && BLOCK_SCHEMAS[d.block.type]?.countable === true;
    for (const expr of expressionsOf(d, checked.get(d.address))) {
      for (const ref of referencesOf(expr)) {
        const first = ref.path[0];
        if (ref.root === 'count') {
          if (!isCountable || !checked.get(d.address)?.attrs.has('count')) {
            diags.push(errorDiag('Reference to "count" in non-counted context', `count.index is only available in a block that sets count = N.`, ref.range));
          }
          continue;
        }
        const isScoped = ref.root in SCOPE_ROOTS;
        const isResource = (RESOURCE_BLOCK_TYPES as readonly string[]).includes(ref.root);
        if (!isScoped && !isResource) continue; // unknown roots are reported by evaluation, with a suggestion.
        if (typeof first !== 'string') {
          const what = isScoped ? SCOPE_ROOTS[ref.root] : ref.root;
          diags.push(
            errorDiag(
              'Invalid reference',
              `A reference to a ${what} needs a name after "${ref.root}.", like ${ref.root}.${ref.root === 'var' ? 'env' : 'example'}.`,
              ref.range,
            ),
          );
          continue;
        }
        const target = `${ref.root}.${first}`;
        // A variable's validation block reads the variable itself; that is not a dependency.
        if (d.kind === 'var' && target === d.address) continue;
        if (!decls.has(target)) {
          const kindName = isScoped ? SCOPE_ROOTS[ref.root] : ref.root;
          diags.push(
            errorDiag(
              `Reference to undeclared ${kindName}`,
              `A ${kindName} named "${first}" has not been declared.${didYouMean(first, namesOf(ref.root))}${isScoped ? '' : ` Declare it with a ${ref.root} "${first}" block, or fix the reference.`}`,
              ref.range,
            ),
          );
          continue;
        }
        graph.addEdge(d.address, target);
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    const first = decls.get(cycle.members[0]);
    diags.push(
      errorDiag(
        'Cycle in references',
        `${cycle.members.length === 1 ? `${cycle.members[0]} refers to itself` : `These ${cycle.members.length} blocks refer to each other in a loop`}: ${describeCycle(cycle)}. Members: ${cycle.members.join(', ')}. Remove one of the references to break the loop.`,
        first?.declRange,
      ),
    );
  }
  return graph;
}
