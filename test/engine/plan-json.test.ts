// The machine outputs: `plan -json` against schemas/plan.schema.json (with ajv), and the NDJSON
// event stream of `apply -json` against the event types docs/plan-json.md documents.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, expectExit, idOf, parseStateFile, startSimulator, workdir, type Workdir } from './harness.js';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

function expectValid(plan: unknown): void {
  const ok = validate(plan);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

type Change = {
  address: string;
  actions: string[];
  action_reason?: string;
  replace_paths?: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};
type Plan = {
  resource_changes: Change[];
  resource_drift: Array<{ address: string; kind: string }>;
  moves: unknown[];
  diagnostics: Array<{ severity: string; range: unknown }>;
  mode: string;
  summary: Record<string, number>;
};

const dirs: Workdir[] = [];
const keep = (w: Workdir) => (dirs.push(w), w);
afterAll(() => {
  for (const w of dirs) w.remove();
});

beforeAll(() => {
  if (!fs.existsSync(`${ROOT}/dist/commands/index.js`)) throw new Error('build first: npx tsc -p tsconfig.build.json');
});

async function planJson(w: Workdir, ...args: string[]): Promise<Plan> {
  const r = expectExit(await w.run(['plan', w.config, '-json', ...args]), 0, 'plan -json');
  // stdout is the plan and nothing else: one JSON document.
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout) as Plan;
}

describe('plan -json matches schemas/plan.schema.json', () => {
  it('a plan from no state (creates only) is valid', async () => {
    const w = keep(workdir('basic'));
    const plan = await planJson(w);
    expectValid(plan);
    expect(plan.resource_changes).toHaveLength(17);
    expect(plan.resource_changes.every((c) => c.actions.join() === 'create' && c.before === null)).toBe(true);
  });

  it('a plan with every kind of change, drift, a move and a warning is valid', { timeout: 60_000 }, async () => {
    const w = keep(workdir('basic'));
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const st = await parseStateFile(w.file('state/basic.drstate.json'));
    w.edit(
      'vms.hcl',
      (s) =>
        s
          .replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$124') // update
          .replace('machine_type  = "e980"', 'machine_type  = "e1080"') // replace
          .replace(/(vm "web" \{\s*count\s+=\s+)2/, '$11') // delete
          .replace('vm "jump01"', 'vm "bastion"') +
        '\nmoved {\n  from = vm.jump01\n  to   = vm.bastion\n}\n' +
        // create; in no recovery group, which is a warning with a source range
        'vm "extra01" {\n  site         = site.home\n  machine_type = "s922"\n  processors   = 1\n  proc_type    = "shared"\n  memory_gb    = 8\n  os           = "rhel"\n  networks     = [network.app]\n}\n',
    );
    w.edit('recovery.hcl', (s) => s.replace('vm.jump01', 'vm.bastion'));
    const sim = await startSimulator(w.file('.drctl/sim'));
    try {
      await sim.call('PUT', `/pcloud/v1/cloud-instances/basic-dal13/pvm-instances/${idOf(st, 'vm.app[0]')}`, { processors: 3 });
      await sim.call('DELETE', `/pcloud/v1/cloud-instances/basic-dal13/pvm-instances/${idOf(st, 'vm.app[2]')}`);
      const plan = await planJson(w);
      expectValid(plan);
      const kinds = new Set(plan.resource_changes.map((c) => c.actions.join()));
      expect([...kinds].sort()).toEqual(['create', 'delete', 'delete,create', 'no-op', 'update']);
      expect(plan.resource_drift.map((d) => [d.address, d.kind])).toEqual([
        ['vm.app[0]', 'changed'],
        ['vm.app[2]', 'deleted'],
      ]);
      expect(plan.moves).toEqual([{ from: 'vm.jump01', to: 'vm.bastion' }]);
      expect(plan.diagnostics.some((d) => d.severity === 'warning' && d.range !== null)).toBe(true);
      const reasons = plan.resource_changes.filter((c) => c.action_reason).map((c) => [c.address, c.action_reason]);
      expect(reasons).toEqual([
        ['vm.app[2]', 'replace_because_deleted_outside'],
        ['vm.db01', 'replace_because_cannot_update'],
        ['vm.web[1]', 'delete_because_no_resource_config'],
      ]);
      // A destroy plan of the same state is valid too.
      const destroy = await planJson(w, '-destroy');
      expectValid(destroy);
      expect(destroy.mode).toBe('destroy');
    } finally {
      await sim.stop();
    }
  });

  it('the schema is not vacuous: it rejects plans that break the documented shape', async () => {
    const w = keep(workdir('basic'));
    const good = await planJson(w);
    expectValid(good);
    const broken = (change: (p: Record<string, unknown> & Plan) => void) => {
      const p = structuredClone(good) as Record<string, unknown> & Plan;
      change(p);
      return validate(p);
    };
    expect(broken((p) => (p.resource_changes[0].actions = ['replace']))).toBe(false);
    expect(broken((p) => (p.resource_changes[0].actions = ['delete', 'create']))).toBe(false); // a replace needs its reason
    expect(broken((p) => Object.assign(p.resource_changes[0], { actions: ['update'], action_reason: 'replace_by_request' }))).toBe(false);
    expect(broken((p) => (p.resource_changes[0].before = {}))).toBe(false); // a create has no before
    expect(broken((p) => delete (p as Record<string, unknown>).summary)).toBe(false);
    expect(broken((p) => ((p as Record<string, unknown>).format_version = '2.0'))).toBe(false);
    expect(broken((p) => ((p as Record<string, unknown>).extra = true))).toBe(false);
    expect(broken((p) => (p.resource_changes[0].address = 'not an address'))).toBe(false);
  });
});

// The event types docs/plan-json.md documents; a new type must be documented before it is emitted.
const EVENT_TYPES = new Set([
  'plan.start',
  'refresh.start',
  'refresh.done',
  'plan.done',
  'apply.start',
  'resource.start',
  'resource.progress',
  'resource.done',
  'resource.failed',
  'resource.skipped',
  'apply.interrupted',
  'state.persisted',
  'apply.done',
  'log',
]);

describe('apply -json prints NDJSON events', () => {
  it('the documented event types are exactly those in docs/plan-json.md', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/plan-json.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Apply events'));
    const documented = new Set([...section.matchAll(/^\| `([a-z.]+)`(?: \/ `([a-z.]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean));
    expect([...documented].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('every line parses, has a documented type, and each resource starts before it is done', { timeout: 60_000 }, async () => {
    const w = keep(workdir('basic'));
    const first = expectExit(await w.run(['apply', w.config, '-auto-approve', '-json']), 0);
    w.edit('vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+=\s+)16/, '$124').replace(/(vm "web" \{\s*count\s+=\s+)2/, '$11'));
    const second = expectExit(await w.run(['apply', w.config, '-auto-approve', '-json']), 0);

    for (const [run, expected] of [
      [first, { creates: 17, updates: 0, deletes: 0 }],
      // ldap01's memory, and the recovery plan that listed web[1]
      [second, { creates: 0, updates: 2, deletes: 1 }],
    ] as const) {
      const lines = run.stdout.split('\n');
      expect(lines.pop()).toBe(''); // newline-terminated
      const events = lines.map((l) => JSON.parse(l) as { type: string; t: number; address?: string; action?: string });
      for (const e of events) {
        expect(EVENT_TYPES.has(e.type), `undocumented event type ${e.type}`).toBe(true);
        expect(Number.isInteger(e.t) && e.t >= 0).toBe(true);
      }
      // Times never go backwards.
      for (let i = 1; i < events.length; i++) expect(events[i].t).toBeGreaterThanOrEqual(events[i - 1].t);
      const started = new Set<string>();
      const done = new Set<string>();
      for (const e of events) {
        if (e.type === 'resource.start') {
          expect(started.has(e.address!)).toBe(false);
          started.add(e.address!);
        }
        if (e.type === 'resource.done') {
          expect(started.has(e.address!), `${e.address} done before it started`).toBe(true);
          expect(done.has(e.address!)).toBe(false);
          done.add(e.address!);
        }
      }
      expect([...done].sort()).toEqual([...started].sort());
      const count = (action: string) => events.filter((e) => e.type === 'resource.done' && e.action === action).length;
      expect({ creates: count('create'), updates: count('update'), deletes: count('delete') }).toEqual(expected);
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('plan.start');
      expect(types.indexOf('plan.done')).toBeLessThan(types.indexOf('apply.start'));
      expect(types.at(-2)).toBe('state.persisted');
      expect(types.at(-1)).toBe('apply.done');
      expect(events.at(-1)).toMatchObject({ succeeded: done.size, failed: 0, skipped: 0, cancelled: 0 });
      // Progress lines stay off stdout, and nothing but events is on it.
      expect(run.stdout).not.toContain('Apply complete');
    }
    // A dependency finishes before its dependents start: networks before the VMs on them.
    const events = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; address?: string });
    const at = (type: string, address: string) => events.findIndex((e) => e.type === type && e.address === address);
    expect(at('resource.done', 'network.app')).toBeLessThan(at('resource.start', 'vm.ldap01'));
    expect(at('resource.done', 'volume_group.db')).toBeLessThan(at('resource.start', 'vm.db01'));
  });
});
