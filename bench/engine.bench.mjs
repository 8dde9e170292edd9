// Plan/apply engine benchmark over real cold processes (`node bin/drctl.js`), with the embedded
// simulator at time scale 0 (instant cloud), so what is measured is drctl's own cost: start-up,
// config, refresh, diff, the apply walk, provider requests and state persistence.
//   npm run build && node bench/engine.bench.mjs [--runs N] [--sizes 1000,2000]
// Prints medians of N (default 5) runs per case and checks them against the targets.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = join(root, 'bin/drctl.js');
if (!existsSync(join(root, 'dist/commands/index.js'))) {
  console.error('engine.bench: build first (npm run build)');
  process.exit(1);
}
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const RUNS = Number(opt('runs', '5'));
const SIZES = opt('sizes', '1000,2000').split(',').map(Number);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** The config: `count` VMs in one counted block, on one network (a /20: room for 4,094). */
function config(count) {
  return `drctl {
  backend "local" {
    path = "state/bench.drstate.json"
  }
}

site "home" {
  location  = "dal13"
  workspace = "bench-dal13"
  role      = "active"
}

site "dr" {
  location  = "wdc04"
  workspace = "bench-wdc04"
  role      = "standby"
}

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/20", name = "bench-app-dal13" }
  dr   = { cidr = "10.20.0.0/20", name = "bench-app-wdc04" }
}

vm "app" {
  count        = ${count}
  site         = site.home
  machine_type = "s922"
  processors   = 1
  proc_type    = "shared"
  memory_gb    = 8
  os           = "rhel"
  networks     = [network.app]
}
`;
}

const env = { ...process.env, NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0' };
for (const k of Object.keys(env)) if (k.startsWith('DRCTL_') && k !== 'DRCTL_SIM_TIME_SCALE') delete env[k];

/** One cold drctl process; wall ms and (with /usr/bin/time) peak RSS in KB. */
function drctl(cwd, args, expectCode = 0) {
  return new Promise((resolvePromise, reject) => {
    const rssFile = join(cwd, '.rss');
    const cmd = TIME ? TIME : process.execPath;
    const full = TIME ? ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args] : [bin, ...args];
    const t0 = performance.now();
    const child = spawn(cmd, full, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== expectCode) return reject(new Error(`drctl ${args.join(' ')} exited ${code}, expected ${expectCode}\n${err.slice(-2000)}`));
      const rssKb = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
      resolvePromise({ ms, rssKb });
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function freshDir(count) {
  const dir = mkdtempSync(join(tmpdir(), 'drctl-engine-bench-'));
  mkdirSync(join(dir, 'cfg'));
  writeFileSync(join(dir, 'cfg/main.hcl'), config(count));
  return dir;
}

const results = {};
const dirs = [];
try {
  for (const n of SIZES) {
    const plan = [];
    const apply = [];
    const noop = [];
    const rss = [];
    for (let r = 0; r < RUNS; r++) {
      const dir = freshDir(n);
      dirs.push(dir);
      plan.push((await drctl(dir, ['plan', 'cfg', '-detailed-exitcode'], 2)).ms);
      const a = await drctl(dir, ['apply', 'cfg', '-auto-approve']);
      apply.push(a.ms);
      if (a.rssKb !== undefined) rss.push(a.rssKb);
      noop.push((await drctl(dir, ['plan', 'cfg', '-detailed-exitcode'], 0)).ms);
      rmSync(dir, { recursive: true, force: true });
    }
    results[n] = { plan: median(plan), apply: median(apply), noop: median(noop), rssMb: rss.length ? median(rss) / 1024 : undefined };
    const f = (ms) => `${(ms / 1000).toFixed(3)} s`;
    console.log(`${n} VMs (${n + 3} resources), medians of ${RUNS} cold runs:`);
    console.log(`  plan from empty        ${f(results[n].plan)}   [${plan.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
    console.log(`  apply from empty       ${f(results[n].apply)}   [${apply.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
    console.log(`  no-op plan (refresh)   ${f(results[n].noop)}   [${noop.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
    if (results[n].rssMb !== undefined) console.log(`  apply peak RSS         ${results[n].rssMb.toFixed(0)} MB`);
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

// The targets (2,000 VMs); reported, not enforced: the machine may be shared.
const big = results[2000];
const small = results[1000];
if (big) {
  const checks = [
    ['plan from empty, 2,000 VMs ≤ 0.35 s', big.plan <= 350],
    ['apply, 2,000 VMs ≤ 3 s', big.apply <= 3000],
    ['no-op plan with refresh, 2,000 VMs ≤ 0.5 s', big.noop <= 500],
  ];
  if (small) checks.push([`apply scaling 1,000 → 2,000 ≤ 2.2× (${(big.apply / small.apply).toFixed(2)}×)`, big.apply / small.apply <= 2.2]);
  if (big.rssMb !== undefined) checks.push([`apply peak RSS, 2,000 VMs ≤ 200 MB (${big.rssMb.toFixed(0)} MB)`, big.rssMb <= 200]);
  console.log('targets:');
  for (const [what, ok] of checks) console.log(`  ${ok ? 'met   ' : 'MISSED'} ${what}`);
}
