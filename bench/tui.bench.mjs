// TUI overhead: `drctl apply -auto-approve` of 2,000 VMs drawn live by Ink on a pseudo-terminal
// (util-linux `script` provides the PTY) against the same apply with --json to a pipe.
// Embedded simulator at time scale 0, a fresh directory per run, alternating the two cases.
//   npm run build && node bench/tui.bench.mjs [--runs N] [--vms 2000]
// Prints medians of N (default 5) runs and checks the issue's target: Ink adds ≤ 10% wall time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESTATE_HEADER } from './estate.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = join(root, 'bin/drctl.js');
if (!existsSync(join(root, 'dist/tui/ink/progress-view.js'))) {
  console.error('tui.bench: build first (npm run build)');
  process.exit(1);
}
if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('tui.bench: needs `script` from util-linux for a pseudo-terminal');
  process.exit(1);
}
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const RUNS = Number(opt('runs', '5'));
const VMS = Number(opt('vms', '2000'));

function config(count) {
  return `${ESTATE_HEADER}vm "app" {
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

const env = { ...process.env, DRCTL_SIM_TIME_SCALE: '0', TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' };
for (const k of Object.keys(env)) if ((k.startsWith('DRCTL_') && k !== 'DRCTL_SIM_TIME_SCALE') || k === 'CI' || k === 'NO_COLOR') delete env[k];

function timed(cmd, args, cwd) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? res(performance.now() - t0) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${err.slice(-2000)}`))));
  });
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const cases = {
  // stdout and stderr are the PTY: Ink draws to stderr, as an operator would see it.
  ink: (dir) => timed('script', ['-qfec', `stty cols 120 rows 40; ${q(process.execPath)} ${q(bin)} apply cfg -auto-approve`, '/dev/null'], dir),
  json: (dir) => timed(process.execPath, [bin, 'apply', 'cfg', '-auto-approve', '--json'], dir),
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const times = { ink: [], json: [] };
const dirs = [];
try {
  for (let r = 0; r < RUNS; r++) {
    // Alternate which goes first so drift on a shared machine falls on both.
    for (const name of r % 2 ? ['json', 'ink'] : ['ink', 'json']) {
      const dir = mkdtempSync(join(tmpdir(), 'drctl-tui-bench-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'cfg'));
      writeFileSync(join(dir, 'cfg/main.hcl'), config(VMS));
      times[name].push(await cases[name](dir));
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
const f = (ms) => `${(ms / 1000).toFixed(3)} s`;
const ink = median(times.ink);
const json = median(times.json);
console.log(`apply ${VMS} VMs (${VMS + 3} resources), medians of ${RUNS} cold runs:`);
console.log(`  --json to a pipe      ${f(json)}   [${times.json.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
console.log(`  Ink on a PTY          ${f(ink)}   [${times.ink.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
const overhead = ink / json - 1;
const ok = overhead <= 0.1;
console.log(`${ok ? 'ok  ' : 'MISS'} TUI overhead ≤ 10%: ${(overhead * 100).toFixed(1)}%`);
process.exitCode = ok ? 0 : 1;
