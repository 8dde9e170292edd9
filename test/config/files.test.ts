// Reading the configuration directory: missing or empty directories, parse errors, bad bytes,
// and file() inside the directory. The last tests use a real temporary directory and node:fs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig, type ConfigFs } from '../../src/config/load.js';
import { BASE, detailOf, diagSummary, edit, error, load, loc, memoryFs } from './load-helpers.js';

const loadFiles = (dir: string, files: Record<string, string | Uint8Array>) => loadConfig({ dir, fs: memoryFs(files), env: {} });

describe('the directory', () => {
  test('a missing directory is one error with what to do', () => {
    const r = loadFiles('plans', { 'cfg/main.hcl': BASE });
    expect(diagSummary(r)).toEqual([error('Cannot read configuration directory')]);
    expect(detailOf(r, 'Cannot read configuration directory')).toContain('The directory "plans" does not exist.');
  });

  test('a directory with no .hcl files', () => {
    const r = loadFiles('cfg', { 'cfg/README.md': '# notes', 'cfg/main.tf': BASE });
    expect(diagSummary(r)).toEqual([error('No configuration files')]);
    expect(detailOf(r, 'No configuration files')).toContain('"cfg" has none');
  });

  test('blocks may be spread over several files', () => {
    const [sites, rest] = [BASE.slice(0, BASE.indexOf('replication_policy')), BASE.slice(BASE.indexOf('replication_policy'))];
    const r = loadFiles('cfg', { 'cfg/sites.hcl': sites, 'cfg/main.hcl': rest });
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.sites.get('site.home')!.declRange.filename).toBe('cfg/sites.hcl');
    expect(r.config!.vms.get('vm.db01')!.declRange.filename).toBe('cfg/main.hcl');
  });
});

describe('parse errors', () => {
  test('a parse error is reported with its file and line, and nothing cascades', () => {
    const broken = 'site "eu" {\n  location = \n}\n';
    const r = load(BASE, { extra: { 'eu.hcl': broken } });
    // The parser points at the end of the line where the value is missing (the newline token).
    expect(diagSummary(r)).toEqual([error('Invalid expression', loc(broken, '\n', { after: '= \n', file: 'cfg/eu.hcl' }))]);
    expect(detailOf(r, 'Invalid expression')).toContain('Expected the start of an expression');
  });

  test('an unterminated string is one error on its line', () => {
    const src = edit(BASE, 'role      = "active"', 'role      = "active');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Unterminated template string', loc(src, '"active'))]);
  });

  test('invalid UTF-8 bytes are reported at the bytes, with the file named', () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([...enc.encode('site "eu" {\n  description = "caf'), 0xff, 0xfe, ...enc.encode('"\n}\n')]);
    const r = loadFiles('cfg', { 'cfg/main.hcl': BASE, 'cfg/eu.hcl': bytes });
    // Line 2: two spaces, `description = "caf` is 18 more characters, so the bad bytes are columns 21 and 22.
    expect(diagSummary(r)).toEqual([error('Invalid UTF-8', 'cfg/eu.hcl:2:21-2:23')]);
    expect(detailOf(r, 'Invalid UTF-8')).toContain('re-save the file as UTF-8');
  });
});

describe('file()', () => {
  const withManual = (call: string) => edit(BASE, '    vms = [vm.db01]', `    vms = [vm.db01]\n    manual = ${call}`);

  test('file() reads a file inside the configuration directory', () => {
    const r = load(withManual('trimspace(file("runbooks/dns.txt"))'), { extra: { 'runbooks/dns.txt': 'Switch the public DNS record\n' } });
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].manual).toBe('Switch the public DNS record');
  });

  test('file() refuses a path out of the directory', () => {
    const src = withManual('file("../secrets.txt")');
    const r = load(src, { extra: { '../secrets.txt': 'no' } });
    expect(diagSummary(r)).toEqual([error('Invalid function argument', loc(src, '"../secrets.txt"'))]);
    expect(detailOf(r, 'Invalid function argument')).toContain('path escapes the configuration directory: "../secrets.txt"');
  });

  test('file() of a missing file', () => {
    const src = withManual('file("runbook.txt")');
    const r = load(src);
    expect(diagSummary(r)).toEqual([error('Invalid function argument', loc(src, '"runbook.txt"'))]);
    expect(detailOf(r, 'Invalid function argument')).toContain('no file exists at "runbook.txt"');
  });
});

describe('a real directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const nodeFs: ConfigFs = { readdir: (d) => fs.readdirSync(d), readFile: (f) => fs.readFileSync(f), realPath: (p) => fs.realpathSync(p) };
  function tempConfig(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-config-'));
    dirs.push(root);
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
    }
    return root;
  }

  test('loads from disk, with file() relative to the directory', () => {
    const root = tempConfig({
      'cfg/main.hcl': edit(BASE, '    vms = [vm.db01]', '    vms = [vm.db01]\n    manual = file("steps/db.txt")'),
      'cfg/steps/db.txt': 'Check the db2 connection',
    });
    const r = loadConfig({ dir: path.join(root, 'cfg'), fs: nodeFs, env: {} });
    expect(diagSummary(r)).toEqual([]);
    expect(r.config!.recoveryPlans.get('recovery_plan.erp')!.groups[0].manual).toBe('Check the db2 connection');
  });

  test('file() refuses a symlink that points out of the directory', () => {
    const root = tempConfig({
      'cfg/main.hcl': edit(BASE, '    vms = [vm.db01]', '    vms = [vm.db01]\n    post_check = file("check.sh")'),
      'outside.txt': 'secret',
    });
    fs.symlinkSync(path.join(root, 'outside.txt'), path.join(root, 'cfg', 'check.sh'));
    const r = loadConfig({ dir: path.join(root, 'cfg'), fs: nodeFs, env: {} });
    expect(diagSummary(r).map((d) => d.summary)).toEqual(['Invalid function argument']);
    expect(r.diagnostics[0].detail).toContain('path escapes the configuration directory: "check.sh"');
  });
});
