import { describe, expect, it } from 'vitest';
import {
  parseState,
  serializeState,
  stateContentKey,
  StateUnusableError,
  type DrState,
  type StateResource,
  type UnusableReason,
} from '../../src/state/index.js';

const LINEAGE = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';

function resource(address: string, attributes: Record<string, unknown> = {}, extra: Partial<StateResource> = {}): StateResource {
  const [type, name] = address.split('.');
  return { address, type, name, id: `id-${name}`, attributes: attributes as StateResource['attributes'], dependencies: [], sensitiveAttributes: [], ...extra };
}

function state(resources: StateResource[], extra: Partial<DrState> = {}): DrState {
  return { serial: 1, lineage: LINEAGE, drctlVersion: '0.1.0', resources, lifecycles: {}, outputs: {}, ...extra };
}

function unusable(text: string): StateUnusableError {
  const result = parseState(text, 'prod.drstate');
  if (result.ok) throw new Error('expected the state to be unusable');
  return result.error;
}

const v1 = (fields: Record<string, unknown>) => JSON.stringify({ version: 1, serial: 3, lineage: LINEAGE, drctl_version: '0.1.0', resources: [], ...fields });

describe('serializeState', () => {
  it('sorts resources by address in code-unit order and ends with a newline', () => {
    const text = serializeState(state([resource('vm.web'), resource('site.home'), resource('vm.B')]));
    const addresses = [...text.matchAll(/"address": "([^"]+)"/g)].map((m) => m[1]);
    expect(addresses).toEqual(['site.home', 'vm.B', 'vm.web']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "version": 1,\n  "serial": 1,\n  "lineage": ')).toBe(true);
  });

  it('writes the same bytes for the same content built in a different order', () => {
    const a = state([resource('vm.db01', { memory_gb: 256, processors: 4 }, { dependencies: ['site.home', 'network.app'] }), resource('site.home')]);
    const b = state([resource('site.home'), resource('vm.db01', { processors: 4, memory_gb: 256 }, { dependencies: ['network.app', 'site.home', 'site.home'] })]);
    expect(serializeState(a)).toBe(serializeState(b));
  });

  it('never writes a sensitive value, only its marker', () => {
    const text = serializeState(state([resource('vm.db01', { admin_password: 'hunter2' }, { sensitiveAttributes: ['admin_password'] })], { outputs: { key: { value: 's3cret', sensitive: true } } }));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(text).toMatch(/"admin_password": \{\n\s+"hmac_sha256": "[0-9a-f]{64}",\n\s+"sensitive": true/);
  });

  it('refuses duplicate addresses and non-JSON values as bugs', () => {
    expect(() => serializeState(state([resource('vm.a'), resource('vm.a')]))).toThrow(/duplicate resource address "vm.a"/);
    expect(() => serializeState(state([resource('vm.a', { memory_gb: Infinity })]))).toThrow(/memory_gb: Infinity/);
  });
});

describe('stateContentKey', () => {
  it('ignores the serial and the writer version but nothing else', () => {
    const base = state([resource('vm.a', { processors: 2 })]);
    expect(stateContentKey({ ...base, serial: 99, drctlVersion: '9.9.9' })).toBe(stateContentKey(base));
    expect(stateContentKey(state([resource('vm.a', { processors: 3 })]))).not.toBe(stateContentKey(base));
    expect(stateContentKey({ ...base, lifecycles: { 'site.home': { value: 'active' } } })).not.toBe(stateContentKey(base));
  });
});

describe('parseState', () => {
  it('reads what serializeState wrote back into the same state', () => {
    const original = state([resource('vm.db01', { tags: { app: 'erp' } }, { dependencies: ['site.home'] }), resource('site.home')], {
      lifecycles: { 'site.home': { status: 'active', value: 'ready', context: { rpoLagSeconds: 12 } } },
      outputs: { ip: { value: '10.10.0.5', sensitive: false } },
    });
    const parsed = parseState(serializeState(original), 'x');
    expect(parsed.ok && parsed.state).toEqual({ ...original, resources: [...original.resources].sort((a, b) => (a.address < b.address ? -1 : 1)) });
    expect(parsed.ok && parsed.formatVersion).toBe(1);
  });

  it('accepts a byte order mark', () => {
    expect(parseState('\ufeff' + v1({}), 'x').ok).toBe(true);
  });

  it('migrates format 0 (resources keyed by address) and says it did', () => {
    const v0 = JSON.stringify({
      format: 'drctl-state',
      serial: 5,
      lineage: LINEAGE,
      resources: { 'vm.db01': { id: 'pvm-1', depends_on: ['site.home'] }, 'site.home': { id: 'ws-1', attributes: { location: 'dal13' } } },
    });
    const parsed = parseState(v0, 'old.drstate');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.formatVersion).toBe(0);
    expect(parsed.state.serial).toBe(5);
    expect(parsed.state.resources.map((r) => [r.address, r.type, r.name, r.id, r.dependencies])).toEqual([
      ['site.home', 'site', 'home', 'ws-1', []],
      ['vm.db01', 'vm', 'db01', 'pvm-1', ['site.home']],
    ]);
    expect(parsed.state.resources[1].attributes).toEqual({});
  });

  it('accepts an explicit "version": 0 and rejects a format-0 address without a type', () => {
    expect(parseState(JSON.stringify({ version: 0, serial: 1, lineage: LINEAGE, resources: {} }), 'x').ok).toBe(true);
    const error = unusable(JSON.stringify({ format: 'drctl-state', serial: 1, lineage: LINEAGE, resources: { nodot: { id: 'x' } } }));
    expect(error.reason).toBe('invalid-field');
    expect(error.detail).toMatch(/"type\.name"/);
  });

  it('accepts resources out of order (a hand merge) and sorts them', () => {
    const text = v1({ resources: [resource('vm.b'), resource('vm.a')].map((r) => ({ address: r.address, type: r.type, name: r.name, id: r.id, attributes: {} })) });
    const parsed = parseState(text, 'x');
    expect(parsed.ok && parsed.state.resources.map((r) => r.address)).toEqual(['vm.a', 'vm.b']);
  });
});

describe('parseState: unusable state, each with its own reason', () => {
  const cases: Array<[string, string, UnusableReason, RegExp]> = [
    ['bad JSON', '{\n  "version": 1,\n  "serial": 3 3\n}', 'syntax', /Expected ',' or '}'/],
    ['an empty file', '', 'syntax', /empty/],
    ['a JSON array', '[]', 'not-an-object', /JSON object/],
    ['a Terraform state', JSON.stringify({ version: 4, terraform_version: '1.5.7', serial: 1, lineage: 'x', resources: [] }), 'not-drctl', /Terraform/],
    ['a Terraform state without version', JSON.stringify({ terraform_version: '0.11', serial: 1 }), 'not-drctl', /Terraform/],
    ['no version at all', JSON.stringify({ serial: 1, lineage: LINEAGE }), 'unknown-format', /no "version"/],
    ['a version that is not a number', JSON.stringify({ version: 'one' }), 'unknown-format', /whole number/],
    ['a future version', JSON.stringify({ version: 2, drctl_version: '0.9.0', serial: 1, lineage: LINEAGE }), 'future-version', /format 2 by drctl 0\.9\.0.*Upgrade drctl/],
    ['a missing lineage', JSON.stringify({ version: 1, serial: 1, resources: [] }), 'missing-lineage', /lineage/],
    ['an empty lineage', v1({ lineage: '  ' }), 'missing-lineage', /lineage/],
    ['a negative serial', v1({ serial: -1 }), 'invalid-serial', /found -1/],
    ['a fractional serial', v1({ serial: 1.5 }), 'invalid-serial', /found 1\.5/],
    ['a string serial', v1({ serial: '3' }), 'invalid-serial', /found "3"/],
    ['resources that are not a list', v1({ resources: {} }), 'invalid-field', /At resources: expected a list, found an object/],
    ['a resource without address', v1({ resources: [{ type: 'vm', name: 'a', id: 'x', attributes: {} }] }), 'invalid-field', /resources\[0\]\.address: expected a string, found nothing/],
    ['an unknown resource field', v1({ resources: [{ address: 'vm.a', type: 'vm', name: 'a', id: 'x', attributes: {}, colour: 'red' }] }), 'invalid-field', /resources\[0\]\.colour: unknown field/],
    ['an unknown top-level field', v1({ extra: 1 }), 'invalid-field', /At extra: unknown field/],
    ['a bad sensitive path', v1({ resources: [{ address: 'vm.a', type: 'vm', name: 'a', id: 'x', attributes: {}, sensitive_attributes: ['a..b'] }] }), 'invalid-field', /attribute path/],
    ['an output without value', v1({ outputs: { ip: { sensitive: false } } }), 'invalid-field', /outputs\.ip: an output needs a "value"/],
    ['a duplicate address', v1({ resources: [1, 2].map(() => ({ address: 'vm.a', type: 'vm', name: 'a', id: 'x', attributes: {} })) }), 'duplicate-address', /"vm\.a" appears more than once/],
  ];
  for (const [what, text, reason, detail] of cases) {
    it(`${what} → ${reason}`, () => {
      const error = unusable(text);
      expect(error).toBeInstanceOf(StateUnusableError);
      expect(error.reason).toBe(reason);
      expect(error.message).toMatch(detail);
      expect(error.location).toBe('prod.drstate');
    });
  }

  it('gives bad JSON a line and column and a diagnostic pointing there', () => {
    const error = unusable('{\n  "version": 1,\n  "serial": 3 3\n}');
    expect(error.pos).toMatchObject({ line: 3, column: 15 });
    expect(error.message).toContain('prod.drstate:3:15');
    const diag = error.toDiagnostic();
    expect(diag).toMatchObject({ severity: 'error', summary: 'Unusable state: Invalid JSON', subject: { filename: 'prod.drstate', start: { line: 3, column: 15 } } });
  });

  it('recognises git conflict markers left in the file and points at the first one', () => {
    const text = '{\n  "version": 1,\n<<<<<<< HEAD\n  "serial": 4,\n=======\n  "serial": 5,\n>>>>>>> feature\n}';
    const error = unusable(text);
    expect(error.reason).toBe('merge-conflict');
    expect(error.pos).toMatchObject({ line: 3, column: 1 });
  });
});
