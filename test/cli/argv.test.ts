import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../src/cli/argv.js';
import { varInputsFromArgv } from '../../src/commands/inputs.js';
import { reportError } from '../../src/cli/report.js';
import { UserError } from '../../src/diag/errors.js';

describe('Terraform-style flags', () => {
  it('rewrites single-dash long flags to the double-dash form', () => {
    expect(normalizeArgv(['plan', '-out', 'plan.bin', '-detailed-exitcode', '-var=env=prod'])).toEqual([
      'plan',
      '--out',
      'plan.bin',
      '--detailed-exitcode',
      '--var=env=prod',
    ]);
  });
  it('leaves short flags, values, negative numbers and everything after -- alone', () => {
    expect(normalizeArgv(['-h', '--json', 'plans/', '-1', '--', '-check'])).toEqual(['-h', '--json', 'plans/', '-1', '--', '-check']);
  });
});

describe('variable inputs keep command-line order', () => {
  it('interleaves -var and -var-file as given', () => {
    expect(varInputsFromArgv(['--var-file', 'a.hcl', '--var', 'x=1', '--var=y=2', '--var-file=b.json'])).toEqual([
      { kind: 'file', path: 'a.hcl' },
      { kind: 'var', arg: 'x=1' },
      { kind: 'var', arg: 'y=2' },
      { kind: 'file', path: 'b.json' },
    ]);
  });
});

describe('error reporting', () => {
  it('prints a user error with next steps and its exit code', () => {
    const r = reportError(new UserError('State is locked', ['Wait, or run drctl force-unlock ID.'], 1));
    expect(r).toEqual({ text: 'Error: State is locked\n\n  Wait, or run drctl force-unlock ID.\n', exitCode: 1 });
  });
  it('prints a bug with its stack and asks for a report', () => {
    const r = reportError(new TypeError('boom'));
    expect(r.exitCode).toBe(1);
    expect(r.text).toContain('This is a bug; please report it');
    expect(r.text).toContain('TypeError: boom');
  });
});
