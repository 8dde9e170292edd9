// Typed decoding: every evaluated resource into its place in one DrConfig, with the moved blocks
// and the references between resources resolved to instance addresses.
import type { Attribute } from '../hcl/ast.js';
import type { Value } from '../hcl/value.js';
import { type Diagnostic, errorDiag, hasErrors } from '../diag/types.js';
import { readStaticRef, refAddress, type StaticRef } from './refs.js';
import { decodeResource, type MutableConfig } from './decode.js';
import type { DrConfig, MovedBlock, Output, Settings, Variable } from './model.js';
import type { Declaration } from './declarations.js';
import type { EvalContext } from './scope.js';
import { markUrlCredentials } from './secrets.js';

function decodeMoves(decls: ReadonlyMap<string, Declaration>, diags: Diagnostic[]): MovedBlock[] {
  const out: MovedBlock[] = [];
  for (const d of decls.values()) {
    if (d.kind !== 'moved' || !d.block) continue;
    const get = (name: string) => d.block!.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === name);
    const from = get('from');
    const to = get('to');
    if (!from || !to) continue; // reported as missing arguments
    const a = readStaticRef(from.expr);
    const b = readStaticRef(to.expr);
    for (const [ref, attr] of [
      [a, from],
      [b, to],
    ] as const) {
      if (!ref) diags.push(errorDiag('Invalid moved address', 'from and to must be resource addresses written directly, like vm.old_name.', attr.expr.range));
    }
    if (!a || !b) continue;
    if (a.type !== b.type) {
      diags.push(
        errorDiag(
          'Invalid moved block',
          `A moved block renames a resource within its type; ${refAddress(a)} and ${refAddress(b)} are of different types.`,
          d.declRange,
        ),
      );
      continue;
    }
    out.push({ from: refAddress(a), to: refAddress(b), range: d.range });
  }
  return out;
}

export function decodeResourcesIntoConfig(
  dir: string,
  sources: ReadonlyMap<string, string>,
  settings: Settings,
  variables: Map<string, Variable>,
  locals: Map<string, Value>,
  outputs: Map<string, Output>,
  decls: ReadonlyMap<string, Declaration>,
  ctx: EvalContext,
  sensitiveStrings: Set<string>,
): DrConfig | undefined {
  const resolveRefs = (refs: readonly StaticRef[], what: string): string[] | undefined => {
    const out: string[] = [];
    let ok = true;
    for (const r of refs) {
      const base = `${r.type}.${r.name}`;
      if (!decls.has(base)) {
        ok = false; // already reported by the graph
        continue;
      }
      const count = ctx.counts.get(base);
      if (r.index === undefined) {
        if (count === undefined) out.push(base);
        else for (let i = 0; i < count; i++) out.push(`${base}[${i}]`);
      } else if (count === undefined) {
        ctx.diags.push(
          errorDiag('Unexpected index', `${base} does not set count, so it has no instances to index; refer to it as ${base} in ${what}.`, r.range),
        );
        ok = false;
      } else if (r.index < 0 || r.index >= count) {
        ctx.diags.push(
          errorDiag(
            'Invalid index',
            `${base} has ${count} instance${count === 1 ? '' : 's'} (count = ${count}), so [${r.index}] is out of range in ${what}.`,
            r.range,
          ),
        );
        ok = false;
      } else out.push(refAddress(r));
    }
    return ok ? out : undefined;
  };
  const config = {
    dir,
    sources,
    settings,
    variables,
    locals,
    outputs,
    sites: new Map(),
    orchestrators: new Map(),
    replicationPolicies: new Map(),
    networks: new Map(),
    volumeGroups: new Map(),
    vms: new Map(),
    recoveryPlans: new Map(),
    drills: new Map(),
    notifications: new Map(),
    moves: decodeMoves(decls, ctx.diags),
    sensitiveStrings,
  } satisfies DrConfig & MutableConfig;
  const before = ctx.diags.length;
  for (const decoded of ctx.decoded.values()) {
    // URL credentials are secrets wherever they are written: marked sensitive like a sensitive input.
    decodeResource(markUrlCredentials(decoded, sensitiveStrings), config, ctx.diags, resolveRefs);
  }
  return hasErrors(ctx.diags.slice(before)) ? undefined : config;
}
