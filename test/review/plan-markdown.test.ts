// `drctl show plan.bin --markdown`: the plan as a pull-request comment. Golden comments for a
// one-VM change, a role flip (the failover runbook) and a destructive plan, made from real plans
// of fixtures/engine/basic against its applied state; and the 65,000-character limit at 5,000
// VMs. UPDATE_GOLDEN=1 rewrites fixtures/plan-markdown/*.md (review them before committing).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../src/plan/render-markdown.js';
import type { Plan } from '../../src/plan/plan.js';
import { GITHUB_COMMENT_LIMIT, fitComment, fencedBlock, mdCode, mdText } from '../../src/review/markdown.js';
import { generateDrDefinition } from '../../bench/gen-vms.mjs';
import { ROOT, appliedState, configOf, planOf, planOfEdit } from './plan-fixtures.js';

function golden(name: string, text: string): void {
  const file = path.join(ROOT, 'fixtures/plan-markdown', `${name}.md`);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

/** What GitHub needs to render the comment as meant: every section closed, every fence paired. */
function expectWellFormed(md: string): void {
  const lines = md.split('\n');
  expect(lines.filter((l) => l.startsWith('<details>')).length).toBe(lines.filter((l) => l === '</details>').length);
  const fences = lines.filter((l) => /^ {0,3}`{3,}/.test(l));
  expect(fences.length % 2).toBe(0);
  expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
}

const swapRoles = (s: string) =>
  s.replace('role      = "active"', 'role      = "ACTIVE"').replace('role      = "standby"', 'role      = "active"').replace('"ACTIVE"', '"standby"');

describe('plan markdown goldens', () => {
  it('one VM change: summary, RTO change, cost per site, and the VM element by element', async () => {
    const plan = await planOfEdit({ 'vms.hcl': (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+= )16/, '$124') });
    const md = renderPlanMarkdown(plan);
    golden('one-vm-change', md);
    expectWellFormed(md);
    expect(md).toContain('! memory_gb     = 16 -> 24');
    expect(md).not.toContain('[!WARNING]');
  });

  it('role flip: the failover runbook under the DR impact, the sites in the details', async () => {
    const plan = await planOfEdit(
      { 'main.hcl': swapRoles },
      { lifecycles: { sites: { status: 'active', value: 'replicating', context: { active: 'site.home', standby: 'site.dr' } } } },
    );
    expect(plan.runbooks?.map((r) => [r.kind, r.from, r.to, r.mode])).toEqual([['failover', 'site.home', 'site.dr', 'move']]);
    const md = renderPlanMarkdown(plan);
    golden('role-flip', md);
    expectWellFormed(md);
    expect(md).toContain('**Applying this plan fails over production from `site.home` to `site.dr`**');
  });

  it('destructive plan: deletions and replacements at the top under a warning, RPO changes, and their details first', async () => {
    const plan = await planOfEdit({
      'vms.hcl': (s) => s.replace('machine_type  = "e980"', 'machine_type  = "e1080"').replace(/(vm "web" \{\s*count\s+= )2/, '$11'),
      'storage.hcl': (s) => s.replace('rpo  = "15m"', 'rpo  = "5m"'),
      'recovery.hcl': (s) => s.replace('rto = "45m"', 'rto = "5m"'),
    });
    const md = renderPlanMarkdown(plan);
    golden('destructive', md);
    expectWellFormed(md);
    const warning = md.indexOf('[!WARNING]');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf('#### Summary'));
    expect(md).toContain('> - `-/+` `vm.db01` must be replaced: `machine_type` forces replacement');
    expect(md).toContain('> - `-` `vm.web[1]` will be destroyed: no longer in the configuration');
    expect(md).toContain('- `replication_policy.gold`: RPO 15m → **5m**');
    expect(md).toContain('⚠️ **exceeds target**');
    // The first details are the destructive ones.
    const summaries = [...md.matchAll(/<summary><code>([^<]*)<\/code>/g)].map((m) => m[1]);
    expect(summaries.slice(0, 2)).toEqual(['-/+ vm.db01', '- vm.web[1]']);
  });
});

describe('plan markdown facts', () => {
  it('the RTO change is measured against what state records; a plan new to state says so', async () => {
    const slower = await planOfEdit({ 'vms.hcl': (s) => s.replace(/(vm "db01" \{[^}]*memory_gb\s+= )128/, '$11024') });
    const r = slower.recovery[0];
    expect(r.previousSeconds).toBeDefined();
    expect(r.predictedSeconds).toBeGreaterThan(r.previousSeconds!);
    expect(renderPlanMarkdown(slower)).toMatch(/\| `recovery_plan\.basic` \| [0-9ms]+ \| 45m \| \+[0-9ms]+ \(was [0-9ms]+\) \| within target \|/);
    const fresh = await planOf(configOf(Object.fromEntries(Object.entries((await import('./plan-fixtures.js')).fixtureFiles()))), null);
    expect(fresh.recovery[0].previousSeconds).toBeUndefined();
    expect(renderPlanMarkdown(fresh)).toContain('| new plan |');
  });

  it('no changes says so, and a plan with errors says it cannot be applied', async () => {
    const plan = await planOfEdit({});
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('### drctl plan: no changes');
    expect(md).toContain('Your DR configuration matches the recorded state.');
    const errored: Plan = {
      ...plan,
      errored: true,
      diagnostics: [{ severity: 'error', summary: 'Unsupported argument', detail: 'An argument named "regoin" is not expected here.' }],
    };
    expect(renderPlanMarkdown(errored)).toContain(
      '> **This plan has errors and cannot be applied.**\n> - Unsupported argument: An argument named "regoin" is not expected here.',
    );
  });

  it('a secret never appears, and a value holding a code fence cannot break out of its block', async () => {
    const plan = await planOfEdit({
      'main.hcl': (s) => s.replace('default   = "s3cr3t-hook-token"', 'default   = "an0ther-t0ken"'),
      'recovery.hcl': (s) => s.replace('vms = [vm.db01]', 'vms = [vm.db01]\n    manual = "```\\n</details>\\n## not a heading"'),
    });
    const md = renderPlanMarkdown(plan);
    expect(md).not.toContain('s3cr3t');
    expect(md).not.toContain('an0ther');
    expect(md).toContain('! webhook = (sensitive value)');
    expectWellFormed(md);
    expect(md).toContain('````diff');
  });

  it('escapes what markdown would read as markup, and leaves addresses readable', () => {
    expect(mdText('vm.app[0] and volume_group.db')).toBe('vm.app[0] and volume_group.db');
    expect(mdText('*bold* _x_ <b> a|b [l](http://x) ![i](y) ~~s~~ &amp; # h')).toBe(
      '\\*bold\\* \\_x\\_ \\<b\\> a\\|b [l\\](http://x) \\![i\\](y) \\~\\~s\\~\\~ \\&amp; # h',
    );
    expect(mdText('# heading\nsecond')).toBe('\\# heading second');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(fencedBlock(['```', 'x'], 'diff')).toBe('````diff\n```\nx\n````');
  });
});

describe('the 65,000-character limit', () => {
  it('drops details of the most numerous kind first, and says what was left out and how to see it', () => {
    const details = [
      ...Array.from({ length: 30 }, (_, i) => ({ kind: 'vm', text: `vm ${i} `.padEnd(100, '.') })),
      ...Array.from({ length: 5 }, (_, i) => ({ kind: 'network', text: `net ${i} `.padEnd(100, '.') })),
      { kind: 'site', text: 'site '.padEnd(100, '.') },
    ];
    const parts = {
      head: 'HEAD',
      detailsHeading: '#### Changes',
      details,
      omittedNote: (o: readonly { kind: string; count: number }[]) => `left out: ${o.map((x) => `${x.count} ${x.kind}`).join(', ')}`,
      footer: 'FOOT',
    };
    expect(fitComment(parts, 10_000).omitted).toEqual([]);
    const one = fitComment(parts, 1_000);
    expect(one.omitted).toEqual([{ kind: 'vm', count: 30 }]);
    expect(one.text).toContain('left out: 30 vm');
    expect(one.text).toContain('net 4');
    expect(one.text.length).toBeLessThanOrEqual(1_000);
    const two = fitComment(parts, 400);
    expect(two.omitted.map((o) => o.kind)).toEqual(['vm', 'network']);
    expect(two.text).toContain('site ...');
    // With no room even for the head, the head is cut at a line and says so.
    const tiny = fitComment({ ...parts, head: Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') }, 300);
    expect(tiny.text.length).toBeLessThanOrEqual(300);
    expect(tiny.text).toContain('was cut');
  });

  const estate = generateDrDefinition(5000);
  const files = { 'main.hcl': estate };

  it('a 5,000-VM estate created from nothing fits, with the VM details left out and said so', async () => {
    const plan = await planOf(configOf(files), null);
    expect(plan.summary.add).toBeGreaterThan(5000);
    const md = renderPlanMarkdown(plan);
    expectWellFormed(md);
    expect(md).toMatch(
      /The details of 5,000 `vm`(, [0-9,]+ `[a-z_]+`)* changes are left out to keep this comment under 65,000 characters\. Run `drctl show plan\.bin` to see every change\./,
    );
    expect(md).toContain('#### Summary');
    expect(md).toContain('| `vm` | 5000 | 0 | 0 | 0 |');
    expect(md).toContain('#### Monthly cost');
  }, 60_000);

  it('a 5,000-VM destroy fits: the warning lists the first resources and counts the rest by type', async () => {
    const config = configOf(files);
    const plan = await planOf(config, appliedState(config), { destroy: true });
    const md = renderPlanMarkdown(plan);
    expectWellFormed(md);
    expect(md).toContain('[!WARNING]');
    expect(md).toMatch(/> - … and [0-9,]+ more: 4,9[0-9]{2} `vm`/);
    expect(md).toContain('Run `drctl show plan.bin` to see every change.');
  }, 60_000);

  it('a 5,000-VM role flip fits: the runbook is kept, its long steps shortened', async () => {
    const config = configOf(files);
    const state = appliedState(config, {
      lifecycles: { sites: { status: 'active', value: 'replicating', context: { active: 'site.home', standby: 'site.dr' } } },
    });
    const plan = await planOf(configOf({ 'main.hcl': swapRoles(estate) }), state);
    expect(plan.runbooks?.length).toBe(1);
    const md = renderPlanMarkdown(plan, { fullPlanCommand: 'drctl show tfplan.bin' });
    expectWellFormed(md);
    expect(md).toContain('**Applying this plan fails over production from `site.home` to `site.dr`**');
    expect(md).toMatch(/   - boot vm\.[a-z0-9]+, .*, … \([0-9,]+ more\)/);
  }, 60_000);
});
