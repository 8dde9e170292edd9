// The HTTP face of the simulator: checks who is asking (the Host header, the bearer token, the
// CRN header), routes IBM's PowerVS API (routes.ts) per region onto the world, injects faults,
// and answers only after the change is on disk, with the model time in its Date header.

import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { errorBody, SimApiError } from './errors.js';
import { drawRequestFault, siteDown, validateFaultSpec, type FaultSpec, type RequestFault } from './faults.js';
import type { Body } from './request.js';
import { API_ROUTES, compile, SIM_ROUTES, type CompiledRoute, type Params } from './routes.js';
import { regionOf, REGIONS } from './sites.js';
import type { WorldStore } from './store.js';
import { crnInstance } from './volumes.js';
import type { ApiResult, World } from './world.js';

/** One request and its answer, as a test observer sees it (contract tests). */
export interface SimExchange {
  readonly method: string;
  /** The path asked for, without the region prefix. */
  readonly path: string;
  /** The route's path template (API or simulator-only); undefined when nothing matched. */
  readonly route?: string;
  readonly simOnly: boolean;
  readonly region?: string;
  readonly params: Params;
  readonly requestBody?: unknown;
  readonly status: number;
  readonly responseBody: unknown;
}

export interface SimServerOptions {
  readonly world: World;
  readonly store: WorldStore;
  /** The bearer token of the API (what IAM hands out). */
  readonly token: string;
  /** The bearer token of /admin/*: separate, so an API client cannot change the simulator itself. */
  readonly adminToken: string;
  /** IAM stand-in: the one API key it accepts (any non-empty key when unset). */
  readonly apiKey?: string;
  /** Host header names accepted besides the loopback ones (the listening host, if not a wildcard). */
  readonly hostNames?: readonly string[];
  readonly random: () => number;
  readonly timeScale: number;
  /** False when the world's clock is stepped by hand (tests): held reads then re-read it often. */
  readonly clockFollowsTime?: boolean;
  /** Sees every exchange (tests). */
  readonly observe?: (x: SimExchange) => void;
}

type AdminHandler = (m: RegExpExecArray, body: Body, q: URLSearchParams) => ApiResult;
interface AdminRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: AdminHandler;
}

const MAX_BODY = 1024 * 1024;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

function adminRoutes(w: World, o: SimServerOptions, stats: SimStats): AdminRoute[] {
  const r = (method: string, path: string, handler: AdminHandler): AdminRoute => ({ method, pattern: new RegExp(`^${path}$`), handler });
  return [
    r('GET', '/admin/faults', () => ({ status: 200, body: { faults: w.getFaults() } })),
    r('PUT', '/admin/faults', (_m, b) => {
      const checked = validateFaultSpec(b);
      if (!checked.spec) throw new SimApiError(400, `invalid fault spec: ${checked.problems.join('; ')}`);
      w.setFaults(checked.spec);
      return { status: 200, body: { faults: checked.spec } };
    }),
    r('GET', '/admin/log', (_m, _b, q) => ({ status: 200, body: { events: w.events(Number(q.get('since') ?? 0) || 0) } })),
    r('GET', '/admin/workspaces', () => ({ status: 200, body: { workspaces: w.listWorkspaces().map((ws) => ({ ...ws, crn: w.workspaceCrn(ws.id) })) } })),
    r('PUT', '/admin/workspaces/([^/]+)', (m, b) => {
      if (typeof b.location !== 'string') throw new SimApiError(400, 'location is required');
      const name = typeof b.name === 'string' ? b.name : undefined;
      const ws = w.ensureWorkspace(m[1], b.location, name);
      return { status: 200, body: { ...ws, crn: w.workspaceCrn(ws.id) } };
    }),
    r('PUT', '/admin/replication/([^/]+)', (m, b) => ({ status: 200, body: w.tuneReplication(m[1], b) })),
    r('GET', '/admin/consistency', () => {
      const problems = w.checkConsistency();
      return { status: 200, body: { ok: problems.length === 0, problems } };
    }),
    r('GET', '/admin/stats', () => ({ status: 200, body: stats })),
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

/** The host name of a Host header (`[::1]:8080` → `::1`), lower case; undefined when malformed. */
export function hostNameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:[\]]+)(?::\d+)?$/.exec(host);
  return m ? m[1].toLowerCase() : undefined;
}

function tokenMatches(req: http.IncomingMessage, token: Buffer): boolean {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7));
  return given.length === token.length && timingSafeEqual(given, token);
}

export function createSimServer(o: SimServerOptions): SimServer {
  const { world, store } = o;
  const stats: SimStats = { requests: 0, injected: { '429': 0, '500': 0, reset: 0, slow: 0, siteDown: 0 }, afterCommit: 0 };
  const api = compile(API_ROUTES);
  const simOnly = compile(SIM_ROUTES);
  const admin = adminRoutes(world, o, stats);
  const token = Buffer.from(o.token);
  const adminToken = Buffer.from(o.adminToken);
  const hosts = new Set([...LOOPBACK_NAMES, ...(o.hostNames ?? []).map((h) => h.toLowerCase())]);

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    if (res.destroyed || res.writableEnded) return;
    // Encoded once: a list of thousands of VMs is megabytes of JSON.
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    // The Date of the answer is the cloud's time: a client takes replication lag as Date minus
    // the freeze time, so here it is model time.
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, date: new Date(world.now()).toUTCString(), ...headers });
    res.end(bytes);
  };

  /** Makes whatever the world changed durable (even when the operation then failed). */
  const commit = async () => {
    const entry = world.takeEntry();
    await (entry ? store.append(entry) : store.barrier());
  };

  /**
   * Holds a read until the resource settles (`due` says in how many model ms), `waitMs` real ms
   * pass, or the client goes away. A timer sleeps until about a millisecond before the settle
   * time on the model clock; the rest is waited out a turn of the event loop at a time, since
   * timers are whole milliseconds and may fire up to one early, and at a small time scale a
   * millisecond is seconds of model time.
   */
  const hold = (due: () => number, waitMs: number, res: http.ServerResponse): Promise<void> =>
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
        let left: number;
        try {
          left = due();
        } catch {
          return done(); // gone: the read itself answers 404
        }
        const realLeft = deadline - performance.now();
        if (left <= 0 || realLeft <= 0) return done();
        // A model clock that real time does not drive (tests) is re-read once a millisecond.
        if (!(o.timeScale > 0) || o.clockFollowsTime === false) return void (timer = setTimeout(check, 1));
        const realMs = Math.min(realLeft, left * o.timeScale);
        if (realMs > 2) timer = setTimeout(check, Math.floor(realMs) - 1);
        else turn = setImmediate(check);
      };
      res.on('close', done);
      check();
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const fullPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    const method = req.method ?? 'GET';

    // A page in a browser could reach a loopback port through DNS rebinding; it cannot make
    // its Host header say a loopback name.
    const hostName = hostNameOf(req.headers.host);
    if (!hostName || !hosts.has(hostName)) {
      await drain(req);
      return send(res, 403, errorBody(403, `Host "${req.headers.host ?? ''}" is not this simulator: it answers only to ${[...hosts].join(', ')}`));
    }

    if (fullPath === '/identity/token') {
      const raw = await readBody(req);
      return iamToken(o, method, raw, res, send);
    }

    if (fullPath.startsWith('/admin/')) {
      if (!tokenMatches(req, adminToken)) {
        await drain(req);
        return send(res, 401, errorBody(401, 'missing or invalid admin token'), { 'www-authenticate': 'Bearer' });
      }
      const rt = admin.find((a) => a.method === method && a.pattern.test(fullPath));
      const m = rt?.pattern.exec(fullPath);
      let body: Body = {};
      if (method === 'POST' || method === 'PUT') {
        const parsed = parseJson(await readBody(req));
        if ('error' in parsed) return send(res, 400, errorBody(400, parsed.error));
        body = parsed.body;
      } else await drain(req);
      if (!rt || !m) return send(res, 404, errorBody(404, `no such admin route: ${method} ${fullPath}`));
      for (let i = 1; i < m.length; i++) m[i] = decodeURIComponent(m[i]);
      let result: ApiResult;
      try {
        result = world.atOneInstant(() => rt.handler(m, body, query));
      } catch (e) {
        await commit();
        if (e instanceof SimApiError) return send(res, e.status, e.body());
        throw e;
      }
      await commit();
      return send(res, result.status, result.body);
    }

    if (!tokenMatches(req, token)) {
      await drain(req);
      return send(res, 401, errorBody(401, 'missing or invalid bearer token'), { 'www-authenticate': 'Bearer' });
    }

    // /<region>/pcloud/…: one endpoint per region, as PowerVS has.
    const slash = fullPath.indexOf('/', 1);
    const region = slash > 0 ? fullPath.slice(1, slash) : fullPath.slice(1);
    const path = slash > 0 ? fullPath.slice(slash) : '/';
    if (!REGIONS.includes(region)) {
      await drain(req);
      o.observe?.({ method, simOnly: false, params: {}, status: 404, responseBody: undefined, path: fullPath });
      return send(res, 404, errorBody(404, `no such route: ${fullPath} (the simulator serves each region under its prefix: /${REGIONS.join('/…, /')}/…)`));
    }
    const observed = (route: CompiledRoute | undefined, params: Params, status: number, requestBody: unknown, responseBody: unknown) =>
      o.observe?.({
        method,
        path,
        route: route?.path,
        simOnly: route !== undefined && simOnly.includes(route),
        region,
        params,
        requestBody,
        status,
        responseBody,
      });

    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    let methodMismatch = false;
    for (const rt of path.startsWith('/sim/') ? simOnly : api) {
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
      o.observe?.({ method, simOnly: false, region, params: {}, status: methodMismatch ? 405 : 404, responseBody: undefined, path });
      if (methodMismatch) return send(res, 405, { ...errorBody(400, `${method} is not allowed on ${path}`), code: 405 });
      return send(res, 404, errorBody(404, `no such resource: ${path}`));
    }
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(match![i + 1])));

    const reply = (status: number, body: unknown, requestBody?: unknown, headers?: http.OutgoingHttpHeaders) => {
      observed(route, params, status, requestBody, body);
      send(res, status, body, headers);
    };

    // A workspace request names its workspace in the CRN header too, and goes to its region.
    const wsId = params.cloud_instance_id;
    if (wsId !== undefined) {
      const crn = req.headers.crn;
      const crnText = Array.isArray(crn) ? crn[0] : crn;
      if (!crnText) {
        await drain(req);
        return reply(400, errorBody(400, 'the CRN header is required: the CRN of the cloud instance (workspace) the request is for'));
      }
      const known = world.data.workspaces[wsId];
      if (crnInstance(crnText) !== wsId || (known && crnText !== world.workspaceCrn(wsId))) {
        await drain(req);
        return reply(403, errorBody(403, `the CRN header (${crnText}) does not name cloud instance ${wsId} of this account`));
      }
      if (!known || regionOf(known.location) !== region) {
        await drain(req);
        return reply(404, errorBody(404, `cloud instance ${wsId} not found in region ${region}`));
      }
    }

    const fault: RequestFault = drawRequestFault(world.getFaults(), o.random);
    stats.requests++;
    if (fault.kind !== 'none') stats.injected[fault.kind]++;
    if ((fault.kind === '500' || fault.kind === 'reset') && fault.afterCommit && method !== 'GET') stats.afterCommit++;
    if (fault.kind === '429') {
      await drain(req);
      return reply(429, errorBody(429, 'rate limit exceeded; slow down'));
    }
    if ((fault.kind === '500' || fault.kind === 'reset') && !fault.afterCommit) {
      await drain(req);
      return fault.kind === '500' ? reply(500, errorBody(500, 'internal error (injected)')) : void req.socket.destroy();
    }

    const location = wsId ? world.data.workspaces[wsId]?.location : undefined;
    const down = location ? siteDown(world.getFaults(), location) : undefined;
    if (down) {
      stats.injected.siteDown++;
      await drain(req);
      if (down.mode === 'timeout') return; // never answer; the client times out
      return reply(503, errorBody(503, `data centre ${location} is unreachable`));
    }

    let body: Body = {};
    let requestBody: unknown;
    if (method === 'POST' || method === 'PUT') {
      const raw = await readBody(req);
      if (raw.length > 0) {
        const parsed = parseJson(raw);
        if ('error' in parsed) return reply(400, errorBody(400, parsed.error));
        body = parsed.body;
        requestBody = body;
      }
    } else {
      await drain(req);
    }

    const holdMs = route.path.endsWith('/settled') ? heldWaitMs(query) : 0;
    if (holdMs > 0) {
      // The long-poll: once everything queued is durable, the answer depends on the clock alone
      // and needs no barrier at wake-up (a barrier then would wait on other clients' writes).
      await commit();
      const due = params.pvm_instance_id ? () => world.vmSettleDueMs(wsId, params.pvm_instance_id) : () => world.groupSettleDueMs(wsId, params.volume_group_id);
      await hold(due, holdMs, res);
    }

    let result: ApiResult;
    try {
      const rt = route;
      result = world.atOneInstant(() => rt.handler(world, params, body, query));
    } catch (e) {
      await commit();
      if (e instanceof SimApiError) return reply(e.status, e.body(), requestBody);
      throw e;
    }
    if (holdMs === 0) await commit();

    if (fault.kind === '500') return reply(500, errorBody(500, 'internal error (injected)'), requestBody);
    if (fault.kind === 'reset') return void req.socket.destroy();
    if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    reply(result.status, result.body, requestBody);
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

/** Longest a read may be held (real ms), below any sane client request timeout. */
export const MAX_HELD_MS = 30_000;

/** `?waitMs=N` on a simulator-only settled read: hold it at most N real ms (≤ MAX_HELD_MS). */
function heldWaitMs(query: URLSearchParams): number {
  const n = Number(query.get('waitMs') ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_HELD_MS) : 0;
}

function parseJson(raw: string): { body: Body } | { error: string } {
  if (raw.length === 0) return { body: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: 'request body is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'request body must be a JSON object' };
  return { body: parsed as Body };
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

/** A stand-in for IBM Cloud IAM: exchanges an API key for the simulator's API token (never the admin token). */
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
  const expected = o.apiKey === undefined ? undefined : Buffer.from(o.apiKey);
  const given = Buffer.from(key ?? '');
  if (!key || (expected !== undefined && (given.length !== expected.length || !timingSafeEqual(given, expected)))) {
    return send(res, 400, { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' });
  }
  const now = Math.floor(Date.now() / 1000);
  send(res, 200, { access_token: o.token, refresh_token: 'not_supported', token_type: 'Bearer', expires_in: 3600, expiration: now + 3600 });
}

export type { FaultSpec };
