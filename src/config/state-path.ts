// Where the drctl block says the state lives (`backend "local" { path }`), read without loading
// the whole configuration: as with Terraform's backend block, a state command must work while
// the rest of the configuration is broken or needs variables. Only a path that itself uses
// variables or locals needs the whole configuration (the caller loads it then).
import * as path from 'node:path';
// parseHclBytes is not in hcl/index.ts; the rest is imported beside it for one reading of hcl.
import type { Expression } from '../hcl/ast.js';
import { parseHclBytes } from '../hcl/parser.js';
import { referencesOf } from '../hcl/references.js';
import { evaluate } from '../hcl/eval.js';
import type { Diagnostic } from '../diag/index.js';
import type { ConfigFs } from './load.js';

export type StatePathSetting =
  /** The path as written (undefined: the drctl block names none); `block`: a `backend "local"` block is written. */
  | { readonly kind: 'path'; readonly path: string | undefined; readonly block?: boolean }
  /**
   * The path uses variables or locals, or the block has a pg backend or an encryption block
   * (settings evaluated with variables): only the whole configuration can say what they are.
   */
  | { readonly kind: 'needs-config' }
  | {
      readonly kind: 'error';
      readonly problem: 'does-not-parse' | 'invalid-path';
      readonly diagnostics: readonly Diagnostic[];
      readonly sources: ReadonlyMap<string, string>;
    };

/** Reads the backend path from the *.hcl files of `dir` (`readdir` errors are the caller's). */
export function readStatePathSetting(dir: string, fs: Pick<ConfigFs, 'readdir' | 'readFile'>): StatePathSetting {
  const names = fs
    .readdir(dir)
    .filter((n) => n.endsWith('.hcl'))
    .sort();
  const sources = new Map<string, string>();
  const errors: Diagnostic[] = [];
  let pathExpr: Expression | undefined;
  // A pg backend or an encryption block needs their settings evaluated: the whole configuration.
  let otherStorage = false;
  let localBlock = false;
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = fs.readFile(file);
    sources.set(file, new TextDecoder().decode(bytes));
    const parsed = parseHclBytes(bytes, file);
    errors.push(...parsed.diagnostics.filter((d) => d.severity === 'error'));
    for (const item of parsed.body.items) {
      if (item.kind !== 'Block' || item.type !== 'drctl') continue;
      for (const inner of item.body.items) {
        if (inner.kind === 'Block' && (inner.type === 'encryption' || (inner.type === 'backend' && inner.labels[0]?.value !== 'local'))) otherStorage = true;
        if (inner.kind !== 'Block' || inner.type !== 'backend' || inner.labels[0]?.value !== 'local') continue;
        localBlock = true;
        for (const attr of inner.body.items) if (attr.kind === 'Attribute' && attr.name === 'path') pathExpr = attr.expr;
      }
    }
  }
  // A file that does not parse might hold the drctl block: guessing the default could hit the wrong state.
  if (errors.length > 0) return { kind: 'error', problem: 'does-not-parse', diagnostics: errors, sources };
  if (otherStorage) return { kind: 'needs-config' };
  if (!pathExpr) return { kind: 'path', path: undefined, block: localBlock };
  if (referencesOf(pathExpr).length === 0) {
    const r = evaluate(pathExpr, { variables: {} });
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length > 0) return { kind: 'error', problem: 'invalid-path', diagnostics: errs, sources };
    if (typeof r.value === 'string') return { kind: 'path', path: r.value, block: true };
  }
  return { kind: 'needs-config' };
}
