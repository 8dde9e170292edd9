// Canonical JSON: object keys sorted by code unit (locale independent), so the same data always
// gives the same bytes and `git diff` of a state file shows only what changed. Also a small
// scanner that finds where invalid JSON goes wrong, because V8's JSON.parse messages do not
// reliably carry a position.

import type { Pos } from '../diag/index.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Canonical text of a JSON-like value: object keys in canonical order, `undefined` properties
 * left out (as JSON.stringify does). `indent` 2 pretty-prints, 0 gives one line. Values JSON
 * cannot represent faithfully (NaN, Infinity, bigint, functions, Map, Set, class instances
 * without toJSON) are bugs and throw a TypeError naming where they were.
 */
export function canonicalJson(value: unknown, indent: 0 | 2 = 0): string {
  return JSON.stringify(canonicalValue(value), null, indent === 2 ? 2 : undefined);
}

/** A deep copy holding only JSON data (drops undefined properties; throws like canonicalJson). */
export function toJsonValue(value: unknown): JsonValue {
  return JSON.parse(canonicalJson(value)) as JsonValue;
}

/**
 * The value with every object's keys in canonical order: code-unit order, except that keys
 * which are array indices ("0", "42") come first in numeric order, because that is how every
 * JavaScript engine iterates them whatever the insertion order. Returns the value itself when it
 * is already canonical (the common case for state read from a file), so printing a large state
 * allocates little; otherwise copies only the objects that need it.
 */
export function canonicalValue(value: unknown, path = '$'): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot be stored as JSON`);
      return value;
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} cannot be stored as JSON`);
  }
  if (value === null) return null;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalValue(withToJson.toJSON(), path);
  if (Array.isArray(value)) {
    let copy: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      const next = item === undefined ? null : canonicalValue(item, `${path}[${i}]`);
      if (next !== item && !copy) copy = value.slice(0, i) as JsonValue[];
      if (copy) copy.push(next);
    }
    return copy ?? (value as JsonValue[]);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (value as object).constructor?.name ?? 'object';
    throw new TypeError(`${path}: a ${kind} cannot be stored as JSON; convert it to plain data`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let changed = false;
  const children: Array<JsonValue | undefined> = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const item = record[keys[i]];
    if (item === undefined) {
      changed = true;
      continue;
    }
    const next = canonicalValue(item, `${path}.${keys[i]}`);
    children[i] = next;
    // Engines list index keys first; among the rest insertion order must be code-unit order.
    if (next !== item || (i > 0 && keys[i - 1] > keys[i] && !isIndexKey(keys[i - 1]))) changed = true;
  }
  if (!changed) return record as JsonObject;
  const order = keys.map((k, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const copy: JsonObject = {};
  for (const i of order) if (children[i] !== undefined) copy[keys[i]] = children[i]!;
  return copy;
}

function isIndexKey(key: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** Line and column (from 1, in characters) and UTF-8 byte offset (from 0) of a string index. */
export function positionAt(text: string, index: number): Pos {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = [...text.slice(lineStart, index)].length + 1;
  return { line, column, byte: Buffer.byteLength(text.slice(0, index), 'utf8') };
}

export interface JsonSyntaxProblem {
  /** String index of the offending character (text.length for an unexpected end). */
  readonly index: number;
  readonly message: string;
}

/**
 * Finds the first JSON syntax error in `text`, or undefined when it is valid. Only used after
 * JSON.parse failed, so it favours clear messages over speed. Iterative: deep nesting is fine.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): JsonSyntaxProblem => ({ index: at, message });
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (at: number) => (at >= n ? 'end of file' : `'${text[at]}'`);

  const scanString = (): JsonSyntaxProblem | undefined => {
    const start = i;
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail(c === 0x0a ? 'Unterminated string (a string cannot span lines)' : 'Control character in string; escape it');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('Invalid \\u escape: expected four hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return fail(`Invalid escape '\\${e ?? ''}' in string`);
        i += 2;
        continue;
      }
      i++;
    }
    return fail('Unterminated string', start);
  };

  const scanScalar = (): JsonSyntaxProblem | undefined => {
    const c = text[i];
    if (c === '"') return scanString();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '-' && m[0].length > 0) {
      i += m[0].length;
      return undefined;
    }
    if (c === "'") return fail("Strings must use double quotes");
    return fail(`Expected a value but found ${describe(i)}`);
  };

  // Each open container on the stack: '{' expects a key next, ':' a value after a key, '[' a value.
  const stack: Array<'{' | '['> = [];
  skipSpace();
  if (i >= n) return fail('The file is empty');
  for (;;) {
    skipSpace();
    // Parse one value (opening containers push and continue with their first member).
    if (text[i] === '{' || text[i] === '[') {
      const open = text[i] as '{' | '[';
      i++;
      skipSpace();
      const close = open === '{' ? '}' : ']';
      if (text[i] === close) {
        i++;
      } else {
        stack.push(open);
        if (open === '{') {
          if (text[i] !== '"') return fail(`Expected a property name in double quotes but found ${describe(i)}`);
          const p = scanString();
          if (p) return p;
          skipSpace();
          if (text[i] !== ':') return fail(`Expected ':' after property name but found ${describe(i)}`);
          i++;
        }
        continue;
      }
    } else {
      if (i >= n) return fail('Unexpected end of file: a value is missing');
      const p = scanScalar();
      if (p) return p;
    }
    // After a complete value: close containers or move to the next member.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < n ? fail(`Unexpected ${describe(i)} after the end of the JSON document`) : undefined;
      }
      const close = top === '{' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') {
        return fail(`Expected ',' or '${close}' but found ${describe(i)}`);
      }
      const comma = i;
      i++;
      skipSpace();
      if (text[i] === close) return fail(`Trailing comma before '${close}' is not allowed in JSON`, comma);
      if (top === '{') {
        if (text[i] !== '"') return fail(`Expected a property name in double quotes but found ${describe(i)}`);
        const p = scanString();
        if (p) return p;
        skipSpace();
        if (text[i] !== ':') return fail(`Expected ':' after property name but found ${describe(i)}`);
        i++;
      }
      break;
    }
  }
}
