// The built CLI as real processes for the team tests (workspaces, access, audit, encryption,
// PostgreSQL): a temp working directory, an environment with no drctl variables but the ones a
// test sets, and a small configuration whose names come from a variable so that two workspaces
// (tenants) can each apply it against the same simulated cloud.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = process.env.DRCTL_CLI ?? path.join(ROOT, 'bin/drctl.js');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a plain user shell with an instant simulator: no CI marker, no colour, no drctl overrides but `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('DRCTL_') || ['CI', 'FORCE_COLOR', 'COLUMNS', 'LINES', 'PGPASSWORD'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0', ...extra };
}

/** Runs `drctl args` in `cwd`; `input` goes to stdin (closed otherwise). */
export function drctl(cwd: string, args: readonly string[], env: Record<string, string>, opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Fails with the run's output when it did not exit with `code`. */
export function expectCode(r: Run, code: number, what: string): Run {
  if (r.code !== code) throw new Error(`${what}: exit ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

const dirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A working directory with a copy of the shipped example in plans/. */
export function exampleDir(): string {
  const dir = tempDir('drctl-team-');
  fs.cpSync(path.join(ROOT, 'plans'), path.join(dir, 'plans'), { recursive: true });
  return dir;
}

/**
 * A working directory whose plans/ holds a small estate: two sites, a network and `vms` VMs, all
 * named after var.tenant, so each workspace (tenant) gets cloud objects of its own. `drctl`
 * goes into the drctl block (a backend, encryption).
 */
export function tenantDir(opts: { readonly drctl?: string } = {}): string {
  const dir = tempDir('drctl-tenant-');
  fs.mkdirSync(path.join(dir, 'plans'));
  fs.writeFileSync(
    path.join(dir, 'plans', 'main.hcl'),
    `drctl {
${opts.drctl ?? ''}
}

variable "tenant" {
  type    = string
  default = "t"
}

variable "vms" {
  type    = number
  default = 2
}

site "home" {
  location  = "dal13"
  workspace = "\${var.tenant}-dal13"
  role      = "active"
}

site "dr" {
  location  = "wdc04"
  workspace = "\${var.tenant}-wdc04"
  role      = "standby"
}

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/24", name = "\${var.tenant}-app-dal13" }
  dr   = { cidr = "10.20.0.0/24", name = "\${var.tenant}-app-wdc04" }
}

vm "n" {
  count        = var.vms
  site         = site.home
  machine_type = "s922"
  processors   = 1
  proc_type    = "shared"
  memory_gb    = 8
  os           = "rhel"
  networks     = [network.app]
}
`,
  );
  return dir;
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The audit records of a local store's log (state/drctl.audit.jsonl under `cwd` by default). */
export function auditRecords(file: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
