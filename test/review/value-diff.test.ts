// Element-level value diffs, laid out as Terraform lays out nested changes. Two sets of golden
// files: fixtures/value-diff/terraform/*.txt are what Terraform 1.11 itself printed for the
// cases in fixtures/value-diff/cases.json (captured by fixtures/value-diff/terraform/capture.mjs
// from real `terraform plan` runs), and drctl must print the same lines; fixtures/value-diff/drctl/
// pins drctl's own cases (lists matched by name, reorders, shape changes) from drctl-cases.json.
// UPDATE_GOLDEN=1 rewrites the drctl goldens (never Terraform's).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffAttributes, diffValues, valuesEqual, type Value, type ValueObject } from '../../src/review/value-diff.js';
import { bodyLines, diffBlockLayout, terraformLayout } from '../../src/review/value-text.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/value-diff');

interface Case {
  readonly before: ValueObject;
  readonly after: ValueObject;
  readonly note?: string;
}

/** `{"$sensitive": v}` (how cases.json marks Terraform's sensitive()) → v, collecting its path. */
function unwrapSensitive(v: Value, at: string, paths: string[]): Value {
  if (Array.isArray(v)) return v.map((x, i) => unwrapSensitive(x, `${at}.${i}`, paths));
  if (v && typeof v === 'object') {
    if ('$sensitive' in v) {
      paths.push(at);
      return (v as ValueObject).$sensitive;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSensitive(x, `${at}.${k}`, paths)]));
  }
  return v;
}

/** The lines inside `~ input = { … }`, as Terraform's plan of a terraform_data input shows them. */
function asTerraformInput(c: Case): string {
  const sensitive: string[] = [];
  const before = unwrapSensitive(c.before, 'input', sensitive);
  const after = unwrapSensitive(c.after, 'input', sensitive);
  const lines = terraformLayout(bodyLines(diffAttributes({ input: before }, { input: after }, { sensitivePaths: sensitive })));
  expect(lines[0]).toBe('      ~ input = {');
  expect(lines[lines.length - 1]).toBe('        }');
  return lines.slice(1, -1).join('\n') + '\n';
}

function render(c: Case): string {
  return terraformLayout(bodyLines(diffAttributes(c.before, c.after))).join('\n') + '\n';
}

describe('value diffs laid out as Terraform 1.11 lays them out', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as Record<string, Case>;
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: the same lines as terraform plan`, () => {
      expect(asTerraformInput(c)).toBe(fs.readFileSync(path.join(DIR, 'terraform', `${name}.txt`), 'utf8'));
    });
  }
});

describe('drctl golden value diffs', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(DIR, 'drctl-cases.json'), 'utf8')) as Record<string, Case>;
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: ${c.note}`, () => {
      const file = path.join(DIR, 'drctl', `${name}.txt`);
      const text = render(c);
      if (process.env.UPDATE_GOLDEN) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      }
      expect(text).toBe(fs.readFileSync(file, 'utf8'));
    });
  }
});

describe('value diff semantics', () => {
  it('removing one VM from one group of a long plan prints that group and its neighbours, not the list twice', () => {
    const cases = JSON.parse(fs.readFileSync(path.join(DIR, 'drctl-cases.json'), 'utf8')) as Record<string, Case>;
    const text = render(cases['recovery-groups-one-vm-removed']);
    expect(text.split('\n').filter((l) => /^\s*- /.test(l))).toEqual(['                  - "vm.app[7]",']);
    expect(text).not.toContain('->');
    expect(text.split('\n').length).toBeLessThan(35);
  });

  it('matches list elements by name, so a group that moved is deleted where it was and created where it went', () => {
    const d = diffValues([{ name: 'a' }, { name: 'b' }], [{ name: 'b' }, { name: 'a' }])!;
    expect(d.kind === 'list' && d.elements.map((e) => e.action)).toEqual(['delete', 'no-op', 'create']);
  });

  it('pairs a removed and an added scalar in the same place into one change', () => {
    const d = diffValues(['a', 'b', 'c'], ['a', 'X', 'c'])!;
    expect(d.kind === 'list' && d.elements.map((e) => e.action)).toEqual(['no-op', 'update', 'no-op']);
  });

  it('treats null and a missing key alike, as planning does', () => {
    expect(valuesEqual({ a: null, b: 1 }, { b: 1 })).toBe(true);
    expect(diffValues({ a: null }, {})!.action).toBe('no-op');
    expect(diffValues(null, undefined)).toBeUndefined();
    expect(valuesEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
  });

  it('never prints a secret: by path (a list index included) or by a value that marks one', () => {
    const marker = (h: string) => ({ sensitive: true, hmac_sha256: h });
    const isMarker = (v: Value) => typeof v === 'object' && v !== null && !Array.isArray(v) && (v as ValueObject).sensitive === true;
    const d = diffAttributes(
      { users: [{ name: 'ops', secret: 'hunter2' }], token: marker('aa') },
      { users: [{ name: 'ops', secret: 'hunter3' }], token: marker('bb') },
      { sensitivePaths: ['users.0.secret'], isSensitiveValue: isMarker },
    );
    const text = terraformLayout(bodyLines(d)).join('\n');
    expect(text).not.toMatch(/hunter|aa|bb/);
    expect(text).toContain('~ secret = (sensitive value)');
    expect(text).toContain('~ token = (sensitive value)');
    // Equal markers are no change.
    expect(diffAttributes({ token: marker('aa') }, { token: marker('aa') }, { isSensitiveValue: isMarker }).action).toBe('no-op');
  });

  it('marks the attributes that force a replacement, and ends deleted top-level attributes in -> null', () => {
    const lines = terraformLayout(
      bodyLines(
        diffAttributes({ machine_type: 'e980', networks: ['network.app'], image: 'aix73' }, { machine_type: 'e1080', networks: ['network.app', 'network.db'] }),
        { forcesReplacement: ['machine_type', 'networks'] },
      ),
    );
    expect(lines).toEqual([
      '      - image        = "aix73" -> null',
      '      ~ machine_type = "e980" -> "e1080" # forces replacement',
      '      ~ networks     = [ # forces replacement',
      '            "network.app",',
      '          + "network.db",',
      '        ]',
    ]);
  });

  it('a created body shows every value with its glyph, nested ones included', () => {
    const lines = terraformLayout(bodyLines(diffAttributes(null, { volumes: [{ name: 'data', size_gb: 500 }], shareable: false })));
    expect(lines).toEqual([
      '      + shareable = false',
      '      + volumes   = [',
      '          + {',
      '              + name    = "data"',
      '              + size_gb = 500',
      '            },',
      '        ]',
    ]);
  });

  it('a long list whose alignment would cost too much shows as replaced whole, still element by element', () => {
    const before = Array.from({ length: 6000 }, (_, i) => `a${i}`);
    const after = Array.from({ length: 6000 }, (_, i) => `b${i}`);
    const d = diffValues(before, after)!;
    expect(d.kind).toBe('list');
    if (d.kind === 'list') expect(d.elements.filter((e) => e.action === 'update')).toHaveLength(6000);
  });

  it('the ```diff layout puts the glyph in the first column (! for a change in place)', () => {
    const lines = diffBlockLayout(bodyLines(diffAttributes({ memory_gb: 16, vms: ['a', 'b'] }, { memory_gb: 24, vms: ['a'] })));
    expect(lines).toEqual(['! memory_gb = 16 -> 24', '! vms       = [', '      "a",', '-     "b",', '  ]']);
  });
});
