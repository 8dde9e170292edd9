// The embedded PowerVS simulator: an HTTP server on loopback that speaks the PowerVS API
// subset drctl uses, keeps its world on disk, models time, and injects faults on request.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEFAULT_TIME_SCALE, scaledClock, type Clock } from './clock.js';
import { seededRandom, type FaultSpec } from './faults.js';
import { createSimServer, type SimExchange, type SimStats } from './server.js';
import { WorldStore } from './store.js';
import { World } from './world.js';

export { ManualClock, scaledClock, DEFAULT_TIME_SCALE, type Clock } from './clock.js';
export { parseFaultFlags, parseFaultRates, validateFaultSpec, type FaultSpec, type FaultRates, type SiteDownFault } from './faults.js';
export { readRunningSimulator, DataDirInUseError, type LockInfo } from './store.js';
export { REPLICATION_PAIRS, LOCATIONS, REGIONS, pairedLocation } from './sites.js';
export { API_ROUTES, SIM_ROUTES, SIM_ONLY_PATHS, type RouteSpec } from './routes.js';
export { ACCEPTED_FIELDS, type RequestModel } from './request.js';
export { STOCK_IMAGES, type StockImage } from './images.js';
export { SimulatorAdmin, type SimEventView } from './admin.js';
export type { SimEvent } from './records.js';
export type { SimStats, SimExchange } from './server.js';

export interface SimulatorWorkspace {
  readonly id: string;
  readonly location: string;
  readonly name?: string;
}

export interface SimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir: string;
  /** D model seconds take D × timeScale real seconds; 0 = instant. Default 1/600. */
  readonly timeScale?: number;
  /** Seed of the fault generator (default 1). */
  readonly seed?: number;
  readonly faults?: FaultSpec;
  /** Bearer token clients must send; random when unset. */
  readonly token?: string;
  /** Bearer token of the admin routes; random when unset (never the same as the API token). */
  readonly adminToken?: string;
  /** API key the IAM stand-in accepts: only this one gets a token (any non-empty key when unset). */
  readonly apiKey?: string;
  /** The IBM Cloud account in the workspaces' CRNs. */
  readonly account?: string;
  /** Sees every API exchange (contract tests). */
  readonly observe?: (x: SimExchange) => void;
  /** Workspaces to create at start if missing. */
  readonly workspaces?: readonly SimulatorWorkspace[];
  /** A model clock (tests); overrides timeScale. */
  readonly clock?: Clock;
  readonly compactBytes?: number;
}

export interface SimulatorHandle {
  /** Where it listens; the API of a region is under `${url}/<region>` (see `endpoint`). */
  readonly url: string;
  /** The endpoint template for a PowerVS client: `${url}/{region}`. */
  readonly endpoint: string;
  readonly port: number;
  readonly host: string;
  readonly token: string;
  readonly adminToken: string;
  readonly account: string;
  readonly dataDir: string;
  readonly timeScale: number;
  readonly clock: Clock;
  /** The live world (read-only use; for checks in tests). */
  readonly world: World;
  /** Requests served and faults injected so far. */
  readonly stats: SimStats;
  close(): Promise<void>;
}

export async function serveSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const timeScale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? `sim-${randomBytes(16).toString('hex')}`;
  const adminToken = opts.adminToken ?? `sim-admin-${randomBytes(16).toString('hex')}`;
  if (adminToken === token) throw new Error('the admin token must differ from the API token');
  const { store, world: data } = await WorldStore.open(opts.dataDir, { compactBytes: opts.compactBytes });
  let world: World;
  let sim: ReturnType<typeof createSimServer>;
  try {
    // Model time resumes where the world left off, never before it.
    const clock = opts.clock ?? scaledClock(timeScale, Math.max(data.highWaterMs, Date.now()));
    world = new World(data, { clock, instant: !opts.clock && timeScale === 0, account: opts.account });
    for (const ws of opts.workspaces ?? []) world.ensureWorkspace(ws.id, ws.location, ws.name);
    world.setFaults(opts.faults ?? {});
    const entry = world.takeEntry();
    if (entry) await store.append(entry);

    const wildcard = host === '0.0.0.0' || host === '::';
    sim = createSimServer({
      world,
      store,
      token,
      adminToken,
      apiKey: opts.apiKey,
      hostNames: wildcard ? [] : [host],
      random: seededRandom(opts.seed ?? 1),
      timeScale,
      clockFollowsTime: !opts.clock,
      observe: opts.observe,
    });
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(opts.port ?? 0, host, () => resolve());
    });
    const port = (sim.server.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    await store.advertise({ url, token, adminToken, account: world.account, timeScale: opts.clock ? 1 : timeScale });
    // The lock holds the tokens: it goes when this process does, however it ends (kill -9 aside;
    // then the next reader finds its process gone and removes it).
    const release = () => store.releaseLockSync();
    process.once('exit', release);
    let closing: Promise<void> | undefined;
    return {
      url,
      endpoint: `${url}/{region}`,
      port,
      host,
      token,
      adminToken,
      account: world.account,
      dataDir: opts.dataDir,
      timeScale,
      clock,
      world,
      stats: sim.stats,
      close: () =>
        (closing ??= sim
          .close()
          .then(() => store.close())
          .finally(() => process.off('exit', release))),
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}
