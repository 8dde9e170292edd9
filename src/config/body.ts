// Structural checks of a block body against its schema: unknown arguments and blocks (with "did
// you mean"), missing required arguments, label counts, nested block counts, and names.
import type { Attribute, Block, Body, Range } from '../hcl/ast.js';
import { type Diagnostic, errorDiag, spanRanges } from '../diag/types.js';
import { didYouMean, suggestName } from '../diag/suggest.js';
import type { BlockSchema, NestedBlockSchema } from './schema.js';

export interface CheckedBody {
  readonly attrs: ReadonlyMap<string, Attribute>;
  readonly blocks: ReadonlyMap<string, readonly Block[]>;
  /** The checked body of each nested block. */
  readonly nested: ReadonlyMap<Block, CheckedBody>;
}

/** `vm "db01"` as written in messages. */
export function describeBlock(block: Block): string {
  return [block.type, ...block.labels.map((l) => `"${l.value}"`)].join(' ');
}

/** The block's header: type and labels, for pointing at a declaration. */
export function declRange(block: Block): Range {
  const last = block.labels.length ? block.labels[block.labels.length - 1].range : block.typeRange;
  return spanRanges(block.typeRange, last);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function nameProblem(name: string): string | undefined {
  if (isValidName(name)) return undefined;
  if (/\s/.test(name)) return 'it contains white space';
  if (name === '') return 'it is empty';
  if (!/^[A-Za-z_]/.test(name)) return 'it must start with a letter or an underscore';
  return 'it may contain only letters, digits, underscores and dashes';
}

/** Checks the labels of a block; returns false when the block cannot be used. */
export function checkLabels(block: Block, schema: BlockSchema, diags: Diagnostic[]): boolean {
  const want = schema.labels.length;
  const got = block.labels.length;
  if (got < want) {
    const missing = schema.labels[got];
    diags.push(
      errorDiag(
        `Missing ${missing} for ${block.type}`,
        `All ${block.type} blocks must have ${want} label${want === 1 ? '' : 's'} (${schema.labels.join(', ')}), e.g. ${block.type} ${schema.labels.map((l) => `"${l === 'name' ? 'example' : l}"`).join(' ')} { … }.`,
        block.typeRange,
        block.range,
      ),
    );
    return false;
  }
  if (got > want) {
    diags.push(
      errorDiag(
        `Extraneous label for ${block.type}`,
        want === 0
          ? `No labels are expected for ${block.type} blocks. Remove ${block.labels.map((l) => `"${l.value}"`).join(' ')}.`
          : `Only ${want} label${want === 1 ? '' : 's'} (${schema.labels.join(', ')}) ${want === 1 ? 'is' : 'are'} expected for ${block.type} blocks.`,
        block.labels[want].range,
        block.range,
      ),
    );
    return false;
  }
  for (let i = 0; i < want; i++) {
    if (schema.labels[i] !== 'name') continue;
    const label = block.labels[i];
    const problem = nameProblem(label.value);
    if (problem) {
      diags.push(
        errorDiag(
          `Invalid ${block.type} name`,
          `"${label.value}" is not a valid name: ${problem}. A name must start with a letter or underscore and contain only letters, digits, underscores and dashes; PowerVS rejects names with spaces, and the name is used in references such as ${block.type}.${label.value.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^(?=[^A-Za-z_])/, '_')}.`,
          label.range,
          block.range,
        ),
      );
      return false;
    }
  }
  return true;
}

export function checkBody(body: Body, schema: BlockSchema, owner: string, ownerRange: Range, diags: Diagnostic[]): CheckedBody {
  const attrs = new Map<string, Attribute>();
  const blocks = new Map<string, Block[]>();
  const nestedBodies = new Map<Block, CheckedBody>();
  const nested = schema.blocks ?? {};
  const attrNames = Object.keys(schema.attrs);
  const allowCount = schema.countable === true;
  // Names a misspelt or misshapen item stood for: their "missing" errors would only repeat it.
  const explained = new Set<string>();
  for (const item of body.items) {
    if (item.kind === 'Attribute') {
      if (item.name in schema.attrs || schema.dynamicAttrs || (allowCount && item.name === 'count')) {
        attrs.set(item.name, item);
      } else if (item.name in nested) {
        explained.add(item.name);
        diags.push(
          errorDiag(
            'Unsupported argument',
            `An argument named "${item.name}" is not expected here. Did you mean to define a block of type "${item.name}"? Write it as ${item.name} { … } without "=".`,
            item.nameRange,
            item.range,
          ),
        );
      } else {
        const suggestion = suggestName(item.name, attrNames);
        if (suggestion !== undefined) explained.add(suggestion);
        diags.push(
          errorDiag(
            'Unsupported argument',
            `An argument named "${item.name}" is not expected in ${owner}.${didYouMean(item.name, attrNames)}`,
            item.nameRange,
            item.range,
          ),
        );
      }
      continue;
    }
    const blockSchema: NestedBlockSchema | undefined = nested[item.type];
    if (!blockSchema) {
      explained.add(item.type in schema.attrs ? item.type : (suggestName(item.type, Object.keys(nested)) ?? ''));
      const detail =
        item.type in schema.attrs
          ? `A block of type "${item.type}" is not expected here. "${item.type}" is an argument: write ${item.type} = …`
          : `Blocks of type "${item.type}" are not expected in ${owner}.${didYouMean(item.type, Object.keys(nested))}`;
      diags.push(errorDiag('Unsupported block type', detail, item.typeRange, item.range));
      continue;
    }
    if (!checkLabels(item, blockSchema, diags)) continue;
    nestedBodies.set(item, checkBody(item.body, blockSchema, `the ${describeBlock(item)} block in ${owner}`, declRange(item), diags));
    const list = blocks.get(item.type) ?? [];
    list.push(item);
    blocks.set(item.type, list);
  }
  for (const [name, attr] of Object.entries(schema.attrs)) {
    if (attr.required && !attrs.has(name) && !explained.has(name)) {
      diags.push(
        errorDiag(
          'Missing required argument',
          `The argument "${name}" is required in ${owner}, but no definition was found.${attr.description ? ` (${attr.description}.)` : ''}`,
          ownerRange,
        ),
      );
    }
  }
  for (const [type, bs] of Object.entries(nested)) {
    const found = blocks.get(type) ?? [];
    if (bs.min !== undefined && found.length < bs.min && !explained.has(type)) {
      diags.push(errorDiag(`Missing ${type} block`, `${owner} needs at least ${bs.min} ${type} block${bs.min === 1 ? '' : 's'}.`, ownerRange));
    }
    if (bs.max !== undefined && found.length > bs.max) {
      const extra = found[bs.max];
      diags.push(
        errorDiag(
          `Duplicate ${type} block`,
          `${owner} may have at most ${bs.max} ${type} block${bs.max === 1 ? '' : 's'}; the first is at line ${found[0].range.start.line}.`,
          extra.typeRange,
          extra.range,
        ),
      );
    }
  }
  return { attrs, blocks, nested: nestedBodies };
}
