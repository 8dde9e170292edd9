// The team features on a real PostgreSQL server, through the real CLI: workspace isolation,
// every version kept (state history, state pull -serial), 8 processes applying to one workspace,
// tampering with the database, and a scan for the database password and the encryption
// passphrase over everything drctl wrote and printed. Skipped without PostgreSQL (saying why);
// DRCTL_REQUIRE_PG=1 makes that a failure. The connection string reaches drctl in its
// environment, never in argv.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { advisoryKey } from '../../src/state/pg/db.js';
import { describePg, freshDatabase, sharedPostgres } from '../pg/server.js';
import { need, tmux as tmuxOnPath } from '../requirements.js';
import { BIN, cleanEnv, drctl, exampleDir, expectCode, filesUnder, removeTempDirs, tenantDir, type Run } from './cli.js';
import { workspaceIsolation } from './scenarios.js';

const pgAvailable = await sharedPostgres();
const TMUX = tmuxOnPath();
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeTempDirs();
});

async function query<T = Record<string, unknown>>(connStr: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: connStr });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describePg('drctl on PostgreSQL (real processes)', pgAvailable, (server) => {
  let connStr: string;
  beforeAll(async () => {
    connStr = await freshDatabase(server, 'team');
  });
  const pgEnv = (schema: string) => ({ DRCTL_PG_CONN_STR: connStr, DRCTL_PG_SCHEMA: schema });

  it('workspaces isolate tenants in one schema: states, listings, grants; nothing is written to local files', async () => {
    const cwd = tenantDir();
    await workspaceIsolation(cwd, pgEnv('iso'));
    const rows = await query<{ workspace: string; serial: number }>(connStr, 'select workspace, serial from iso.states order by workspace');
    expect(rows.map((r) => r.workspace)).toEqual(['tenant-a']);
    expect((await query(connStr, "select 1 from iso.state_versions where workspace = 'tenant-b'")).length).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'state'))).toBe(false);
  }, 600_000);

  it('state history lists every version with who wrote it; state pull -serial N prints any of them', async () => {
    const cwd = tenantDir();
    const env = cleanEnv({ ...pgEnv('hist'), DRCTL_USER: 'carol' });
    for (const vms of [1, 2, 3]) expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', `vms=${vms}`], env), 0, `apply vms=${vms}`);
    const h = JSON.parse(expectCode(await drctl(cwd, ['state', 'history', '-json'], env), 0, 'history').stdout) as {
      keeps_every_version: boolean;
      versions: Array<{ version: number; serial: number; createdBy: string; created: string }>;
    };
    expect(h.keeps_every_version).toBe(true);
    // Three applies, and the first one's lineage, written before its first create.
    expect(h.versions.map((v) => [v.version, v.serial])).toEqual([
      [4, 4],
      [3, 3],
      [2, 2],
      [1, 1],
    ]);
    expect(h.versions.every((v) => v.createdBy.startsWith('carol@') && !Number.isNaN(Date.parse(v.created)))).toBe(true);
    const table = expectCode(await drctl(cwd, ['state', 'history'], env), 0, 'history table').stdout;
    expect(table.split('\n')[0]).toMatch(/^VERSION +SERIAL +LINEAGE +CREATED +BY +SIZE$/);
    for (const serial of [1, 2, 3]) {
      const text = expectCode(await drctl(cwd, ['state', 'pull', '-serial', String(serial)], env), 0, `pull -serial ${serial}`).stdout;
      const st = JSON.parse(text) as { serial: number; resources: Array<{ address: string }> };
      expect(st.serial).toBe(serial);
      expect(st.resources.filter((r) => r.address.startsWith('vm.')).length).toBe(serial - 1);
    }
    const none = await drctl(cwd, ['state', 'pull', '-serial', '9'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has serial 9');
    expect(none.stderr).toContain('drctl state history lists the stored versions.');
    expect(none.stderr).not.toContain(server.password);
  }, 300_000);

  it('8 processes apply against one workspace: exactly one holds the lock at a time, and no update is lost', async () => {
    const cwd = tenantDir();
    const schema = 'race';
    // A 5-minute boot takes half a second: long enough for the others to find the lock held.
    const scale = String(1 / 600);
    const env = cleanEnv({ ...pgEnv(schema), DRCTL_SIM_TIME_SCALE: scale });
    // One simulated cloud for all eight: a standalone simulator in the working directory.
    const sim = spawn(process.execPath, [BIN, 'sim', 'serve', '--time-scale', scale], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(sim);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the simulator did not start')), 60_000);
      createInterface({ input: sim.stdout! }).on('line', (l) => {
        if (l.startsWith('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      sim.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    });
    // The tables first, so the racers do not all race to create them too.
    expectCode(await drctl(cwd, ['workspace', 'list'], env), 0, 'create the schema');

    // Watch the workspace's advisory lock and its holder row while they run.
    const key = advisoryKey('workspace', schema, 'default');
    const watcher = new pg.Client({ connectionString: connStr });
    await watcher.connect();
    let watching = true;
    let maxHolders = 0;
    let samples = 0;
    const holders = new Set<number>();
    const watch = (async () => {
      while (watching) {
        const held = await watcher.query(
          `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
             and classid = $1::oid and objid = $2::oid and objsubid = 1 and granted`,
          [key.classid, key.objid],
        );
        const n = held.rows[0].n as number;
        maxHolders = Math.max(maxHolders, n);
        if (n > 0) for (const r of (await watcher.query(`select pid from ${schema}.locks where workspace = 'default'`)).rows) holders.add(r.pid as number);
        samples++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    const runs: Run[] = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        drctl(cwd, ['apply', '-auto-approve', '-lock-timeout', '600s', '-var', 'vms=8', '-target', `vm.n[${i}]`], env, { timeoutMs: 900_000 }),
      ),
    );
    watching = false;
    await watch;
    await watcher.end();
    runs.forEach((r, i) => expectCode(r, 0, `racer ${i}`));

    expect(samples).toBeGreaterThan(10);
    expect(maxHolders).toBe(1); // never two at once
    expect(holders.size).toBeGreaterThanOrEqual(2); // the watch saw the lock pass between processes
    // No update lost: every VM is in the state, and the versions (eight applies, and the first
    // one's lineage written before its first create) have serials 1..9, one apart.
    expect(expectCode(await drctl(cwd, ['state', 'list', 'vm'], env), 0, 'state list').stdout).toBe(
      Array.from({ length: 8 }, (_, i) => `vm.n[${i}]\n`).join(''),
    );
    const h = JSON.parse(expectCode(await drctl(cwd, ['state', 'history', '-json'], env), 0, 'history').stdout) as { versions: Array<{ serial: number }> };
    expect(h.versions.map((v) => v.serial)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const applies = (await query<{ record: Buffer }>(connStr, `select record from ${schema}.audit order by seq`))
      .map((r) => JSON.parse(r.record.toString('utf8')) as { action: string; outcome: string })
      .filter((r) => r.action === 'apply');
    expect(applies.map((r) => r.outcome)).toEqual(Array(8).fill('ok'));
    expect(await query(connStr, `select * from ${schema}.locks`)).toEqual([]);
    sim.kill('SIGTERM');
  }, 900_000);

  it('tampering in the database: a flipped byte of the encrypted state is a clear error and every older version still opens; an edited audit row fails audit verify', async () => {
    const cwd = tenantDir();
    fs.writeFileSync(path.join(cwd, 'state.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    const env = cleanEnv({ ...pgEnv('tamper'), DRCTL_ENCRYPTION: 'key_file=state.key; enforced=true' });
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=1'], env), 0, 'apply 1');
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=2'], env), 0, 'apply 2');
    const [row] = await query<{ data: Buffer; version: string }>(connStr, "select data, version from tamper.states where workspace = 'default'");
    expect(row.data.subarray(0, 8).toString('latin1')).toBe('DRCTLENC');
    expect(row.data.includes(Buffer.from('vm.n'))).toBe(false);
    const flipped = Buffer.from(row.data);
    flipped[flipped.length - 30] ^= 0x04;
    await query(connStr, "update tamper.states set data = $1 where workspace = 'default'", [flipped]);
    for (const args of [['state', 'list'], ['plan'], ['apply', '-auto-approve', '-var', 'vms=3']]) {
      const r = await drctl(cwd, args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain('Integrity check failed (the AES-GCM tag does not match).');
      expect(r.stderr, args.join(' ')).not.toContain(server.password);
    }
    // Nothing was written over it, and the versions kept are intact.
    const [after] = await query<{ data: Buffer; version: string }>(connStr, "select data, version from tamper.states where workspace = 'default'");
    expect(after.data.equals(flipped)).toBe(true);
    expect(Number(after.version)).toBe(Number(row.version)); // a bigint column: pg returns it as a string
    const v1 = JSON.parse(expectCode(await drctl(cwd, ['state', 'pull', '-serial', '1'], env), 0, 'pull -serial 1').stdout) as { serial: number };
    expect(v1.serial).toBe(1);

    const records = await query<{ seq: string; record: Buffer }>(connStr, 'select seq, record from tamper.audit order by seq');
    expect(records.length).toBeGreaterThanOrEqual(3);
    expectCode(await drctl(cwd, ['audit', 'verify'], env), 0, 'audit verify');
    const edited = records[0].record.toString('utf8').replace('"outcome":"ok"', '"outcome":"failed"');
    await query(connStr, 'update tamper.audit set record = $1 where seq = $2', [Buffer.from(edited), records[0].seq]);
    const v = await drctl(cwd, ['audit', 'verify'], env);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('has been tampered with (edited): record 1 (seq 1) was changed after it was written');
    expect(v.stderr).not.toContain(server.password);
  }, 300_000);

  /** Every way a secret could show up in text: as is, percent-encoded, base64. */
  function forms(secret: string): string[] {
    return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
  }
  function findings(secrets: readonly string[], texts: ReadonlyArray<readonly [string, string]>): string[] {
    const found: string[] = [];
    for (const [where, text] of texts) for (const s of secrets) for (const f of forms(s)) if (text.includes(f)) found.push(`${where} holds a secret`);
    return found;
  }
  /** The example, storing state in PostgreSQL (a schema of its own) through conn_str_env, encrypted with a fresh passphrase. */
  function secretsDir(schema: string): { cwd: string; env: Record<string, string>; secrets: string[] } {
    const cwd = exampleDir();
    const main = path.join(cwd, 'plans/main.hcl');
    const text = fs.readFileSync(main, 'utf8');
    const replaced = text.replace(/backend "local" \{[^}]*\}/, `backend "pg" {\n    conn_str_env = "TEAM_PG"\n    schema       = "${schema}"\n  }`);
    expect(replaced).not.toBe(text);
    fs.writeFileSync(main, replaced);
    const passphrase = `pass-${randomBytes(12).toString('hex')}`;
    return {
      cwd,
      env: cleanEnv({ TEAM_PG: connStr, TEAM_PASSPHRASE: passphrase, DRCTL_ENCRYPTION: 'passphrase_env=TEAM_PASSPHRASE', DRCTL_USER: 'ops' }),
      secrets: [server.password, passphrase, connStr],
    };
  }

  it('secrets scan: no command prints, logs or stores the database password or the passphrase (state, plans, run records, events, plain and JSON output, the database)', async () => {
    const { cwd, env, secrets } = secretsDir('secrets');
    const texts: Array<[string, string]> = [];
    const run = async (args: string[], code = 0, more: Record<string, string> = {}) => {
      const r = expectCode(await drctl(cwd, args, { ...env, ...more }, { timeoutMs: 600_000 }), code, args.join(' '));
      texts.push([`stdout of ${args.join(' ')}`, r.stdout], [`stderr of ${args.join(' ')}`, r.stderr]);
      return r;
    };
    await run(['apply', '-auto-approve']);
    await run(['plan', '-out', 'plan.bin']);
    await run(['show', 'plan.bin']);
    await run(['show', '-json', 'plan.bin']);
    await run(['apply', '-json', 'plan.bin']);
    await run(['verify', '-json']);
    await run(['drill', '-auto-approve']);
    await run(['drill', '-auto-approve', '-json']);
    await run(['state', 'list']);
    await run(['state', 'pull']);
    await run(['state', 'history']);
    await run(['workspace', 'new', 'staging']);
    await run(['workspace', 'list']);
    await run(['access', 'grant', 'ops', 'admin', '-workspace', '*']);
    await run(['access', 'show']);
    await run(['audit', 'list', '-json']);
    await run(['audit', 'verify']);
    // Failures: a wrong password, a refused port, a held lock. Their messages name the server, not the secret.
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    secrets.push(wrongPassword);
    const wrong = await run(['state', 'list'], 1, { TEAM_PG: connStr.replace(`:${server.password}@`, `:${wrongPassword}@`) });
    expect(wrong.stderr).toContain('password authentication failed');
    await run(['state', 'list'], 1, { TEAM_PG: connStr.replace(`:${server.port}/`, ':1/') });

    for (const file of filesUnder(cwd)) texts.push([file, fs.readFileSync(file).toString('latin1')]);
    expect(filesUnder(path.join(cwd, '.drctl/runs')).length).toBeGreaterThan(0);
    expect(filesUnder(path.join(cwd, '.drctl/events')).length).toBeGreaterThan(0);
    for (const table of ['states', 'state_versions', 'journal', 'locks', 'documents', 'audit', 'meta']) {
      for (const row of await query(connStr, `select * from secrets.${table}`)) {
        texts.push([
          `secrets.${table}`,
          JSON.stringify(row, (_k, v: unknown) =>
            v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('latin1') : v,
          ),
        ]);
      }
    }
    expect(texts.length).toBeGreaterThan(50);
    expect(findings(secrets, texts)).toEqual([]);
    // The scan can find what it looks for: the connection string is in the environment drctl was given.
    expect(findings(secrets, [['env', JSON.stringify(env)]]).length).toBeGreaterThan(0);
  }, 900_000);

  it('secrets scan of the live terminal view (Ink, in tmux): an apply and a drill draw no secret', async (ctx) => {
    need(ctx, TMUX);
    const { cwd, env, secrets } = secretsDir('secrets_tui');
    const socket = `drctl-team-${process.pid}`;
    const capture = path.join(cwd, 'terminal.out');
    // The tmux server starts with this environment, so the secrets reach drctl through it, not argv.
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...env, NO_COLOR: '' } });
    try {
      const cmd = `sleep 1; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} apply -auto-approve && ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} drill -auto-approve; echo "exit=$?"; sleep 120`;
      expect(tmux('new-session', '-d', '-s', 'team', '-x', '120', '-y', '40', '-c', cwd, cmd).status).toBe(0);
      expect(tmux('pipe-pane', '-t', 'team', '-o', `cat >> ${JSON.stringify(capture)}`).status).toBe(0);
      const deadline = Date.now() + 600_000;
      while (!/exit=\d+/.test(tmux('capture-pane', '-p', '-t', 'team').stdout)) {
        if (Date.now() > deadline) throw new Error(`timed out; screen:\n${tmux('capture-pane', '-p', '-t', 'team').stdout}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const screen = tmux('capture-pane', '-p', '-S', '-', '-t', 'team').stdout;
      expect(screen).toContain('exit=0');
      const raw = fs.readFileSync(capture).toString('latin1');
      expect(raw).toContain('\u001b['); // the live view drew (escape sequences), not plain lines
      expect(
        findings(secrets, [
          ['terminal bytes', raw],
          ['terminal screen', screen],
        ]),
      ).toEqual([]);
    } finally {
      tmux('kill-server');
    }
  }, 900_000);
});
