// `drctl import ADDRESS ID` as a real process: it joins the simulator serving the working
// directory's data dir, takes over a VM made by hand, and the next plan resizes it in place.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { serveSimulator, STOCK_IMAGES, type SimulatorHandle } from '../../src/sim/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = process.env.DRCTL_CLI ?? join(ROOT, 'bin/drctl.js');
const HOME = 'erp-prod-dal13';

function drctl(cwd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0' };
  for (const k of ['DRCTL_STATE', 'DRCTL_ENDPOINT', 'DRCTL_SIM_DATA_DIR']) delete env[k];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let dir: string | undefined;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sim = dir = undefined;
});

it('drctl import vm.ADDRESS ID takes over a hand-made VM; the plan then resizes it in place', async () => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-import-'));
  cpSync(join(ROOT, 'plans'), join(dir, 'plans'), { recursive: true });
  sim = await serveSimulator({ dataDir: join(dir, '.drctl/sim'), timeScale: 0, workspaces: [{ id: HOME, location: 'dal13' }] });
  const api = async <T>(method: string, rel: string, body: unknown): Promise<T> => {
    const res = await fetch(`${sim!.url}/dal/pcloud/v1/cloud-instances/${HOME}/${rel}`, {
      method,
      headers: { authorization: `Bearer ${sim!.token}`, crn: sim!.world.workspaceCrn(HOME), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const net = await api<{ networkID: string }>('POST', 'networks', { name: 'made-by-hand', type: 'vlan', cidr: '192.168.50.0/24' });
  const [vm] = await api<{ pvmInstanceID: string }[]>('POST', 'pvm-instances', {
    serverName: 'jump01',
    imageID: STOCK_IMAGES.find((i) => i.os === 'rhel' && !i.empty)!.imageID,
    processors: 1,
    procType: 'shared',
    memory: 2,
    sysType: 's922',
    networks: [{ networkID: net.networkID }],
  });

  const missing = await drctl(dir, ['import', 'vm.nope', vm.pvmInstanceID]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('The configuration has no resource vm.nope to import into.');

  const r = await drctl(dir, ['import', 'vm.jump01', vm.pvmInstanceID]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`vm.jump01: imported VM "jump01" (${vm.pvmInstanceID}) of workspace ${HOME}.`);
  expect((await drctl(dir, ['state', 'list', '-id', vm.pvmInstanceID])).stdout).toBe('vm.jump01\n');

  const plan = await drctl(dir, ['plan', '-json']);
  expect(plan.code).toBe(0);
  const jump = (JSON.parse(plan.stdout) as { resource_changes: { address: string; actions: string[]; before: { memory_gb: number } }[] }).resource_changes.find(
    (c) => c.address === 'vm.jump01',
  );
  expect(jump?.actions).toEqual(['update']);
  expect(jump?.before.memory_gb).toBe(2);
}, 120_000);
