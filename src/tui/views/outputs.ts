// Output values as Terraform prints them: after apply ("Outputs:" and `name = value`), and for
// `drctl output` (all of them, one by name, -raw, or -json). A sensitive value is never printed:
// the plan holds it, but state keeps only its keyed hash.
export interface OutputValue {
  readonly value: unknown;
  readonly sensitive: boolean;
}

const SENSITIVE = '<sensitive>';
const BARE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A value in HCL's literal syntax, two spaces per level. */
export function renderOutputValue(v: unknown, indent = ''): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => `${inner}${renderOutputValue(x, inner)},\n`).join('')}${indent}]` : '[]';
  const keys = Object.keys(v).sort();
  if (!keys.length) return '{}';
  const names = keys.map((k) => (BARE.test(k) ? k : JSON.stringify(k)));
  const width = Math.max(...names.map((n) => n.length));
  return `{\n${keys.map((k, i) => `${inner}${names[i].padEnd(width)} = ${renderOutputValue((v as Record<string, unknown>)[k], inner)}\n`).join('')}${indent}}`;
}

/** `name = value` lines in name order, sensitive ones as <sensitive>; '' when there are none. */
export function renderOutputLines(outputs: Readonly<Record<string, OutputValue>>): string {
  const names = Object.keys(outputs).sort();
  return names.map((n) => `${n} = ${outputs[n].sensitive ? SENSITIVE : renderOutputValue(outputs[n].value)}\n`).join('');
}

/** What apply prints last: "Outputs:" and the values, or nothing when the configuration declares none. */
export function renderOutputsAfterApply(outputs: Readonly<Record<string, OutputValue>>, color: boolean): string {
  const lines = renderOutputLines(outputs);
  if (!lines) return '';
  return `\n${color ? '\u001b[1m\u001b[32mOutputs:\u001b[0m' : 'Outputs:'}\n\n${lines}`;
}

/** `drctl output -json`: {name: {sensitive, value}}, the value left out when it is sensitive. */
export function outputsToJson(outputs: Readonly<Record<string, OutputValue>>): Record<string, { sensitive: boolean; value?: unknown }> {
  const out: Record<string, { sensitive: boolean; value?: unknown }> = {};
  for (const n of Object.keys(outputs).sort()) out[n] = outputs[n].sensitive ? { sensitive: true } : { sensitive: false, value: outputs[n].value };
  return out;
}
