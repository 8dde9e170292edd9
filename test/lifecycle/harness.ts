// In-process DR runs against the real simulator over HTTP: a temp directory with a copy of the
// example configuration (plans/), a simulator serving `<dir>/.drctl/sim` (so the apply engine's
// embedded connection joins it), and the services the commands call.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveSimulator, SimulatorAdmin, type SimExchange, type SimulatorHandle, type SimEvent } from '../../src/sim/index.js';
import { applyService, type DrContext, type EngineContext } from '../../src/services/index.js';
import { nodeConfigFs } from '../../src/commands/inputs.js';
import type { DrEvent } from '../../src/lifecycle/events-log.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DrBed {
  readonly dir: string;
  readonly sim: SimulatorHandle;
  readonly admin: SimulatorAdmin;
  readonly events: DrEvent[];
  /** A PowerVS API call as a client sends it: under the workspace's region, with its CRN. */
  api<T = unknown>(method: string, workspace: string, rel: string, body?: unknown): Promise<T>;
  /** The lineage of the state (what drctl's identity tags carry). */
  lineage(): string;
  ctx(extra?: Partial<DrContext>): DrContext;
  apply(): Promise<void>;
  close(): Promise<void>;
}

export async function drBed(
  opts: {
    timeScale?: number;
    config?: string;
    files?: Record<string, string>;
    env?: Record<string, string>;
    /** Sees every request the simulator answers (contract tests). */
    observe?: (x: SimExchange) => void;
    /** The simulator's workspaces, as id=location (default: the example's pair). */
    workspaces?: readonly { id: string; location: string }[];
  } = {},
): Promise<DrBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-dr-'));
  fs.cpSync(path.join(ROOT, opts.config ?? 'plans'), path.join(dir, 'plans'), { recursive: true });
  for (const [rel, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(dir, 'plans', rel), text);
  const sim = await serveSimulator({
    dataDir: path.join(dir, '.drctl/sim'),
    timeScale: opts.timeScale ?? 0,
    workspaces: opts.workspaces ?? [
      { id: 'erp-prod-dal13', location: 'dal13' },
      { id: 'erp-prod-wdc04', location: 'wdc04' },
    ],
    observe: opts.observe,
  });
  const admin = new SimulatorAdmin(sim.url, sim.adminToken);
  const events: DrEvent[] = [];
  const env: Record<string, string> = { DRCTL_SIM_TIME_SCALE: String(opts.timeScale ?? 0), DRCTL_VAR_ops_webhook: 'http://127.0.0.1:9/hook', ...opts.env };
  const ctx = (extra: Partial<DrContext> = {}): DrContext => ({
    cwd: dir,
    env,
    fs: nodeConfigFs,
    now: () => performance.now(),
    sink: () => undefined,
    drSink: (e) => events.push(e),
    ...extra,
  });
  const api = async <T>(method: string, workspace: string, rel: string, body?: unknown): Promise<T> => {
    const region = sim.world.data.workspaces[workspace].location.replace(/[0-9]+$/, '');
    const res = await fetch(`${sim.url}/${region}/pcloud/v1/cloud-instances/${workspace}/${rel}`, {
      method,
      headers: { authorization: `Bearer ${sim.token}`, crn: sim.world.workspaceCrn(workspace), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${rel}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const lineage = () => (JSON.parse(fs.readFileSync(path.join(dir, 'state/erp.drstate.json'), 'utf8')) as { lineage: string }).lineage;
  return {
    dir,
    sim,
    admin,
    events,
    api,
    lineage,
    ctx,
    apply: async () => {
      const out = await applyService(
        { dir: 'plans', vars: [], refresh: false, destroy: false, targets: [], replace: [], lockTimeoutMs: 0 },
        ctx() as EngineContext,
      );
      if (!out.result || out.result.failed)
        throw new Error(
          `apply failed: ${JSON.stringify(out.result?.results.filter((r) => r.status === 'failed'))} ${out.diagnostics.map((d) => d.summary).join('; ')}`,
        );
    },
    close: async () => {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** VM names in the order their boots took effect at a workspace, from the simulator's own log. */
export function bootOrder(log: readonly SimEvent[], workspace: string): string[] {
  return log
    .filter((e) => (e.type === 'vm.start' || e.type === 'vm.created') && e.workspace === workspace && e.outcome !== 'failed')
    .map((e) => e.resource.name);
}

/**
 * Replays the simulator log and returns every moment a VM name was running in two workspaces
 * at once: a VM is "up" from its start/create request until its stop took effect.
 */
export function splitBrains(log: readonly SimEvent[], workspaces: readonly string[]): string[] {
  const up = new Map<string, Map<string, { from: number; to: number }[]>>();
  const intervals = (name: string, ws: string) => {
    let m = up.get(name);
    if (!m) up.set(name, (m = new Map()));
    let l = m.get(ws);
    if (!l) m.set(ws, (l = []));
    return l;
  };
  for (const e of log) {
    if (!workspaces.includes(e.workspace) || e.resource.kind !== 'pvm-instance') continue;
    const l = intervals(e.resource.name, e.workspace);
    const open = l.length && l[l.length - 1].to === Infinity ? l[l.length - 1] : undefined;
    if (e.type === 'vm.start' || e.type === 'vm.created' || e.type === 'vm.reboot') {
      if (!open) l.push({ from: e.atMs, to: Infinity });
    } else if (e.type === 'vm.stop' || e.type === 'vm.deleted') {
      if (open) open.to = e.effectiveAtMs ?? e.atMs;
    }
  }
  const problems: string[] = [];
  for (const [name, m] of up) {
    const sites = [...m.entries()];
    for (let i = 0; i < sites.length; i++)
      for (let j = i + 1; j < sites.length; j++)
        for (const a of sites[i][1])
          for (const b of sites[j][1])
            if (a.from < b.to && b.from < a.to) problems.push(`${name}: ${sites[i][0]} [${a.from}, ${a.to}) overlaps ${sites[j][0]} [${b.from}, ${b.to})`);
  }
  return problems;
}
