// Configuration benchmarks (issue 3):
//   1. `drctl validate plans/` as a cold process (target ≤ 0.5 s wall);
//   2. loading and validating a generated 5,000-VM definition (target ≤ 1 s), with peak RSS.
// Each figure is the median of --runs cold processes. A missed target exits 1.
//   npx tsc -p tsconfig.build.json && node bench/config.bench.mjs [--runs 7] [--vms 5000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDrDefinition } from './gen-vms.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, vms: { type: 'string', default: '5000' } } });
const RUNS = Number(values.runs);
const VMS = Number(values.vms);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeCold(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

// 1. Cold validate of the example.
const validateMs = [];
for (let i = 0; i < RUNS; i++) validateMs.push(timeCold([path.join(root, 'bin/drctl.js'), 'validate', 'plans'], root).ms);
const missed = [];
const check = (ok, what) => {
  if (!ok) missed.push(what);
  return ok ? 'ok' : 'MISSED';
};
console.log(
  `validate plans/ (cold process)        median ${median(validateMs).toFixed(0)} ms   target ≤ 500 ms ${check(median(validateMs) <= 500, 'validate plans/ ≤ 500 ms')}   runs ${RUNS}`,
);

// 2. 5,000 VMs: load + validate in a fresh process that reports its own timing and peak RSS.
const dir = mkdtempSync(path.join(tmpdir(), 'drctl-bench-config-'));
mkdirSync(path.join(dir, 'cfg'));
writeFileSync(path.join(dir, 'cfg', 'main.hcl'), generateDrDefinition(VMS));
const probe = `
  import { loadConfig } from ${JSON.stringify(path.join(root, 'dist/config/load.js'))};
  import * as fs from 'node:fs';
  const t0 = performance.now();
  const r = loadConfig({ dir: 'cfg', fs: { readdir: (d) => fs.readdirSync(d), readFile: (f) => fs.readFileSync(f) }, env: {} });
  const ms = performance.now() - t0;
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) { console.error(JSON.stringify(errors.slice(0, 3))); process.exit(1); }
  console.log(JSON.stringify({ ms, vms: r.config.vms.size, rssMb: process.resourceUsage().maxRSS / 1024 }));
`;
const loadMs = [];
const rss = [];
let vms = 0;
for (let i = 0; i < RUNS; i++) {
  const r = timeCold(['--input-type=module', '-e', probe], dir);
  const j = JSON.parse(r.out);
  loadMs.push(j.ms);
  rss.push(j.rssMb);
  vms = j.vms;
}
const wall = [];
for (let i = 0; i < Math.min(RUNS, 5); i++) wall.push(timeCold([path.join(root, 'bin/drctl.js'), 'validate', 'cfg'], dir).ms);
console.log(
  `load+validate ${vms} VMs (in process)  median ${median(loadMs).toFixed(0)} ms   target ≤ 1000 ms ${check(median(loadMs) <= 1000, `load+validate ${vms} VMs ≤ 1000 ms`)}   peak RSS median ${median(rss).toFixed(0)} MB`,
);
console.log(`drctl validate ${vms} VMs (cold process) median ${median(wall).toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
console.log(missed.length ? `targets missed: ${missed.join('; ')}` : 'targets: all met');
process.exitCode = missed.length ? 1 : 0;
