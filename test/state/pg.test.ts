// The PostgreSQL backend on a real server: history and reading a version by serial, 8 processes
// racing for the lock, stale and broken locks between processes, the lock seen by another role,
// transaction poolers detected (simulated, and a real pgbouncer when installed), and the
// password never showing up anywhere.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedBackend } from '../../src/state/encrypted.js';
import { isEncrypted, rawKey } from '../../src/state/encryption.js';
import { LockHeldError, LockMismatchError } from '../../src/state/errors.js';
import { serializeState } from '../../src/state/format.js';
import { PgBackend, PgLockLostError, PgPoolerError } from '../../src/state/pg/backend.js';
import { PgBackendError, pgConnector, redactConnString, type Connect, type PgConnection } from '../../src/state/pg/conn.js';
import { PgStateStore } from '../../src/state/pg/store.js';
import { openState, readState } from '../../src/state/session.js';
import { emptyState } from '../../src/state/types.js';
import { describePg, findPgbouncer, freshDatabase, sharedPostgres, startPgbouncer, type PgServer } from '../pg/server.js';
import { compileStateModule } from './compiled.js';
import { Child } from './processes.js';

describe('redactConnString', () => {
  it('masks the password of a URL and of password parameters', () => {
    expect(redactConnString('postgres://alice:s3cr%40t@db.example:5432/drctl?sslmode=require')).toBe('postgres://alice:***@db.example:5432/drctl?sslmode=require');
    expect(redactConnString('postgresql://alice@db/drctl?password=hunter2&sslpassword=x')).toBe('postgresql://alice@db/drctl?password=***&sslpassword=***');
    expect(redactConnString('host=db user=alice password=hunter2 dbname=drctl')).toBe('host=db user=alice password=*** dbname=drctl');
    expect(redactConnString("host=db password='two words' dbname=drctl")).toBe('host=db password=*** dbname=drctl');
    expect(redactConnString('postgres://alice@db/drctl')).toBe('postgres://alice@db/drctl');
  });

  it('masks the password of a string that is not a valid URL', () => {
    const out = redactConnString('postgres://alice:pa ss@[not-a-host/db');
    expect(out).not.toContain('pa ss');
    expect(out).toContain('***');
  });
});

/** How the tests reach the database: connection strings of a fresh database. */
let connStr: string;
let server: PgServer;
const schemas = { n: 0 };
const schema = (name: string) => `${name}_${process.pid}_${++schemas.n}`;

function secretFree(err: unknown, password: string): void {
  const e = err as Error;
  for (const text of [e.message, String(e), e.stack ?? '', inspect(e, { depth: 5 }), JSON.stringify(e)]) expect(text).not.toContain(password);
}

const pgAvailable = await sharedPostgres();
describePg('PostgreSQL backend', pgAvailable, (s) => {
  server = s;
  beforeAll(async () => {
    connStr = await freshDatabase(server, 'pgbackend');
  });

  describe('history', () => {
    it('keeps every version: history lists serial, lineage, when and who; any serial can be read back', async () => {
      const backend = PgBackend.open({ connStr, schema: schema('hist'), user: 'alice', host: 'ops1' });
      try {
        for (let i = 1; i <= 3; i++) {
          const session = await openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'apply' }, newLineage: () => 'lineage-1' });
          await session.upsert({ address: `vm.v${i}`, type: 'vm', name: `v${i}`, id: `pvm-${i}`, attributes: { n: i } });
          await session.commit();
          await session.close();
        }
        const history = await backend.history();
        expect(history.map((v) => [v.version, v.serial, v.lineage, v.createdBy])).toEqual([
          [3, 3, 'lineage-1', 'alice@ops1'],
          [2, 2, 'lineage-1', 'alice@ops1'],
          [1, 1, 'lineage-1', 'alice@ops1'],
        ]);
        for (const v of history) {
          expect(Number.isNaN(Date.parse(v.created))).toBe(false);
          expect(v.bytes).toBeGreaterThan(100);
        }
        expect(await backend.history({ limit: 1 })).toHaveLength(1);
        const second = JSON.parse(Buffer.from((await backend.readSerial(2))!).toString('utf8'));
        expect(second.serial).toBe(2);
        expect(second.resources.map((r: { address: string }) => r.address)).toEqual(['vm.v1', 'vm.v2']);
        expect(JSON.parse(Buffer.from((await backend.readVersion(1))!).toString('utf8')).serial).toBe(1);
        expect(await backend.readSerial(2, 'another-lineage')).toBeNull();
        expect(await backend.readSerial(99)).toBeNull();
        expect(JSON.parse(Buffer.from((await backend.readPrevious())!).toString('utf8')).serial).toBe(2);
      } finally {
        await backend.close();
      }
    });

    it('through encryption the rows hold ciphertext, while history still knows serial and lineage', async () => {
      const name = schema('histenc');
      const keyring = { primary: rawKey(Buffer.alloc(32, 9), 'test key'), fallbacks: [], enforced: true };
      const inner = PgBackend.open({ connStr, schema: name });
      const backend = new EncryptedBackend(inner, keyring);
      try {
        const session = await openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'apply' }, newLineage: () => 'enc-lineage' });
        await session.upsert({ address: 'vm.secret', type: 'vm', name: 'secret', id: 'pvm-s', attributes: { note: 'classified' } });
        await session.commit();
        await session.upsert({ address: 'vm.pending', type: 'vm', name: 'pending', id: 'pvm-p', attributes: {} });
        await session.close();
        const client = new pg.Client({ connectionString: connStr });
        await client.connect();
        try {
          const row = (await client.query(`select data from "${name}".states where workspace = 'default'`)).rows[0];
          expect(isEncrypted(row.data)).toBe(true);
          expect(row.data.includes('classified')).toBe(false);
          const journal = (await client.query(`select record from "${name}".journal`)).rows;
          expect(journal.length).toBeGreaterThan(0);
          for (const r of journal) expect(r.record.toString('latin1')).toMatch(/^drctlenc:/);
        } finally {
          await client.end();
        }
        expect((await backend.history()).map((v) => [v.serial, v.lineage])).toEqual([[1, 'enc-lineage']]);
        const old = JSON.parse(Buffer.from((await backend.readSerial(1))!).toString('utf8'));
        expect(old.resources[0].attributes.note).toBe('classified');
        expect((await readState(backend)).state.resources.map((r) => r.address)).toEqual(['vm.pending', 'vm.secret']);
      } finally {
        await backend.close();
      }
    });
  });

  describe('locks between processes', () => {
    let compiled: string;
    let modulePath: string;
    const children: Child[] = [];
    beforeAll(() => {
      compiled = mkdtempSync(join(tmpdir(), 'drctl-pg-compiled-'));
      modulePath = compileStateModule(compiled);
    });
    afterAll(async () => {
      for (const c of children) await c.kill();
      rmSync(compiled, { recursive: true, force: true });
    });
    // The connection string goes to the children in their environment, not in argv (ps shows argv).
    const spawnChild = (script: string, ...args: string[]) => {
      const c = new Child(script, [modulePath, ...args], { ...process.env, DRCTL_PG_CONN_STR: connStr });
      children.push(c);
      return c;
    };

    it('8 processes applying against one workspace: exactly one holds the lock at a time, and no update is lost', async () => {
      const name = schema('race');
      const witness = join(compiled, 'holder.witness');
      const rounds = 4;
      // Create the tables first so the racers do not all race to create them too.
      const setup = PgBackend.open({ connStr, schema: name, workspace: 'race' });
      await setup.readLock();
      await setup.close();
      const racers = Array.from({ length: 8 }, () => spawnChild('pg-race.mjs', name, String(rounds), witness));
      await new Promise((r) => setTimeout(r, 500)); // let them load
      for (const r of racers) r.send('go');
      await Promise.all(racers.map((r) => r.waitFor((lines) => lines.some((l) => l.includes('"done"') || l.includes('"overlap"')), 120_000)));
      const codes = await Promise.all(racers.map((r) => r.exit()));
      const events = racers.flatMap((r) => r.events());
      expect(events.filter((e) => e.event === 'overlap')).toEqual([]);
      expect(codes).toEqual(Array(8).fill(0));
      expect(events.filter((e) => e.event === 'round')).toHaveLength(8 * rounds);
      // Every increment saw the previous one: the values read are 0..31, each exactly once.
      expect(events.filter((e) => e.event === 'round').map((e) => e.before).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 8 * rounds }, (_, i) => i));
      const check = PgBackend.open({ connStr, schema: name, workspace: 'race' });
      try {
        const final = await readState(check);
        expect(final.state.outputs.counter.value).toBe(8 * rounds);
        expect(final.state.serial).toBe(8 * rounds);
        expect((await check.history({ limit: 1000 })).map((v) => v.serial)).toEqual(Array.from({ length: 8 * rounds }, (_, i) => 8 * rounds - i));
        expect(await check.readLock()).toBeNull();
      } finally {
        await check.close();
      }
    }, 180_000);

    it('a killed holder\'s lock is released by PostgreSQL; the next run takes over its record with a warning', async () => {
      const name = schema('stale');
      const holder = spawnChild('pg-hold.mjs', name, 'default', 'drill');
      await holder.waitFor(() => holder.events().length > 0);
      const lock = holder.events()[0].lock as { id: string; pid: number };
      const backend = PgBackend.open({ connStr, schema: name });
      try {
        expect((await backend.readLock())?.id).toBe(lock.id);
        await holder.kill('SIGKILL');
        const deadline = Date.now() + 10_000;
        while ((await backend.readLock()) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const grant = await backend.lock({ operation: 'apply' });
        expect(grant.warnings).toHaveLength(1);
        expect(grant.warnings[0]).toMatch(/Took over a stale lock: .*\(pid \d+ on .*\) for "drill"/);
        expect(grant.warnings[0]).toContain(`pid ${lock.pid}`);
        await backend.unlock(grant.lock.id);
      } finally {
        await backend.close();
      }
    });

    it('force-unlock ends a live holder\'s session, and that holder\'s next write is refused, not made unlocked', async () => {
      const name = schema('force');
      const holder = spawnChild('pg-hold.mjs', name, 'default', 'failover');
      await holder.waitFor(() => holder.events().length > 0);
      const lock = holder.events()[0].lock as { id: string };
      const backend = PgBackend.open({ connStr, schema: name });
      try {
        const held = await backend.lock({ operation: 'apply' }).catch((e: unknown) => e);
        expect(held).toBeInstanceOf(LockHeldError);
        await expect(backend.forceUnlock('wrong-id')).rejects.toBeInstanceOf(LockMismatchError);
        await backend.forceUnlock(lock.id);
        expect(await backend.readLock()).toBeNull();
        holder.send('write');
        await holder.waitFor(() => holder.events().length > 1);
        const outcome = holder.events()[1];
        expect(outcome.event).toBe('write-failed');
        expect(outcome.name).toBe('PgLockLostError');
        expect(String(outcome.message)).toMatch(/lock .* was lost.*nothing more was written/);
        expect(await backend.read()).toBeNull();
        const grant = await backend.lock({ operation: 'apply' });
        await backend.unlock(grant.lock.id);
      } finally {
        await backend.close();
        await holder.kill();
      }
    });
  });

  describe('another PostgreSQL role', () => {
    it('sees the holder of a lock, and cannot break it without the right to end its session', async () => {
      const name = schema('roles');
      const bobPassword = `bob-${Math.random().toString(36).slice(2)}`;
      const admin = new pg.Client({ connectionString: connStr });
      await admin.connect();
      const alice = PgBackend.open({ connStr, schema: name, user: 'alice', host: 'ops1' });
      try {
        await alice.readLock(); // creates the tables
        await admin.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = 'drctl_bob') then create role drctl_bob login password '${bobPassword}'; else alter role drctl_bob password '${bobPassword}'; end if; end $$`);
        await admin.query(`grant usage on schema "${name}" to drctl_bob`);
        await admin.query(`grant select, insert, update, delete on all tables in schema "${name}" to drctl_bob`);
        await admin.query(`grant usage on all sequences in schema "${name}" to drctl_bob`);
        const url = new URL(connStr);
        url.username = 'drctl_bob';
        url.password = bobPassword;
        const bob = PgBackend.open({ connStr: url.toString(), schema: name, user: 'bob', host: 'ops2' });
        try {
          const grant = await alice.lock({ operation: 'failover' });
          const seen = await bob.readLock();
          expect(seen).toEqual(grant.lock);
          expect(seen?.holder).toBe('alice@ops1');
          const err = (await bob.lock({ operation: 'apply' }).catch((e: unknown) => e)) as LockHeldError;
          expect(err).toBeInstanceOf(LockHeldError);
          expect(err.message).toContain('alice@ops1');
          expect(err.message).toContain('"failover"');
          const denied = await bob.forceUnlock(grant.lock.id).catch((e: unknown) => e);
          expect(denied).toBeInstanceOf(PgBackendError);
          expect((denied as Error).message).toMatch(/lacks the right to end session \d+.*pg_signal_backend/);
          expect((await alice.readLock())?.id).toBe(grant.lock.id);
          secretFree(denied, bobPassword);
          await alice.unlock(grant.lock.id);
        } finally {
          await bob.close();
        }
      } finally {
        await alice.close();
        await admin.end();
      }
    });
  });

  describe('transaction poolers', () => {
    it('a simulated transaction pooler (LIFO server sessions, as PgBouncer) is refused, and no lock is left behind', async () => {
      const name = schema('pooled');
      const pooler = await SimulatedPooler.start(connStr, 2);
      const pooled = PgBackend.open({ connStr, schema: name, connect: pooler.connect });
      const direct = PgBackend.open({ connStr, schema: name });
      try {
        const err = await pooled.lock({ operation: 'apply' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PgPoolerError);
        expect((err as Error).message).toMatch(/pooler in transaction or statement mode.*PgBouncer.*session advisory lock.*pool_mode = session/);
        expect(await direct.readLock()).toBeNull();
        const grant = await direct.lock({ operation: 'apply' });
        await direct.unlock(grant.lock.id);
        secretFree(err, server.password);
      } finally {
        await pooled.close();
        await direct.close();
        await pooler.end();
      }
    });

    it('a lock connection swapped to another session after locking: writes under the lock are refused, nothing written', async () => {
      const name = schema('swapped');
      const connect = pgConnector({ connStr });
      let swapped = false;
      const [a, b] = [await connect('lock'), await connect('lock')];
      const swapping: Connect = async (purpose) => {
        if (purpose === 'main') return connect('main');
        return { query: (t, v) => (swapped ? b : a).query(t, v), end: async () => (await a.end(), await b.end()), onError: () => undefined };
      };
      const backend = PgBackend.open({ connStr, schema: name, connect: swapping });
      try {
        const grant = await backend.lock({ operation: 'apply' });
        swapped = true; // from here on the "dedicated" connection reaches another server session
        for (const attempt of [
          () => backend.write(Buffer.from(serializeState({ ...emptyState('l'), serial: 1 }))),
          () => backend.appendJournal([Buffer.from('{"op":"x"}')]),
          () => backend.clearJournal(),
        ]) {
          await expect(attempt()).rejects.toBeInstanceOf(PgPoolerError);
        }
        expect(await backend.read()).toBeNull();
        expect((await backend.readJournal()).records).toEqual([]);
        swapped = false;
        await backend.unlock(grant.lock.id);
      } finally {
        await backend.close();
      }
    });

    const bouncer = findPgbouncer();
    const required = process.env.DRCTL_REQUIRE_PG === '1';
    describe.skipIf(!bouncer && !required)(`a real pgbouncer${bouncer ? '' : ' (skipped: pgbouncer is not installed; apt-get install pgbouncer)'}`, () => {
      it('in transaction mode: locking is refused with the pooler error, and nothing stays locked', async () => {
        if (!bouncer) throw new Error('DRCTL_REQUIRE_PG=1, but pgbouncer is not installed');
        const dbname = new URL(connStr).pathname.slice(1);
        const pool = await startPgbouncer(server, dbname, 'transaction');
        const name = schema('bouncer');
        const direct = PgBackend.open({ connStr, schema: name });
        const pooled = PgBackend.open({ connStr: pool.connStr, schema: name });
        try {
          await direct.readLock(); // tables
          const err = await pooled.lock({ operation: 'apply' }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(PgPoolerError);
          expect((err as Error).message).toContain(`127.0.0.1:${pool.port}`);
          secretFree(err, server.password);
          expect(await direct.readLock()).toBeNull();
          const grant = await direct.lock({ operation: 'apply' });
          await direct.unlock(grant.lock.id);
        } finally {
          await pooled.close();
          await direct.close();
          await pool.stop();
        }
      });

      it('in session mode: locks work through it, held against a direct connection', async () => {
        if (!bouncer) throw new Error('DRCTL_REQUIRE_PG=1, but pgbouncer is not installed');
        const dbname = new URL(connStr).pathname.slice(1);
        const pool = await startPgbouncer(server, dbname, 'session');
        const name = schema('session');
        const pooled = PgBackend.open({ connStr: pool.connStr, schema: name });
        const direct = PgBackend.open({ connStr, schema: name });
        try {
          const grant = await pooled.lock({ operation: 'apply' });
          await pooled.write(Buffer.from(serializeState({ ...emptyState('l'), serial: 1 })));
          expect(await direct.lock({ operation: 'apply' }).catch((e: unknown) => e)).toBeInstanceOf(LockHeldError);
          await pooled.unlock(grant.lock.id);
          expect(await direct.read()).not.toBeNull();
        } finally {
          await pooled.close();
          await direct.close();
          await pool.stop();
        }
      });
    });
  });

  describe('the password is a secret', () => {
    it('is not in location, lock messages or stored lock records', async () => {
      const name = schema('secret');
      const a = PgBackend.open({ connStr, schema: name });
      const b = PgBackend.open({ connStr, schema: name });
      try {
        expect(a.location).toBe(`postgres://drctl:***@127.0.0.1:${server.port}/${new URL(connStr).pathname.slice(1)} (schema ${name}, workspace default)`);
        await a.lock({ operation: 'apply' });
        const err = await b.lock({ operation: 'apply' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LockHeldError);
        secretFree(err, server.password);
        const client = new pg.Client({ connectionString: connStr });
        await client.connect();
        const dump = JSON.stringify((await client.query(`select * from "${name}".locks`)).rows);
        await client.end();
        expect(dump).not.toContain(server.password);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('is not in connection errors: refused port, wrong password, malformed string, bad schema', async () => {
      const wrong = 'Wr0ng-Passw0rd-xyz';
      const cases: Array<[string, string, RegExp]> = [
        [`postgres://drctl:${server.password}@127.0.0.1:1/postgres`, server.password, /Cannot connect to PostgreSQL at postgres:\/\/drctl:\*\*\*@127\.0\.0\.1:1\/postgres/],
        [`postgres://drctl:${wrong}@127.0.0.1:${server.port}/postgres`, wrong, /password authentication failed/],
        [`postgres://drctl:${wrong}@[::1/postgres`, wrong, /PostgreSQL/],
        [`host=127.0.0.1 port=${server.port} user=drctl password=${wrong} dbname=nosuchdb`, wrong, /nosuchdb/],
      ];
      for (const [conn, secret, pattern] of cases) {
        const backend = PgBackend.open({ connStr: conn, schema: 'drctl' });
        const err = await backend.read().catch((e: unknown) => e);
        await backend.close();
        expect(err).toBeInstanceOf(PgBackendError);
        expect((err as Error).message).toMatch(pattern);
        secretFree(err, secret);
        expect(backend.location).not.toContain(secret);
      }
      expect(() => PgBackend.open({ connStr, schema: 'Bad-Schema' })).toThrow(/"Bad-Schema" is not a usable schema name/);
    });
  });

  describe('the schema', () => {
    it('refuses tables written by a newer drctl', async () => {
      const name = schema('newer');
      const first = PgBackend.open({ connStr, schema: name });
      await first.readLock();
      await first.close();
      const client = new pg.Client({ connectionString: connStr });
      await client.connect();
      await client.query(`update "${name}".meta set value = '99' where key = 'schema_version'`);
      await client.end();
      const later = PgBackend.open({ connStr, schema: name });
      await expect(later.read()).rejects.toThrow(/format 99, written by a newer drctl/);
      await later.close();
    });

    it('two first runs create the tables once, without tripping over each other', async () => {
      const name = schema('ddl');
      const stores = Array.from({ length: 4 }, () => new PgStateStore({ connStr, schema: name }));
      try {
        await Promise.all(stores.map((st, i) => st.backend(`w${i}`).write(Buffer.from(`state ${i}`))));
        expect(await stores[0].listWorkspaces()).toEqual(['default', 'w0', 'w1', 'w2', 'w3']);
      } finally {
        for (const st of stores) await st.close();
      }
    });
  });
});

/**
 * A transaction pooler in miniature: a few real server sessions; each transaction (or lone
 * statement) of a client connection runs on whichever session is free, most recently used first,
 * which is how PgBouncer hands them out in transaction mode.
 */
class SimulatedPooler {
  private readonly idle: PgConnection[];
  private waiting: Array<(c: PgConnection) => void> = [];
  private constructor(private readonly servers: PgConnection[]) {
    this.idle = [...servers];
  }

  static async start(connStr: string, size: number): Promise<SimulatedPooler> {
    const connect = pgConnector({ connStr });
    return new SimulatedPooler(await Promise.all(Array.from({ length: size }, () => connect('main'))));
  }

  readonly connect: Connect = async () => {
    let pinned: PgConnection | null = null;
    return {
      query: async (text, values) => {
        const server = pinned ?? (await this.acquire());
        const begins = /^\s*begin\b/i.test(text);
        const ends = /^\s*(commit|rollback)\b/i.test(text);
        try {
          return await server.query(text, values);
        } finally {
          if (begins) pinned = server;
          else if (ends || !pinned) {
            pinned = null;
            this.release(server);
          }
        }
      },
      end: async () => {
        if (pinned) this.release(pinned);
        pinned = null;
      },
      onError: () => undefined,
    };
  };

  private acquire(): Promise<PgConnection> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(server: PgConnection): void {
    const next = this.waiting.shift();
    if (next) next(server);
    else this.idle.push(server);
  }

  async end(): Promise<void> {
    for (const s of this.servers) await s.end();
  }
}
