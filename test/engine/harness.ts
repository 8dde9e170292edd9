// Real processes for the engine acceptance tests: the built CLI (`node bin/drctl.js`) run in a
// fresh temp directory holding a copy of a fixture, and a standalone simulator process whose
// REST API the tests read (and change, to make drift) between drctl runs.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/drctl.js');
export const SIM_MAIN = path.join(ROOT, 'dist/sim/main.js');

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Workdir {
  readonly dir: string;
  /** Where the config was copied (relative: what drctl is given). */
  readonly config: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  start(args: readonly string[], opts?: { env?: Record<string, string> }): Running;
  file(rel: string): string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  /** Edits a config file: `edit('vms.hcl', s => s.replace(…))`; fails when nothing changed. */
  edit(rel: string, change: (text: string) => string): void;
  remove(): void;
}

export interface Running {
  readonly child: ChildProcess;
  readonly result: Promise<RunResult>;
  /** Stdout so far. */
  stdout(): string;
  stderr(): string;
}

export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DRCTL_')) env[k] = v;
  delete env.FORCE_COLOR;
  return { ...env, NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0', ...extra };
}

export function startDrctl(args: readonly string[], cwd: string, env: Record<string, string>): Running {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const result = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
  return { child, result, stdout: () => stdout, stderr: () => stderr };
}

/** Changes one file of a workdir; a change that changes nothing is the test's mistake, so it throws. */
export function editFile(w: Workdir, rel: string, change: (s: string) => string): void {
  const before = w.read(rel);
  const after = change(before);
  if (after === before) throw new Error(`edit of ${rel} changed nothing`);
  w.write(rel, after);
}

/** A fresh temp dir with a copy of `fixtures/engine/<name>` (or of the given files) under `cfg/`. */
export function workdir(fixture: string | Record<string, string>, extraEnv: Record<string, string> = {}): Workdir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-engine-'));
  const cfg = path.join(dir, 'cfg');
  if (typeof fixture === 'string') fs.cpSync(path.join(ROOT, 'fixtures/engine', fixture), cfg, { recursive: true });
  else {
    fs.mkdirSync(cfg);
    for (const [name, text] of Object.entries(fixture)) fs.writeFileSync(path.join(cfg, name), text);
  }
  const env = baseEnv(extraEnv);
  const file = (rel: string) => path.join(dir, rel);
  return {
    dir,
    config: 'cfg',
    env,
    start: (args, opts = {}) => startDrctl(args, dir, { ...env, ...opts.env }),
    run: async (args, opts = {}) => {
      const r = startDrctl(args, dir, { ...env, ...opts.env });
      const timeoutMs = opts.timeoutMs ?? 60_000;
      const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
      try {
        const res = await r.result;
        if (res.signal === 'SIGKILL' && res.ms >= timeoutMs) throw new Error(`drctl ${args.join(' ')} took over ${timeoutMs} ms\n${res.stderr}`);
        return res;
      } finally {
        clearTimeout(timer);
      }
    },
    file,
    read: (rel) => fs.readFileSync(file(rel), 'utf8'),
    write: (rel, text) => {
      fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
      fs.writeFileSync(file(rel), text);
    },
    edit: (rel, change) => {
      const p = path.join(cfg, rel);
      const before = fs.readFileSync(p, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`edit of ${rel} changed nothing`);
      fs.writeFileSync(p, after);
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A copy of another workdir (config, state, simulator data): a given state without re-applying. */
export function cloneWorkdir(from: Workdir): Workdir {
  const w = workdir({});
  fs.rmSync(w.dir, { recursive: true, force: true });
  fs.cpSync(from.dir, w.dir, { recursive: true });
  fs.rmSync(path.join(w.dir, '.drctl/sim/sim.lock'), { force: true });
  return w;
}

/** Fails with drctl's output when a run did not exit as expected. */
export function expectExit(r: RunResult, code: number, what = 'drctl'): RunResult {
  if (r.code !== code)
    throw new Error(`${what} exited ${r.code ?? r.signal}, expected ${code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
  return r;
}

// --- The simulator, as its own process -------------------------------------------------------

export interface PvmInstance {
  readonly pvmInstanceID: string;
  readonly serverName: string;
  readonly memory: number;
  readonly processors: number;
  readonly procType: string;
  readonly sysType: string;
  readonly status: string;
}

export interface SimProcess {
  readonly url: string;
  readonly token: string;
  readonly adminToken: string;
  readonly child: ChildProcess;
  /**
   * One request as a PowerVS client sends it: a workspace path goes to the workspace's region
   * (`/<region>/pcloud/…`) with its CRN; `/admin/…` takes the admin token.
   */
  call<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T>;
  listVms(workspace: string): Promise<PvmInstance[]>;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/sim/main.js` on `dataDir` (the directory drctl's embedded simulator uses, so
 * the world is the same); drctl runs started while it serves connect to it (via its sim.lock).
 */
export async function startSimulator(dataDir: string, opts: { timeScale?: number; workspaces?: readonly string[]; apiKey?: string } = {}): Promise<SimProcess> {
  const args = [SIM_MAIN, '--port', '0', '--data-dir', dataDir, '--time-scale', String(opts.timeScale ?? 0)];
  if (opts.apiKey !== undefined) args.push('--api-key', opts.apiKey);
  for (const w of opts.workspaces ?? []) args.push('--workspace', w);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: baseEnv() });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${err}`)), 15_000);
    child.on('exit', (code) => reject(new Error(`simulator exited ${code}: ${err}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const u = /listening on (\S+)/.exec(out);
      const t = /token (\S+)/.exec(out);
      if (u && t) {
        clearTimeout(timer);
        resolve({ url: u[1], token: t[1] });
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const { adminToken } = JSON.parse(fs.readFileSync(path.join(dataDir, 'sim.lock'), 'utf8')) as { adminToken: string };
  const send = async <T>(method: string, target: string, headers: Record<string, string>, body?: unknown): Promise<T> => {
    const res = await fetch(url + target, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${target}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const call = async <T>(method: string, urlPath: string, body?: unknown): Promise<T> => {
    if (urlPath.startsWith('/admin/')) return send<T>(method, urlPath, { authorization: `Bearer ${adminToken}` }, body);
    const ws = /\/cloud-instances\/([^/]+)/.exec(urlPath)?.[1];
    if (!ws) return send<T>(method, `/dal${urlPath}`, { authorization: `Bearer ${token}` }, body);
    const known = (
      await send<{ workspaces: { id: string; location: string; crn: string }[] }>('GET', '/admin/workspaces', { authorization: `Bearer ${adminToken}` })
    ).workspaces.find((w) => w.id === decodeURIComponent(ws));
    if (!known) throw new Error(`simulator has no workspace ${ws}`);
    return send<T>(method, `/${known.location.replace(/[0-9]+$/, '')}${urlPath}`, { authorization: `Bearer ${token}`, crn: known.crn }, body);
  };
  return {
    url,
    token,
    adminToken,
    child,
    call,
    listVms: async (workspace) =>
      (await call<{ pvmInstances: PvmInstance[] }>('GET', `/pcloud/v1/cloud-instances/${encodeURIComponent(workspace)}/pvm-instances`)).pvmInstances,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// --- State, read with the state package's own parser -----------------------------------------

interface StateModule {
  parseState(text: string, location: string): { ok: true; state: ParsedState } | { ok: false; error: Error };
  readState(backend: unknown): Promise<{ state: ParsedState }>;
  LocalFileBackend: new (path: string) => { close(): Promise<void> };
  StateMissingError: new (...args: never[]) => Error;
}

export interface ParsedState {
  readonly serial: number;
  readonly lineage: string;
  readonly resources: ReadonlyArray<{ address: string; type: string; id: string; attributes: Record<string, unknown> }>;
  readonly outputs: Record<string, { value: unknown; sensitive: boolean }>;
}

let stateModule: Promise<StateModule> | undefined;
function state(): Promise<StateModule> {
  return (stateModule ??= import(pathToFileURL(path.join(ROOT, 'dist/state/index.js')).href) as Promise<StateModule>);
}

/** Parses a state snapshot with src/state's parser; throws with its message when unusable. */
export async function parseStateFile(file: string): Promise<ParsedState> {
  const { parseState } = await state();
  const parsed = parseState(fs.readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw parsed.error;
  return parsed.state;
}

/** The state as the next run sees it: snapshot plus journal (what an interrupted run left). */
export async function readStateWithJournal(file: string): Promise<ParsedState>;
export async function readStateWithJournal(file: string, options: { missingIsNone: true }): Promise<ParsedState | undefined>;
export async function readStateWithJournal(file: string, options?: { missingIsNone: true }): Promise<ParsedState | undefined> {
  const { readState, LocalFileBackend, StateMissingError } = await state();
  const backend = new LocalFileBackend(file);
  try {
    return (await readState(backend)).state;
  } catch (error) {
    if (options?.missingIsNone && error instanceof StateMissingError) return undefined;
    throw error;
  } finally {
    await backend.close();
  }
}

/** The cloud id state records for `address`. */
export function idOf(st: ParsedState, address: string): string | undefined {
  return st.resources.find((r) => r.address === address)?.id;
}

/** A config with `count` VMs of one block at one site, for crash tests and benchmarks. */
export function countedVmConfig(count: number, opts: { parallelism?: number; statePath?: string } = {}): string {
  return `drctl {
  parallelism = ${opts.parallelism ?? 10}

  backend "local" {
    path = "${opts.statePath ?? 'state/many.drstate.json'}"
  }
}

site "home" {
  location  = "dal13"
  workspace = "many-dal13"
  role      = "active"
}

site "dr" {
  location  = "wdc04"
  workspace = "many-wdc04"
  role      = "standby"
}

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/20", name = "many-app-dal13" }
  dr   = { cidr = "10.20.0.0/20", name = "many-app-wdc04" }
}

vm "n" {
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

/** Deterministic PRNG (mulberry32), so a failing crash point can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
