import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PowerVsProvider, ProviderError, providerConfigFromEnv } from '../../src/provider/index.js';
import { startRig, HOME, type Rig } from './harness.js';

/** A throwaway HTTP server whose handler the test writes. */
async function server(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void>; sockets: Set<unknown> }> {
  const sockets = new Set<unknown>();
  const s = http.createServer(handler);
  s.on('connection', (c) => sockets.add(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    sockets,
    close: () =>
      new Promise((r) => {
        s.close(() => r());
        s.closeAllConnections();
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe('retries and backoff', () => {
  it('backs off exponentially with full jitter, capped', async () => {
    const p = new PowerVsProvider({ endpoint: 'http://127.0.0.1:9', token: 't', retry: { baseDelayMs: 100, maxDelayMs: 1000 } }, { random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map((n) => p.backoffMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const half = new PowerVsProvider({ endpoint: 'http://127.0.0.1:9', token: 't', retry: { baseDelayMs: 100, maxDelayMs: 1000 } }, { random: () => 0.5 });
    expect(half.backoffMs(3)).toBe(200);
    await p.close();
    await half.close();
  });

  it('retries 429 (honouring Retry-After) and 500, then succeeds', async () => {
    let n = 0;
    const srv = await server((req, res) => {
      n++;
      if (n === 1) return json(res, 429, { code: 429 }, { 'retry-after': '2' });
      if (n === 2) return json(res, 500, { code: 500 });
      json(res, 200, { networks: [] });
    });
    cleanups.push(srv.close);
    const slept: number[] = [];
    const p = new PowerVsProvider(
      { endpoint: srv.url, token: 't', accountId: 'acc', zone: 'dal13', retry: { baseDelayMs: 10, maxDelayMs: 5000 } },
      { random: () => 0, sleep: async (ms) => void slept.push(ms) },
    );
    expect(await p.list('network', 'w')).toEqual([]);
    expect(n).toBe(3);
    expect(slept).toEqual([2000, 0]);
    await p.close();
  });

  it('gives up after maxAttempts with an error naming the resource and the attempts', async () => {
    const srv = await server((_req, res) => json(res, 503, { code: 503, description: 'maintenance' }));
    cleanups.push(srv.close);
    const p = new PowerVsProvider({ endpoint: srv.url, token: 't', accountId: 'acc', zone: 'dal13', retry: { maxAttempts: 4 } }, { sleep: async () => {} });
    const e = (await p.read('vm', 'prod', 'abc').catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toBe('read vm abc in workspace prod: maintenance (HTTP 503 service unavailable) after 4 attempts');
    await p.close();
  });

  it('does not retry a 400', async () => {
    let n = 0;
    const srv = await server((_req, res) => {
      n++;
      json(res, 400, { code: 400, description: 'bad thing' });
    });
    cleanups.push(srv.close);
    const p = new PowerVsProvider({ endpoint: srv.url, token: 't', accountId: 'acc', zone: 'dal13' }, { sleep: async () => {} });
    await expect(p.list('vm', 'w')).rejects.toMatchObject({ code: 'bad_request' });
    expect(n).toBe(1);
    await p.close();
  });
});

describe('connections', () => {
  it('keeps at most maxConcurrency requests in flight and reuses connections', async () => {
    let inFlight = 0;
    let peak = 0;
    const srv = await server((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { pvmInstanceID: 'x', serverName: 'x', status: 'ACTIVE', health: { status: 'OK' } });
      }, 5);
    });
    cleanups.push(srv.close);
    const p = new PowerVsProvider({ endpoint: srv.url, token: 't', accountId: 'acc', zone: 'dal13', maxConcurrency: 4 });
    await Promise.all(Array.from({ length: 60 }, () => p.read('vm', 'w', 'x')));
    expect(peak).toBe(4);
    expect(srv.sockets.size).toBeLessThanOrEqual(4);
    await p.close();
  });

  it('sends the workspace CRN on every request, built from the account and zone or given as is', async () => {
    const seen: (string | undefined)[] = [];
    const srv = await server((req, res) => {
      seen.push(req.headers.crn as string | undefined);
      json(res, 200, { networks: [] });
    });
    cleanups.push(srv.close);
    const given = 'crn:v1:bluemix:public:power-iaas:wdc04:a/acc2:guid-2::';
    const p = new PowerVsProvider({
      endpoint: srv.url,
      token: 't',
      accountId: 'acc1',
      workspaces: { 'erp-prod': { id: 'guid-1', zone: 'dal13' }, 'erp-dr': { id: 'guid-2', crn: given } },
    });
    await p.list('network', 'erp-prod');
    await p.list('network', 'erp-dr');
    expect(seen).toEqual(['crn:v1:bluemix:public:power-iaas:dal13:a/acc1:guid-1::', given]);
    // A workspace whose CRN cannot be made is refused before anything is sent.
    await expect(p.list('network', 'unmapped')).rejects.toMatchObject({ code: 'config', message: expect.stringContaining('no CRN for workspace unmapped') });
    expect(seen).toHaveLength(2);
    await p.close();
  });

  it('connects once per region, the region taken from each workspace zone (dal13 → dal, wdc04 → wdc)', async () => {
    const paths: string[] = [];
    const srv = await server((req, res) => {
      paths.push(req.url ?? '');
      json(res, 200, { networks: [] });
    });
    cleanups.push(srv.close);
    const p = new PowerVsProvider({
      endpoint: `${srv.url}/{region}`,
      token: 't',
      accountId: 'acc',
      workspaces: { home: { id: 'g-home', zone: 'dal13' }, dr: { id: 'g-dr', zone: 'wdc04' }, other: { id: 'g-other', zone: 'dal10' } },
    });
    await p.list('network', 'home');
    await p.list('network', 'dr');
    await p.list('network', 'other');
    expect(paths).toEqual([
      '/dal/pcloud/v1/cloud-instances/g-home/networks',
      '/wdc/pcloud/v1/cloud-instances/g-dr/networks',
      '/dal/pcloud/v1/cloud-instances/g-other/networks',
    ]);
    expect(p.connectedEndpoints()).toEqual([`${srv.url}/dal`, `${srv.url}/wdc`]);
    await p.close();
  });
});

describe('authentication', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('exchanges an API key at IAM for the bearer token', async () => {
    rig = await startRig({ apiKey: 'my-key' });
    const p = new PowerVsProvider({ ...rig.config, token: undefined, apiKey: 'my-key', iamEndpoint: `${rig.sim.url}/identity/token` });
    expect(await p.list('vm', HOME)).toEqual([]);
    await p.close();
  });

  it('reports an API key IAM refuses', async () => {
    rig = await startRig({ apiKey: 'my-key' });
    const p = new PowerVsProvider({ ...rig.config, token: undefined, apiKey: 'wrong', iamEndpoint: `${rig.sim.url}/identity/token` });
    const e = (await p.list('vm', HOME).catch((x: unknown) => x)) as ProviderError;
    expect(e.code).toBe('unauthorized');
    expect(e.message).toContain('IBM Cloud IAM refused the API key: Provided API key could not be found.');
    await p.close();
  });

  it('refuses to start without an endpoint or credentials', () => {
    expect(() => new PowerVsProvider({ endpoint: '' })).toThrow(/No PowerVS endpoint.*No PowerVS credentials/);
  });
});

describe('configuration from the environment', () => {
  it('reads endpoint, workspaces (GUID@zone or CRN), credentials and limits', () => {
    const crn = 'crn:v1:bluemix:public:power-iaas:wdc04:a/acc:guid-b::';
    const { config, diagnostics } = providerConfigFromEnv({
      DRCTL_POWERVS_ACCOUNT: 'acc',
      DRCTL_POWERVS_WORKSPACES: `erp-prod-dal13=guid-a@dal13, erp-dr-wdc04=${crn}`,
      IBMCLOUD_API_KEY: 'k',
      DRCTL_POWERVS_MAX_CONCURRENCY: '8',
      DRCTL_POWERVS_MAX_ATTEMPTS: '5',
    });
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      endpoint: 'https://{region}.power-iaas.cloud.ibm.com',
      accountId: 'acc',
      apiKey: 'k',
      maxConcurrency: 8,
      workspaces: { 'erp-prod-dal13': { id: 'guid-a', zone: 'dal13' }, 'erp-dr-wdc04': { id: 'guid-b', zone: 'wdc04', crn } },
    });
    expect(config?.retry?.maxAttempts).toBe(5);
  });

  it('refuses a workspace whose CRN it cannot make (no account, no CRN)', () => {
    const { config, diagnostics } = providerConfigFromEnv({ DRCTL_POWERVS_WORKSPACES: 'erp-prod=guid-a@dal13', IBMCLOUD_API_KEY: 'k' });
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => d.summary)).toEqual(['No CRN for a workspace']);
    expect(diagnostics[0].detail).toContain('erp-prod');
  });

  it('lets the environment override the settings block', () => {
    const { config } = providerConfigFromEnv({ DRCTL_POWERVS_ENDPOINT: 'http://127.0.0.1:7000' }, { endpoint: 'https://x', token: 't', maxConcurrency: 3 });
    expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:7000', token: 't', maxConcurrency: 3 });
  });

  it('says what is missing or malformed', () => {
    const { config, diagnostics } = providerConfigFromEnv({ DRCTL_POWERVS_WORKSPACES: 'oops', DRCTL_POWERVS_MAX_CONCURRENCY: 'many' });
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => d.summary)).toEqual(['Invalid provider setting', 'Invalid provider setting', 'No PowerVS credentials']);
    expect(diagnostics[1].detail).toContain('DRCTL_POWERVS_MAX_CONCURRENCY must be a positive whole number, not "many"');
  });
});
