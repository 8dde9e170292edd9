// What the README and the example tell a new user agrees with what drctl does: the variables it
// names are the ones drctl reads, the endpoint variable really chooses the cloud, the example's
// advice on its state file agrees with .gitignore, and fmt reads plans/ like every command.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, expectExit, workdir, type Workdir } from '../engine/harness.js';

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

function sourceText(dir: string): string {
  let out = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    // This file names variables too; it must not vouch for itself.
    if (p === import.meta.filename) continue;
    out += e.isDirectory() ? sourceText(p) : e.name.endsWith('.ts') || e.name.endsWith('.tsx') ? fs.readFileSync(p, 'utf8') : '';
  }
  return out;
}

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

describe('the README names the variables drctl reads', () => {
  it('every DRCTL_ variable in the README and docs/ is one the source names (src/, or test/ for the CI switches)', () => {
    const src = sourceText(path.join(ROOT, 'src')) + sourceText(path.join(ROOT, 'test'));
    // Every file under docs/, the CI workflows in docs/ci/ included.
    const docFiles = fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const docs = [read('README.md'), ...docFiles.map((e) => read(path.relative(ROOT, path.join(e.parentPath, e.name))))].join('\n');
    // A name ending in _ is a prefix (DRCTL_VAR_name).
    const named = [...new Set([...docs.matchAll(/\bDRCTL_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]))];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !src.includes(n))).toEqual([]);
  });

  it('the endpoint variable the README names takes drctl off the simulator, to that endpoint', async () => {
    const readme = read('README.md');
    const endpointVar = /`(DRCTL_[A-Z_]*ENDPOINT)` with\s+`IBMCLOUD_API_KEY`/.exec(readme)?.[1];
    expect(endpointVar).toBe('DRCTL_POWERVS_ENDPOINT');
    const w = workdir('basic');
    dirs.push(w);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply on the simulator');
    // Nothing listens on port 9 of loopback: the refresh must go there (a real endpoint then needs
    // workspace CRNs too, which the simulator never asks for), and say it cannot use it.
    const r = await w.run(['plan', w.config], { env: { [endpointVar!]: 'http://127.0.0.1:9', DRCTL_POWERVS_TOKEN: 't', DRCTL_POWERVS_MAX_ATTEMPTS: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot (reach the PowerVS endpoint|connect to) http:\/\/127\.0\.0\.1:9/);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe("the example's advice on its state file", () => {
  it('keeps it out of git, and .gitignore does ignore it', () => {
    const main = read('plans/main.hcl');
    const statePath = /backend "local" \{\s*path\s*=\s*"([^"]+)"/.exec(main)?.[1];
    expect(statePath).toBe('state/erp.drstate.json');
    // The comment over the backend block says to keep it out of git, never to commit it.
    const comment = main.slice(0, main.indexOf('backend "local"')).split('\n').filter((l) => l.trim().startsWith('#')).join(' ');
    expect(comment).toMatch(/Keep it out of git/);
    expect(comment).not.toMatch(/commit it/i);
    expect(read('docs/state.md')).toContain('Keep the state file out of git.');
    const git = spawnSync('git', ['--version']);
    if (git.status !== 0) return; // no git here: the comment is checked, the ignore rule cannot be
    expect(() => execFileSync('git', ['check-ignore', '-q', statePath!], { cwd: ROOT })).not.toThrow();
  });
});
