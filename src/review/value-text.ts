// Lays a value diff out as Terraform 1.x prints nested changes: one line per attribute or element
// with its glyph, unchanged attributes and elements folded into "# (N unchanged … hidden)", the
// element just before and after each changed one kept for context, multi-line strings as
// heredocs with their line diff. Lines are data (depth, glyph, text) so the terminal view can
// colour the glyphs and the markdown view can put them in a ```diff block.
import { type AttributeDiff, type DiffAction, type ObjectDiff, type Value, type ValueDiff } from './value-diff.js';

export type Glyph = '+' | '-' | '~' | ' ' | '-/+';

export interface DiffLine {
  /** Nesting depth: 1 for a block's attributes, one more per level inside. */
  readonly depth: number;
  readonly glyph: Glyph;
  readonly text: string;
}

export const DIFF_GLYPH: Readonly<Record<DiffAction, Glyph>> = { create: '+', delete: '-', update: '~', 'no-op': ' ' };

export const SENSITIVE_TEXT = '(sensitive value)';

/** Attributes shown even when unchanged, so a reader knows which element or object this is. */
const IDENTIFYING = new Set(['id', 'name']);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** An attribute name as HCL writes it: bare when it can be, quoted otherwise. */
export function attributeName(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A scalar as HCL writes it. */
export function scalarText(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const plural = (n: number, word: string) => `${n} unchanged ${word}${n === 1 ? '' : 's'} hidden`;

/** What continues the line that introduces a value, then the lines below it (the last one closes it). */
interface Rendered {
  readonly first: string;
  readonly rest: DiffLine[];
}

function withSuffix(r: Rendered, suffix: string): Rendered {
  if (!suffix) return r;
  if (r.rest.length === 0) return { first: r.first + suffix, rest: r.rest };
  const last = r.rest[r.rest.length - 1];
  r.rest[r.rest.length - 1] = { ...last, text: last.text + suffix };
  return r;
}

/** `all`: show unchanged attributes and elements too (an unchanged element shown for context). */
function render(d: ValueDiff, depth: number, all = false): Rendered {
  switch (d.kind) {
    case 'scalar':
      if (d.action === 'update') return { first: `${scalarText(d.before)} -> ${scalarText(d.after)}`, rest: [] };
      return { first: scalarText(d.action === 'create' ? d.after : d.before), rest: [] };
    case 'sensitive':
      return { first: SENSITIVE_TEXT, rest: [] };
    case 'text': {
      const oneSided = d.action !== 'update';
      const rest: DiffLine[] = d.lines.map((l) => ({ depth: depth + 1, glyph: oneSided ? ' ' : DIFF_GLYPH[l.change], text: l.text }));
      rest.push({ depth, glyph: ' ', text: 'EOT' });
      return { first: '<<-EOT', rest };
    }
    case 'object': {
      if (d.attributes.length === 0) return { first: '{}', rest: [] };
      const rest = attributeLines(d.attributes, depth + 1, all);
      rest.push({ depth, glyph: ' ', text: '}' });
      return { first: '{', rest };
    }
    case 'list': {
      if (d.elements.length === 0) return { first: '[]', rest: [] };
      const rest = elementLines(d.elements, depth + 1, all);
      rest.push({ depth, glyph: ' ', text: ']' });
      return { first: '[', rest };
    }
    case 'swap': {
      const before = render(d.before, depth);
      const after = render(d.after, depth);
      const joined = withSuffix(before, ` -> ${after.first}`);
      return { first: joined.first, rest: [...joined.rest, ...after.rest] };
    }
  }
}

/** The lines of an object's attributes at `depth`: changed ones, identifying ones, and a count of the rest. */
function attributeLines(attributes: readonly AttributeDiff[], depth: number, all: boolean, decorate?: (a: AttributeDiff, r: Rendered) => Rendered): DiffLine[] {
  let width = 0;
  for (const a of attributes) width = Math.max(width, attributeName(a.key).length);
  const out: DiffLine[] = [];
  let hidden = 0;
  for (const a of attributes) {
    if (a.diff.action === 'no-op' && !all && !IDENTIFYING.has(a.key)) {
      hidden++;
      continue;
    }
    let r = render(a.diff, depth, all);
    if (decorate) r = decorate(a, r);
    out.push({ depth, glyph: DIFF_GLYPH[a.diff.action], text: `${attributeName(a.key).padEnd(width)} = ${r.first}` });
    for (const l of r.rest) out.push(l);
  }
  if (hidden) out.push({ depth, glyph: ' ', text: `# (${plural(hidden, 'attribute')})` });
  return out;
}

function pushElement(out: DiffLine[], e: ValueDiff, depth: number, all: boolean): void {
  const r = withSuffix(render(e, depth, all), ',');
  out.push({ depth, glyph: DIFF_GLYPH[e.action], text: r.first });
  for (const l of r.rest) out.push(l);
}

/**
 * An unchanged element shown for context is shown whole, as Terraform does, unless it is an
 * object with a name: then the name says which it is, and its other attributes are folded.
 */
const wholeContext = (e: ValueDiff) => !(e.kind === 'object' && e.attributes.some((a) => IDENTIFYING.has(a.key)));

/**
 * A list's elements at `depth`: every changed one, the unchanged one just before and just after
 * each change (the context that says where in the list it is), and counts of the rest.
 */
function elementLines(elements: readonly ValueDiff[], depth: number, all: boolean): DiffLine[] {
  const out: DiffLine[] = [];
  if (all) {
    for (const e of elements) pushElement(out, e, depth, true);
    return out;
  }
  const hiddenLine = (n: number) => out.push({ depth, glyph: ' ', text: `# (${plural(n, 'element')})` });
  let unchanged = 0;
  let last: ValueDiff | undefined;
  let showNext = false;
  for (const e of elements) {
    if (e.action === 'no-op' && !showNext) {
      unchanged++;
      last = e;
      continue;
    }
    showNext = false;
    if (unchanged > 1) hiddenLine(unchanged - 1);
    if (unchanged > 0) pushElement(out, last!, depth, wholeContext(last!));
    unchanged = 0;
    if (e.action !== 'no-op') showNext = true;
    pushElement(out, e, depth, e.action === 'no-op' && wholeContext(e));
  }
  if (unchanged > 0) hiddenLine(unchanged);
  return out;
}

export interface BodyOptions {
  /** Top-level attributes whose change forces the resource's replacement. */
  readonly forcesReplacement?: Iterable<string>;
}

/**
 * The body of a block (a resource's attributes) at depth 1. A deleted top-level attribute ends in
 * `-> null`, and one that forces a replacement says so, as in Terraform's plans.
 */
export function bodyLines(diff: ObjectDiff, opts: BodyOptions = {}): DiffLine[] {
  const forces = new Set(opts.forcesReplacement ?? []);
  return attributeLines(diff.attributes, 1, false, (a, r) => {
    if (forces.has(a.key)) r = { first: `${r.first} # forces replacement`, rest: r.rest };
    return a.diff.action === 'delete' ? withSuffix(r, ' -> null') : r;
  });
}

/** The lines of one named value at `depth` (an output, a lifecycle's context): `key = …`. */
export function valueLines(key: string, diff: ValueDiff, depth = 1): DiffLine[] {
  return attributeLines([{ key, diff }], depth, false);
}

/** Terraform's layout: four spaces a level, the glyph right-aligned in three columns (`paint` colours it). */
export function terraformLayout(lines: readonly DiffLine[], paint?: (glyph: Glyph, s: string) => string): string[] {
  return lines.map((l) => {
    const glyph = paint && l.glyph !== ' ' ? paint(l.glyph, l.glyph.padStart(3)) : l.glyph.padStart(3);
    return `${' '.repeat(4 * l.depth)}${glyph} ${l.text}`.trimEnd();
  });
}

/**
 * For a ```diff block (a pull-request comment): the glyph in the first column, where GitHub
 * colours it (`!` for a change in place), then the same indentation below depth 1.
 */
export function diffBlockLayout(lines: readonly DiffLine[]): string[] {
  const mark: Readonly<Record<Glyph, string>> = { '+': '+', '-': '-', '~': '!', '-/+': '!', ' ': ' ' };
  return lines.map((l) => `${mark[l.glyph]} ${'    '.repeat(Math.max(0, l.depth - 1))}${l.text}`.trimEnd());
}
