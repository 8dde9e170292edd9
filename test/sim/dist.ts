// Makes sure dist/sim/main.js is compiled from the current sources, so tests can run the
// simulator as a real process. Builds only the simulator's own files (other areas of the
// tree may be mid-edit).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SIM_MAIN = path.join(ROOT, 'dist/sim/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureSimBuilt(): void {
  const sources = Math.max(newest(path.join(ROOT, 'src/sim')), newest(path.join(ROOT, 'src/powervs')));
  let built = 0;
  try {
    built = statSync(SIM_MAIN).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= sources) return;
  const cfgDir = mkdtempSync(path.join(tmpdir(), 'drctl-simbuild-'));
  const cfg = path.join(cfgDir, 'tsconfig.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        rootDir: path.join(ROOT, 'src'),
        outDir: path.join(ROOT, 'dist'),
        noEmit: false,
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      include: [path.join(ROOT, 'src/sim'), path.join(ROOT, 'src/powervs')],
    }),
  );
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', cfg], { stdio: 'pipe', timeout: 120_000 });
  } finally {
    rmSync(cfgDir, { recursive: true, force: true });
  }
}

export interface SimProcess {
  readonly child: ChildProcess;
  readonly url: string;
}

/** What a simulator process wrote to its lock: where it serves, its tokens and account. */
export function simLock(dataDir: string): { url: string; token: string; adminToken: string; account: string; pid: number } {
  return JSON.parse(readFileSync(path.join(dataDir, 'sim.lock'), 'utf8'));
}

/** Spawns `node dist/sim/main.js args…` and waits for its "listening on" line. */
export function spawnSim(args: readonly string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, [SIM_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator did not start: ${out} ${err}`));
    }, 15_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${err}`));
    });
  });
}

export function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
