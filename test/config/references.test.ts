// References between blocks: undeclared names, wrong shapes and types, cycles, count and indexes,
// functions and unknown roots. Each test pins the whole diagnostic list.
import { describe, expect, test } from 'vitest';
import { BASE, detailOf, diagSummary, edit, error, load, loc, vmBlock } from './load-helpers.js';

describe('undeclared names', () => {
  test('an undeclared vm in a recovery group, with a suggestion', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db1]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to undeclared vm', loc(src, 'vm.db1'))]);
    expect(detailOf(r, 'Reference to undeclared vm')).toBe(
      'A vm named "db1" has not been declared. Did you mean "db01"? Declare it with a vm "db1" block, or fix the reference.',
    );
  });

  test('an undeclared site', () => {
    const src = edit(BASE, 'site          = site.home', 'site          = site.primary');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to undeclared site', loc(src, 'site.primary'))]);
    expect(detailOf(r, 'Reference to undeclared site')).not.toContain('Did you mean');
  });

  test('an undeclared variable, with a suggestion from the declared ones', () => {
    const src = 'variable "workspace_prefix" {\n  default = "erp"\n}\n' + edit(BASE, 'workspace = "erp-home"', 'workspace = "${var.workspace_prefx}-home"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to undeclared variable', loc(src, 'var.workspace_prefx'))]);
    expect(detailOf(r, 'Reference to undeclared variable')).toBe('A variable named "workspace_prefx" has not been declared. Did you mean "workspace_prefix"?');
  });

  test('an undeclared local value', () => {
    const src = 'locals {\n  prefix = "erp"\n}\n' + edit(BASE, 'workspace = "erp-home"', 'workspace = "${local.prefx}-home"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to undeclared local value', loc(src, 'local.prefx'))]);
    expect(detailOf(r, 'Reference to undeclared local value')).toContain('Did you mean "prefix"?');
  });

  test('an undeclared block in depends_on', () => {
    const src = edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  depends_on = [drill.monthly]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to undeclared drill', loc(src, 'drill.monthly'))]);
  });

  test('an unknown root name is reported by evaluation, with a suggestion', () => {
    const src = edit(BASE, 'workspace = "erp-home"', 'workspace = "erp-${sitee.dr.name}"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unknown variable', loc(src, 'sitee'))]);
    expect(detailOf(r, 'Unknown variable')).toBe('There is no variable named "sitee". Did you mean "site"?');
  });

  test('an unknown function, with a suggestion', () => {
    const src = edit(BASE, 'workspace = "erp-home"', 'workspace = lowr("ERP-HOME")');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Call to unknown function', loc(src, 'lowr'))]);
    expect(detailOf(r, 'Call to unknown function')).toBe('There is no function named "lowr". Did you mean "lower"?');
  });

  test('a misspelt attribute of a block is reported at the attribute name', () => {
    const src = BASE + '\noutput "db_memory" {\n  value = vm.db01.memroy_gb\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported attribute', loc(src, 'memroy_gb'))]);
    expect(detailOf(r, 'Unsupported attribute')).toContain('Did you mean "memory_gb"?');
  });
});

describe('reference shapes and types', () => {
  test('a string where a reference is needed', () => {
    const src = edit(BASE, 'site          = site.home', 'site          = "site.home"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, '"site.home"'))]);
    expect(detailOf(r, 'Invalid reference')).toBe(
      'The argument "site" of vm "db01" must be a reference written directly, like site.home; expressions that compute a reference are not supported here.',
    );
  });

  test('a name string in a list of VM references', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = ["db01"]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, '"db01"', { after: 'vms = [' }))]);
    expect(detailOf(r, 'Invalid reference')).toContain('must be a list of references written directly, like [vm.db01]');
  });

  test('a reference to a block of the wrong type', () => {
    const src = edit(BASE, 'site          = site.home', 'site          = network.app');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, 'network.app', { after: 'site          =' }))]);
    expect(detailOf(r, 'Invalid reference')).toBe('The argument "site" of vm "db01" must refer to a site, like site.home; network.app is not a site.');
  });

  test('a site in a list of VMs', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, site.home]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, 'site.home', { after: 'vms = [' }))]);
    expect(detailOf(r, 'Invalid reference')).toContain('must list vm references, like vm.db01; site.home is not a vm.');
  });

  test('a misspelt block type in a reference suggests the right address', () => {
    const src = edit(BASE, 'site          = site.home', 'site          = sitee.home');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, 'sitee.home'))]);
    expect(detailOf(r, 'Invalid reference')).toContain('Did you mean site.home?');
  });

  test('an attribute of a VM where the VM itself is wanted points to the VM', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01.name]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, 'vm.db01.name'))]);
    expect(detailOf(r, 'Invalid reference')).toContain('Refer to the block itself: vm.db01.');
  });

  test('a bare "vm" with no name', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid reference', loc(src, 'vm', { after: '[vm]' }))]);
    expect(detailOf(r, 'Invalid reference')).toBe('A reference to a vm needs a name after "vm.", like vm.example.');
  });
});

describe('cycles', () => {
  test('a cycle among locals names every member', () => {
    const src = 'locals {\n  a = local.b\n  b = local.c\n  c = "${local.a}-x"\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Cycle in references', loc(src, 'a', { after: '  a =' }))]);
    expect(detailOf(r, 'Cycle in references')).toContain('local.a → local.b → local.c → local.a');
    expect(detailOf(r, 'Cycle in references')).toContain('Members: local.a, local.b, local.c.');
  });

  test('a cycle through depends_on between resources', () => {
    const src =
      edit(BASE, 'recovery_plan "erp" {', 'recovery_plan "erp" {\n  depends_on = [drill.monthly]') + '\ndrill "monthly" {\n  plan = recovery_plan.erp\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Cycle in references', loc(src, 'drill "monthly"'))]);
    expect(detailOf(r, 'Cycle in references')).toContain('Members: drill.monthly, recovery_plan.erp.');
  });

  test('a cycle between two VMs through depends_on', () => {
    const src = edit(BASE, 'vm "db01" {', 'vm "db01" {\n  depends_on = [vm.app01]') + vmBlock('app01', { depends_on: '[vm.db01]' });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Cycle in references', loc(src, 'vm "app01"'))]);
    expect(detailOf(r, 'Cycle in references')).toContain('vm.app01 → vm.db01 → vm.app01');
  });

  test('two separate cycles give two diagnostics', () => {
    const src = 'locals {\n  a = local.b\n  b = local.a\n  x = local.y\n  y = local.x\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([
      error('Cycle in references', loc(src, 'a', { after: '  a =' })),
      error('Cycle in references', loc(src, 'x', { after: '  x =' })),
    ]);
    expect(r.diagnostics[0].detail).toContain('Members: local.a, local.b.');
    expect(r.diagnostics[1].detail).toContain('Members: local.x, local.y.');
  });

  test('a local that refers to itself', () => {
    const src = 'locals {\n  name = "${local.name}-1"\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Cycle in references', loc(src, 'name', { after: '  name =' }))]);
    expect(detailOf(r, 'Cycle in references')).toContain('local.name refers to itself');
  });
});

describe('count and indexes', () => {
  const web = (count: number) => vmBlock('web', { count });

  test('count.index outside a counted block', () => {
    const src = edit(BASE, 'workspace = "erp-home"', 'workspace = "erp-${count.index}"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Reference to "count" in non-counted context', loc(src, 'count.index'))]);
  });

  test('vm.web[5] is out of range when count = 2', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01, vm.web[5]]') + web(2);
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid index', loc(src, 'vm.web[5]'))]);
    expect(detailOf(r, 'Invalid index')).toBe('vm.web has 2 instances (count = 2), so [5] is out of range in group "database".');
  });

  test('an index on a vm that does not set count', () => {
    const src = edit(BASE, 'vms = [vm.db01]', 'vms = [vm.db01[0]]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unexpected index', loc(src, 'vm.db01[0]'))]);
    expect(detailOf(r, 'Unexpected index')).toContain('refer to it as vm.db01');
  });

  test('a fractional count', () => {
    const src = BASE + vmBlock('web', { count: 1.5 });
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Incorrect attribute value type', loc(src, '1.5'))]);
    expect(detailOf(r, 'Incorrect attribute value type')).toContain('a whole number is required, but this is the fractional number 1.5');
  });
});
