// The HTTP face of the simulator: routes the PowerVS API subset onto the world, checks the
// bearer token, injects faults, and answers only after the change is on disk.

import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { errorBody, SimApiError } from './errors.js';
import { drawRequestFault, siteDown, validateFaultSpec, type FaultSpec, type RequestFault } from './faults.js';
import type { WorldStore } from './store.js';
import type { ApiResult, World } from './world.js';

export interface SimServerOptions {
  readonly world: World;
  readonly store: WorldStore;
  readonly token: string;
  /** IAM stand-in: the API key it accepts (any non-empty key when unset). */
  readonly apiKey?: string;
  readonly random: () => number;
  readonly timeScale: number;
  /** False when the world's clock is stepped by hand (tests): held reads then re-read it often. */
  readonly clockFollowsTime?: boolean;
}

type Body = Record<string, unknown>;
type Handler = (m: RegExpExecArray, body: Body, q: URLSearchParams) => ApiResult;
interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Which capture holds the workspace id (for site-down faults); 0 for none. */
  readonly ws: number;
  readonly handler: Handler;
}

const MAX_BODY = 1024 * 1024;
const CI = '/pcloud/v1/cloud-instances/([^/]+)';
const CI2 = '/pcloud/v2/cloud-instances/([^/]+)';

function routes(w: World): Route[] {
  const r = (method: string, path: string, ws: number, handler: Handler): Route => ({ method, pattern: new RegExp(`^${path}$`), ws, handler });
  return [
    r('GET', '/pcloud/v1/locations/disaster-recovery', 0, () => w.disasterRecoveryLocations()),
    r('GET', '/pcloud/v1/tasks/([^/]+)', 0, (m) => w.getTask(m[1])),
    r('GET', CI, 1, (m) => w.getWorkspace(m[1])),
    r('GET', `${CI}/locations/disaster-recovery`, 1, (m) => w.disasterRecoveryLocation(m[1])),
    r('GET', `${CI}/pvm-instances`, 1, (m) => w.listVms(m[1])),
    r('POST', `${CI}/pvm-instances`, 1, (m, b) => w.createVm(m[1], b)),
    r('GET', `${CI}/pvm-instances/([^/]+)`, 1, (m) => w.getVm(m[1], m[2])),
    r('PUT', `${CI}/pvm-instances/([^/]+)`, 1, (m, b) => w.updateVm(m[1], m[2], b)),
    r('DELETE', `${CI}/pvm-instances/([^/]+)`, 1, (m) => w.deleteVm(m[1], m[2])),
    r('POST', `${CI}/pvm-instances/([^/]+)/action`, 1, (m, b) => w.vmAction(m[1], m[2], b)),
    r('GET', `${CI}/volumes`, 1, (m) => w.listVolumes(m[1])),
    r('POST', `${CI}/volumes`, 1, (m, b) => w.createVolume(m[1], b)),
    r('GET', `${CI}/volumes/([^/]+)`, 1, (m) => w.getVolume(m[1], m[2])),
    r('PUT', `${CI}/volumes/([^/]+)`, 1, (m, b) => w.updateVolume(m[1], m[2], b)),
    r('DELETE', `${CI}/volumes/([^/]+)`, 1, (m) => w.deleteVolume(m[1], m[2])),
    r('POST', `${CI2}/volumes/clone-async`, 1, (m, b) => w.cloneVolumes(m[1], b)),
    r('GET', `${CI2}/volumes/clone-tasks/([^/]+)`, 1, (m) => w.getCloneTask(m[1], m[2])),
    r('GET', `${CI}/volume-groups`, 1, (m) => w.listVolumeGroups(m[1])),
    r('POST', `${CI}/volume-groups`, 1, (m, b) => w.createVolumeGroup(m[1], b)),
    r('GET', `${CI}/volume-groups/([^/]+)`, 1, (m) => w.getVolumeGroup(m[1], m[2])),
    r('PUT', `${CI}/volume-groups/([^/]+)`, 1, (m, b) => w.updateVolumeGroup(m[1], m[2], b)),
    r('DELETE', `${CI}/volume-groups/([^/]+)`, 1, (m) => w.deleteVolumeGroup(m[1], m[2])),
    r('POST', `${CI}/volume-groups/([^/]+)/action`, 1, (m, b) => w.volumeGroupAction(m[1], m[2], b)),
    r('GET', `${CI}/volume-groups/([^/]+)/storage-details`, 1, (m) => w.storageDetails(m[1], m[2])),
    r('GET', `${CI}/volume-groups/([^/]+)/remote-copy-relationships`, 1, (m) => w.remoteCopyRelationships(m[1], m[2])),
    r('GET', `${CI}/networks`, 1, (m) => w.listNetworks(m[1])),
    r('POST', `${CI}/networks`, 1, (m, b) => w.createNetwork(m[1], b)),
    r('GET', `${CI}/networks/([^/]+)`, 1, (m) => w.getNetwork(m[1], m[2])),
    r('PUT', `${CI}/networks/([^/]+)`, 1, (m, b) => w.updateNetwork(m[1], m[2], b)),
    r('DELETE', `${CI}/networks/([^/]+)`, 1, (m) => w.deleteNetwork(m[1], m[2])),
  ];
}

function adminRoutes(w: World, o: SimServerOptions, stats: SimStats): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({ method, pattern: new RegExp(`^${path}$`), ws: 0, handler });
  return [
    r('GET', '/admin/faults', () => ({ status: 200, body: { faults: w.getFaults() } })),
    r('PUT', '/admin/faults', (_m, b) => {
      const checked = validateFaultSpec(b);
      if (!checked.spec) throw new SimApiError(400, `invalid fault spec: ${checked.problems.join('; ')}`);
      w.setFaults(checked.spec);
      return { status: 200, body: { faults: checked.spec } };
    }),
    r('GET', '/admin/log', (_m, _b, q) => ({ status: 200, body: { events: w.events(Number(q.get('since') ?? 0) || 0) } })),
    r('GET', '/admin/workspaces', () => ({ status: 200, body: { workspaces: w.listWorkspaces() } })),
    r('PUT', '/admin/workspaces/([^/]+)', (m, b) => {
      if (typeof b.location !== 'string') throw new SimApiError(400, 'location is required');
      const name = typeof b.name === 'string' ? b.name : undefined;
      return { status: 200, body: w.ensureWorkspace(m[1], b.location, name) };
    }),
    r('PUT', '/admin/replication/([^/]+)', (m, b) => ({ status: 200, body: w.tuneReplication(m[1], b) })),
    r('GET', '/admin/consistency', () => {
      const problems = w.checkConsistency();
      return { status: 200, body: { ok: problems.length === 0, problems } };
    }),
    r('GET', '/admin/stats', () => ({ status: 200, body: stats })),
    r('GET', '/admin/sync', () => ({ status: 200, body: { nowMs: w.now(), timeScale: o.timeScale, groups: w.syncStatus() } })),
    r('GET', '/admin/clock', () => ({ status: 200, body: { nowMs: w.now(), now: new Date(w.now()).toISOString(), timeScale: o.timeScale } })),
  ];
}

/** Counts of requests served and faults injected, for tests and `drctl sim`. */
export interface SimStats {
  requests: number;
  injected: Record<'429' | '500' | 'reset' | 'slow' | 'siteDown', number>;
  /** Injected 500s and resets that hit a write after its change was committed. */
  afterCommit: number;
}

export interface SimServer {
  readonly server: http.Server;
  readonly stats: SimStats;
  close(): Promise<void>;
}

export function createSimServer(o: SimServerOptions): SimServer {
  const { world, store } = o;
  const stats: SimStats = { requests: 0, injected: { '429': 0, '500': 0, reset: 0, slow: 0, siteDown: 0 }, afterCommit: 0 };
  const api = routes(world);
  const admin = adminRoutes(world, o, stats);
  const token = Buffer.from(o.token);

  const authorized = (req: http.IncomingMessage): boolean => {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) return false;
    const given = Buffer.from(h.slice(7));
    return given.length === token.length && timingSafeEqual(given, token);
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    if (res.destroyed || res.writableEnded) return;
    // Encoded once: a list of thousands of VMs is megabytes of JSON.
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
    res.end(bytes);
  };

  /** Makes whatever the world changed durable (even when the operation then failed). */
  const commit = async () => {
    const entry = world.takeEntry();
    await (entry ? store.append(entry) : store.barrier());
  };

  /**
   * Holds a task read until the task settles, `waitMs` real ms pass, or the client goes away.
   * A timer sleeps until about a millisecond before the settle time on the model clock; the rest
   * is waited out a turn of the event loop at a time, since timers are whole milliseconds and may
   * fire up to one early, and at a small time scale a millisecond is seconds of model time.
   */
  const holdTask = (id: string, waitMs: number, res: http.ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const deadline = performance.now() + waitMs;
      let timer: NodeJS.Timeout | undefined;
      let turn: NodeJS.Immediate | undefined;
      const done = () => {
        clearTimeout(timer);
        clearImmediate(turn);
        res.off('close', done);
        resolve();
      };
      const check = () => {
        const due = world.taskDueInMs(id);
        const left = deadline - performance.now();
        if (due === undefined || due <= 0 || left <= 0) return done();
        // A model clock that real time does not drive (tests) is re-read once a millisecond.
        if (!(o.timeScale > 0) || o.clockFollowsTime === false) return void (timer = setTimeout(check, 1));
        const realMs = Math.min(left, due * o.timeScale);
        if (realMs > 2) timer = setTimeout(check, Math.floor(realMs) - 1);
        else turn = setImmediate(check);
      };
      res.on('close', done);
      check();
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    const method = req.method ?? 'GET';

    if (path === '/identity/token') {
      const raw = await readBody(req);
      return iamToken(o, method, raw, res, send);
    }

    const isAdmin = path.startsWith('/admin/');
    if (!authorized(req)) {
      await drain(req);
      return send(res, 401, errorBody(401, 'missing or invalid bearer token'), { 'www-authenticate': 'Bearer' });
    }
    const table = isAdmin ? admin : api;
    let match: RegExpExecArray | null = null;
    let route: Route | undefined;
    let methodMismatch = false;
    for (const rt of table) {
      const m = rt.pattern.exec(path);
      if (!m) continue;
      if (rt.method !== method) {
        methodMismatch = true;
        continue;
      }
      match = m;
      route = rt;
      break;
    }
    if (!route || !match) {
      await drain(req);
      if (methodMismatch) return send(res, 405, { ...errorBody(400, `${method} is not allowed on ${path}`), code: 405 });
      return send(res, 404, errorBody(404, `no such resource: ${path}`));
    }
    for (let i = 1; i < match.length; i++) match[i] = decodeURIComponent(match[i]);

    const fault: RequestFault = isAdmin ? { kind: 'none' } : drawRequestFault(world.getFaults(), o.random);
    if (!isAdmin) stats.requests++;
    if (fault.kind !== 'none') stats.injected[fault.kind]++;
    if ((fault.kind === '500' || fault.kind === 'reset') && fault.afterCommit && method !== 'GET') stats.afterCommit++;
    if (fault.kind === '429') {
      await drain(req);
      return send(res, 429, errorBody(429, 'rate limit exceeded; slow down'));
    }
    if ((fault.kind === '500' || fault.kind === 'reset') && !fault.afterCommit) {
      await drain(req);
      return fault.kind === '500' ? send(res, 500, errorBody(500, 'internal error (injected)')) : void req.socket.destroy();
    }

    if (!isAdmin) {
      const wsId = route.ws ? match[route.ws] : path.startsWith('/pcloud/v1/tasks/') ? world.taskWorkspace(match[1]) : undefined;
      const location = wsId ? world.data.workspaces[wsId]?.location : undefined;
      const down = location ? siteDown(world.getFaults(), location) : undefined;
      if (down) {
        stats.injected.siteDown++;
        await drain(req);
        if (down.mode === 'timeout') return; // never answer; the client times out
        return send(res, 503, errorBody(503, `data centre ${location} is unreachable`));
      }
    }

    let body: Body = {};
    if (method === 'POST' || method === 'PUT') {
      const raw = await readBody(req);
      if (raw.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return send(res, 400, errorBody(400, 'request body is not valid JSON'));
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return send(res, 400, errorBody(400, 'request body must be a JSON object'));
        }
        body = parsed as Body;
      }
    } else {
      await drain(req);
    }

    const holdMs = !isAdmin && method === 'GET' && path.startsWith('/pcloud/v1/tasks/') ? heldWaitMs(query) : 0;
    if (holdMs > 0) {
      // The long-poll: a task record never changes after the write that made it, so once
      // everything queued is durable the answer depends on the clock alone and needs no
      // barrier at wake-up (a barrier then would wait on other clients' writes).
      await commit();
      await holdTask(match[1], holdMs, res);
    }

    let result: ApiResult;
    try {
      const m = match;
      const rt = route;
      result = world.atOneInstant(() => rt.handler(m, body, query));
    } catch (e) {
      await commit();
      if (e instanceof SimApiError) return send(res, e.status, e.body());
      throw e;
    }
    if (holdMs === 0) await commit();

    if (fault.kind === '500') return send(res, 500, errorBody(500, 'internal error (injected)'));
    if (fault.kind === 'reset') return void req.socket.destroy();
    if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    send(res, result.status, result.body);
  };

  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof BodyTooLarge) return send(res, 400, errorBody(400, 'request body is too large'));
      send(res, 500, errorBody(500, `simulator error: ${e instanceof Error ? e.message : String(e)}`));
    });
  });
  server.headersTimeout = 30_000;

  return {
    server,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Longest a task read may be held (real ms), below any sane client request timeout. */
export const MAX_TASK_WAIT_MS = 30_000;

/**
 * `?waitMs=N` on a task read asks the simulator to hold the answer until the task settles or N
 * real ms pass (at most MAX_TASK_WAIT_MS): a long-poll. PowerVS has no such parameter and
 * answers at once, so clients that send it must still cope with an unsettled answer.
 */
function heldWaitMs(query: URLSearchParams): number {
  const n = Number(query.get('waitMs') ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_TASK_WAIT_MS) : 0;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function drain(req: http.IncomingMessage): Promise<void> {
  if (req.complete) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

/** A stand-in for IBM Cloud IAM: exchanges an API key for the simulator's bearer token. */
function iamToken(
  o: SimServerOptions,
  method: string,
  raw: string,
  res: http.ServerResponse,
  send: (res: http.ServerResponse, status: number, body: unknown) => void,
) {
  if (method !== 'POST') return send(res, 405, { errorCode: 'BXNIM0107E', errorMessage: 'use POST' });
  const form = new URLSearchParams(raw);
  if (form.get('grant_type') !== 'urn:ibm:params:oauth:grant-type:apikey') {
    return send(res, 400, { errorCode: 'BXNIM0103E', errorMessage: 'grant_type must be urn:ibm:params:oauth:grant-type:apikey' });
  }
  const key = form.get('apikey');
  if (!key || (o.apiKey !== undefined && key !== o.apiKey)) {
    return send(res, 400, { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' });
  }
  const now = Math.floor(Date.now() / 1000);
  send(res, 200, { access_token: o.token, refresh_token: 'not_supported', token_type: 'Bearer', expires_in: 3600, expiration: now + 3600 });
}

export type { FaultSpec };
