// State and graph benchmarks. Run after a build (`npm run build`), or point DRCTL_DIST at any
// directory holding state/ and graph/ compiled from src/ (tests use a transpiled copy).
//   node bench/state.bench.mjs
// It ends with the table docs/state.md shows, with the date and the machine's load.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.DRCTL_DIST ?? new URL('../dist', import.meta.url).pathname;
const state = await import(pathToFileURL(join(dist, 'state/index.js')).href);
const graph = await import(pathToFileURL(join(dist, 'graph/index.js')).href);

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}
async function timeAsync(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

// A 5,000-resource state shaped like a PowerVS estate: VMs with networks, volumes and a secret.
const resources = Array.from({ length: 5000 }, (_, i) => {
  const name = `vm${String(i).padStart(4, '0')}`;
  return {
    address: `vm.${name}`,
    type: 'vm',
    name,
    id: `pvm-${i.toString(16).padStart(8, '0')}`,
    attributes: {
      machine_type: ['s922', 'e980', 'e1080'][i % 3],
      processors: 1 + (i % 8),
      proc_type: 'shared',
      memory_gb: 32 * (1 + (i % 8)),
      os: 'aix',
      status: 'ACTIVE',
      networks: [{ name: 'app', ip: `10.10.${(i >> 8) & 255}.${i & 255}` }],
      volumes: [
        { name: 'data', size_gb: 500, tier: 'tier1' },
        { name: 'log', size_gb: 100, tier: 'tier1' },
      ],
      admin_password: `secret-${i}`,
    },
    dependencies: ['site.home', 'network.app'],
    sensitiveAttributes: ['admin_password'],
  };
});
const drState = { serial: 1, lineage: 'bench-lineage', drctlVersion: '0.1.0', resources, lifecycles: {}, outputs: {} };

const text = state.serializeState(drState);
const parsedOnce = state.parseState(text, 'bench').state;
const serializeMs = time(15, () => state.serializeState(parsedOnce));
const parseMs = time(15, () => state.parseState(text, 'bench'));
console.log(`state: ${resources.length} resources, ${(text.length / 1024 / 1024).toFixed(2)} MB`);
console.log(`  serializeState  ${serializeMs.toFixed(1)} ms (median of 15)`);
console.log(`  parseState      ${parseMs.toFixed(1)} ms (median of 15)`);

const dir = mkdtempSync(join(tmpdir(), 'drctl-bench-'));
let appendMs;
let commitMs;
try {
  const backend = new state.LocalFileBackend(join(dir, 'bench.drstate'));
  await backend.write(new TextEncoder().encode(text));
  const session = await state.openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'bench' } });
  let i = 0;
  appendMs = await timeAsync(50, () => session.upsert({ ...resources[i], attributes: { ...resources[i++].attributes, status: 'SHUTOFF' } }));
  commitMs = await timeAsync(1, () => session.commit());
  const reopenMs = await timeAsync(3, async () => state.readState(backend));
  await session.close();
  console.log(`  journal upsert  ${appendMs.toFixed(2)} ms per resource (median of 50, includes fdatasync)`);
  console.log(`  commit          ${commitMs.toFixed(1)} ms (serialize + atomic write + fsync)`);
  console.log(`  readState       ${reopenMs.toFixed(1)} ms (read + parse)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Graph: 5,000 nodes, up to 4 dependencies each.
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const g = new graph.Graph();
for (let n = 0; n < 5000; n++) {
  g.addNode(`r${n}`);
  const k = n === 0 ? 0 : Math.floor(rand() * 5);
  for (let j = 0; j < k; j++) g.addEdge(`r${n}`, `r${Math.floor(rand() * n)}`);
}
const walkSync = await timeAsync(15, () => graph.walk(g, () => undefined, { parallelism: 10 }));
const walkAsync = await timeAsync(15, () => graph.walk(g, async () => undefined, { parallelism: 10 }));
console.log(`graph: 5,000 nodes, ${g.edges().length} edges`);
console.log(`  walk (sync visits)   ${walkSync.toFixed(1)} ms`);
console.log(`  walk (async visits)  ${walkAsync.toFixed(1)} ms`);
console.log(`  findCycles           ${time(15, () => graph.findCycles(g)).toFixed(1)} ms`);
console.log(`  topologicalWaves     ${time(15, () => graph.topologicalWaves(g)).toFixed(1)} ms`);

console.log(
  `\nbench/state.bench.mjs, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}; a state of ${resources.length.toLocaleString('en-US')} VM resources, ${(text.length / 1024 / 1024).toFixed(1)} MB:\n`,
);
console.log('| operation | median |');
console.log('|---|---|');
console.log(`| \`serializeState\` | ${serializeMs.toFixed(0)} ms |`);
console.log(`| \`parseState\` | ${parseMs.toFixed(0)} ms |`);
console.log(`| journal upsert, including \`fdatasync\` | ${appendMs.toFixed(2)} ms |`);
console.log(`| \`commit\` (serialise, atomic write, fsyncs) | ${commitMs.toFixed(0)} ms |`);
