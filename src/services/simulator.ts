// `drctl sim serve`: the PowerVS simulator on its own, so several drctl runs and CI jobs share
// one simulated cloud. Like cloud.ts, the only road from the CLI to the simulator.
import { UserError } from '../diag/index.js';

export interface StandaloneSimulatorOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Real seconds per simulated second; 0 is instant. */
  readonly timeScale: number;
  readonly seed: number;
  readonly token?: string;
  /** When set, the IAM stand-in exchanges only this API key for the token. */
  readonly apiKey?: string;
  /** Workspaces to create at start, as `id=location`. */
  readonly workspaces: readonly string[];
  /** `--fault` values (site-down=LOCATION, link-broken=VOLUME_GROUP, boot-fail=VM). */
  readonly faults: readonly string[];
  /** `--fault-rate`, e.g. 429=0.1,500=0.05. */
  readonly faultRate?: string;
  readonly slowMs?: number;
}

export interface StandaloneSimulator {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export async function serveStandaloneSimulator(opts: StandaloneSimulatorOptions): Promise<StandaloneSimulator> {
  const sim = await import('../sim/index.js');
  let faults;
  try {
    faults = sim.parseFaultFlags([...opts.faults], opts.faultRate, opts.slowMs);
  } catch (e) {
    throw new UserError(`Invalid fault: ${(e as Error).message}`, [
      'Faults: --fault site-down=dal13, --fault link-broken=erp_db, --fault boot-fail=db01, --fault-rate 429=0.1,500=0.05,reset=0.05,slow=0.02',
    ]);
  }
  const workspaces = opts.workspaces.map((w) => {
    const [id, location] = w.split('=');
    if (!id || !location) throw new UserError(`--workspace "${w}" is not id=location, e.g. erp-dal13=dal13.`);
    return { id, location };
  });
  try {
    return await sim.serveSimulator({
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir,
      timeScale: opts.timeScale,
      seed: opts.seed,
      token: opts.token,
      apiKey: opts.apiKey,
      workspaces,
      faults,
    });
  } catch (e) {
    if (e instanceof sim.DataDirInUseError) throw new UserError(e.message, ['Stop that simulator first, or pass another --data-dir.']);
    throw e;
  }
}

export interface SimulatorStatusOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The world's directory (default DRCTL_SIM_DATA_DIR, else .drctl/sim). */
  readonly dataDir?: string;
}

export interface SimulatorStatus {
  readonly dataDir: string;
  /** The process serving the world, when one is running; else the world was opened for this look. */
  readonly servedBy?: { readonly pid: number; readonly url: string };
  readonly now: string;
  /** Real seconds per model second. */
  readonly timeScale: number;
  readonly groups: readonly import('../sim/index.js').SyncStatus[];
}

/**
 * `drctl sim status`: where the simulated world's time stands and each replicated group's progress
 * with an ETA. Asks the simulator serving the directory, or opens the world for a moment (its time
 * has gone on meanwhile: the clock is continued, never reset).
 */
export async function simulatorStatus(opts: SimulatorStatusOptions): Promise<SimulatorStatus> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const sim = await import('../sim/index.js');
  const dataDir = path.resolve(opts.cwd, opts.dataDir ?? (opts.env.DRCTL_SIM_DATA_DIR || '.drctl/sim'));
  const running = await sim.readRunningSimulator(dataDir);
  if (running?.url && running.adminToken) {
    const s = await new sim.SimulatorAdmin(running.url, running.adminToken).sync();
    return { dataDir, servedBy: { pid: running.pid, url: running.url }, now: new Date(s.nowMs).toISOString(), timeScale: s.timeScale, groups: s.groups };
  }
  if (!fs.existsSync(path.join(dataDir, 'world.json')) && !fs.existsSync(path.join(dataDir, 'journal.jsonl')))
    throw new UserError(`No simulated world in ${dataDir}.`, ['Run drctl apply first (it starts the embedded simulator there), or pass --data-dir.']);
  const scaleText = opts.env.DRCTL_SIM_TIME_SCALE;
  const timeScale = scaleText === undefined || scaleText === '' ? sim.DEFAULT_TIME_SCALE : Number(scaleText);
  if (!Number.isFinite(timeScale) || timeScale < 0)
    throw new UserError(`DRCTL_SIM_TIME_SCALE must be a number of real seconds per model second (0 for instant); got "${scaleText}".`);
  let handle;
  try {
    handle = await sim.serveSimulator({ dataDir, timeScale });
  } catch (e) {
    if (e instanceof sim.DataDirInUseError) throw new UserError(e.message, ['Try again when that run ends.']);
    throw e;
  }
  try {
    return { dataDir, now: new Date(handle.world.now()).toISOString(), timeScale, groups: handle.world.syncStatus() };
  } finally {
    await handle.close();
  }
}
