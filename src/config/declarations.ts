// Declarations: every top-level block (and each local value) by its address, with duplicates,
// unknown block types and bad labels reported, and each body checked against its schema.
import type { Attribute, Block, Body, Range } from '../hcl/ast.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { didYouMean } from '../diag/suggest.js';
import { BLOCK_SCHEMAS, TOP_LEVEL_BLOCK_TYPES, type BlockSchema } from './schema.js';
import { checkBody, checkLabels, declRange, describeBlock, type CheckedBody } from './body.js';

export interface Declaration {
  readonly address: string;
  readonly kind: 'resource' | 'var' | 'local' | 'output' | 'settings' | 'moved';
  readonly type: string;
  readonly name: string;
  readonly block?: Block;
  /** For locals: the attribute. */
  readonly attr?: Attribute;
  readonly range: Range;
  readonly declRange: Range;
}

export function collectDeclarations(bodies: readonly Body[], diags: Diagnostic[]): Map<string, Declaration> {
  const decls = new Map<string, Declaration>();
  let movedCount = 0;
  const add = (d: Declaration, what: string) => {
    const prev = decls.get(d.address);
    if (prev) {
      diags.push(
        errorDiag(
          `Duplicate ${what}`,
          `${what[0].toUpperCase()}${what.slice(1)} was already declared at ${prev.declRange.filename}:${prev.declRange.start.line},${prev.declRange.start.column}. Each ${d.type === 'local' ? 'local value' : d.type} needs a unique name; rename or remove one of them.`,
          d.declRange,
        ),
      );
      return;
    }
    decls.set(d.address, d);
  };
  for (const body of bodies) {
    for (const item of body.items) {
      if (item.kind === 'Attribute') {
        diags.push(
          errorDiag(
            'Unsupported argument',
            `Arguments are not expected at the top level of a file. Put "${item.name}" inside a block; for a shared value use locals { ${item.name} = … }.`,
            item.nameRange,
            item.range,
          ),
        );
        continue;
      }
      const schema: BlockSchema | undefined = BLOCK_SCHEMAS[item.type];
      if (!schema) {
        diags.push(
          errorDiag(
            'Unsupported block type',
            `Blocks of type "${item.type}" are not expected here.${didYouMean(item.type, TOP_LEVEL_BLOCK_TYPES)}${didYouMean(item.type, TOP_LEVEL_BLOCK_TYPES) ? '' : ` drctl knows ${TOP_LEVEL_BLOCK_TYPES.join(', ')}.`}`,
            item.typeRange,
            item.range,
          ),
        );
        continue;
      }
      if (!checkLabels(item, schema, diags)) continue;
      const range = item.range;
      const dr = declRange(item);
      if (item.type === 'locals') {
        for (const a of item.body.items) {
          if (a.kind === 'Block') {
            diags.push(
              errorDiag('Unsupported block type', `Blocks are not expected in locals; write ${a.type} = { … } to define an object.`, a.typeRange, a.range),
            );
            continue;
          }
          add(
            { address: `local.${a.name}`, kind: 'local', type: 'local', name: a.name, attr: a, range: a.range, declRange: a.nameRange },
            `local value "${a.name}"`,
          );
        }
      } else if (item.type === 'variable') {
        const name = item.labels[0].value;
        add({ address: `var.${name}`, kind: 'var', type: 'variable', name, block: item, range, declRange: dr }, `variable "${name}"`);
      } else if (item.type === 'output') {
        const name = item.labels[0].value;
        add({ address: `output.${name}`, kind: 'output', type: 'output', name, block: item, range, declRange: dr }, `output "${name}"`);
      } else if (item.type === 'drctl') {
        add({ address: 'drctl', kind: 'settings', type: 'drctl', name: 'drctl', block: item, range, declRange: dr }, 'drctl settings block');
      } else if (item.type === 'moved') {
        const address = `moved#${movedCount++}`;
        decls.set(address, { address, kind: 'moved', type: 'moved', name: address, block: item, range, declRange: dr });
      } else {
        const name = item.labels[0].value;
        add({ address: `${item.type}.${name}`, kind: 'resource', type: item.type, name, block: item, range, declRange: dr }, `${item.type} "${name}"`);
      }
    }
  }
  return decls;
}

/** Each declared block's body, checked against its block type's schema (locals have none). */
export function checkDeclarations(decls: ReadonlyMap<string, Declaration>, diags: Diagnostic[]): Map<string, CheckedBody> {
  const checked = new Map<string, CheckedBody>();
  for (const d of decls.values()) {
    if (d.block && d.kind !== 'local') {
      const schema = BLOCK_SCHEMAS[d.block.type];
      checked.set(d.address, checkBody(d.block.body, schema, describeBlock(d.block), declRange(d.block), diags));
    }
  }
  return checked;
}

/** A network's subnets are keyed by site name, so any other key is an unsupported argument. */
export function checkSubnetKeys(decls: ReadonlyMap<string, Declaration>, checked: ReadonlyMap<string, CheckedBody>, diags: Diagnostic[]): void {
  const siteNames = [...decls.values()].filter((d) => d.kind === 'resource' && d.type === 'site').map((d) => d.name);
  const fixed = Object.keys(BLOCK_SCHEMAS.network.attrs);
  for (const d of decls.values()) {
    if (d.kind !== 'resource' || d.type !== 'network') continue;
    for (const [name, attr] of checked.get(d.address)?.attrs ?? []) {
      if (name in BLOCK_SCHEMAS.network.attrs || siteNames.includes(name)) continue;
      diags.push(
        errorDiag(
          'Unsupported argument',
          `An argument named "${name}" is not expected in network "${d.name}". Besides ${fixed.join(', ')}, a network takes one subnet per site, named after the site (${siteNames.join(', ')}).${didYouMean(name, [...siteNames, ...fixed])}`,
          attr.nameRange,
          attr.range,
        ),
      );
    }
  }
}
