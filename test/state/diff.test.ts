// `drctl state diff`: the semantic diff of two states. The fixtures in fixtures/state-diff/ are
// real states written by drctl runs on fixtures/engine/basic: applied; failed over; a config
// change applied (a VM resized, one added, one removed); failed back; and a second apply in
// another directory (another lineage). Text and markdown goldens sit beside them
// (UPDATE_GOLDEN=1 rewrites them); JSON is validated against schemas/state-diff.schema.json.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/diag/errors.js';
import { diffStates, type StateDiff } from '../../src/state/diff.js';
import { parseState, serializeState } from '../../src/state/format.js';
import { renderStateDiffMarkdown, renderStateDiffText, stateDiffToJson, type StateDiffLabels } from '../../src/state/render-diff.js';
import { loadStateSide, parseStateSourceSpec } from '../../src/state/sources.js';
import type { DrState } from '../../src/state/types.js';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';
import { appliedState, configOf } from '../review/plan-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'fixtures/state-diff');
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/state-diff.schema.json'), 'utf8')) as object,
);

function read(name: string): DrState {
  const r = parseState(fs.readFileSync(path.join(DIR, `${name}.drstate.json`), 'utf8'), name);
  if (!r.ok) throw r.error;
  return r.state;
}

function golden(file: string, text: string): void {
  const p = path.join(DIR, file);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(p, text);
  expect(text).toBe(fs.readFileSync(p, 'utf8'));
}

const labels = (a: string, b: string): StateDiffLabels => ({ before: `state/${a}.drstate.json`, after: `state/${b}.drstate.json` });

function expectValidJson(d: StateDiff, l: StateDiffLabels): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(stateDiffToJson(d, l))) as Record<string, unknown>;
  expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  return json;
}

describe('state diff of real states', () => {
  it('a config change applied: added, removed and changed resources, element by element', () => {
    const d = diffStates(read('failed-over'), read('changed'));
    expect(d.sameLineage).toBe(true);
    expect(d.equal).toBe(false);
    expect(d.resources.map((r) => [r.address, r.change])).toEqual([
      ['recovery_plan.basic', 'changed'],
      ['vm.batch01', 'added'],
      ['vm.ldap01', 'changed'],
      ['vm.web[1]', 'removed'],
    ]);
    expect(d.resources.find((r) => r.address === 'vm.ldap01')!.changedAttributes).toEqual(['boot_seconds', 'cloud', 'memory_gb']);
    const text = renderStateDiffText(d, labels('failed-over', 'changed'));
    golden('failed-over-to-changed.txt', text);
    expect(text).toContain('      ~ memory_gb     = 16 -> 24');
    expect(text).toContain('                  - "vm.web[1]",');
    const md = renderStateDiffMarkdown(d, labels('failed-over', 'changed'));
    golden('failed-over-to-changed.md', md);
    const json = expectValidJson(d, labels('failed-over', 'changed'));
    expect(json.summary).toEqual({ added: 1, removed: 1, changed: 2, lifecycles: 0, outputs: 0 });
  });

  it('a failover and a failback read as lifecycle changes in words', () => {
    const over = diffStates(read('applied'), read('failed-over'));
    expect(over.resources).toEqual([]);
    expect(over.lifecycles.find((l) => l.key === 'sites')!.description).toBe('sites: started (recovered); production at site.dr');
    const back = diffStates(read('changed'), read('failed-back'));
    const sites = back.lifecycles.find((l) => l.key === 'sites')!;
    expect([sites.change, sites.beforeState, sites.afterState]).toEqual(['changed', 'recovered', 'replicating']);
    expect(sites.description).toMatch(/^sites: recovered → replicating; production moved from site\.dr to site\.home; by run failback-\d{8}T\d{6}-[0-9a-f]+$/);
    expect(back.lifecycles.find((l) => l.key === 'vm.db01')!.description).toBe('vm.db01: still active-on-target; production moved from site.dr to site.home');
    const text = renderStateDiffText(back, labels('changed', 'failed-back'));
    golden('changed-to-failed-back.txt', text);
    expect(text).toContain('Resources: unchanged.');
    golden('changed-to-failed-back.md', renderStateDiffMarkdown(back, labels('changed', 'failed-back')));
    expect(expectValidJson(back, labels('changed', 'failed-back')).lifecycles).toContainEqual({
      key: 'sites',
      change: 'changed',
      before_state: 'recovered',
      after_state: 'replicating',
      description: sites.description,
    });
  });

  it('a different lineage is said plainly: these are different states', () => {
    const d = diffStates(read('applied'), read('other-lineage'));
    expect(d.sameLineage).toBe(false);
    expect(d.equal).toBe(false);
    const l = labels('applied', 'other-lineage');
    const text = renderStateDiffText(d, l);
    expect(text.split('\n')[2]).toBe(
      'These are different states: state/applied.drstate.json has lineage 2ec9276e-58c7-4f33-a25e-44497dccf5f8 and state/other-lineage.drstate.json has lineage c138302a-fcc4-4288-a844-32ddba5bb5a1. Neither was made from the other, so this compares two unrelated estates.',
    );
    expect(renderStateDiffMarkdown(d, l)).toContain('> [!CAUTION]\n> **These are different states:');
    expect(expectValidJson(d, l).same_lineage).toBe(false);
  });

  it('equal states are equal (exit 0), and a copy written again is still equal', () => {
    const a = read('changed');
    const again = parseState(serializeState(a), 'copy');
    if (!again.ok) throw again.error;
    const d = diffStates(a, again.state);
    expect(d.equal).toBe(true);
    expect(renderStateDiffText(d, labels('changed', 'changed'))).toContain('No differences: the states are equal.');
    expect(expectValidJson(d, labels('changed', 'changed')).equal).toBe(true);
    // Same content, another serial: not equal, and said so.
    const bumped = diffStates(a, { ...a, serial: a.serial + 1 });
    expect(bumped.equal).toBe(false);
    expect(renderStateDiffText(bumped, labels('changed', 'changed'))).toContain('only the serial differs (3 → 4)');
  });

  it('states drctl wrote, lifecycles included, write back byte for byte (so git diff shows only real changes)', () => {
    for (const name of ['applied', 'failed-over', 'changed', 'failed-back', 'other-lineage']) {
      const text = fs.readFileSync(path.join(DIR, `${name}.drstate.json`), 'utf8');
      expect(serializeState(read(name)), name).toBe(text);
    }
  });

  it('no state on one side: everything added (a change that adds the state file)', () => {
    const d = diffStates(null, read('applied'));
    expect(d.summary.added).toBe(17);
    expect(d.sameLineage).toBe(true);
    expect(renderStateDiffText(d, { before: 'git:main:state/basic.drstate.json', after: 'state/basic.drstate.json' }).split('\n')[0]).toBe(
      'Comparing git:main:state/basic.drstate.json (no state) with state/basic.drstate.json (serial 1).',
    );
    const json = expectValidJson(d, labels('x', 'applied'));
    expect(json.before).toEqual({ source: 'state/x.drstate.json', exists: false, serial: null, lineage: null, drctl_version: null });
  });

  it('secrets stay hashes: a changed sensitive value shows as (sensitive value), never its marker', () => {
    const a = read('applied');
    const other = read('other-lineage');
    const text = renderStateDiffText(diffStates(a, other), labels('a', 'b'));
    expect(text).toContain('~ webhook      = (sensitive value)');
    expect(text).toContain('~ hook_token = (sensitive value)');
    expect(text).not.toMatch(/hmac_sha256|[0-9a-f]{64}/);
  });

  it('a state diff of 5,000 VMs fits a comment, and says which details were left out', () => {
    const config = configOf({ 'main.hcl': generateDrDefinition(5000) });
    const before = appliedState(config);
    const after: DrState = {
      ...before,
      serial: before.serial + 1,
      resources: before.resources.map((r) =>
        r.type === 'vm' ? { ...r, attributes: { ...r.attributes, memory_gb: (r.attributes.memory_gb as number) * 2 } } : r,
      ),
    };
    const d = diffStates(before, after);
    expect(d.summary.changed).toBe(5000);
    const md = renderStateDiffMarkdown(d, labels('before', 'after'));
    expect(md.length).toBeLessThanOrEqual(65_000);
    expect(md).toContain(
      'The details of 5,000 `vm` resources are left out to keep this comment under 65,000 characters. Run `drctl state diff state/before.drstate.json state/after.drstate.json` to see them.',
    );
    expect(md.split('\n').filter((l) => l.startsWith('<details>')).length).toBe(md.split('\n').filter((l) => l === '</details>').length);
    expectValidJson(d, labels('before', 'after'));
  }, 60_000);
});

describe('reading the sides: files and git:REF:path', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: repo,
      },
    });

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-state-diff-'));
    git('init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(repo, 'state'));
    fs.copyFileSync(path.join(DIR, 'failed-over.drstate.json'), path.join(repo, 'state/basic.drstate.json'));
    git('add', '.');
    git('commit', '-q', '-m', 'failed over');
    fs.copyFileSync(path.join(DIR, 'changed.drstate.json'), path.join(repo, 'state/basic.drstate.json'));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("git:main:path against the working file: the PR job's diff", async () => {
    const before = await loadStateSide('git:main:state/basic.drstate.json', { cwd: repo });
    const after = await loadStateSide('state/basic.drstate.json', { cwd: repo });
    expect([before.label, before.state?.serial, after.label, after.state?.serial]).toEqual([
      'git:main:state/basic.drstate.json',
      2,
      'state/basic.drstate.json',
      3,
    ]);
    expect(diffStates(before.state, after.state).summary).toEqual({ added: 1, removed: 1, changed: 2, lifecycles: 0, outputs: 0 });
    // The same from a subdirectory: git paths are from the repository root.
    fs.mkdirSync(path.join(repo, 'sub'), { recursive: true });
    expect((await loadStateSide('git:HEAD:state/basic.drstate.json', { cwd: path.join(repo, 'sub') })).state?.serial).toBe(2);
  });

  it('a path the ref does not have, or a file that does not exist, is no state', async () => {
    expect((await loadStateSide('git:main:state/none.drstate.json', { cwd: repo })).state).toBeNull();
    expect((await loadStateSide('state/none.drstate.json', { cwd: repo })).state).toBeNull();
  });

  it('an unknown ref and a directory outside any repository are errors that say what to do', async () => {
    const err = await loadStateSide('git:no-such-branch:state/basic.drstate.json', { cwd: repo }).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'Cannot read git:no-such-branch:state/basic.drstate.json: the repository has no branch, tag or commit "no-such-branch".',
    );
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-no-repo-'));
    try {
      const e2 = await loadStateSide('git:main:state/basic.drstate.json', {
        cwd: outside,
        env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(outside) },
      }).catch((e: unknown) => e);
      expect(isUserError(e2)).toBe(true);
      expect((e2 as Error).message).toBe(`Cannot read git:main:state/basic.drstate.json: ${outside} is not inside a git repository.`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    const e3 = await loadStateSide('git:main:state/basic.drstate.json', { cwd: repo, git: path.join(repo, 'no-such-git') }).catch((e: unknown) => e);
    expect((e3 as Error).message).toContain('git is not installed');
  });

  it('a committed file that is not a state is unusable, not "no state"', async () => {
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'hello');
    git('add', 'notes.txt');
    git('commit', '-q', '-m', 'notes');
    await expect(loadStateSide('git:HEAD:notes.txt', { cwd: repo })).rejects.toThrow(/Unusable state at git:HEAD:notes\.txt/);
  });

  it('nothing in a spec reaches a shell, and a ref cannot pass for an option', async () => {
    const marker = path.join(repo, 'pwned');
    expect((await loadStateSide('git:main:x;touch pwned', { cwd: repo })).state).toBeNull();
    expect((await loadStateSide('git:main:$(touch pwned)', { cwd: repo })).state).toBeNull();
    expect(fs.existsSync(marker)).toBe(false);
    expect(() => parseStateSourceSpec('git:--output=/tmp/x:state.json')).toThrow(/is not a git revision/);
    expect(() => parseStateSourceSpec('git:main')).toThrow(
      '"git:main" is not a git state reference: write git:REF:PATH, e.g. git:main:state/erp.drstate.json.',
    );
    expect(parseStateSourceSpec('git:origin/main:dir/a:b.json')).toEqual({ kind: 'git', ref: 'origin/main', path: 'dir/a:b.json' });
    expect(parseStateSourceSpec('state/x.json')).toEqual({ kind: 'file', path: 'state/x.json' });
  });
});
