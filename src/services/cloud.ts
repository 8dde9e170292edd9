// Connecting to the cloud: the embedded simulator by default (started in-process on loopback,
// or the one already serving the same data directory), or a PowerVS endpoint. This is the one
// place that connects the engine to a cloud: plan, apply and the DR runs receive the Provider.
// Either way each site's workspace is named by its GUID (or CRN) and zone, so the provider
// sends every request to the region of the site's data centre with the workspace's CRN.
import * as path from 'node:path';
import type { DrConfig } from '../config/index.js';
import type { Provider } from '../provider/index.js';
import type { Redactor } from '../redact/index.js';
import { UserError } from '../diag/index.js';
// Direct, not the powervs facade: plan and apply start from one bundle of what they reach.
import { parseTimeScale } from '../powervs/time-scale.js';

export interface CloudConnection {
  readonly provider: Provider;
  /** "embedded simulator at http://127.0.0.1:PORT" or the endpoint URL, for messages. */
  readonly description: string;
  readonly simulatorUrl?: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Learns the simulator's tokens (API and admin), so nothing written shows them. */
  readonly redactor?: Redactor;
}

/**
 * The endpoint in effect: DRCTL_POWERVS_ENDPOINT (the provider's variable, docs/provider.md)
 * overrides the settings block; DRCTL_ENDPOINT, its older name, is still read. "embedded" (the
 * default) is the simulator.
 */
export function endpointOf(config: DrConfig, env: Readonly<Record<string, string | undefined>>): string {
  return env.DRCTL_POWERVS_ENDPOINT?.trim() || env.DRCTL_ENDPOINT?.trim() || config.settings.endpoint || 'embedded';
}

/** DRCTL_SIM_TIME_SCALE (1/600, 0.01 or 0), or the simulator's default; a UserError when it cannot be read. */
export function simTimeScale(env: Readonly<Record<string, string | undefined>>, fallback: number): number {
  const text = env.DRCTL_SIM_TIME_SCALE;
  if (text === undefined || text.trim() === '') return fallback;
  const scale = parseTimeScale(text);
  if (scale === undefined) {
    throw new UserError(`DRCTL_SIM_TIME_SCALE "${text}" is not a time scale.`, [
      'Write real seconds per model second: 1/600 (the default: a 5-minute boot takes 0.5 s), 0.01, or 0 for instant.',
    ]);
  }
  return scale;
}

/**
 * Real seconds per model second of the cloud a DR run times itself by: the given one (tests),
 * 1 for a PowerVS endpoint, else the embedded simulator's (DRCTL_SIM_TIME_SCALE, default 1/600).
 */
export function timeScaleOf(config: DrConfig, env: Readonly<Record<string, string | undefined>>, given?: number): number {
  if (given !== undefined) return given;
  if (endpointOf(config, env) !== 'embedded') return 1;
  return simTimeScale(env, 1 / 600);
}

export async function connectCloud(config: DrConfig, opts: ConnectOptions): Promise<CloudConnection> {
  // Loaded on connecting: a plan of a configuration with no state yet never loads the client.
  const { PowerVsProvider, parseWorkspaceCrn, providerConfigForSimulator, providerConfigFromEnv } = await import('../provider/index.js');
  const endpoint = endpointOf(config, opts.env);
  if (endpoint !== 'embedded') {
    const workspaces: Record<string, { id: string; zone?: string; crn?: string }> = {};
    for (const site of config.sites.values()) {
      // The drctl block's workspaces map a workspace name to its GUID or its CRN.
      const given = config.settings.workspaces[site.workspace] ?? site.workspace;
      const crn = parseWorkspaceCrn(given);
      workspaces[site.workspace] = crn ? { id: crn.id, zone: crn.zone, crn: given } : { id: given, zone: site.location };
    }
    // The endpoint chosen above wins over the provider's own reading of DRCTL_POWERVS_ENDPOINT.
    const r = providerConfigFromEnv({ ...opts.env, DRCTL_POWERVS_ENDPOINT: endpoint }, { endpoint, region: config.settings.region, workspaces });
    if (!r.config) {
      throw new UserError(`Cannot connect to ${endpoint}: ${r.diagnostics.map((d) => `${d.summary}. ${d.detail ?? ''}`).join(' ')}`, [
        'For the embedded simulator, remove endpoint from the drctl block (or set DRCTL_POWERVS_ENDPOINT=embedded).',
      ]);
    }
    const provider = new PowerVsProvider(r.config);
    return { provider, description: endpoint, close: () => provider.close() };
  }
  const sim = await import('../sim/index.js');
  const dataDir = path.resolve(opts.cwd, opts.env.DRCTL_SIM_DATA_DIR || '.drctl/sim');
  const timeScale = simTimeScale(opts.env, sim.DEFAULT_TIME_SCALE);
  const workspaces = [...config.sites.values()].map((s) => ({ id: s.workspace, location: s.location, name: s.workspace }));
  // The simulator's workspaces are named by their names; their zones pick the region.
  const refs = Object.fromEntries(workspaces.map((w) => [w.id, { id: w.id, zone: w.location }]));
  const running = await sim.readRunningSimulator(dataDir);
  if (running?.url && running.token && running.adminToken) {
    opts.redactor?.learn([running.token, running.adminToken]);
    // A simulator started on its own (node dist/sim/main.js, drctl sim) knows only the workspaces
    // it was given; create this configuration's, as the embedded one does at start.
    for (const w of workspaces) await ensureSimulatorWorkspace(running.url, running.adminToken, w);
    const provider = new PowerVsProvider(
      providerConfigForSimulator(
        { url: running.url, token: running.token, account: running.account, timeScale: running.timeScale ?? timeScale },
        { workspaces: refs },
      ),
    );
    return { provider, description: `simulator at ${running.url} (pid ${running.pid})`, simulatorUrl: running.url, close: () => provider.close() };
  }
  const handle = await sim.serveSimulator({ dataDir, timeScale, workspaces });
  opts.redactor?.learn([handle.token, handle.adminToken]);
  const provider = new PowerVsProvider(providerConfigForSimulator(handle, { workspaces: refs }));
  return {
    provider,
    description: `embedded simulator at ${handle.url}`,
    simulatorUrl: handle.url,
    close: async () => {
      await provider.close();
      await handle.close();
    },
  };
}

/**
 * PUT /admin/workspaces/{id} on a running simulator. Plain node:http on a connection that is
 * closed after: fetch would keep its socket pool, and the process, alive for a quarter second.
 */
async function ensureSimulatorWorkspace(url: string, adminToken: string, w: { id: string; location: string; name: string }): Promise<void> {
  const http = await import('node:http');
  const body = JSON.stringify({ location: w.location, name: w.name });
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(`/admin/workspaces/${encodeURIComponent(w.id)}`, url),
      {
        method: 'PUT',
        agent: false,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(
                new UserError(`The simulator at ${url} refused workspace ${w.id} (${w.location}): HTTP ${res.statusCode} ${text}`, [
                  'Stop that simulator, or give this site a workspace it can hold.',
                ]),
              ),
        );
      },
    );
    req.on('error', (e) =>
      reject(new UserError(`Cannot reach the simulator at ${url}: ${e.message}`, ['Is it still running? Its data directory says it is.'])),
    );
    req.end(body);
  });
}
