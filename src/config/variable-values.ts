// The values of input variables: declarations (type, default, sensitive, nullable) against the
// inputs (environment, then -var-file and -var in order), converted and validated, then put in scope.
import type { Attribute, Range } from '../hcl/ast.js';
import { parseHcl, parseHclBytes } from '../hcl/parser.js';
import { evaluate, type Scope } from '../hcl/eval.js';
import { inexactNumber, isUnknown, objectValue, sensitive as markSensitive, type Value } from '../hcl/value.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import type { CheckedBody } from './body.js';
import {
  ANY_TYPE,
  convertToVarType,
  describeSource,
  describeVarType,
  parseVarArg,
  readTypeExpr,
  undeclaredVarDiag,
  varsFromEnv,
  type RawVarValue,
  type VarType,
} from './variables.js';
import type { Variable } from './model.js';
import type { Declaration } from './declarations.js';
import { setScope, type EvalContext } from './scope.js';
import { MAX_SOURCE_BYTES, unreadable } from './sources.js';
import { MAX_DEPTH } from '../hcl/parse-core.js';

/** Variable inputs in command-line order: later ones win, as in Terraform. */
export type VarInput = { readonly kind: 'var'; readonly arg: string } | { readonly kind: 'file'; readonly path: string };

const utf8 = new TextDecoder('utf-8');

export function evaluateVariables(
  decls: ReadonlyMap<string, Declaration>,
  checked: ReadonlyMap<string, CheckedBody>,
  opts: { readonly vars?: readonly VarInput[]; readonly env?: Readonly<Record<string, string | undefined>> },
  ctx: EvalContext,
): Map<string, Variable> {
  const { diags } = ctx;
  const declared = new Map<
    string,
    { d: Declaration; type: VarType; sensitive: boolean; nullable: boolean; description?: string; default?: Value; badDefault?: boolean }
  >();
  for (const d of decls.values()) {
    if (d.kind !== 'var') continue;
    const body = checked.get(d.address);
    if (!body) continue;
    const typeAttr = body.attrs.get('type');
    const type = typeAttr ? (readTypeExpr(typeAttr.expr, diags) ?? ANY_TYPE) : ANY_TYPE;
    const constOf = (name: string): Value | undefined => {
      const a = body.attrs.get(name);
      if (!a) return undefined;
      const r = evaluate(a.expr, { variables: Object.create(null) });
      if (r.diagnostics.length) {
        diags.push(
          errorDiag(
            'Variables not allowed',
            `The ${name} of variable "${d.name}" must be a literal value: it cannot refer to other variables, locals or blocks.`,
            a.expr.range,
          ),
        );
        return undefined;
      }
      return r.value;
    };
    const sens = constOf('sensitive') === true;
    const nullable = constOf('nullable') !== false;
    const desc = constOf('description');
    const def = body.attrs.has('default') ? constOf('default') : undefined;
    let defaultValue: Value | undefined;
    if (def !== undefined) {
      const r = convertToVarType(def, type);
      if ('error' in r) {
        diags.push(
          errorDiag(
            'Invalid default value for variable',
            `The default value of variable "${d.name}" does not match its type ${describeVarType(type)}: ${r.error}.`,
            body.attrs.get('default')!.expr.range,
          ),
        );
      } else defaultValue = r.value;
    }
    const badDefault = body.attrs.has('default') && defaultValue === undefined;
    declared.set(d.name, { d, type, sensitive: sens, nullable, description: typeof desc === 'string' ? desc : undefined, default: defaultValue, badDefault });
  }

  // Inputs: environment first, then -var-file and -var in command-line order.
  const inputs: RawVarValue[] = [...varsFromEnv(opts.env ?? {})];
  const diagsBeforeInputs = diags.length;
  for (const input of opts.vars ?? []) {
    if (input.kind === 'var') {
      const v = parseVarArg(input.arg, diags);
      if (v) inputs.push(v);
    } else inputs.push(...readVarFile(input.path, ctx));
  }
  // A variables file that could not be read may have held any value: "no value" would mislead.
  const inputsFailed = diags.slice(diagsBeforeInputs).some((d) => d.severity === 'error');
  const given = new Map<string, RawVarValue>();
  for (const v of inputs) {
    if (!declared.has(v.name)) {
      const dg = undeclaredVarDiag(v, declared.keys());
      if (dg) diags.push(dg);
      continue;
    }
    given.set(v.name, v);
  }

  const out = new Map<string, Variable>();
  for (const [name, decl] of declared) {
    const input = given.get(name);
    let value: Value;
    if (input) {
      const raw = typeof input.raw === 'string' ? parseRawVar(input.raw, decl.type, input, diags, ctx) : input.raw.value;
      if (raw === undefined) continue;
      const r = convertToVarType(raw, decl.type);
      if ('error' in r) {
        diags.push(
          errorDiag(
            'Invalid value for input variable',
            `The value for variable "${name}" from ${describeSource(input.source)} is not valid: ${r.error} (the type is ${describeVarType(decl.type)}).`,
            input.source.kind === 'file' ? input.source.range : undefined,
          ),
        );
        continue;
      }
      value = r.value;
    } else if (decl.default !== undefined) {
      value = decl.default;
    } else if (decl.badDefault || inputsFailed) {
      continue; // the invalid default or the unreadable input was reported; "no value" would mislead.
    } else {
      diags.push(
        errorDiag(
          'No value for required variable',
          `The variable "${name}" has no default, so a value is required. Set it with -var "${name}=…", in a -var-file, or with the environment variable DRCTL_VAR_${name}.`,
          decl.d.declRange,
        ),
      );
      continue;
    }
    if (value === null && !decl.nullable) {
      diags.push(errorDiag('Required variable not set', `The variable "${name}" is not nullable, but its value is null.`, decl.d.declRange));
      continue;
    }
    if (decl.sensitive) value = markSensitive(value);
    checkValidations(decl.d, checked.get(decl.d.address), value, ctx);
    out.set(name, { name, value, sensitive: decl.sensitive, description: decl.description, range: decl.d.declRange });
    setScope(ctx, 'var', name, value);
  }
  return out;
}

function parseRawVar(raw: string, type: VarType, input: RawVarValue, diags: Diagnostic[], ctx: EvalContext): Value | undefined {
  // As Terraform does: primitive types take the text as it is; complex ones parse it as HCL.
  if (type.kind === 'string' || type.kind === 'number' || type.kind === 'bool' || type.kind === 'any') return raw;
  const where = input.source.kind === 'env' ? input.source.name : '<value for var.' + input.name + '>';
  const parsed = parseHcl(`v = ${raw}\n`, where);
  const attr = parsed.body.items[0];
  if (parsed.diagnostics.length || !attr || attr.kind !== 'Attribute') {
    diags.push(
      errorDiag(
        'Invalid value for input variable',
        `The value for variable "${input.name}" from ${describeSource(input.source)} is not valid HCL for the type ${describeVarType(type)}: ${parsed.diagnostics[0]?.summary ?? 'expected one expression'}. Write it as HCL, e.g. ["a", "b"] or { key = "value" }.`,
      ),
    );
    return undefined;
  }
  // Functions run here too, under the load's limits: a -var is as untrusted as a file.
  const r = evaluate(attr.expr, { variables: Object.create(null), budget: ctx.budget, now: ctx.now });
  if (r.diagnostics.length) {
    const first = r.diagnostics[0];
    diags.push(
      errorDiag(
        'Invalid value for input variable',
        `The value for variable "${input.name}" from ${describeSource(input.source)} must be a constant: ${first.summary}${first.detail?.includes('docs/limits.md') ? `. ${first.detail.replace(/\.$/, '')}` : ''}.`,
      ),
    );
    return undefined;
  }
  return r.value;
}

function readVarFile(file: string, ctx: EvalContext): RawVarValue[] {
  let bytes: Uint8Array;
  try {
    bytes = ctx.fs.readFile(file, MAX_SOURCE_BYTES);
    if (bytes.length > MAX_SOURCE_BYTES) throw Object.assign(new Error('file too large'), { code: 'EFBIG' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    ctx.diags.push(
      errorDiag(
        'Cannot read variables file',
        code === 'ENOENT' ? `Reading the -var-file "${file}" failed: no such file. Check the path.` : `${unreadable(file, e)} Check the -var-file path.`,
      ),
    );
    return [];
  }
  const out: RawVarValue[] = [];
  if (file.endsWith('.json')) {
    const text = utf8.decode(bytes);
    // JSON.parse copes with deep nesting, but everything after it recurses; and it rounds big
    // numbers silently. Refuse both here, where the file and line can still be named.
    const problem = checkJsonText(text, MAX_DEPTH);
    if (problem !== undefined) {
      const at = positionIn(text, file, problem.at);
      ctx.diags.push(
        errorDiag(
          problem.why === undefined ? 'Variables file too deeply nested' : 'Number out of range',
          problem.why === undefined
            ? `${file} nests lists and objects more than ${MAX_DEPTH} levels deep here. Values this deep are refused (docs/limits.md); flatten the structure.`
            : `${problem.why}. Write a smaller number, or a string if it is an identifier.`,
          { filename: file, start: at, end: at },
        ),
      );
      return [];
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      ctx.diags.push(errorDiag('Invalid variables file', `${file} is not valid JSON: ${(e as Error).message}.`));
      return [];
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      ctx.diags.push(errorDiag('Invalid variables file', `${file} must hold a JSON object of variable values.`));
      return [];
    }
    for (const [k, v] of Object.entries(obj)) out.push({ name: k, raw: { value: v as Value }, source: { kind: 'file', range: jsonKeyRange(text, file, k) } });
    return out;
  }
  const parsed = parseHclBytes(bytes, file);
  ctx.diags.push(...parsed.diagnostics);
  for (const item of parsed.body.items) {
    if (item.kind === 'Block') {
      ctx.diags.push(
        errorDiag('Unexpected block in variables file', `A variables file holds only name = value lines; remove the ${item.type} block.`, item.typeRange),
      );
      continue;
    }
    const r = evaluate(item.expr, { variables: Object.create(null) });
    if (r.diagnostics.length) {
      ctx.diags.push(
        errorDiag('Variables not allowed', `Values in a variables file must be constants; "${item.name}" refers to something else.`, item.expr.range),
      );
      continue;
    }
    out.push({ name: item.name, raw: { value: r.value }, source: { kind: 'file', range: item.nameRange } });
  }
  return out;
}

/** Where `"key":` is written in a JSON variables file (its first occurrence), so messages can name the line. */
function jsonKeyRange(text: string, file: string, key: string): Range {
  const quoted = JSON.stringify(key);
  const m = new RegExp(`${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).exec(text);
  const at = m ? m.index : 0;
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: [...before.slice(before.lastIndexOf('\n') + 1)].length + 1, byte: new TextEncoder().encode(before).length };
  };
  return { filename: file, start: pos(at), end: pos(m ? at + quoted.length : 0) };
}

function checkValidations(d: Declaration, body: CheckedBody | undefined, value: Value, ctx: EvalContext): void {
  for (const v of body?.blocks.get('validation') ?? []) {
    const cond = v.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === 'condition');
    const msg = v.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === 'error_message');
    if (!cond) continue;
    const scope: Scope = { variables: objectValue([['var', objectValue([[d.name, value]])]]), budget: ctx.budget, now: ctx.now };
    const r = evaluate(cond.expr, scope);
    if (r.diagnostics.length) {
      ctx.diags.push(...r.diagnostics);
      continue;
    }
    if (isUnknown(r.value)) continue;
    if (typeof r.value !== 'boolean') {
      ctx.diags.push(errorDiag('Invalid validation condition', `The condition for variable "${d.name}" must be true or false.`, cond.expr.range));
      continue;
    }
    if (!r.value) {
      const text = msg ? evaluate(msg.expr, scope).value : undefined;
      ctx.diags.push(
        errorDiag(
          'Invalid value for variable',
          `${typeof text === 'string' ? text : `The value of variable "${d.name}" failed its validation.`}\n\nThis was checked by the validation rule at ${cond.range.filename}:${cond.range.start.line}.`,
          d.declRange,
          cond.expr.range,
        ),
      );
    }
  }
}

/** Where JSON text first nests deeper than `max` or has a number a double cannot hold exactly. */
function checkJsonText(text: string, max: number): { at: number; why?: string } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* backslash */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return { at: i };
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
    else if ((c >= 48 && c <= 57) || c === 45 /* - */) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const raw = text.slice(i, j);
      const why = inexactNumber(raw, Number(raw));
      if (why !== undefined) return { at: i, why };
      i = j - 1;
    }
  }
  return undefined;
}

/** Line, column (in characters) and UTF-8 byte offset of string offset `at`. */
function positionIn(text: string, _file: string, at: number): { line: number; column: number; byte: number } {
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let k = before.indexOf('\n'); k >= 0; k = before.indexOf('\n', k + 1)) line++;
  return { line, column: [...before.slice(lineStart)].length + 1, byte: Buffer.byteLength(before) };
}
