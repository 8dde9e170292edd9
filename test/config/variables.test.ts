// Input variables: declarations, types, defaults, validation, and values from the environment,
// -var-file (HCL and JSON) and -var, later inputs winning as in Terraform.
import { describe, expect, test } from 'vitest';
import { isSensitive, unmark } from '../../src/hcl/value.js';
import { BASE, detailOf, diagSummary, edit, error, load, loc, warning } from './load-helpers.js';

/** BASE with site "home"'s workspace taken from var.ws, declared by `decl`. */
const withWs = (decl: string) => decl + '\n' + edit(BASE, 'workspace = "erp-home"', 'workspace = var.ws');
const workspaceOf = (r: ReturnType<typeof load>) => r.config!.sites.get('site.home')!.workspace;
const cli = (arg: string) => ({ kind: 'var' as const, arg });
const file = (path: string) => ({ kind: 'file' as const, path });

describe('required values', () => {
  test('a required variable without a value is one error at its declaration, with no cascade at its use', () => {
    const src = withWs('variable "ws" {}');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('No value for required variable', loc(src, 'variable "ws"'))]);
    expect(detailOf(r, 'No value for required variable')).toContain('-var "ws=…", in a -var-file, or with the environment variable DRCTL_VAR_ws');
  });

  test('a default that does not match the type is reported once, at the default', () => {
    const src = withWs('variable "ws" {}') + '\nvariable "cores" {\n  type    = number\n  default = "many"\n}\n';
    const r = load(src, { vars: [cli('ws=erp-home')] });
    expect(diagSummary(r)).toEqual([error('Invalid default value for variable', loc(src, '"many"'))]);
    expect(detailOf(r, 'Invalid default value for variable')).toContain('does not match its type number: a number is required');
  });
});

describe('-var', () => {
  test('-var for an undeclared variable, with a suggestion', () => {
    const r = load(withWs('variable "ws" {\n  default = "erp-home"\n}'), { vars: [cli('wss=x')] });
    expect(diagSummary(r)).toEqual([error('Value for undeclared variable')]);
    expect(detailOf(r, 'Value for undeclared variable')).toContain(
      'A variable named "wss" was assigned with -var "wss=x", but the configuration does not declare it. Did you mean "ws"?',
    );
  });

  test('-var of the wrong type is one error, with no cascade where the variable is used', () => {
    const src = 'variable "cores" {\n  type = number\n}\n' + edit(BASE, 'processors    = 4', 'processors    = var.cores');
    const r = load(src, { vars: [cli('cores=four')] });
    expect(diagSummary(r)).toEqual([error('Invalid value for input variable')]);
    expect(detailOf(r, 'Invalid value for input variable')).toBe(
      'The value for variable "cores" from -var "cores=four" is not valid: a number is required (the type is number).',
    );
  });

  test('a -var without "=" is malformed', () => {
    const r = load(withWs('variable "ws" {\n  default = "erp-home"\n}'), { vars: [cli('novalue')] });
    expect(diagSummary(r)).toEqual([error('Invalid -var option')]);
    expect(detailOf(r, 'Invalid -var option')).toContain('The -var option "novalue" is not of the form name=value');
  });

  test('a number from -var converts to the declared number type', () => {
    const src = 'variable "cores" {\n  type = number\n}\n' + edit(BASE, 'processors    = 4', 'processors    = var.cores');
    const r = load(src, { vars: [cli('cores=8')] });
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.vms.get('vm.db01')!.processors).toBe(8);
  });

  test('list(string) from -var \'["a","b"]\'', () => {
    const src =
      'variable "events" {\n  type = list(string)\n}\n' +
      BASE +
      '\nnotification "ops" {\n  webhook = "http://127.0.0.1:9000/hook"\n  events  = var.events\n}\n';
    const r = load(src, { vars: [cli('events=["move.failed","rpo.breach"]')] });
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.variables.get('events')!.value).toEqual(['move.failed', 'rpo.breach']);
    expect(r.config!.notifications.get('notification.ops')!.events).toEqual(['move.failed', 'rpo.breach']);
  });
});

describe('validation blocks', () => {
  const decl =
    'variable "ws" {\n  type = string\n  validation {\n    condition     = length(var.ws) <= 8\n    error_message = "Workspace names are at most 8 characters."\n  }\n}';

  test('a failing validation shows its error_message and where the rule is', () => {
    const src = withWs(decl);
    const r = load(src, { vars: [cli('ws=erp-home-site')] });
    expect(diagSummary(r)).toEqual([error('Invalid value for variable', loc(src, 'variable "ws"'))]);
    const ruleLine = loc(src, 'condition').split(':')[1];
    expect(detailOf(r, 'Invalid value for variable')).toBe(
      `Workspace names are at most 8 characters.\n\nThis was checked by the validation rule at cfg/main.hcl:${ruleLine}.`,
    );
  });

  test('a passing validation lets the value through', () => {
    const r = load(withWs(decl), { vars: [cli('ws=erp-home')] });
    expect(diagSummary(r)).toEqual([]);
    expect(workspaceOf(r)).toBe('erp-home');
  });
});

describe('sources and precedence', () => {
  test('a DRCTL_VAR_ environment value is used', () => {
    const r = load(withWs('variable "ws" {}'), { env: { DRCTL_VAR_ws: 'erp-from-env', DRCTL_VAR_other: 'ignored' } });
    expect(diagSummary(r)).toEqual([]);
    expect(workspaceOf(r)).toBe('erp-from-env');
  });

  test('-var overrides the environment', () => {
    const r = load(withWs('variable "ws" {}'), { env: { DRCTL_VAR_ws: 'erp-from-env' }, vars: [cli('ws=erp-from-cli')] });
    expect(workspaceOf(r)).toBe('erp-from-cli');
  });

  test('-var-file then -var: the later -var wins', () => {
    const r = load(withWs('variable "ws" {}'), { extra: { 'prod.tfvars': 'ws = "erp-from-file"\n' }, vars: [file('cfg/prod.tfvars'), cli('ws=erp-from-cli')] });
    expect(diagSummary(r)).toEqual([]);
    expect(workspaceOf(r)).toBe('erp-from-cli');
  });

  test('-var then -var-file: the later file wins', () => {
    const r = load(withWs('variable "ws" {}'), { extra: { 'prod.tfvars': 'ws = "erp-from-file"\n' }, vars: [cli('ws=erp-from-cli'), file('cfg/prod.tfvars')] });
    expect(diagSummary(r)).toEqual([]);
    expect(workspaceOf(r)).toBe('erp-from-file');
  });

  test('a .json variables file', () => {
    const r = load(withWs('variable "ws" {}') + '\nvariable "cores" {\n  type = number\n  default = 1\n}\n', {
      extra: { 'prod.json': '{ "ws": "erp-from-json", "cores": 6 }' },
      vars: [file('cfg/prod.json')],
    });
    expect(diagSummary(r)).toEqual([]);
    expect(workspaceOf(r)).toBe('erp-from-json');
    expect(r.config!.variables.get('cores')!.value).toBe(6);
  });

  test('a JSON value of the wrong type is reported at its key in the file', () => {
    const json = '{\n  "ws": "erp-home",\n  "cores": "many"\n}\n';
    const r = load(withWs('variable "ws" {}') + '\nvariable "cores" {\n  type    = number\n  default = 1\n}\n', {
      extra: { 'prod.json': json },
      vars: [file('cfg/prod.json')],
    });
    expect(diagSummary(r)).toEqual([error('Invalid value for input variable', loc(json, '"cores"', { file: 'cfg/prod.json' }))]);
    expect(detailOf(r, 'Invalid value for input variable')).toBe(
      'The value for variable "cores" from cfg/prod.json line 3 is not valid: a number is required (the type is number).',
    );
  });

  test('a variables file setting an undeclared variable warns at that line', () => {
    const tfvars = 'ws = "erp-home"\nwss = "typo"\n';
    const r = load(withWs('variable "ws" {}'), { extra: { 'prod.tfvars': tfvars }, vars: [file('cfg/prod.tfvars')] });
    expect(diagSummary(r)).toEqual([warning('Value for undeclared variable', loc(tfvars, 'wss', { file: 'cfg/prod.tfvars' }))]);
    expect(detailOf(r, 'Value for undeclared variable')).toContain('Did you mean "ws"?');
    expect(r.config).toBeDefined();
  });

  test('a missing variables file', () => {
    const r = load(withWs('variable "ws" {\n  default = "erp-home"\n}'), { vars: [file('cfg/nope.tfvars')] });
    expect(diagSummary(r)).toEqual([error('Cannot read variables file')]);
    expect(detailOf(r, 'Cannot read variables file')).toContain('"cfg/nope.tfvars" failed: no such file');
  });
});

describe('types and sensitivity', () => {
  test('a sensitive variable is marked sensitive in config.variables and where it is used', () => {
    const r = load(withWs('variable "ws" {\n  sensitive = true\n  default   = "erp-secret"\n}'));
    expect(diagSummary(r)).toEqual([]);
    const v = r.config!.variables.get('ws')!;
    expect(v.sensitive).toBe(true);
    expect(isSensitive(v.value)).toBe(true);
    expect(unmark(v.value)).toBe('erp-secret');
    expect(r.config!.sites.get('site.home')!.sensitive).toEqual(['workspace']);
    expect(r.config!.sites.get('site.dr')!.sensitive).toEqual([]);
  });

  test('an object type with an optional attribute fills it with null', () => {
    const src = 'variable "db" {\n  type    = object({ name = string, cores = optional(number) })\n  default = { name = "db01" }\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.variables.get('db')!.value).toEqual({ name: 'db01', cores: null });
  });

  test('an object missing a required attribute is rejected', () => {
    const src = 'variable "db" {\n  type    = object({ name = string, cores = optional(number) })\n  default = { cores = 4 }\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid default value for variable', loc(src, '{ cores = 4 }'))]);
    expect(detailOf(r, 'Invalid default value for variable')).toContain('attribute "name" is required');
  });

  test('a default may not refer to other values', () => {
    const src = 'variable "a" {\n  default = var.b\n}\nvariable "b" {\n  default = 1\n}\n' + BASE;
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Variables not allowed', loc(src, 'var.b'))]);
  });
});
