// The review commands as a reviewer runs them: the built CLI, as a process, against the embedded
// simulator in a temp copy of plans/. `drctl show plan.bin` (text, -json, --markdown),
// `drctl state diff OLD NEW` (files, git:REF:PATH in a temporary repository, another lineage,
// equal states, a role flip's lifecycles), `drctl cost`, and GitHub's 65,000-character limit at
// 5,000 VMs through the CLI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cloneWorkdir, expectExit, workdir, type Workdir } from '../engine/harness.js';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';

const STATE = 'state/erp.drstate.json';
const LIMIT = 65_000;

const schema = (name: string) => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', name), 'utf8')) as object);
};
const planSchema = schema('plan.schema.json');
const diffSchema = schema('state-diff.schema.json');
const costSchema = schema('cost.schema.json');

function expectValid(validate: ReturnType<typeof schema>, doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

/** What GitHub needs to render a comment as meant: sections closed, fences paired, within the limit. */
function expectWellFormedComment(md: string, limit = LIMIT): void {
  const lines = md.split('\n');
  expect(lines.filter((l) => l.startsWith('<details>')).length).toBe(lines.filter((l) => l === '</details>').length);
  expect(lines.filter((l) => /^ {0,3}`{3,}/.test(l)).length % 2).toBe(0);
  expect(md.length).toBeLessThanOrEqual(limit);
}

/** A temp dir holding a copy of plans/ as cfg/ (state at state/erp.drstate.json, as plans/ says). */
function plansWorkdir(): Workdir {
  const w = workdir({});
  fs.cpSync(path.join(ROOT, 'plans'), w.file('cfg'), { recursive: true });
  return w;
}

const swapRoles = (s: string) =>
  s
    .replace('role        = "active"', 'role        = "WAS_ACTIVE"')
    .replace('role        = "standby"', 'role        = "active"')
    .replace('"WAS_ACTIVE"', '"standby"');
const moreLdapMemory = (s: string) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+= )16/, '$124');

/** The serial of the workdir's state file as it is now. */
const serialOf = (w: Workdir) => (JSON.parse(w.read(STATE)) as { serial: number }).serial;

const dirs: Workdir[] = [];
const keep = (w: Workdir) => (dirs.push(w), w);
/** plans/, applied once; tests start from copies of it (config, state and the simulator's world). */
let applied: Workdir;

beforeAll(async () => {
  applied = keep(plansWorkdir());
  expectExit(await applied.run(['apply', applied.config, '-auto-approve'], { timeoutMs: 120_000 }), 0, 'first apply');
}, 180_000);

afterAll(() => {
  for (const w of dirs) w.remove();
});

describe('drctl show plan.bin', () => {
  it('text, -json (valid against the plan schema) and --markdown of the same saved plan agree', async () => {
    const w = keep(cloneWorkdir(applied));
    w.edit('vms.hcl', moreLdapMemory);
    expectExit(await w.run(['plan', w.config, '-out', 'plan.bin']), 0, 'plan -out');

    const text = expectExit(await w.run(['show', 'plan.bin']), 0).stdout;
    expect(text).toContain('~ vm "ldap01" {');
    expect(text).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const json = JSON.parse(expectExit(await w.run(['show', 'plan.bin', '-json']), 0).stdout) as {
      resource_changes: { address: string; actions: string[] }[];
      cost: { delta_usd: number };
    };
    expectValid(planSchema, json);
    expect(json.resource_changes.filter((c) => c.actions[0] !== 'no-op').map((c) => c.address)).toEqual(['vm.ldap01']);

    const md = expectExit(await w.run(['show', 'plan.bin', '--markdown']), 0).stdout;
    expectWellFormedComment(md);
    expect(md.startsWith('<!-- drctl plan -->\n### drctl plan: 0 to add, 1 to change, 0 to destroy\n')).toBe(true);
    expect(md).toContain('| `vm` | 0 | 1 | 0 | 0 |');
    expect(md).toContain('| `recovery_plan.erp` | 56m34s | 1h | unchanged | within target |');
    // The cost delta per site, with the figure the JSON plan carries.
    expect(json.cost.delta_usd).toBe(88.88);
    expect(md).toContain('| `site.home` | $53,190.81 | $53,279.69 | +$88.88 |');
    expect(md).toContain('<details><summary><code>~ vm.ldap01</code> will be updated in-place</summary>');
    expect(md).toContain('! memory_gb     = 16 -> 24');
    expect(md).not.toContain('[!WARNING]');
    // The text plan and the comment name the same totals.
    expect(text).toContain('Monthly cost: $55,066.23 -> $55,155.11 (+$88.88)');
    expect(md).toContain('| **Total** | **$55,066.23** | **$55,155.11** | **+$88.88** |');
  });

  it('--markdown of a role flip: the failover runbook under the DR impact', async () => {
    const w = keep(cloneWorkdir(applied));
    w.edit('main.hcl', swapRoles);
    expectExit(await w.run(['plan', w.config, '-out', 'flip.bin']), 0, 'plan -out');
    const md = expectExit(await w.run(['show', 'flip.bin', '--markdown']), 0).stdout;
    expectWellFormedComment(md);
    expect(md).toContain('### drctl plan: 0 to add, 2 to change, 0 to destroy, then fails over to `site.dr`');
    expect(md).toContain('> **Applying this plan fails over production from `site.home` to `site.dr`**, following `recovery_plan.erp`.');
    expect(md).toContain('**Failover runbook** (predicted');
    expect(md).toMatch(/^1\. shut down at site\.home, reverse plan order/m);
    expect(md).toMatch(/^\d+\. reverse replication site\.dr → site\.home$/m);
    expect(md).toContain('! role        = "standby" -> "active"');
  });

  it('a destructive plan puts its deletions at the top, under a warning', async () => {
    const w = keep(cloneWorkdir(applied));
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*machine_type\s+= )"s922"/, '$1"e980"'));
    expectExit(await w.run(['plan', w.config, '-out', 'plan.bin']), 0, 'plan -out');
    const md = expectExit(await w.run(['show', 'plan.bin', '--markdown']), 0).stdout;
    const warning = md.indexOf('> [!WARNING]');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf('#### Summary'));
    expect(md).toContain('> **This plan replaces 1 resource.**');
    expect(md).toContain('> - `-/+` `vm.ldap01` must be replaced: `machine_type` forces replacement');
  });

  it('-limit shares the comment (a smaller budget drops details and says how to see them); -limit alone is refused', async () => {
    const w = keep(cloneWorkdir(applied));
    w.edit('vms.hcl', (s) => s.replace(/memory_gb(\s+)= (\d+)/g, (_m, sp: string, n: string) => `memory_gb${sp}= ${Number(n) * 2}`));
    expectExit(await w.run(['plan', w.config, '-out', 'big.bin']), 0, 'plan -out');
    const full = expectExit(await w.run(['show', 'big.bin', '--markdown']), 0).stdout;
    expect(full.length).toBeGreaterThan(4000);
    const small = expectExit(await w.run(['show', 'big.bin', '--markdown', '-limit', '4000']), 0).stdout;
    expectWellFormedComment(small, 4000);
    expect(small).toMatch(
      /The details of \d+ `vm` changes are left out to keep this comment under 4,000 characters\. Run `drctl show big\.bin` to see every change\./,
    );
    const alone = await w.run(['show', 'big.bin', '-limit', '4000']);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('-limit sizes the markdown comment: use it with --markdown.');
    expect((await w.run(['show', 'big.bin', '--markdown', '--json'])).code).toBe(1);
  });

  it('a missing plan file is an error that says how to make one', async () => {
    const w = keep(cloneWorkdir(applied));
    const r = await w.run(['show', 'nope.bin', '--markdown']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The file nope.bin does not exist.');
    expect(r.stderr).toContain('drctl plan -out plan.bin');
    expect(r.stdout).toBe('');
  });
});

interface DiffJson {
  equal: boolean;
  same_lineage: boolean;
  before: { exists: boolean; serial: number | null; source: string };
  after: { exists: boolean; serial: number | null; source: string };
  summary: { added: number; removed: number; changed: number; lifecycles: number };
  resources: { address: string; change: string; changed_attributes: string[] }[];
  lifecycles: { key: string; before_state: string | null; after_state: string | null; description: string }[];
}

async function diffJson(w: Workdir, a: string, b: string, code: number): Promise<DiffJson> {
  const r = expectExit(await w.run(['state', 'diff', a, b, '--json']), code, `state diff ${a} ${b} --json`);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  const doc = JSON.parse(r.stdout) as DiffJson;
  expectValid(diffSchema, doc);
  return doc;
}

describe('drctl state diff', () => {
  it('two files after a one-VM apply: exit 2, the change element by element, in text, markdown and JSON', async () => {
    const w = keep(cloneWorkdir(applied));
    fs.copyFileSync(w.file(STATE), w.file('before.json'));
    const serial = serialOf(w);
    w.edit('vms.hcl', moreLdapMemory);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply');

    const text = expectExit(await w.run(['state', 'diff', 'before.json', STATE]), 2, 'state diff');
    expect(text.stdout).toContain(`Comparing before.json (serial ${serial}) with state/erp.drstate.json (serial ${serialOf(w)}).`);
    expect(text.stdout).toContain('Resources: 0 added, 0 removed, 1 changed.');
    expect(text.stdout).toContain('  ~ vm "ldap01" {');
    expect(text.stdout).toContain('~ memory_gb     = 16 -> 24');

    const md = expectExit(await w.run(['state', 'diff', 'before.json', STATE, '--markdown']), 2).stdout;
    expectWellFormedComment(md);
    expect(md).toContain('### drctl state diff: 0 added, 0 removed, 1 changed');
    expect(md).toContain('<details><summary><code>~ vm.ldap01</code> changed</summary>');

    const json = await diffJson(w, 'before.json', STATE, 2);
    expect(json.equal).toBe(false);
    expect(json.summary).toMatchObject({ added: 0, removed: 0, changed: 1 });
    expect(json.resources.map((r) => [r.address, r.change])).toEqual([['vm.ldap01', 'changed']]);
    expect(json.resources[0].changed_attributes).toContain('memory_gb');
  });

  it('equal states: exit 0 in every format', async () => {
    const w = keep(cloneWorkdir(applied));
    fs.copyFileSync(w.file(STATE), w.file('copy.json'));
    expect(expectExit(await w.run(['state', 'diff', 'copy.json', STATE]), 0).stdout).toContain('No differences: the states are equal.');
    expect(expectExit(await w.run(['state', 'diff', 'copy.json', STATE, '--markdown']), 0).stdout).toContain('### drctl state diff: no differences');
    expect((await diffJson(w, 'copy.json', STATE, 0)).equal).toBe(true);
  });

  it('git:REF:PATH reads the state as committed, in a temporary repository', async () => {
    const w = keep(cloneWorkdir(applied));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=drctl test', '-c', 'user.email=test@drctl.invalid', '-c', 'commit.gpgsign=false', ...args], {
        cwd: w.dir,
        env: { ...w.env, GIT_CONFIG_NOSYSTEM: '1', HOME: w.dir },
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    git('add', 'cfg', STATE);
    git('commit', '-q', '-m', 'applied');
    git('checkout', '-q', '-b', 'more-memory');
    const serial = serialOf(w);
    w.edit('vms.hcl', moreLdapMemory);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply');

    // The pull-request job's comparison: the base branch's state against the working copy.
    const json = await diffJson(w, `git:main:${STATE}`, STATE, 2);
    expect(json.before).toMatchObject({ source: `git:main:${STATE}`, exists: true, serial });
    expect(json.after).toMatchObject({ exists: true, serial: serialOf(w) });
    expect(serialOf(w)).toBeGreaterThan(serial);
    expect(json.resources.map((r) => r.address)).toEqual(['vm.ldap01']);
    // Both sides from git: equal once committed.
    git('commit', '-q', '-am', 'applied more memory');
    expectExit(await w.run(['state', 'diff', `git:HEAD:${STATE}`, STATE]), 0);
    expect((await diffJson(w, `git:main:${STATE}`, `git:more-memory:${STATE}`, 2)).summary.changed).toBe(1);
    // A path the ref does not have is "no state" there: everything was added.
    const added = await diffJson(w, 'git:main:state/other.drstate.json', STATE, 2);
    expect(added.before.exists).toBe(false);
    expect(added.summary.added).toBeGreaterThan(40);
    // An unknown ref is an error that says what to do.
    const unknown = await w.run(['state', 'diff', `git:no-such-branch:${STATE}`, STATE]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the repository has no branch, tag or commit "no-such-branch"');
    const malformed = await w.run(['state', 'diff', 'git:main', STATE]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('is not a git state reference: write git:REF:PATH');
  });

  it('states of different lineages are said to be different states', async () => {
    const other = keep(plansWorkdir());
    expectExit(await other.run(['apply', other.config, '-auto-approve'], { timeoutMs: 120_000 }), 0, 'apply elsewhere');
    const w = keep(cloneWorkdir(applied));
    fs.copyFileSync(other.file(STATE), w.file('other.json'));
    const text = expectExit(await w.run(['state', 'diff', 'other.json', STATE]), 2).stdout;
    expect(text).toMatch(/These are different states: other\.json has lineage [0-9a-f-]+ and state\/erp\.drstate\.json has lineage [0-9a-f-]+\./);
    const md = expectExit(await w.run(['state', 'diff', 'other.json', STATE, '--markdown']), 2).stdout;
    expect(md).toContain('> [!CAUTION]');
    const json = await diffJson(w, 'other.json', STATE, 2);
    expect(json.same_lineage).toBe(false);
    expect(json.equal).toBe(false);
  }, 180_000);

  it('a role flip applied, and flipped back: the lifecycle changes in words', async () => {
    const w = keep(cloneWorkdir(applied));
    fs.copyFileSync(w.file(STATE), w.file('before.json'));
    w.edit('main.hcl', swapRoles);
    expectExit(await w.run(['apply', w.config, '-auto-approve'], { timeoutMs: 120_000 }), 0, 'apply (failover)');
    const over = expectExit(await w.run(['state', 'diff', 'before.json', STATE]), 2).stdout;
    expect(over).toMatch(/^ {2}sites: started \(recovered\); production at site\.dr$/m);
    expect(over).toContain('~ role         = "active" -> "standby"');
    fs.copyFileSync(w.file(STATE), w.file('failed-over.json'));
    w.edit('main.hcl', swapRoles);
    expectExit(await w.run(['apply', w.config, '-auto-approve'], { timeoutMs: 120_000 }), 0, 'apply (failback)');
    const back = expectExit(await w.run(['state', 'diff', 'failed-over.json', STATE]), 2).stdout;
    expect(back).toMatch(/^ {2}sites: recovered → replicating; production moved from site\.dr to site\.home; by run failback-/m);
    const json = await diffJson(w, 'failed-over.json', STATE, 2);
    expect(json.lifecycles.find((l) => l.key === 'sites')).toMatchObject({ before_state: 'recovered', after_state: 'replicating' });
  }, 240_000);

  it('errors exit 1: neither side holds a state, an unusable file', async () => {
    const w = keep(cloneWorkdir(applied));
    const none = await w.run(['state', 'diff', 'a.json', 'b.json']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Neither a.json nor b.json holds a state: there is nothing to compare.');
    w.write('broken.json', '{ "version": 1,');
    const broken = await w.run(['state', 'diff', 'broken.json', STATE]);
    expect(broken.code).toBe(1);
    // Framed as every diagnostic is: the file, the line and a caret.
    expect(broken.stderr).toMatch(/Unusable state: Invalid JSON[\s\S]*on .*broken\.json line 1:/);
    expect(broken.stdout).toBe('');
  });
});

describe('drctl cost', () => {
  it('the estimate per site, tier and resource: the figures of the plan’s cost line', async () => {
    const w = keep(plansWorkdir());
    const text = expectExit(await w.run(['cost', w.config]), 0).stdout;
    expect(text.split('\n')[0]).toBe('Monthly cost estimate: $55,066.23');
    expect(text).toMatch(/^ {2}site\.home +\$19,111\.40 +\$27,285\.84 +\$5,324\.77 +\$1,468\.80 +\$53,190\.81$/m);
    expect(text).toMatch(/^ {2}vm\.db01 +site\.home /m);

    const json = JSON.parse(expectExit(await w.run(['cost', w.config, '--json']), 0).stdout) as {
      total_usd: number;
      sites: { site: string; total_usd: number }[];
      resources: { address: string; total_usd: number }[];
    };
    expectValid(costSchema, json);
    expect(json.resources.filter((r) => r.address.startsWith('vm.'))).toHaveLength(30);
    // The plan (from no state) adds up to the same figures, in total and per site.
    const plan = JSON.parse(expectExit(await w.run(['plan', w.config, '-json']), 0).stdout) as { cost: { after_usd: number } };
    expect(plan.cost.after_usd).toBe(json.total_usd);
    expectExit(await w.run(['plan', w.config, '-out', 'plan.bin']), 0);
    const md = expectExit(await w.run(['show', 'plan.bin', '--markdown']), 0).stdout;
    for (const s of json.sites) {
      const usd = `$${s.total_usd.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
      expect(md).toContain(`| \`${s.site}\` | $0.00 | ${usd} | +${usd} |`);
    }
  });

  it('-var changes the estimate; a configuration with errors exits 1 with its diagnostics', async () => {
    const w = keep(plansWorkdir());
    const base = JSON.parse(expectExit(await w.run(['cost', w.config, '--json']), 0).stdout) as { total_usd: number };
    const more = JSON.parse(expectExit(await w.run(['cost', w.config, '--json', '-var', 'app_count=14']), 0).stdout) as {
      total_usd: number;
      resources: { address: string; total_usd: number }[];
    };
    const app = more.resources.find((r) => r.address === 'vm.app[13]');
    expect(app).toBeDefined();
    expect(Math.round((more.total_usd - base.total_usd) * 100)).toBe(
      Math.round((app!.total_usd + more.resources.find((r) => r.address === 'vm.app[12]')!.total_usd) * 100),
    );
    w.edit('vms.hcl', (s) => s.replace('memory_gb    = 16', 'memory_gb    = "lots"'));
    const bad = await w.run(['cost', w.config, '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('vms.hcl');
  });
});

describe("GitHub's 65,000-character limit at 5,000 VMs, through the CLI", () => {
  it('show --markdown of a 5,000-VM plan fits, drops details most numerous first, and says how to see them', async () => {
    const w = keep(workdir({ 'main.hcl': generateDrDefinition(5000) }));
    // The generated estate's post_check names scripts/db-ready.sh: validate wants it there, executable.
    fs.mkdirSync(path.join(w.dir, w.config, 'scripts'));
    fs.writeFileSync(path.join(w.dir, w.config, 'scripts/db-ready.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expectExit(await w.run(['plan', w.config, '-out', 'plan.bin'], { timeoutMs: 240_000 }), 0, 'plan -out (5,000 VMs)');
    const md = expectExit(await w.run(['show', 'plan.bin', '--markdown'], { timeoutMs: 120_000 }), 0).stdout;
    expectWellFormedComment(md);
    expect(md).toContain('| `vm` | 5000 | 0 | 0 | 0 |');
    expect(md).toMatch(
      /> The details of 5,000 `vm`(, \d+ `[a-z_]+`)* changes are left out to keep this comment under 65,000 characters\. Run `drctl show plan\.bin` to see every change\./,
    );
    // What could stay, stayed: the sites' details are shown.
    expect(md).toContain('<code>+ site.home</code> will be created');
  }, 400_000);

  it('state diff --markdown of 5,000 changed VMs fits too', async () => {
    const w = keep(workdir({}));
    const stateOf = (serial: number, memory: number) => ({
      version: 1,
      serial,
      lineage: '11111111-2222-4333-8444-555555555555',
      drctl_version: '0.1.0',
      resources: Array.from({ length: 5000 }, (_, i) => ({
        address: `vm.app[${i}]`,
        type: 'vm',
        name: `app[${i}]`,
        id: `pvm-${String(i).padStart(5, '0')}`,
        attributes: { machine_type: 's922', memory_gb: memory, processors: 2, site: 'site.home' },
        dependencies: [],
        sensitive_attributes: [],
      })),
      lifecycles: {},
      outputs: {},
    });
    w.write('old.json', JSON.stringify(stateOf(1, 64), null, 2));
    w.write('new.json', JSON.stringify(stateOf(2, 128), null, 2));
    const md = expectExit(await w.run(['state', 'diff', 'old.json', 'new.json', '--markdown'], { timeoutMs: 120_000 }), 2).stdout;
    expectWellFormedComment(md);
    expect(md).toContain('### drctl state diff: 0 added, 0 removed, 5000 changed');
    expect(md).toContain(
      '> The details of 5,000 `vm` resources are left out to keep this comment under 65,000 characters. Run `drctl state diff old.json new.json` to see them.',
    );
    const text = expectExit(await w.run(['state', 'diff', 'old.json', 'new.json'], { timeoutMs: 120_000 }), 2).stdout;
    expect(text.match(/~ memory_gb +\= 64 -> 128/g)).toHaveLength(5000);
  }, 300_000);
});
