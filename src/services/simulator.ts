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
