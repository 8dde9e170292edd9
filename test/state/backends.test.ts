// One conformance suite, run against the local-file backend and against PostgreSQL: snapshots,
// the version before, the journal, locks (held, waited for, released, broken), and workspaces.
// The pg half runs on a real server (test/pg/server.ts) and skips, saying why, without one.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateBackend } from '../../src/state/backend.js';
import { LockHeldError, LockMismatchError } from '../../src/state/errors.js';
import { LocalStateStore } from '../../src/state/local-store.js';
import { PgStateStore } from '../../src/state/pg/store.js';
import { openState, readState } from '../../src/state/session.js';
import type { StateStore } from '../../src/state/store.js';
import { describePg, freshDatabase, sharedPostgres } from '../pg/server.js';

const bytes = (s: string) => Buffer.from(s);
const str = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

interface Fixture {
  /** A fresh, empty store (one per test). */
  store(): Promise<StateStore>;
  cleanup(): Promise<void>;
}

function conformance(kind: string, fixture: () => Fixture) {
  describe(`${kind}: the StateBackend contract`, () => {
    let fx: Fixture;
    let store: StateStore;
    const opened: StateBackend[] = [];
    const backend = (workspace = 'default') => {
      const b = store.backend(workspace);
      opened.push(b);
      return b;
    };
    beforeEach(async () => {
      fx = fixture();
      store = await fx.store();
    });
    afterEach(async () => {
      for (const b of opened.splice(0)) {
        const lock = await b.readLock().catch(() => null);
        if (lock) await b.forceUnlock(lock.id).catch(() => undefined);
        await b.close();
      }
      await store.close();
      await fx.cleanup();
    });

    it('reads nothing from an empty workspace', async () => {
      const b = backend();
      expect(await b.read()).toBeNull();
      expect(await b.readPrevious()).toBeNull();
      expect(await b.readJournal()).toEqual({ records: [], incompleteTail: false });
      expect(await b.readLock()).toBeNull();
    });

    it('write replaces the snapshot, and the version before is kept', async () => {
      const b = backend();
      await b.write(bytes('one'));
      expect(str(await b.read())).toBe('one');
      expect(await b.readPrevious()).toBeNull();
      await b.write(bytes('two'));
      await b.write(bytes('three'));
      expect(str(await b.read())).toBe('three');
      expect(str(await b.readPrevious())).toBe('two');
      expect(str(await backend().read())).toBe('three'); // another handle sees it
    });

    it('the journal keeps records in order until cleared, and refuses a newline inside a record', async () => {
      const b = backend();
      await b.appendJournal([bytes('{"a":1}'), bytes('{"b":2}')]);
      await b.appendJournal([bytes('{"c":3}')]);
      await b.appendJournal([]);
      expect((await backend().readJournal()).records.map(str)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
      await expect(b.appendJournal([bytes('a\nb')])).rejects.toThrow(/newline/);
      await b.clearJournal();
      expect(await b.readJournal()).toEqual({ records: [], incompleteTail: false });
      await b.clearJournal(); // nothing to clear is fine
    });

    it('a lock is visible to others, who get a LockHeldError naming holder, pid, host, operation, time and id', async () => {
      const first = backend();
      const grant = await first.lock({ operation: 'failover' });
      expect(grant.warnings).toEqual([]);
      expect(grant.lock).toMatchObject({ operation: 'failover', pid: process.pid, host: hostname(), workspace: 'default' });
      const seen = await backend().readLock();
      expect(seen).toEqual(grant.lock);
      const err = await backend()
        .lock({ operation: 'apply' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockHeldError);
      const held = err as LockHeldError;
      expect(held.lock).toEqual(grant.lock);
      for (const part of [grant.lock.holder, String(process.pid), hostname(), '"failover"', grant.lock.created, grant.lock.id, 'force-unlock']) expect(held.message).toContain(part);
      await first.unlock(grant.lock.id);
      expect(await backend().readLock()).toBeNull();
      const again = await backend().lock({ operation: 'apply' });
      expect(again.lock.operation).toBe('apply');
    });

    it('a waiting writer gets the lock once it is released, and gives up after its timeout otherwise', async () => {
      const first = backend();
      const grant = await first.lock({ operation: 'apply' });
      const timedOut = await backend()
        .lock({ operation: 'apply' }, { timeoutMs: 200 })
        .catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(LockHeldError);
      expect((timedOut as LockHeldError).waitedMs).toBeGreaterThanOrEqual(200);
      const waiter = backend();
      const waiting = waiter.lock({ operation: 'drill' }, { timeoutMs: 15_000 });
      await new Promise((r) => setTimeout(r, 150));
      await first.unlock(grant.lock.id);
      const got = await waiting;
      expect(got.lock.operation).toBe('drill');
      expect((await backend().readLock())?.id).toBe(got.lock.id);
    });

    it('an abort signal stops the wait', async () => {
      await backend().lock({ operation: 'apply' });
      const err = await backend()
        .lock({ operation: 'apply' }, { timeoutMs: 15_000, signal: AbortSignal.timeout(100) })
        .catch((e: unknown) => e);
      expect((err as Error).name).toMatch(/AbortError|TimeoutError/);
    });

    it('force-unlock breaks another holder\'s lock only when the id matches', async () => {
      const holder = backend();
      const grant = await holder.lock({ operation: 'failover' });
      const other = backend();
      const wrong = await other.forceUnlock('not-the-id').catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(LockMismatchError);
      expect((wrong as Error).message).toContain(grant.lock.id);
      expect((await other.readLock())?.id).toBe(grant.lock.id);
      await other.forceUnlock(grant.lock.id);
      expect(await other.readLock()).toBeNull();
      const next = await other.lock({ operation: 'apply' });
      expect(next.lock.operation).toBe('apply');
    });

    it('unlocking when nothing is locked is a mismatch, not a silent success', async () => {
      const err = await backend()
        .unlock('x')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockMismatchError);
      expect((err as LockMismatchError).actual).toBeNull();
    });

    it('the session writes through it: journal, commit, recovery of an interrupted run', async () => {
      const s1 = await openState(backend(), { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
      await s1.upsert({ address: 'vm.a', type: 'vm', name: 'a', id: 'pvm-a', attributes: { cpu: 1 } });
      await s1.commit();
      await s1.upsert({ address: 'vm.b', type: 'vm', name: 'b', id: 'pvm-b', attributes: { cpu: 2 } });
      await s1.close(); // vm.b only in the journal
      const read = await readState(backend());
      expect(read.state.resources.map((r) => r.address)).toEqual(['vm.a', 'vm.b']);
      expect(read.journal.status).toBe('folded');
      const s2 = await openState(backend(), { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
      expect(s2.serial).toBe(2); // recovered and compacted at once
      await s2.close();
      expect((await backend().readJournal()).records).toEqual([]);
    });

    it('workspaces are isolated: state, journal and lock of one are not seen in another', async () => {
      await store.createWorkspace('tenant-a');
      await store.createWorkspace('tenant-b');
      const a = backend('tenant-a');
      const b = backend('tenant-b');
      await a.write(bytes('state of a'));
      await a.appendJournal([bytes('{"a":1}')]);
      await a.lock({ operation: 'apply' });
      expect(await b.read()).toBeNull();
      expect((await b.readJournal()).records).toEqual([]);
      expect(await b.readLock()).toBeNull();
      expect(await backend().read()).toBeNull();
      const bl = await b.lock({ operation: 'apply' }); // not blocked by a's lock
      await b.write(bytes('state of b'));
      expect(str(await backend('tenant-a').read())).toBe('state of a');
      expect(str(await backend('tenant-b').read())).toBe('state of b');
      expect(b.location).not.toBe(a.location);
      expect(b.location).toContain('tenant-b');
      await b.unlock(bl.lock.id);
    });

    it('lists, creates and deletes workspaces; deleting one with state needs force', async () => {
      expect(await store.listWorkspaces()).toEqual(['default']);
      await store.createWorkspace('prod');
      await store.createWorkspace('dev');
      await expect(store.createWorkspace('dev')).rejects.toThrow(/already exists/);
      expect(await store.listWorkspaces()).toEqual(['default', 'dev', 'prod']);
      expect(await store.workspaceHasState('prod')).toBe(false);
      await backend('prod').write(bytes('prod state'));
      expect(await store.workspaceHasState('prod')).toBe(true);
      await expect(store.deleteWorkspace('prod')).rejects.toThrow(/still holds state/);
      expect(str(await backend('prod').read())).toBe('prod state');
      await store.deleteWorkspace('dev');
      await store.deleteWorkspace('prod', { force: true });
      expect(await store.listWorkspaces()).toEqual(['default']);
      expect(await backend('prod').read()).toBeNull();
      expect(await backend('prod').readLock()).toBeNull();
    });

    it('deleting a workspace waits for (or refuses) its lock', async () => {
      await store.createWorkspace('busy');
      const holder = backend('busy');
      const grant = await holder.lock({ operation: 'drill' });
      await expect(store.deleteWorkspace('busy')).rejects.toBeInstanceOf(LockHeldError);
      await holder.unlock(grant.lock.id);
      await store.deleteWorkspace('busy');
      expect(await store.listWorkspaces()).toEqual(['default']);
    });

    it('a backend can run as the access identity: it holds locks as that user', async () => {
      const b = store.backend('default', { user: 'carol' });
      opened.push(b);
      const grant = await b.lock({ operation: 'apply' });
      expect(grant.lock.holder).toBe(`carol@${hostname()}`);
      expect((await backend().readLock())?.holder).toBe(`carol@${hostname()}`);
    });

    it('documents and the audit storage are shared by the store', async () => {
      expect(await store.readDocument('policy')).toBeNull();
      await store.writeDocument('policy', bytes('{"v":1}'), 'alice');
      await store.writeDocument('policy', bytes('{"v":2}'), 'alice');
      expect(str(await store.readDocument('policy'))).toBe('{"v":2}');
      const seen: (string | null)[] = [];
      for (const n of [1, 2, 3]) {
        await store.audit.append((last) => {
          seen.push(str(last));
          return bytes(`record ${n}`);
        });
      }
      expect(seen).toEqual([null, 'record 1', 'record 2']);
      expect((await store.audit.read()).map(str)).toEqual(['record 1', 'record 2', 'record 3']);
    });

    it('concurrent audit appends each see the true last record (one chain, nothing lost)', async () => {
      const stores = [store, await fx.store(), await fx.store()];
      try {
        await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            stores[i % 3].audit.append((last) => bytes(String(last === null ? 1 : Number(str(last)) + 1))),
          ),
        );
        expect((await store.audit.read()).map(str)).toEqual(Array.from({ length: 24 }, (_, i) => String(i + 1)));
      } finally {
        for (const s of stores.slice(1)) await s.close();
      }
    });
  });
}

conformance('local files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drctl-backends-'));
  return {
    store: async () => new LocalStateStore(join(dir, 'state', 'erp.drstate.json')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const pg = await sharedPostgres();
describePg('PostgreSQL', pg, (server) => {
  let connStr: string;
  let n = 0;
  beforeEach(async () => {
    connStr ??= await freshDatabase(server, 'backends');
  });
  conformance('pg', () => {
    const schema = `conf_${process.pid}_${++n}`;
    return {
      store: async () => new PgStateStore({ connStr, schema }),
      cleanup: async () => undefined,
    };
  });
});
