// IBM's PowerVS API as the contract: fixtures/powervs-api (power-go-client's operations and
// models) turned into route matchers and JSON schemas (ajv). Request bodies are checked strictly:
// required fields present, no field the model lacks. Answers the same way: a success status the
// operation declares, and a body of its model with no field the model lacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/powervs-api');

interface Field {
  readonly type: string;
  readonly required: boolean;
}
export interface SpecOp {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly body: string | null;
  readonly responses: Readonly<Record<string, string | null>>;
}
interface Spec {
  readonly ops: SpecOp[];
  readonly models: Record<string, Record<string, Field>>;
}
interface Types {
  readonly aliases: Record<string, string>;
  readonly embedded: Record<string, string[]>;
  readonly constraints: { Tags: { maxItems: number; items: { maxLength: number; pattern: string } } };
}
interface Corrections {
  readonly ops: { id: string; body: string | null; responses: Record<string, string | null> }[];
}

const read = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as T;

/** Go's RFC 3339 date-time (strfmt.DateTime), as a pattern (ajv alone has no formats). */
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

export class PowerVsContract {
  readonly ops: readonly SpecOp[];
  private readonly spec: Spec;
  private readonly types: Types;
  private readonly matchers: { op: SpecOp; re: RegExp; names: string[] }[];
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.spec = read<Spec>('spec.json');
    this.types = read<Types>('types.json');
    const fixes = new Map(read<Corrections>('corrections.json').ops.map((o) => [o.id, o]));
    this.ops = this.spec.ops.map((o) => {
      const f = fixes.get(o.id);
      return f ? { ...o, body: f.body, responses: f.responses } : o;
    });
    this.matchers = this.ops.map((op) => {
      const names: string[] = [];
      const re = new RegExp(
        `^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        })}$`,
      );
      return { op, re, names };
    });
  }

  /** The operation with this method and path template, exactly as the spec writes it. */
  operation(method: string, template: string): SpecOp | undefined {
    return this.ops.find((o) => o.method === method && o.path === template);
  }

  /** The operation a concrete request path is (without the region prefix). */
  match(method: string, concrete: string): SpecOp | undefined {
    return this.matchers.find((m) => m.op.method === method && m.re.test(concrete))?.op;
  }

  /** Field names of a model, with those of models it embeds. */
  fields(model: string): Record<string, Field> {
    const own = this.spec.models[model];
    if (!own) throw new Error(`no model ${model} in the spec`);
    const out: Record<string, Field> = {};
    for (const e of this.types.embedded[model] ?? []) Object.assign(out, this.fields(e));
    for (const [k, v] of Object.entries(own)) if (k !== '-') out[k] = v;
    return out;
  }

  private schemaOfType(goType: string): Record<string, unknown> {
    let t = goType.replace(/^\*/, '');
    if (t.startsWith('[]')) return { type: 'array', items: this.schemaOfType(t.slice(2)) };
    if (t.startsWith('map[string]')) return { type: 'object', additionalProperties: this.schemaOfType(t.slice('map[string]'.length)) };
    switch (t) {
      case 'string':
      case 'strfmt.UUID':
      case 'strfmt.IPv4':
      case 'strfmt.URI':
      case 'strfmt.Email':
      case 'strfmt.CIDR':
      case 'strfmt.Base64':
      case 'strfmt.Date':
        return { type: 'string' };
      case 'strfmt.DateTime':
        return { type: 'string', pattern: DATE_TIME };
      case 'bool':
        return { type: 'boolean' };
      case 'int64':
      case 'int32':
      case 'int':
      case 'uint64':
        return { type: 'integer' };
      case 'float64':
      case 'float32':
        return { type: 'number' };
      case 'any':
      case 'interface{}':
        return {};
    }
    if (t === 'Tags') {
      const c = this.types.constraints.Tags;
      return { type: 'array', maxItems: c.maxItems, items: { type: 'string', maxLength: c.items.maxLength, pattern: c.items.pattern } };
    }
    const alias = this.types.aliases[t];
    if (alias !== undefined) return this.schemaOfType(alias);
    t = t.replace(/^models\./, '');
    if (!this.spec.models[t]) throw new Error(`unknown Go type ${goType}`);
    return { $ref: `#/$defs/${t}` };
  }

  /** A JSON schema of a model with everything it refers to: no field beyond the model's, required ones present. */
  private schemaOf(model: string): Record<string, unknown> {
    const defs: Record<string, unknown> = {};
    const pending = [model];
    while (pending.length) {
      const m = pending.pop()!;
      if (defs[m]) continue;
      const fields = this.fields(m);
      const properties: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(fields)) {
        properties[k] = this.schemaOfType(f.type);
        for (const ref of JSON.stringify(properties[k]).matchAll(/"#\/\$defs\/(\w+)"/g)) pending.push(ref[1]);
      }
      // `json:"-"` additional-properties maps (VolumeGroupAction) carry no JSON field of their own.
      defs[m] = {
        type: 'object',
        properties,
        required: Object.entries(fields)
          .filter(([, f]) => f.required)
          .map(([k]) => k),
        additionalProperties: false,
      };
    }
    return { $ref: `#/$defs/${model}`, $defs: defs };
  }

  /** The schema of a named body or answer type: a model, an alias of one (PVMInstanceList), or Object. */
  validator(typeName: string): ValidateFunction {
    let v = this.validators.get(typeName);
    if (!v) {
      const schema =
        typeName === 'Object'
          ? { type: 'object' }
          : this.spec.models[typeName]
            ? this.schemaOf(typeName)
            : { ...this.schemaOfType(typeName), $defs: (this.schemaOf(this.aliasTarget(typeName)) as { $defs: unknown }).$defs };
      v = this.ajv.compile(schema);
      this.validators.set(typeName, v);
    }
    return v;
  }

  private aliasTarget(typeName: string): string {
    return (this.types.aliases[typeName] ?? '').replace(/^[[\]*]+/, '').replace(/^\[\]\*?/, '');
  }

  /** Problems with a body against a type, as short lines; none when it conforms. */
  problems(typeName: string, body: unknown): string[] {
    const v = this.validator(typeName);
    if (v(body)) return [];
    return (v.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`,
    );
  }
}
