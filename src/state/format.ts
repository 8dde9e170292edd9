// The state file format: a versioned JSON envelope written for people as much as for programs.
// Serialising and storing are separate steps (encryption at rest will sit between them).
// Reading detects the format version, upgrades older documents step by step to the current
// one, then decodes that into the in-memory DrState. docs/state.md describes every version.

import { canonicalJson, canonicalValue, findJsonSyntaxError, positionAt, type JsonObject, type JsonValue } from './json.js';
import { StateUnusableError, type UnusableReason } from './errors.js';
import { isRedacted, parseAttributePath, redact, redactAttributes } from './sensitive.js';
import { compareAddresses, type DrState, type StateOutput, type StateResource } from './types.js';

export const STATE_FORMAT_VERSION = 1;

/** Field order of the envelope and of each resource record (data inside them is key-sorted). */
const ENVELOPE_KEYS = ['version', 'serial', 'lineage', 'drctl_version', 'resources', 'lifecycles', 'outputs'] as const;
/** toResourceRecord builds records in this order. */
const RESOURCE_KEYS = ['address', 'type', 'name', 'id', 'attributes', 'dependencies', 'sensitive_attributes'] as const;

/** A resource as it appears in the file (and in journal records). */
export interface ResourceRecord {
  address: string;
  type: string;
  name: string;
  id: string;
  attributes: JsonObject;
  dependencies: string[];
  sensitive_attributes: string[];
}

export function toResourceRecord(resource: StateResource, lineage: string): ResourceRecord {
  const sensitive = sortedUnique(resource.sensitiveAttributes);
  return {
    address: resource.address,
    type: resource.type,
    name: resource.name,
    id: resource.id,
    attributes: redactAttributes(resource.attributes as JsonObject, sensitive, lineage, resource.address),
    dependencies: sortedUnique(resource.dependencies),
    sensitive_attributes: sensitive,
  };
}

/** The output as stored: a sensitive value becomes its marker. */
export function storedOutput(name: string, output: StateOutput, lineage: string): StateOutput {
  if (!output.sensitive || isRedacted(output.value)) return output;
  return { sensitive: true, value: redact(lineage, `output.${name}`, '', output.value) as unknown as JsonValue };
}

/**
 * The file text: envelope fields in a fixed order, resources sorted by address, every object key
 * inside data sorted, 2-space indent, trailing newline. Same state in, same bytes out.
 * Throws (a bug) for duplicate addresses or values JSON cannot hold.
 */
export function serializeState(state: DrState): string {
  const resources = sortResources(state.resources);
  for (let i = 1; i < resources.length; i++) {
    if (resources[i].address === resources[i - 1].address) throw new Error(`serializeState: duplicate resource address "${resources[i].address}"`);
  }
  const outputs: Record<string, StateOutput> = {};
  for (const name of Object.keys(state.outputs)) outputs[name] = storedOutput(name, state.outputs[name], state.lineage);
  // Insertion order gives the fixed field order; canonicalValue sorts the data inside.
  const envelope = {
    version: STATE_FORMAT_VERSION,
    serial: state.serial,
    lineage: state.lineage,
    drctl_version: state.drctlVersion,
    resources: resources.map((resource, i) => {
      const record = toResourceRecord(resource, state.lineage);
      record.attributes = canonicalValue(record.attributes, `resources[${i}].attributes`) as JsonObject;
      return record;
    }),
    lifecycles: canonicalValue(state.lifecycles, 'lifecycles'),
    outputs: canonicalValue(outputs, 'outputs'),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/**
 * The content that decides whether anything changed: the canonical text with the serial and the
 * writer's version blanked, so neither a re-run nor a drctl upgrade alone rewrites the file.
 */
export function stateContentKey(state: DrState): string {
  return serializeState({ ...state, serial: 0, drctlVersion: '' });
}

export type ParseStateResult =
  | { readonly ok: true; readonly state: DrState; /** The version the text was in (older ones were migrated). */ readonly formatVersion: number }
  | { readonly ok: false; readonly error: StateUnusableError };

/** Reads state text of any known format version. `location` names the source in errors. */
export function parseState(text: string, location: string): ParseStateResult {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return { ok: false, error: syntaxError(text, location) };
  }
  try {
    const { document, formatVersion } = upgradeToCurrent(root, location);
    return { ok: true, state: decodeV1(document, location), formatVersion };
  } catch (error) {
    if (error instanceof StateUnusableError) return { ok: false, error };
    throw error;
  }
}

function syntaxError(text: string, location: string): StateUnusableError {
  const marker = /^(<{7}|={7}|>{7})(?: |$)/m.exec(text);
  if (marker) {
    return new StateUnusableError(
      'merge-conflict',
      location,
      'Unresolved merge conflict',
      'The file still holds git conflict markers. Resolve the conflict (keep one side: the state must match what is really deployed; the higher serial is usually the newer run), then run the command again.',
      positionAt(text, marker.index),
    );
  }
  const problem = findJsonSyntaxError(text) ?? { index: 0, message: 'The file is not valid JSON' };
  return new StateUnusableError(
    'syntax',
    location,
    'Invalid JSON',
    `${problem.message}. The state file must be valid JSON; if it was edited by hand, fix the edit or restore the ".backup" beside it.`,
    positionAt(text, problem.index),
  );
}

// ---------------------------------------------------------------- version detection and upgrades

/** Detects the version and upgrades older documents one step at a time to the current format. */
function upgradeToCurrent(root: unknown, location: string): { document: JsonObject; formatVersion: number } {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw unusable('not-an-object', location, 'Not a state document', 'A drctl state file is a JSON object with "version", "serial" and "lineage".');
  }
  const doc = root as JsonObject;
  if ('terraform_version' in doc) {
    throw unusable('not-drctl', location, 'Not a drctl state file', 'This looks like a Terraform state file. drctl keeps its own state; point it at a drctl state file.');
  }
  let version: number;
  if ('version' in doc) {
    const v = doc.version;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw unusable('unknown-format', location, 'Unknown format version', `"version" must be a whole number, found ${canonicalJson(v)}.`);
    }
    version = v;
  } else if (doc.format === 'drctl-state') {
    version = 0;
  } else {
    throw unusable('unknown-format', location, 'Unknown state format', 'The document has no "version" field, so drctl cannot tell which format it is in.');
  }
  if (version > STATE_FORMAT_VERSION) {
    const by = typeof doc.drctl_version === 'string' && doc.drctl_version ? ` by drctl ${doc.drctl_version}` : '';
    throw unusable(
      'future-version',
      location,
      'State from a newer drctl',
      `The state was written in format ${version}${by}; this drctl reads formats 0 to ${STATE_FORMAT_VERSION}. Upgrade drctl; do not edit or downgrade the file.`,
    );
  }
  let document = doc;
  for (let v = version; v < STATE_FORMAT_VERSION; v++) document = UPGRADES[v](document, location);
  return { document, formatVersion: version };
}

/** UPGRADES[n] turns a format-n document into a format-(n+1) document. */
const UPGRADES: ReadonlyArray<(doc: JsonObject, location: string) => JsonObject> = [upgradeV0ToV1];

/**
 * Format 0 (drctl before 0.1): resources were an object keyed by address, with "depends_on",
 * no type/name fields, no lifecycles, outputs as bare values, and no record of the writer.
 */
function upgradeV0ToV1(doc: JsonObject, location: string): JsonObject {
  const read = new FieldReader(location);
  read.onlyKeys(doc, ['format', 'version', 'serial', 'lineage', 'resources', 'outputs'], '');
  const resourcesIn = doc.resources ?? {};
  const map = read.object(resourcesIn, 'resources');
  const resources: JsonValue[] = [];
  for (const address of Object.keys(map).sort(compareAddresses)) {
    const path = `resources[${JSON.stringify(address)}]`;
    const entry = read.object(map[address], path);
    read.onlyKeys(entry, ['id', 'attributes', 'depends_on'], path);
    const dot = address.indexOf('.');
    if (dot <= 0 || dot === address.length - 1) read.fail(path, `the address must be "type.name", found ${JSON.stringify(address)}`);
    resources.push({
      address,
      type: address.slice(0, dot),
      name: address.slice(dot + 1),
      id: entry.id ?? null,
      attributes: entry.attributes ?? {},
      dependencies: entry.depends_on ?? [],
      sensitive_attributes: [],
    });
  }
  const outputs: JsonObject = {};
  const outputsIn = read.object(doc.outputs ?? {}, 'outputs');
  for (const name of Object.keys(outputsIn)) outputs[name] = { value: outputsIn[name], sensitive: false };
  return {
    version: 1,
    serial: doc.serial ?? null,
    lineage: doc.lineage ?? null,
    drctl_version: '',
    resources,
    lifecycles: {},
    outputs,
  };
}

// ---------------------------------------------------------------- the current format

function decodeV1(doc: JsonObject, location: string): DrState {
  const read = new FieldReader(location);
  read.onlyKeys(doc, ENVELOPE_KEYS, '');
  const lineage = doc.lineage;
  if (typeof lineage !== 'string' || lineage.trim() === '') {
    throw unusable(
      'missing-lineage',
      location,
      'Missing lineage',
      'Every state has a "lineage" (a random id fixed at creation) that tells unrelated states apart. Restore the ".backup" beside the file, or copy the lineage from an earlier version in version control.',
    );
  }
  const serial = doc.serial;
  if (typeof serial !== 'number' || !Number.isSafeInteger(serial) || serial < 0) {
    throw unusable('invalid-serial', location, 'Invalid serial', `"serial" must be a whole number ≥ 0, found ${canonicalJson(serial ?? null)}.`);
  }
  const drctlVersion = doc.drctl_version === undefined ? '' : read.string(doc.drctl_version, 'drctl_version');

  const list = read.array(doc.resources, 'resources');
  const resources: StateResource[] = new Array(list.length);
  let sorted = true;
  for (let i = 0; i < list.length; i++) {
    resources[i] = decodeResource(read, list[i], `resources[${i}]`);
    if (i > 0 && compareAddresses(resources[i - 1].address, resources[i].address) > 0) sorted = false;
  }
  // Hand-merged files may be out of order; accept them, the next write restores the order.
  if (!sorted) resources.sort((a, b) => compareAddresses(a.address, b.address));
  for (let i = 1; i < resources.length; i++) {
    if (resources[i].address === resources[i - 1].address) {
      throw unusable(
        'duplicate-address',
        location,
        'Duplicate resource address',
        `"${resources[i].address}" appears more than once in "resources". Keep the entry that matches what is deployed and delete the other.`,
      );
    }
  }

  const lifecycles = read.object(doc.lifecycles ?? {}, 'lifecycles');
  const outputsIn = read.object(doc.outputs ?? {}, 'outputs');
  const outputs: Record<string, StateOutput> = {};
  for (const name of Object.keys(outputsIn)) {
    const path = `outputs.${name}`;
    const o = read.object(outputsIn[name], path);
    read.onlyKeys(o, ['value', 'sensitive'], path);
    if (!('value' in o)) read.fail(path, 'an output needs a "value"');
    outputs[name] = { value: o.value, sensitive: o.sensitive === undefined ? false : read.boolean(o.sensitive, `${path}.sensitive`) };
  }
  return { serial, lineage, drctlVersion, resources, lifecycles, outputs };
}

function decodeResource(read: FieldReader, value: JsonValue, path: string): StateResource {
  const r = read.object(value, path);
  read.onlyKeys(r, RESOURCE_KEYS, path);
  const address = read.nonEmptyString(r.address, `${path}.address`);
  const sensitiveAttributes = r.sensitive_attributes === undefined ? [] : read.stringArray(r.sensitive_attributes, `${path}.sensitive_attributes`);
  for (const p of sensitiveAttributes) {
    if (!parseAttributePath(p)) read.fail(`${path}.sensitive_attributes`, `${JSON.stringify(p)} is not an attribute path like "credentials.token"`);
  }
  return {
    address,
    type: read.nonEmptyString(r.type, `${path}.type`),
    name: read.nonEmptyString(r.name, `${path}.name`),
    id: read.string(r.id, `${path}.id`),
    attributes: read.object(r.attributes, `${path}.attributes`),
    dependencies: r.dependencies === undefined ? [] : sortedUnique(read.stringArray(r.dependencies, `${path}.dependencies`)),
    sensitiveAttributes: sortedUnique(sensitiveAttributes),
  };
}

/** Shape checks that fail with an "invalid-field" error naming the JSON path. */
class FieldReader {
  constructor(private readonly location: string) {}

  fail(path: string, message: string): never {
    throw unusable('invalid-field', this.location, `Invalid field "${path || '(top level)'}"`, `At ${path || 'the top level'}: ${message}.`);
  }

  object(value: JsonValue | undefined, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `expected an object, found ${kindOf(value)}`);
    return value;
  }

  array(value: JsonValue | undefined, path: string): JsonValue[] {
    if (!Array.isArray(value)) this.fail(path, `expected a list, found ${kindOf(value)}`);
    return value;
  }

  string(value: JsonValue | undefined, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, found ${kindOf(value)}`);
    return value;
  }

  nonEmptyString(value: JsonValue | undefined, path: string): string {
    const s = this.string(value, path);
    if (s === '') this.fail(path, 'must not be empty');
    return s;
  }

  boolean(value: JsonValue | undefined, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, found ${kindOf(value)}`);
    return value;
  }

  stringArray(value: JsonValue | undefined, path: string): string[] {
    const list = this.array(value, path);
    list.forEach((item, i) => this.nonEmptyString(item, `${path}[${i}]`));
    return list as string[];
  }

  onlyKeys(obj: JsonObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(path ? `${path}.${key}` : key, `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }
}

function kindOf(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function unusable(reason: UnusableReason, location: string, summary: string, detail: string): StateUnusableError {
  return new StateUnusableError(reason, location, summary, detail);
}

function sortResources(resources: readonly StateResource[]): readonly StateResource[] {
  for (let i = 1; i < resources.length; i++) {
    if (compareAddresses(resources[i - 1].address, resources[i].address) > 0) {
      return [...resources].sort((a, b) => compareAddresses(a.address, b.address));
    }
  }
  return resources;
}

function sortedUnique(list: readonly string[]): string[] {
  let ordered = true;
  for (let i = 1; i < list.length && ordered; i++) ordered = list[i - 1] < list[i];
  return ordered ? (list as string[]) : [...new Set(list)].sort(compareAddresses);
}
