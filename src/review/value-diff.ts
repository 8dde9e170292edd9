// Element-level diffs of JSON values, as Terraform computes nested changes: objects key by key,
// lists of objects matched by their `name` (or else by a longest common subsequence, pairing a
// removed element with the one added in its place), multi-line strings line by line, secrets
// only as "changed or not". The result is plain data; value-text.ts lays it out.
import { diffArrays } from 'diff';

/** JSON data (the shape of plan attributes and of state). */
export type Value = null | boolean | number | string | readonly Value[] | ValueObject;
export interface ValueObject {
  readonly [key: string]: Value;
}

export type DiffAction = 'create' | 'update' | 'delete' | 'no-op';

/** A number, string, boolean or null, created, deleted, changed or not. */
export interface ScalarDiff {
  readonly kind: 'scalar';
  readonly action: DiffAction;
  readonly before?: Value;
  readonly after?: Value;
}

/** An object (or map): its keys in code-unit order. */
export interface ObjectDiff {
  readonly kind: 'object';
  readonly action: DiffAction;
  readonly attributes: readonly AttributeDiff[];
}

export interface AttributeDiff {
  readonly key: string;
  readonly diff: ValueDiff;
}

/** A list: elements in the order a reader meets them (deleted ones where they were). */
export interface ListDiff {
  readonly kind: 'list';
  readonly action: DiffAction;
  readonly elements: readonly ValueDiff[];
}

/** A multi-line string, as a line diff. */
export interface TextDiff {
  readonly kind: 'text';
  readonly action: DiffAction;
  readonly lines: readonly TextLine[];
}

export interface TextLine {
  readonly change: 'create' | 'delete' | 'no-op';
  readonly text: string;
}

/** A secret: only whether it changed is shown. */
export interface SensitiveDiff {
  readonly kind: 'sensitive';
  readonly action: DiffAction;
}

/** A value whose shape changed (a list became a string): the old one out, the new one in. */
export interface SwapDiff {
  readonly kind: 'swap';
  readonly action: 'update';
  readonly before: ValueDiff;
  readonly after: ValueDiff;
}

export type ValueDiff = ScalarDiff | ObjectDiff | ListDiff | TextDiff | SensitiveDiff | SwapDiff;

export interface ValueDiffOptions {
  /**
   * Paths of secret values: top-level attribute names ("webhook") or dotted paths as state
   * records them ("users.0.secret"; list indices are those of the side the value is on).
   */
  readonly sensitivePaths?: Iterable<string>;
  /** Values that stand for a secret wherever they are (state's redaction markers). */
  readonly isSensitiveValue?: (v: Value) => boolean;
  /** Keys that name the elements of a list of objects (default: `name`). */
  readonly identityKeys?: readonly string[];
}

/**
 * The alignment search costs about (length of both) × (edits): past this budget a list (or a
 * string's lines) is shown as replaced element by element instead. Bounds what input can make us do.
 */
const ALIGNMENT_BUDGET = 1_000_000;
const maxEdits = (n: number) => Math.max(16, Math.floor(ALIGNMENT_BUDGET / (n + 1)));

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function isValueObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Absent and null are the same: an attribute set to null is not there. */
const absent = (v: Value | undefined): v is null | undefined => v === undefined || v === null;

/** Deep equality of JSON data, key order aside; a key holding null equals a missing key. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (absent(a) || absent(b)) return absent(a) && absent(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  const oa = a as ValueObject;
  const ob = b as ValueObject;
  for (const k in oa) if (!valuesEqual(oa[k], hasOwn(ob, k) ? ob[k] : undefined)) return false;
  for (const k in ob) if (!hasOwn(oa, k) && !absent(ob[k])) return false;
  return true;
}

interface Context {
  readonly sensitivePaths: ReadonlySet<string>;
  readonly isSensitiveValue?: (v: Value) => boolean;
  readonly identityKeys: readonly string[];
}

function context(opts: ValueDiffOptions): Context {
  return { sensitivePaths: new Set(opts.sensitivePaths ?? []), isSensitiveValue: opts.isSensitiveValue, identityKeys: opts.identityKeys ?? ['name'] };
}

const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

function secret(ctx: Context, path: string, v: Value | undefined): boolean {
  if (v === undefined) return false;
  return (
    (path !== '' && ctx.sensitivePaths.size > 0 && ctx.sensitivePaths.has(path)) ||
    (ctx.isSensitiveValue !== undefined && v !== null && ctx.isSensitiveValue(v))
  );
}

const isMultiline = (v: Value | undefined): v is string => typeof v === 'string' && v.includes('\n');

/** "a\nb\n" → ["a", "b"]: one trailing newline ends the last line, it does not start another. */
export function textLines(s: string): string[] {
  return (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
}

/** One side of a change: everything in it created (or deleted). */
function whole(v: Value, action: 'create' | 'delete' | 'no-op', path: string, ctx: Context): ValueDiff {
  if (secret(ctx, path, v)) return { kind: 'sensitive', action };
  if (Array.isArray(v)) return { kind: 'list', action, elements: v.map((e, i) => whole(e, action, join(path, i), ctx)) };
  if (isValueObject(v)) {
    const attributes: AttributeDiff[] = [];
    for (const key of Object.keys(v).sort()) {
      const child = v[key];
      if (!absent(child)) attributes.push({ key, diff: whole(child, action, join(path, key), ctx) });
    }
    return { kind: 'object', action, attributes };
  }
  // One side of a multi-line string: its lines, none of them marked (as Terraform shows it).
  if (isMultiline(v)) return { kind: 'text', action, lines: textLines(v).map((text) => ({ change: 'no-op' as const, text })) };
  return action === 'create' ? { kind: 'scalar', action, after: v } : { kind: 'scalar', action, before: v };
}

function at(before: Value | undefined, after: Value | undefined, beforePath: string, afterPath: string, ctx: Context): ValueDiff | undefined {
  const b = absent(before) ? undefined : before;
  const a = absent(after) ? undefined : after;
  if (b === undefined && a === undefined) return undefined;
  if (secret(ctx, beforePath, b) || secret(ctx, afterPath, a)) {
    return { kind: 'sensitive', action: b === undefined ? 'create' : a === undefined ? 'delete' : valuesEqual(b, a) ? 'no-op' : 'update' };
  }
  if (b === undefined) return whole(a!, 'create', afterPath, ctx);
  if (a === undefined) return whole(b, 'delete', beforePath, ctx);
  if (Array.isArray(b) && Array.isArray(a)) return list(b, a, beforePath, afterPath, ctx);
  if (isValueObject(b) && isValueObject(a)) return object(b, a, beforePath, afterPath, ctx);
  if (typeof b === 'object' || typeof a === 'object') {
    return { kind: 'swap', action: 'update', before: whole(b, 'delete', beforePath, ctx), after: whole(a, 'create', afterPath, ctx) };
  }
  if (b === a) return isMultiline(b) ? whole(b, 'no-op', beforePath, ctx) : { kind: 'scalar', action: 'no-op', before: b, after: a };
  if (typeof b === 'string' && typeof a === 'string' && (isMultiline(b) || isMultiline(a))) return text(b, a);
  return { kind: 'scalar', action: 'update', before: b, after: a };
}

function object(b: ValueObject, a: ValueObject, beforePath: string, afterPath: string, ctx: Context): ObjectDiff {
  const keys = new Set<string>();
  for (const k in b) keys.add(k);
  for (const k in a) keys.add(k);
  const attributes: AttributeDiff[] = [];
  let changed = false;
  for (const key of [...keys].sort()) {
    const d = at(hasOwn(b, key) ? b[key] : undefined, hasOwn(a, key) ? a[key] : undefined, join(beforePath, key), join(afterPath, key), ctx);
    if (!d) continue;
    if (d.action !== 'no-op') changed = true;
    attributes.push({ key, diff: d });
  }
  return { kind: 'object', action: changed ? 'update' : 'no-op', attributes };
}

function text(b: string, a: string): TextDiff {
  const lines: TextLine[] = [];
  const bl = textLines(b);
  const al = textLines(a);
  const changes = diffArrays(bl, al, { maxEditLength: maxEdits(bl.length + al.length) });
  if (!changes) {
    for (const t of bl) lines.push({ change: 'delete', text: t });
    for (const t of al) lines.push({ change: 'create', text: t });
  } else {
    for (const c of changes) for (const t of c.value) lines.push({ change: c.added ? 'create' : c.removed ? 'delete' : 'no-op', text: t });
  }
  return { kind: 'text', action: 'update', lines };
}

/**
 * The key that names every element of both lists, when there is one: each element an object
 * with a distinct string or number under it (a recovery plan's groups by `name`).
 */
function identityKey(b: readonly Value[], a: readonly Value[], keys: readonly string[]): string | undefined {
  if (b.length === 0 || a.length === 0) return undefined;
  for (const key of keys) {
    const named = (list: readonly Value[]) => {
      const seen = new Set<string | number>();
      for (const e of list) {
        if (!isValueObject(e)) return false;
        const id = e[key];
        if ((typeof id !== 'string' && typeof id !== 'number') || seen.has(id)) return false;
        seen.add(id);
      }
      return true;
    };
    if (named(b) && named(a)) return key;
  }
  return undefined;
}

/** A removed and an added element in the same place read best as one change, when alike in shape. */
function pairable(x: Value, y: Value): boolean {
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y);
  if (isValueObject(x) || isValueObject(y)) return isValueObject(x) && isValueObject(y);
  return true;
}

function list(b: readonly Value[], a: readonly Value[], beforePath: string, afterPath: string, ctx: Context): ListDiff {
  const key = identityKey(b, a, ctx.identityKeys);
  const same = key === undefined ? valuesEqual : (x: Value, y: Value) => (x as ValueObject)[key] === (y as ValueObject)[key];
  const changes = diffArrays(b as Value[], a as Value[], { comparator: same, maxEditLength: maxEdits(b.length + a.length) }) ?? [
    { count: b.length, removed: true, added: false, value: [] },
    { count: a.length, removed: false, added: true, value: [] },
  ];
  const elements: ValueDiff[] = [];
  let i = 0;
  let j = 0;
  let removed = 0;
  let added = 0;
  // Removed and added runs between two common stretches: pair them off where they line up.
  const flush = () => {
    const r0 = i - removed;
    const a0 = j - added;
    let k = 0;
    if (key === undefined) {
      while (k < removed && k < added && pairable(b[r0 + k], a[a0 + k])) {
        elements.push(at(b[r0 + k], a[a0 + k], join(beforePath, r0 + k), join(afterPath, a0 + k), ctx)!);
        k++;
      }
    }
    for (let r = k; r < removed; r++) elements.push(whole(b[r0 + r], 'delete', join(beforePath, r0 + r), ctx));
    for (let n = k; n < added; n++) elements.push(whole(a[a0 + n], 'create', join(afterPath, a0 + n), ctx));
    removed = 0;
    added = 0;
  };
  for (const c of changes) {
    if (c.removed) {
      i += c.count;
      removed += c.count;
    } else if (c.added) {
      j += c.count;
      added += c.count;
    } else {
      flush();
      for (let k = 0; k < c.count; k++)
        elements.push(
          at(b[i + k], a[j + k], join(beforePath, i + k), join(afterPath, j + k), ctx) ?? { kind: 'scalar', action: 'no-op', before: null, after: null },
        );
      i += c.count;
      j += c.count;
    }
  }
  flush();
  return { kind: 'list', action: elements.some((e) => e.action !== 'no-op') ? 'update' : 'no-op', elements };
}

/**
 * The diff of two values (either may be absent: a create or a delete); undefined when both are
 * absent. Objects diff key by key, lists element by element, multi-line strings line by line.
 */
export function diffValues(before: Value | undefined, after: Value | undefined, opts: ValueDiffOptions = {}): ValueDiff | undefined {
  return at(before, after, '', '', context(opts));
}

/**
 * The diff of a resource's attributes (a null side: the resource is created or deleted). Always
 * an object diff, so a renderer can lay it out as the body of a block.
 */
export function diffAttributes(before: ValueObject | null, after: ValueObject | null, opts: ValueDiffOptions = {}): ObjectDiff {
  const ctx = context(opts);
  if (before === null && after === null) return { kind: 'object', action: 'no-op', attributes: [] };
  if (before === null) return whole(after!, 'create', '', ctx) as ObjectDiff;
  if (after === null) return whole(before, 'delete', '', ctx) as ObjectDiff;
  return object(before, after, '', '', ctx);
}
