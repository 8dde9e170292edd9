// The cost of encryption at rest: reading and writing the state of 2,000 VMs, plain versus
// AES-256-GCM (a key file; a passphrase adds one PBKDF2 derivation per process, timed apart).
// Run after a build (`npm run build`), or point DRCTL_DIST at a compiled src/.
//   node bench/encryption.bench.mjs [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.DRCTL_DIST ?? new URL('../dist', import.meta.url).pathname;
const state = await import(pathToFileURL(join(dist, 'state/index.js')).href);
const runs = Number(process.argv[2] ?? 21);
const VMS = 2000;

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
async function timeAsync(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

// The state an apply of 2,000 VMs leaves: the shape bench/gen-vms.mjs describes (tiers, machine
// types, networks, replicated volumes for db and mq), as the engine records it, with lifecycles.
const TIERS = ['infra', 'db', 'mq', 'app', 'web'];
const resources = Array.from({ length: VMS }, (_, i) => {
  const tier = TIERS[i % TIERS.length];
  const name = `${tier}${String(i).padStart(4, '0')}`;
  const replicated = tier === 'db' || tier === 'mq';
  return {
    address: `vm.${name}`,
    type: 'vm',
    name,
    id: `pvm-${i.toString(16).padStart(8, '0')}-4c1e-9a7b-${String(i).padStart(12, '0')}`,
    attributes: {
      machine_type: tier === 'db' ? 'e980' : 's922',
      os: tier === 'db' || tier === 'mq' ? 'aix' : 'rhel',
      processors: 1 + (i % 8),
      proc_type: 'shared',
      memory_gb: 16 * (1 + (i % 16)),
      status: 'ACTIVE',
      site: 'home',
      networks: [
        { name: tier === 'db' ? 'db' : 'app', ip: `10.10.${(i >> 8) & 255}.${i & 255}`, mac: `fa:16:3e:${(i >> 16) & 255}:${(i >> 8) & 255}:${i & 255}` },
      ],
      volumes: replicated ? [{ name: `${name}-data`, size_gb: 500, tier: 'tier1', replication: 'global', group: `vg-${Math.floor(i / 20)}` }] : [],
      admin_password: `secret-${i}`,
    },
    dependencies: ['site.home', 'network.app', ...(replicated ? [`volume_group.vg${Math.floor(i / 20)}`] : [])],
    sensitiveAttributes: ['admin_password'],
  };
});
const lifecycles = Object.fromEntries(resources.map((r) => [r.address, { status: 'active', value: 'running', context: { rpoLagSeconds: 30 } }]));
const drState = { serial: 1, lineage: 'bench-lineage', drctlVersion: '0.1.0', resources, lifecycles, outputs: {} };
const text = state.serializeState(drState);
const bytes = new TextEncoder().encode(text);

const keyring = { primary: state.rawKey(Buffer.alloc(32, 7), 'bench key'), fallbacks: [], enforced: true };
console.log(`state: ${VMS} VMs, ${(bytes.length / 1024 / 1024).toFixed(2)} MB; medians of ${runs}`);

// In memory: what encryption adds to serialising and parsing, without the disk.
const sealed = await state.encryptBytes(bytes, keyring);
const plainWriteMem = await timeAsync(runs, () => new TextEncoder().encode(state.serializeState(drState)));
const encWriteMem = await timeAsync(runs, async () => state.encryptBytes(new TextEncoder().encode(state.serializeState(drState)), keyring));
const plainReadMem = await timeAsync(runs, () => state.parseState(new TextDecoder().decode(bytes), 'bench'));
const encReadMem = await timeAsync(runs, async () => state.parseState(new TextDecoder().decode((await state.decryptBytes(sealed, keyring)).bytes), 'bench'));
const sealOnly = await timeAsync(runs, () => state.encryptBytes(bytes, keyring));
const openOnly = await timeAsync(runs, () => state.decryptBytes(sealed, keyring));

// Through the local backend: an atomic, fsynced write and a readState, as commands do.
const dir = mkdtempSync(join(tmpdir(), 'drctl-bench-enc-'));
let plainWrite, encWrite, plainRead, encRead;
try {
  const plain = new state.LocalFileBackend(join(dir, 'plain.drstate.json'));
  const encrypted = new state.EncryptedBackend(new state.LocalFileBackend(join(dir, 'enc.drstate.json')), keyring);
  plainWrite = await timeAsync(runs, () => plain.write(new TextEncoder().encode(state.serializeState(drState))));
  encWrite = await timeAsync(runs, () => encrypted.write(new TextEncoder().encode(state.serializeState(drState))));
  plainRead = await timeAsync(runs, () => state.readState(plain));
  encRead = await timeAsync(runs, () => state.readState(encrypted));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const passphrase = state.passphraseKey('a bench passphrase of some length', 'bench passphrase');
const t = performance.now();
await passphrase.sealingKey();
const deriveMs = performance.now() - t;

const row = (label, plainMs, encMs) =>
  console.log(
    `  ${label.padEnd(34)} plain ${plainMs.toFixed(1).padStart(7)} ms   encrypted ${encMs.toFixed(1).padStart(7)} ms   ratio ${(encMs / plainMs).toFixed(2)}`,
  );
row('write (serialise [+ encrypt])', plainWriteMem, encWriteMem);
row('read (parse [+ decrypt])', plainReadMem, encReadMem);
row('write to disk (atomic, fsync)', plainWrite, encWrite);
row('readState from disk', plainRead, encRead);
console.log(`  AES-256-GCM alone                  encrypt ${sealOnly.toFixed(1)} ms   decrypt ${openOnly.toFixed(1)} ms`);
console.log(`  passphrase: PBKDF2-SHA512, ${state.PBKDF2_MIN_ITERATIONS} iterations, once per process: ${deriveMs.toFixed(0)} ms`);
