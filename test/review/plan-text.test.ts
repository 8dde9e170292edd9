// The plan as text, with every change element by element: goldens of whole plans of
// fixtures/engine/basic against its applied state (UPDATE_GOLDEN=1 rewrites fixtures/plan-text/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/plan/render-text.js';
import { ROOT, planOfEdit } from './plan-fixtures.js';

function golden(name: string, text: string): void {
  const file = path.join(ROOT, 'fixtures/plan-text', `${name}.txt`);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

describe('plan text goldens', () => {
  it('a VM leaves a recovery group and a subnet CIDR changes: only what changed, element by element', async () => {
    const plan = await planOfEdit({
      'recovery.hcl': (s) =>
        s
          .replace('vms = [vm.ldap01, vm.jump01]', 'vms = [vm.ldap01]')
          .replace('group "database" {', 'group "jump" {\n    vms = [vm.jump01]\n  }\n\n  group "database" {'),
      'network.hcl': (s) => s.replace('10.10.0.0/24', '10.10.0.0/23'),
    });
    const text = renderPlanText(plan);
    golden('groups-and-subnets', text);
    // Neither list is printed twice, and nothing is joined by a bare "->" across whole structures.
    expect(text).not.toMatch(/\] -> \[/);
    expect(text).not.toMatch(/\} -> \{/);
  });

  it('replacements, a deletion and a creation, with what forces the replacement', async () => {
    const plan = await planOfEdit({
      'vms.hcl': (s) =>
        s
          .replace('machine_type  = "e980"', 'machine_type  = "e1080"')
          .replace(/(vm "web" \{\s*count\s+= )2/, '$11')
          .replace(/(vm "app" \{\s*count\s+= )3/, '$14'),
    });
    const text = renderPlanText(plan);
    golden('replace-delete-create', text);
    expect(text).toContain('      ~ machine_type  = "e980" -> "e1080" # forces replacement');
    // Instances in number order.
    expect(text.indexOf('# vm.app[3] will be created')).toBeGreaterThan(text.indexOf('# vm.app[2]'));
  });
});
