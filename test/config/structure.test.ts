// Block structure against the schema: block types, arguments, labels, nesting and types. Each
// fixture is BASE with one mistake; the whole diagnostic list is pinned, so a cascade fails.
import { describe, expect, test } from 'vitest';
import { BASE, detailOf, diagSummary, edit, error, load, loc } from './load-helpers.js';

describe('valid configuration', () => {
  test('BASE loads with no diagnostics and decodes its blocks', () => {
    const r = load(BASE);
    expect(diagSummary(r)).toEqual([]);
    expect([...r.config!.sites.keys()].sort()).toEqual(['site.dr', 'site.home']);
    expect(r.config!.vms.get('vm.db01')).toMatchObject({
      site: 'site.home',
      machineType: 'e980',
      processors: 4,
      memoryGb: 256,
      os: 'aix',
      procType: 'dedicated',
    });
  });
});

describe('block types and arguments', () => {
  test('an unknown block type is reported at its type, with a suggestion', () => {
    const src = BASE + '\nrecovery_pln "web" {\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported block type', loc(src, 'recovery_pln'))]);
    expect(detailOf(r, 'Unsupported block type')).toContain('Did you mean "recovery_plan"?');
  });

  test('an unknown block type with no near name lists the known types', () => {
    const src = BASE + '\nresource "x" {\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported block type', loc(src, 'resource'))]);
    expect(detailOf(r, 'Unsupported block type')).toContain('drctl knows variable, locals, output, drctl, site,');
  });

  test('a misspelt argument gets one error with a suggestion, not also "missing memory_gb"', () => {
    const src = edit(BASE, 'memory_gb     = 256', 'memroy_gb     = 256');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported argument', loc(src, 'memroy_gb'))]);
    expect(detailOf(r, 'Unsupported argument')).toBe('An argument named "memroy_gb" is not expected in vm "db01". Did you mean "memory_gb"?');
  });

  test('a missing required argument is reported at the block header', () => {
    const src = edit(BASE, '  os            = "aix"\n', '');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Missing required argument', loc(src, 'vm "db01"'))]);
    expect(detailOf(r, 'Missing required argument')).toContain('The argument "os" is required in vm "db01"');
  });

  test('an argument at the top level of a file is rejected at its name', () => {
    const src = 'region = "us-south"\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported argument', loc(src, 'region'))]);
    expect(detailOf(r, 'Unsupported argument')).toContain('locals { region = … }');
  });

  test('an argument written as a block says to use "=", without a missing-argument cascade', () => {
    const src = edit(BASE, '  memory_gb     = 256\n', '  memory_gb {\n    size = 256\n  }\n');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported block type', loc(src, 'memory_gb'))]);
    expect(detailOf(r, 'Unsupported block type')).toContain('"memory_gb" is an argument: write memory_gb = …');
  });

  test('a block written as an argument says to drop the "=", without a missing-block cascade', () => {
    const src = edit(BASE, '  group "database" {\n    vms = [vm.db01]\n  }\n', '  group = { vms = [vm.db01] }\n');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported argument', loc(src, 'group', { after: 'group = {' }))]);
    expect(detailOf(r, 'Unsupported argument')).toContain('Write it as group { … } without "="');
  });

  test('an unknown nested block suggests "group", without a missing-group cascade', () => {
    const src = edit(BASE, 'group "database"', 'grop "database"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported block type', loc(src, 'grop'))]);
    expect(detailOf(r, 'Unsupported block type')).toBe('Blocks of type "grop" are not expected in recovery_plan "erp". Did you mean "group"?');
  });

  test('a recovery_plan without a group block is rejected at its header', () => {
    const src = edit(BASE, '  group "database" {\n    vms = [vm.db01]\n  }\n', '  rto = "1h"\n');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Missing group block', loc(src, 'recovery_plan "erp"'))]);
    expect(detailOf(r, 'Missing group block')).toBe('recovery_plan "erp" needs at least 1 group block.');
  });

  test('a group without vms is reported at the group header', () => {
    const src = edit(BASE, '    vms = [vm.db01]\n', '    timeout = "10m"\n');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Missing required argument', loc(src, 'group "database"'))]);
    expect(detailOf(r, 'Missing required argument')).toContain('"vms" is required in the group "database" block in recovery_plan "erp"');
  });

  test('a second pass block in a drill is reported at the second one, naming the first line', () => {
    const src = BASE + '\ndrill "monthly" {\n  plan = recovery_plan.erp\n  pass {\n    max_rto = "1h"\n  }\n  pass {\n    max_rto = "2h"\n  }\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Duplicate pass block', loc(src, 'pass', { nth: 2 }))]);
    const firstLine = loc(src, 'pass').split(':')[1];
    expect(detailOf(r, 'Duplicate pass block')).toBe(`drill "monthly" may have at most 1 pass block; the first is at line ${firstLine}.`);
  });
});

describe('labels and names', () => {
  test('a block without its name label is rejected at the type', () => {
    const src = BASE + '\nsite {\n  location = "dal12"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Missing name for site', loc(src, 'site', { after: 'site {' }))]);
    expect(detailOf(r, 'Missing name for site')).toContain('site "example" { … }');
  });

  test('an extra label is reported at that label', () => {
    const src = BASE + '\nsite "eu" "west" {\n  location = "dal12"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Extraneous label for site', loc(src, '"west"'))]);
  });

  test('a label with spaces is rejected: PowerVS names have none', () => {
    const src = BASE + '\nvm "web server" {\n  site = site.home\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid vm name', loc(src, '"web server"'))]);
    expect(detailOf(r, 'Invalid vm name')).toContain('"web server" is not a valid name: it contains white space');
    expect(detailOf(r, 'Invalid vm name')).toContain('vm.web_server');
  });

  test('a label starting with a digit is rejected, with a usable name in the example', () => {
    const src = BASE + '\nsite "1st" {\n  location = "dal12"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid site name', loc(src, '"1st"'))]);
    expect(detailOf(r, 'Invalid site name')).toContain('it must start with a letter or an underscore');
    expect(detailOf(r, 'Invalid site name')).toContain('such as site._1st.');
  });

  test('a duplicate site name is reported at the second, naming the first declaration', () => {
    const src = BASE + '\nsite "home" {\n  location  = "dal12"\n  workspace = "erp-home2"\n  role      = "standby"\n}\n';
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Duplicate site "home"', loc(src, 'site "home"', { nth: 2 }))]);
    expect(detailOf(r, 'Duplicate site "home"')).toContain('already declared at cfg/main.hcl:1,1');
  });

  test('a duplicate across two files names the other file and line', () => {
    // Files load in name order, so a.hcl's site is the first declaration.
    const extra = '# shared sites\nsite "dr" {\n  location  = "wdc04"\n  workspace = "erp-dr"\n  role      = "standby"\n}\n';
    const r = load(BASE, { extra: { 'a.hcl': extra } });
    expect(diagSummary(r)).toEqual([error('Duplicate site "dr"', loc(BASE, 'site "dr"'))]);
    expect(detailOf(r, 'Duplicate site "dr"')).toContain('already declared at cfg/a.hcl:2,1');
  });

  test('a duplicate local value is reported at the second name', () => {
    const src = 'locals {\n  prefix = "erp"\n}\nlocals {\n  prefix = "crm"\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Duplicate local value "prefix"', loc(src, 'prefix', { nth: 2 }))]);
    expect(detailOf(r, 'Duplicate local value "prefix"')).toContain('already declared at cfg/main.hcl:2,3');
  });
});

describe('argument types', () => {
  test('a string where a number is required', () => {
    const src = edit(BASE, 'processors    = 4', 'processors    = "four"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Incorrect attribute value type', loc(src, '"four"'))]);
    expect(detailOf(r, 'Incorrect attribute value type')).toBe(
      'Inappropriate value for argument "processors" of vm "db01": a number is required, but this is a string.',
    );
  });

  test('a numeric string converts to a number, as in HCL', () => {
    const r = load(edit(BASE, 'processors    = 4', 'processors    = "6"'));
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.vms.get('vm.db01')!.processors).toBe(6);
  });

  test('a bool where a number is required', () => {
    const src = edit(BASE, 'memory_gb     = 256', 'memory_gb     = true');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Incorrect attribute value type', loc(src, 'true'))]);
    expect(detailOf(r, 'Incorrect attribute value type')).toContain('a number is required, but this is a bool');
  });

  test('a list where a string is required', () => {
    const src = edit(BASE, 'workspace = "erp-home"', 'workspace = ["erp-home"]');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Incorrect attribute value type', loc(src, '["erp-home"]'))]);
    expect(detailOf(r, 'Incorrect attribute value type')).toContain('a string is required, but this is a list');
  });

  test('a wrong type inside a list of objects points at that element, not the whole list', () => {
    const src = edit(BASE, 'size_gb = 100', 'size_gb = "big"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Incorrect attribute value type', loc(src, '"big"'))]);
    expect(detailOf(r, 'Incorrect attribute value type')).toContain('"size_gb" in element 1 of argument "volumes" of volume_group "db"');
  });

  test('an unknown attribute in an object is reported at its key, with a suggestion', () => {
    const src = edit(BASE, 'size_gb = 100 }', 'size_gb = 100, tire = "tier1" }');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unsupported attribute', loc(src, 'tire'))]);
    expect(detailOf(r, 'Unsupported attribute')).toContain('Did you mean "tier"?');
  });

  test('a number below the minimum is out of range', () => {
    const src = edit(BASE, 'processors    = 4', 'processors    = 0');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Value out of range', loc(src, '0', { after: 'processors    = 0' }))]);
    expect(detailOf(r, 'Value out of range')).toBe('Argument "processors" of vm "db01" must be at least 0.25; got 0.');
  });

  test('an invalid os with a near value suggests it', () => {
    const src = edit(BASE, 'os            = "aix"', 'os            = "aixx"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"aixx"'))]);
    expect(detailOf(r, 'Invalid value')).toBe(
      '"aixx" is not a valid value for argument "os" of vm "db01": expected one of "aix", "ibmi", "rhel", "sles". Did you mean "aix"?',
    );
  });

  test('an invalid os with no near value lists the choices only', () => {
    const src = edit(BASE, 'os            = "aix"', 'os            = "windows"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"windows"'))]);
    expect(detailOf(r, 'Invalid value')).not.toContain('Did you mean');
    expect(detailOf(r, 'Invalid value')).toContain('expected one of "aix", "ibmi", "rhel", "sles"');
  });

  test('an invalid site role suggests the closest role', () => {
    const src = edit(BASE, 'role      = "standby"', 'role      = "standbye"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"standbye"'))]);
    expect(detailOf(r, 'Invalid value')).toContain('Did you mean "standby"?');
  });

  test('an invalid site role with no near value', () => {
    const src = edit(BASE, 'role      = "standby"', 'role      = "passive"');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid value', loc(src, '"passive"'))]);
    expect(detailOf(r, 'Invalid value')).toContain('expected one of "active", "standby"');
  });
});
