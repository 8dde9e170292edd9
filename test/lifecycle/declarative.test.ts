// Declarative failover over real processes: flipping `role` between the sites in HCL makes
// `drctl plan` show the move's runbook, `drctl apply` run it (VMs end up active at the other
// site, as the simulator reports), and the next plan is clean. A failed move leaves the roles
// in state, so the runbook shows again. The built CLI (bin/drctl.js → dist/) joins the test's
// simulator through its data directory.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PowerVsProvider } from '../../src/provider/powervs/provider.js';
import { providerConfigForSimulator } from '../../src/provider/config.js';
import { bootOrder, drBed, splitBrains, ROOT, type DrBed } from './harness.js';

const BIN = path.join(ROOT, 'bin/drctl.js');
const validatePlanJson = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/plan.schema.json'), 'utf8')),
);
const HOME = 'erp-prod-dal13';
const DR = 'erp-prod-wdc04';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function drctl(bed: DrBed, args: readonly string[]): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DRCTL_')) env[k] = v;
  Object.assign(env, { NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0' });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: bed.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectExit(r: Run, code: number): Run {
  if (r.code !== code) throw new Error(`exit ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

const MAIN = 'plans/main.hcl';
function setRoles(bed: DrBed, active: 'home' | 'dr'): void {
  const file = path.join(bed.dir, MAIN);
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(
    /(site "(home|dr)" \{[^}]*role\s*=\s*)"(active|standby)"/g,
    (_m, head: string, site: string) => `${head}"${site === active ? 'active' : 'standby'}"`,
  );
  fs.writeFileSync(file, next);
}

function stateRoles(bed: DrBed): Record<string, unknown> {
  const state = JSON.parse(fs.readFileSync(path.join(bed.dir, 'state/dr.drstate.json'), 'utf8')) as {
    resources: { address: string; attributes: { role?: unknown } }[];
  };
  return Object.fromEntries(state.resources.filter((r) => r.address.startsWith('site.')).map((r) => [r.address, r.attributes.role]));
}

/** name → "ACTIVE"/"SHUTOFF"… of every VM in a workspace, as the simulator reports it. */
async function vmsAt(bed: DrBed, workspace: string): Promise<Record<string, string>> {
  const zones = Object.fromEntries(Object.values(bed.sim.world.data.workspaces).map((w) => [w.id, { id: w.id, zone: w.location }]));
  const provider = new PowerVsProvider(providerConfigForSimulator(bed.sim, { workspaces: zones }));
  try {
    const vms = await provider.list('vm', workspace);
    return Object.fromEntries(vms.map((v) => [v.name, v.ready ? 'ready' : v.status]).sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await provider.close();
  }
}

describe('declarative failover (flipping site roles in HCL)', () => {
  let bed: DrBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('plan shows the failover runbook and exits 2; apply fails over; the next plan has no changes', async () => {
    bed = await drBed({ config: 'fixtures/lifecycle/declarative' });
    expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 0);
    expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 0);
    expect(await vmsAt(bed, HOME)).toEqual({ 'app-0': 'ready', 'app-1': 'ready', db01: 'ready' });

    // Given the roles flipped in HCL
    setRoles(bed, 'dr');
    // When planning, then the runbook follows the resource changes and the plan has changes
    const plan = expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 2);
    const text = plan.stdout;
    expect(text).toMatch(/~ role\s+= "active" -> "standby"/);
    expect(text).toMatch(/~ role\s+= "standby" -> "active"/);
    expect(text).toContain('drctl will fail over from site.home to site.dr following recovery_plan.erp:');
    expect(text.indexOf('drctl will fail over')).toBeGreaterThan(text.lastIndexOf('# site.'));
    expect(text).toMatch(
      /shut down at site\.home, reverse plan order[\s\S]*group database[\s\S]*boot vm\.db01[\s\S]*group app[\s\S]*boot vm\.app\[0\], vm\.app\[1\][\s\S]*reverse replication site\.dr → site\.home/,
    );
    expect(text).toMatch(/Predicted RTO: \S+ against an RTO of 30m/);
    expect(text.indexOf('drctl will fail over')).toBeLessThan(text.indexOf('Plan: '));

    // and -json carries the same runbook as data
    const json = JSON.parse(expectExit(await drctl(bed, ['plan', 'plans', '-json']), 0).stdout) as {
      runbooks?: { kind: string; from: string; to: string; plan: string; mode: string; phases: { name: string }[]; predicted_seconds: number }[];
    };
    expect(validatePlanJson(json), JSON.stringify(validatePlanJson.errors)).toBe(true);
    expect(json.runbooks).toHaveLength(1);
    expect(json.runbooks![0]).toMatchObject({ kind: 'failover', from: 'site.home', to: 'site.dr', plan: 'recovery_plan.erp', mode: 'move' });
    expect(json.runbooks![0].phases.map((p) => p.name)).toContain('group database');
    expect(json.runbooks![0].predicted_seconds).toBeGreaterThan(0);
    // Roles are unchanged by planning
    expect(stateRoles(bed)).toEqual({ 'site.dr': 'standby', 'site.home': 'active' });

    // When applying, then the move runs and production is at DR, per the simulator
    const apply = expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 0);
    expect(apply.stdout).toMatch(/Failover site\.home → site\.dr succeeded \(run failover-/);
    expect(await vmsAt(bed, DR)).toEqual({ 'app-0': 'ready', 'app-1': 'ready', db01: 'ready' });
    expect(Object.values(await vmsAt(bed, HOME))).toEqual(['SHUTOFF', 'SHUTOFF', 'SHUTOFF']);
    const log = await bed.admin.log();
    expect(bootOrder(log, DR)[0]).toBe('db01');
    expect(splitBrains(log, [HOME, DR])).toEqual([]);
    expect(stateRoles(bed)).toEqual({ 'site.dr': 'active', 'site.home': 'standby' });

    // and the next plan shows no changes
    const after = expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 0);
    expect(after.stdout).toContain('No changes.');
    expect(after.stdout).not.toContain('drctl will fail');
  }, 120_000);

  it('a failed move leaves the roles in state, so the runbook shows again; flipping back fails back', async () => {
    bed = await drBed({ config: 'fixtures/lifecycle/declarative' });
    expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 0);
    setRoles(bed, 'dr');

    // Given a VM that will not boot at DR, when applying, then apply fails and roles stay
    await bed.admin.setFaults({ bootFail: ['app-1'] });
    const failed = expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 1);
    expect(failed.stdout).toMatch(/Failover site\.home → site\.dr did not complete: failover needs-attention: .*app\[1\]/);
    expect(stateRoles(bed)).toEqual({ 'site.dr': 'standby', 'site.home': 'active' });
    const again = expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 2);
    expect(again.stdout).toContain('drctl will fail over from site.home to site.dr following recovery_plan.erp (resuming):');

    // When the cause is fixed and apply runs again, then the move completes
    await bed.admin.setFaults({});
    expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 0);
    expect(await vmsAt(bed, DR)).toEqual({ 'app-0': 'ready', 'app-1': 'ready', db01: 'ready' });
    expect(stateRoles(bed)).toEqual({ 'site.dr': 'active', 'site.home': 'standby' });
    expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 0);

    // Given the roles flipped back, then the plan is a failback, and apply brings production home
    setRoles(bed, 'home');
    const back = expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 2);
    expect(back.stdout).toContain('drctl will fail back from site.dr to site.home following recovery_plan.erp:');
    expect(back.stdout).toContain('resync replication site.dr → site.home');
    expectExit(await drctl(bed, ['apply', 'plans', '-auto-approve']), 0);
    expect(await vmsAt(bed, HOME)).toEqual({ 'app-0': 'ready', 'app-1': 'ready', db01: 'ready' });
    expect(Object.values(await vmsAt(bed, DR))).toEqual(['SHUTOFF', 'SHUTOFF', 'SHUTOFF']);
    expect(splitBrains(await bed.admin.log(), [HOME, DR])).toEqual([]);
    expect(stateRoles(bed)).toEqual({ 'site.dr': 'standby', 'site.home': 'active' });
    expectExit(await drctl(bed, ['plan', 'plans', '-detailed-exitcode']), 0);
  }, 180_000);
});
