// Provider throughput against the simulator at time scale 0.
// Each run: a fresh simulator (its own process, so client and server use both cores), then
// 2,000 VM creates and 2,000 reads through PowerVsProvider. Reports the median over runs, next
// to the same count of requests between a bare node:http server and client (the machine's
// ceiling at that moment; the machine is shared, so both move with its load).
//   npx tsc -p tsconfig.build.json && node bench/provider.bench.mjs [--runs 5] [--n 2000] [--in-process]
// Target: a median of at least 2,000 requests per second; a miss exits 1. The last lines are
// the table docs/provider.md shows, with the date and the machine's load.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PowerVsProvider, providerConfigForSimulator } from '../dist/provider/index.js';
import { serveSimulator, SimulatorAdmin } from '../dist/sim/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    n: { type: 'string', default: '2000' },
    'in-process': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '32' },
  },
});
const RUNS = Number(values.runs);
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const TOKEN = 'bench-token';
const SIM_MAIN = path.resolve(import.meta.dirname, '../dist/sim/main.js');

async function startSim(dir) {
  if (values['in-process']) {
    const sim = await serveSimulator({ dataDir: dir, timeScale: 0, token: TOKEN, workspaces: [{ id: 'bench', location: 'dal13' }] });
    return { url: sim.url, stop: () => sim.close() };
  }
  const child = spawn(process.execPath, [SIM_MAIN, '--data-dir', dir, '--time-scale', '0', '--token', TOKEN, '--workspace', 'bench=dal13'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`simulator exited ${c}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

async function run(i) {
  const dir = await mkdtemp(path.join(tmpdir(), 'drctl-bench-'));
  const sim = await startSim(dir);
  const admin = new SimulatorAdmin(sim.url, TOKEN);
  const provider = new PowerVsProvider(providerConfigForSimulator({ url: sim.url, token: TOKEN, timeScale: 0 }, { maxConcurrency: CONCURRENCY }));
  try {
    const net = await provider.create('network', 'bench', { name: 'bench-net', type: 'vlan', cidr: '10.0.0.0/20' });
    const before = (await admin.stats()).requests;
    const t0 = performance.now();
    const vms = await Promise.all(
      Array.from({ length: N }, (_, k) =>
        provider.create('vm', 'bench', {
          name: `vm-${k}`,
          machineType: 's922',
          processors: 1,
          procType: 'shared',
          memoryGb: 4,
          os: 'rhel',
          networkIds: [net.id],
        }),
      ),
    );
    const t1 = performance.now();
    const reads = await Promise.all(vms.map((v) => provider.read('vm', 'bench', v.id)));
    const t2 = performance.now();
    const requests = (await admin.stats()).requests - before;
    if (reads.some((r) => !r || r.status !== 'ACTIVE') || new Set(vms.map((v) => v.id)).size !== N) throw new Error('bench run produced wrong results');
    const result = { run: i, requests, createMs: t1 - t0, readMs: t2 - t1, wallMs: t2 - t0, reqPerSec: requests / ((t2 - t0) / 1000) };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await provider.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// The machine's raw HTTP ceiling at this moment: a bare node:http server in its own process
// answering a ~600-byte JSON body, driven with the same concurrency and request count.
const BARE_SERVER = `
  const http = require('node:http');
  const body = JSON.stringify({ ok: true, pad: 'x'.repeat(600) });
  const srv = http.createServer({ keepAliveTimeout: 30000 }, (req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
  });
  srv.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + srv.address().port));
  process.on('SIGTERM', () => process.exit(0));`;

async function bareHttp() {
  const http = await import('node:http');
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new URL(
    await new Promise((resolve) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
    }),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const one = (method) =>
    new Promise((resolve, reject) => {
      const payload = method === 'POST' ? JSON.stringify({ serverName: 'vm', processors: 1, memory: 4, networks: [{ networkID: 'x' }] }) : undefined;
      const req = http.request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          path: '/pcloud/v1/cloud-instances/bench/pvm-instances',
          method,
          headers: {
            authorization: 'Bearer x',
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N }, () => one('POST')));
  await Promise.all(Array.from({ length: N }, () => one('GET')));
  const ms = performance.now() - t0;
  agent.destroy();
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
  return (2 * N) / (ms / 1000);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
const bare = [];
for (let i = 0; i < RUNS; i++) {
  results.push(await run(i));
  bare.push(await bareHttp());
}
const summary = {
  bench: 'provider vs simulator, scale 0',
  mode: values['in-process'] ? 'in-process simulator' : 'simulator in its own process',
  creates: N,
  reads: N,
  runs: RUNS,
  medianWallMs: Math.round(median(results.map((r) => r.wallMs))),
  medianCreateMs: Math.round(median(results.map((r) => r.createMs))),
  medianReadMs: Math.round(median(results.map((r) => r.readMs))),
  medianReqPerSec: Math.round(median(results.map((r) => r.reqPerSec))),
  target: '>= 2000 req/s',
  bareHttpMedianReqPerSec: Math.round(median(bare)),
  loadAverage1m: os.loadavg()[0],
};
console.log(JSON.stringify(summary));
const met = summary.medianReqPerSec >= 2000;
const n = (x) => x.toLocaleString('en-US');
console.log(`${met ? 'ok    ' : 'MISSED'} provider + simulator ≥ 2,000 req/s (${n(summary.medianReqPerSec)} req/s)`);
console.log(
  `\nbench/provider.bench.mjs, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}, median of ${RUNS} runs:\n`,
);
console.log(`| median wall (${n(2 * N)} requests) | provider + simulator | bare node:http |`);
console.log('|---|---|---|');
console.log(`| ${(summary.medianWallMs / 1000).toFixed(2)} s | ${n(summary.medianReqPerSec)} req/s | ${n(summary.bareHttpMedianReqPerSec)} req/s |`);
process.exitCode = met ? 0 : 1;
