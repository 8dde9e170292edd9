// YAML for yamlencode() and yamldecode(), as Terraform has them (go-cty-yaml over libyaml).
// Encoding writes what libyaml's emitter writes for cty values: block style, every string
// double-quoted (or a literal block when it has line breaks), keys sorted, long quoted strings
// folded past column 80. Decoding uses the `yaml` package (loaded on first use) with the YAML
// 1.1 scalars go-cty-yaml resolves (yes/no/on/off), bounded: aliases that would multiply a
// document are refused, and the result's size and depth count against the evaluation budget.
import { createRequire } from 'node:module';
import { isObject, numberToString, objectValue, Sensitive, sortedKeys, type Value } from '../value.js';
import type { EvalBudget } from '../limits.js';
import { FunctionError, tooDeep } from './call.js';

const load = createRequire(import.meta.url);

// --- encoding ---------------------------------------------------------------------------------

const BEST_WIDTH = 80;
const INDENT = 2;

/** libyaml's is_printable, for one code point. */
function printable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;

/** Whether libyaml would write `s` as a literal block: it has a newline and nothing that forbids it. */
function literalAllowed(s: string): boolean {
  if (!s.includes('\n')) return false;
  const cps = Array.from(s, (ch) => ch.codePointAt(0) as number);
  if (cps.some((c) => !printable(c) || c === 0xfeff)) return false;
  const last = cps[cps.length - 1];
  if (last === 0x20) return false;
  for (let i = 0; i + 1 < cps.length; i++) if (cps[i] === 0x20 && isBreak(cps[i + 1])) return false;
  return true;
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

class YamlWriter {
  out = '';
  column = 0;

  put(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl < 0 ? this.column + [...s].length : [...s.slice(nl + 1)].length;
  }

  newline(indent: number): void {
    this.out += '\n' + ' '.repeat(indent);
    this.column = indent;
  }

  /** libyaml's yaml_emitter_write_double_quoted_scalar, folding at spaces past the width. */
  doubleQuoted(s: string, indent: number, allowBreaks: boolean): void {
    this.put('"');
    const cps = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i];
      const c = ch.codePointAt(0) as number;
      if (!printable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        const e = ESCAPES[c];
        if (e !== undefined) this.put(`\\${e}`);
        else if (c <= 0xff) this.put(`\\x${c.toString(16).toUpperCase().padStart(2, '0')}`);
        else if (c <= 0xffff) this.put(`\\u${c.toString(16).toUpperCase().padStart(4, '0')}`);
        else this.put(`\\U${c.toString(16).toUpperCase().padStart(8, '0')}`);
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.newline(indent);
          if (cps[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.put('"');
  }

  /** A literal block scalar (`|`), its lines at `indent`. */
  literal(s: string, indent: number): void {
    let header = '|';
    if (s.startsWith(' ') || s.startsWith('\n')) header += String(INDENT);
    if (!s.endsWith('\n')) header += '-';
    else if (s === '\n' || s.endsWith('\n\n')) header += '+';
    this.put(header);
    const lines = s.split('\n');
    if (s.endsWith('\n')) lines.pop();
    for (const line of lines) {
      if (line === '') {
        this.out += '\n';
        this.column = 0;
      } else (this.newline(indent), this.put(line));
    }
  }

  scalar(v: Value, indent: number, simpleKey = false): void {
    if (v === null) return this.put('null');
    if (typeof v === 'boolean') return this.put(v ? 'true' : 'false');
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new FunctionError('cannot encode an infinite number as YAML');
      return this.put(numberToString(v));
    }
    const s = v as string;
    if (!simpleKey && literalAllowed(s)) return this.literal(s, indent);
    this.doubleQuoted(s, indent, !simpleKey);
  }
}

const nonEmpty = (v: Value): boolean => (Array.isArray(v) ? v.length > 0 : isObject(v) && Object.keys(v).length > 0);

/** yamlencode(): the YAML text of a value, as go-cty-yaml writes it. */
export function yamlEncode(root: Value, budget: EvalBudget): string {
  const w = new YamlWriter();
  const plain = (v: Value): Value => (v instanceof Sensitive ? plain(v.value) : v);
  /** A scalar (or an empty collection, written in flow style) whose block lines go at `indent`. */
  const scalar = (v: Value, indent: number): void => {
    if (Array.isArray(v)) w.put('[]');
    else if (isObject(v)) w.put('{}');
    else w.scalar(v, indent);
  };
  /** A non-empty collection whose first entry starts where the writer is, the rest at `indent`. */
  const block = (v: Value, indent: number, depth: number): void => {
    if (depth > budget.limits.maxValueDepth) throw tooDeep(budget);
    if (Array.isArray(v)) {
      v.forEach((e, i) => {
        budget.step();
        if (i > 0) w.newline(indent);
        w.put('- ');
        const x = plain(e);
        // A collection in a sequence starts on the dash's line: `- - 1`, `- "a": 1`.
        if (nonEmpty(x)) block(x, indent + INDENT, depth + 1);
        else scalar(x, indent + INDENT);
      });
      return;
    }
    const o = v as Record<string, Value>;
    sortedKeys(o).forEach((k, i) => {
      budget.step();
      if (i > 0) w.newline(indent);
      if (JSON.stringify(k).length > 128) {
        // libyaml writes a long key as a complex one: `? "key"` then `: value`.
        w.put('? ');
        w.scalar(k, indent + INDENT, true);
        w.newline(indent);
      } else w.scalar(k, indent + INDENT, true);
      w.put(':');
      const x = plain(o[k]);
      if (Array.isArray(x) && x.length > 0) {
        // A sequence in a mapping is not indented ("indentless"), as libyaml writes it.
        w.newline(indent);
        block(x, indent, depth + 1);
      } else if (nonEmpty(x)) {
        w.newline(indent + INDENT);
        block(x, indent + INDENT, depth + 1);
      } else {
        w.put(' ');
        scalar(x, indent + INDENT);
      }
    });
  };
  const r = plain(root);
  if (nonEmpty(r)) block(r, 0, 0);
  else scalar(r, INDENT);
  return w.out + '\n';
}

// --- decoding ---------------------------------------------------------------------------------

interface YamlDocument {
  readonly errors: readonly { readonly message: string; readonly linePos?: readonly { line: number; col: number }[] }[];
  readonly warnings?: readonly { readonly message: string }[];
  toJS(options: object): unknown;
}

interface YamlModule {
  parseAllDocuments(src: string, options: object): YamlDocument[] | { readonly errors: YamlDocument['errors'] };
}

/** yamldecode(): one YAML document to a value. */
export function yamlDecode(text: string, budget: EvalBudget): Value {
  // The yaml package does far more per character and per call than an expression does.
  budget.step(2000 + text.length * 4);
  const yaml = load('yaml') as YamlModule;
  const parsed = yaml.parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: true, merge: false });
  const docs: readonly { readonly errors: YamlDocument['errors']; toJS?: YamlDocument['toJS'] }[] = Array.isArray(parsed) ? parsed : [parsed];
  for (const d of docs) {
    const e = d.errors[0];
    if (e) {
      const at = e.linePos?.[0];
      throw new FunctionError(`${at ? `on line ${at.line}, column ${at.col}: ` : ''}${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, 0);
    }
  }
  for (const d of docs) {
    const tag = (d as YamlDocument).warnings?.map((w) => /Unresolved tag: (\S+)/.exec(w.message)).find((m) => m);
    if (tag) throw new FunctionError(`unsupported tag ${JSON.stringify(tag[1])}`, 0);
  }
  if (docs.length === 0) return null;
  if (docs.length > 1) throw new FunctionError('unexpected extra content after value', 0);
  let js: unknown;
  try {
    // Aliases may repeat a node only so often: a "billion laughs" document is refused.
    js = (docs[0] as YamlDocument).toJS({ maxAliasCount: 100 });
  } catch (e) {
    const msg = (e as Error).message;
    if (/alias/i.test(msg) && /count|resource|excessive/i.test(msg))
      throw new FunctionError('the document uses aliases too often: they would multiply its size', 0);
    throw new FunctionError(msg, 0);
  }
  return fromYaml(js, budget, 0);
}

function fromYaml(j: unknown, budget: EvalBudget, depth: number, path: Set<object> = new Set()): Value {
  if (depth > budget.limits.maxValueDepth) throw tooDeep(budget);
  if (typeof j === 'object' && j !== null && !(j instanceof Date) && !(j instanceof Uint8Array)) {
    // An alias to an anchor inside its own definition makes a cycle; Terraform refuses it.
    if (path.has(j)) throw new FunctionError('cannot refer to an anchor from inside its own definition', 0);
    path.add(j);
    try {
      return fromYamlCollection(j, budget, depth, path);
    } finally {
      path.delete(j);
    }
  }
  return fromYamlScalar(j, budget);
}

function fromYamlScalar(j: unknown, budget: EvalBudget): Value {
  budget.step();
  if (j === null || j === undefined) return null;
  if (typeof j === 'boolean' || typeof j === 'string') return j;
  if (typeof j === 'number') {
    if (!Number.isFinite(j)) throw new FunctionError('cannot decode an infinite or not-a-number value: there is no such number here', 0);
    return j;
  }
  if (typeof j === 'bigint') {
    const n = Number(j);
    if (BigInt(n) !== j) throw new FunctionError(`${j} cannot be represented exactly: whole numbers are exact only up to 9007199254740992 (2^53)`, 0);
    return n;
  }
  if (j instanceof Date) return j.toISOString().replace(/\.000Z$/, 'Z');
  if (j instanceof Uint8Array) return Buffer.from(j).toString('base64');
  throw new FunctionError(`unsupported YAML value ${String(j)}`, 0);
}

function fromYamlCollection(j: object, budget: EvalBudget, depth: number, path: Set<object>): Value {
  budget.step();
  const sub = (v: unknown) => fromYaml(v, budget, depth + 1, path);
  if (Array.isArray(j)) return j.map(sub);
  if (j instanceof Map) return objectValue([...j].map(([k, v]) => [keyText(k), sub(v)]));
  if (j instanceof Set) return [...j].map(sub);
  const o = j as Record<string, unknown>;
  return objectValue(Object.keys(o).map((k) => [k, sub(o[k])]));
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint') return String(k);
  if (k === null) return 'null';
  throw new FunctionError('a mapping key must be a string, a number or a bool', 0);
}
