// A real PostgreSQL server for the tests: Debian's PostgreSQL (/usr/lib/postgresql/N/bin), a
// fresh cluster from initdb in a temp dir, listening on a loopback port with password (SCRAM)
// authentication, run as the `postgres` user when the tests run as root. One server serves the
// whole test run: the first test file that asks starts it, the others find it recorded in the
// run's directory, and the global teardown (global-setup.ts) stops it. Every program runs
// through execFile/spawn with an argument list, never a shell.
//
// Without PostgreSQL the pg tests are skipped with the reason; with DRCTL_REQUIRE_PG=1 (CI) they
// fail instead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, inject, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export interface PgServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Random per run; tests check it never shows up in messages. */
  readonly password: string;
  readonly database: string;
  readonly connStr: string;
  readonly pid: number;
  readonly binDir: string;
}

export type PgAvailability = { readonly ok: true; readonly server: PgServer } | { readonly ok: false; readonly reason: string };

const required = () => process.env.DRCTL_REQUIRE_PG === '1';

/** The newest Debian PostgreSQL bin dir, or DRCTL_PG_BIN. */
export function findPgBin(): string | null {
  const configured = process.env.DRCTL_PG_BIN;
  if (configured) return existsSync(join(configured, 'initdb')) ? configured : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

function passwdEntry(name: string): OsUser | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** As root, a program runs as `postgres` (initdb and postgres refuse root); otherwise as we are. */
function asServerUser(program: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, [...args]];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', program, ...args]];
}

function serverOwner(): OsUser | null {
  if (process.getuid?.() !== 0) return null;
  return passwdEntry('postgres');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function record(runDir: string, file: 'dirs', line: string): void {
  appendFileSync(join(runDir, file), `${line}\n`);
}

/**
 * Servers still running are files in <run>/pids/, named by pid and holding the program name;
 * a server stopped by its test removes its file, so a reused pid is never signalled.
 */
function recordPid(runDir: string, pid: number, program: 'postgres' | 'pgbouncer'): void {
  // Never recreates a run directory the teardown or the watchdog already removed.
  try {
    mkdirSync(join(runDir, 'pids'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  writeFileSync(join(runDir, 'pids', String(pid)), program);
}

/** Starts a server program detached, recorded at once; killed again if the run is already over. */
function spawnServer(runDir: string, program: 'postgres' | 'pgbouncer', command: string, args: string[], stdio: 'ignore' | number): ChildProcess {
  if (!existsSync(runDir)) throw new Unavailable('the test run has ended');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', stdio, stdio] });
  child.unref();
  try {
    recordPid(runDir, child.pid!, program);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

function forgetPid(runDir: string, pid: number): void {
  rmSync(join(runDir, 'pids', String(pid)), { force: true });
}

/** The recorded servers whose pid still runs that program (checked in /proc where there is one). */
export function recordedServers(runDir: string): number[] {
  const dir = join(runDir, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1)
    .filter((pid) => {
      const program = readFileSync(join(dir, String(pid)), 'utf8');
      const cmdline = `/proc/${pid}/cmdline`;
      if (!existsSync('/proc')) return true;
      try {
        return readFileSync(cmdline, 'utf8').includes(program);
      } catch {
        return false; // gone
      }
    });
}

/** A temp dir the server user owns (as root: chowned to postgres). */
export function serverDir(prefix: string, runDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    record(runDir, 'dirs', dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const owner = serverOwner();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export function writeServerFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  const owner = serverOwner();
  if (owner) chownSync(file, owner.uid, owner.gid);
}

async function waitForServer(connStr: string, child: { exitCode: number | null }, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: connStr, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-8).join('\n') : '(no log)';
      throw new Error(`PostgreSQL did not start; its log ends:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer(runDir: string, mainPid: number): Promise<PgServer> {
  const binDir = findPgBin();
  if (!binDir)
    throw new Unavailable('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with apt-get install postgresql, or set DRCTL_PG_BIN');
  if (process.getuid?.() === 0 && !passwdEntry('postgres')) throw new Unavailable('running as root, and there is no "postgres" user to run the server as');
  const root = serverDir('drctl-pg-', runDir);
  const data = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(root, 'pw');
  writeServerFile(pwfile, `${password}\n`);
  const [initdb, initArgs] = asServerUser(join(binDir, 'initdb'), [
    '-D',
    data,
    '-U',
    'drctl',
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  await run(initdb, initArgs, { env: { ...process.env, LC_ALL: 'C' } });
  rmSync(pwfile);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!processAlive(mainPid)) throw new Unavailable('the test run has ended');
    const port = await freePort();
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${root}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    const log = join(root, `server-${attempt}.log`);
    writeServerFile(log, '');
    const [postgres, args] = asServerUser(join(binDir, 'postgres'), ['-D', data]);
    const out = openSync(log, 'a');
    const child = spawnServer(runDir, 'postgres', postgres, args, out);
    closeSync(out);
    const connStr = `postgres://drctl:${password}@127.0.0.1:${port}/postgres`;
    try {
      await waitForServer(connStr, child, log);
      return { host: '127.0.0.1', port, user: 'drctl', password, database: 'postgres', connStr, pid: child.pid!, binDir };
    } catch (err) {
      lastError = err;
      if (child.exitCode === null) child.kill('SIGKILL');
      forgetPid(runDir, child.pid!);
    }
  }
  throw lastError;
}

class Unavailable extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let cached: Promise<PgAvailability> | undefined;

/** The run's PostgreSQL server, started on first use. */
export function sharedPostgres(): Promise<PgAvailability> {
  cached ??= locate();
  return cached;
}

async function locate(): Promise<PgAvailability> {
  const runDir = inject('drctlPgRunDir');
  const mainPid = inject('drctlPgMainPid');
  const serverFile = join(runDir, 'server.json');
  const failedFile = join(runDir, 'failed.json');
  let starter = false;
  try {
    mkdirSync(join(runDir, 'starting'));
    starter = true;
  } catch {
    // another test file is starting it
  }
  if (starter) {
    try {
      // The watchdog stops the server should this run die before its teardown.
      spawn(process.execPath, [join(here, 'watchdog.mjs'), String(mainPid), runDir], { detached: true, stdio: 'ignore' }).unref();
      const server = await startServer(runDir, mainPid);
      writeFileSync(serverFile, JSON.stringify(server));
      return { ok: true, server };
    } catch (err) {
      const reason = err instanceof Unavailable ? err.message : `PostgreSQL could not be started: ${(err as Error).message}`;
      writeFileSync(failedFile, JSON.stringify({ reason }));
      return { ok: false, reason };
    }
  }
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (existsSync(serverFile)) return { ok: true, server: JSON.parse(readFileSync(serverFile, 'utf8')) as PgServer };
    if (existsSync(failedFile)) return { ok: false, reason: (JSON.parse(readFileSync(failedFile, 'utf8')) as { reason: string }).reason };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ok: false, reason: 'timed out waiting for another test file to start PostgreSQL' };
}

/** Stops what the run started and still runs (postgres, pgbouncers), by the pids it recorded. */
export async function stopRecordedServers(runDir: string): Promise<void> {
  const pids = recordedServers(runDir);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  for (const pid of pids) process.kill(pid, 'SIGINT'); // postgres: fast shutdown; pgbouncer: exit
  const deadline = Date.now() + 15_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  const dirsFile = join(runDir, 'dirs');
  if (existsSync(dirsFile)) for (const dir of readFileSync(dirsFile, 'utf8').split('\n').filter(Boolean)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh database on the run's server, so test files do not see each other's tables. */
export async function freshDatabase(server: PgServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.connStr });
  await admin.connect();
  try {
    const db = `t_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
    await admin.query(`create database ${db}`);
    return `postgres://${server.user}:${server.password}@${server.host}:${server.port}/${db}`;
  } finally {
    await admin.end();
  }
}

/**
 * Declares the pg tests of a file: skipped (with the reason shown as a skipped test) when
 * PostgreSQL is missing, failing when DRCTL_REQUIRE_PG=1.
 */
export function describePg(name: string, availability: PgAvailability, body: (server: PgServer) => void): void {
  if (availability.ok) {
    describe(name, () => body(availability.server));
    return;
  }
  if (required()) {
    describe(name, () => {
      it('needs PostgreSQL (DRCTL_REQUIRE_PG=1)', () => {
        throw new Error(`DRCTL_REQUIRE_PG=1, but ${availability.reason}`);
      });
    });
    return;
  }
  describe.skip(`${name} — skipped: ${availability.reason}`, () => {
    it('needs PostgreSQL', () => undefined);
  });
}

/** pgbouncer, for the pooler tests: Debian's /usr/sbin/pgbouncer, or DRCTL_PGBOUNCER_BIN. */
export function findPgbouncer(): string | null {
  const configured = process.env.DRCTL_PGBOUNCER_BIN;
  if (configured) return existsSync(configured) ? configured : null;
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (existsSync(candidate)) return candidate;
  return null;
}

export interface Pgbouncer {
  readonly connStr: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A pgbouncer in front of `server` for database `dbname`, in the given pool mode. */
export async function startPgbouncer(server: PgServer, dbname: string, poolMode: 'transaction' | 'session'): Promise<Pgbouncer> {
  const bin = findPgbouncer();
  if (!bin) throw new Error('pgbouncer is not installed');
  const runDir = inject('drctlPgRunDir');
  const dir = serverDir('drctl-pgbouncer-', runDir);
  const port = await freePort();
  writeServerFile(join(dir, 'users.txt'), `"${server.user}" "${server.password}"\n`);
  writeServerFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${dbname} = host=127.0.0.1 port=${server.port} dbname=${dbname}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = ${poolMode}`,
      'default_pool_size = 4',
      'max_client_conn = 100',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  const [program, args] = asServerUser(bin, [join(dir, 'pgbouncer.ini')]);
  const child = spawnServer(runDir, 'pgbouncer', program, args, 'ignore');
  const connStr = `postgres://${server.user}:${server.password}@127.0.0.1:${port}/${dbname}`;
  await waitForServer(connStr, child, join(dir, 'pgbouncer.log'));
  return {
    connStr,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      forgetPid(runDir, child.pid!);
    },
  };
}
