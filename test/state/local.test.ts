import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileBackend, LockHeldError, LockMismatchError, openState, parseState, type LockInfo } from '../../src/state/index.js';
import { compileStateModule } from './compiled.js';
import { Child } from './processes.js';

let modulePath: string;
let compiledDir: string;
let dir: string;
let path: string;
const children: Child[] = [];

beforeAll(() => {
  compiledDir = mkdtempSync(join(tmpdir(), 'drctl-state-js-'));
  modulePath = compileStateModule(compiledDir);
});
afterAll(() => rmSync(compiledDir, { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-local-'));
  path = join(dir, 'prod.drstate');
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  rmSync(dir, { recursive: true, force: true });
});

function child(script: string, ...args: string[]): Child {
  const c = new Child(script, [modulePath, ...args]);
  children.push(c);
  return c;
}

async function holder(operation = 'apply'): Promise<{ child: Child; lock: LockInfo }> {
  const c = child('hold-lock.mjs', path, operation);
  await c.waitFor(() => c.events().length > 0);
  const event = c.events()[0];
  expect(event.event).toBe('locked');
  return { child: c, lock: event.lock as LockInfo };
}

const encode = (text: string) => new TextEncoder().encode(text);
const stateText = (serial: number) => `{"version":1,"serial":${serial},"lineage":"l","resources":[]}`;

describe('LocalFileBackend: snapshots', () => {
  it('reads null when there is no file, and keeps the previous version as <path>.backup', async () => {
    const backend = new LocalFileBackend(path);
    expect(await backend.read()).toBeNull();
    await backend.write(encode(stateText(1)));
    expect(await backend.readPrevious()).toBeNull();
    await backend.write(encode(stateText(2)));
    expect(Buffer.from((await backend.read())!).toString()).toBe(stateText(2));
    expect(readFileSync(`${path}.backup`, 'utf8')).toBe(stateText(1));
    expect(readdirSync(dir).sort()).toEqual(['prod.drstate', 'prod.drstate.backup']); // no temp files left
  });

  it('leaves either the old or the new file when the writer is killed mid-write (SIGKILL, repeated)', async () => {
    let checked = 0;
    for (let round = 0; round < 6; round++) {
      const writer = child('write-loop.mjs', path, '4000');
      await writer.waitFor((lines) => lines.length >= 2 + (round % 3));
      await new Promise((r) => setTimeout(r, (round * 7) % 20));
      await writer.kill('SIGKILL');
      const acknowledged = writer.lines.length > 0 ? Number(writer.lines[writer.lines.length - 1]) : 0;
      const parsed = parseState(readFileSync(path, 'utf8'), path);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      // The file holds the last acknowledged write or the one in flight, never a mix.
      expect(parsed.state.serial).toBeGreaterThanOrEqual(acknowledged);
      expect(parsed.state.serial).toBeLessThanOrEqual(acknowledged + 1);
      expect(parsed.state.resources).toHaveLength(4000);
      if (existsSync(`${path}.backup`)) expect(parseState(readFileSync(`${path}.backup`, 'utf8'), 'backup').ok).toBe(true);
      checked++;
    }
    expect(checked).toBe(6);
  });
});

describe('LocalFileBackend: journal storage', () => {
  it('returns complete records and reports an incomplete tail', async () => {
    const backend = new LocalFileBackend(path);
    await backend.appendJournal([encode('{"a":1}'), encode('{"b":2}')]);
    await backend.close();
    writeFileSync(`${path}.journal`, readFileSync(`${path}.journal`, 'utf8') + '{"c":');
    const { records, incompleteTail } = await backend.readJournal();
    expect(records.map((r) => Buffer.from(r).toString())).toEqual(['{"a":1}', '{"b":2}']);
    expect(incompleteTail).toBe(true);
    await backend.clearJournal();
    expect(existsSync(`${path}.journal`)).toBe(false);
    expect(await backend.readJournal()).toEqual({ records: [], incompleteTail: false });
  });

  it('refuses a record containing a newline', async () => {
    await expect(new LocalFileBackend(path).appendJournal([encode('a\nb')])).rejects.toThrow(/newline/);
  });
});

describe('LocalFileBackend: locking between real processes', () => {
  it('a second writer fails at once with a LockHeldError naming holder, pid, host, operation and time', async () => {
    const { child: first, lock } = await holder('failover');
    const error = await new LocalFileBackend(path).lock({ operation: 'apply' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    const held = error as LockHeldError;
    expect(held.lock).toEqual(lock);
    expect(held.lock.pid).toBe(first.pid);
    expect(held.lock.host).toBe(hostname());
    for (const part of [String(first.pid), hostname(), '"failover"', lock.created, lock.id, lock.holder]) expect(held.message).toContain(part);
    expect(held.message).toMatch(/force-unlock/);
  });

  it('a waiting writer gets the lock once the holder releases it', async () => {
    const { child: first } = await holder();
    const backend = new LocalFileBackend(path);
    const waiting = backend.lock({ operation: 'apply' }, { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 150));
    first.send('release');
    const grant = await waiting;
    expect(first.events().map((e) => e.event)).toEqual(['locked', 'released']);
    expect(grant.lock.pid).toBe(process.pid);
    expect(grant.warnings).toEqual([]);
    await backend.unlock(grant.lock.id);
  });

  it('a waiting writer gives up after lockTimeoutMs with the holder named', async () => {
    await holder();
    const error = await new LocalFileBackend(path).lock({ operation: 'apply' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('an abort signal stops the wait', async () => {
    await holder();
    const error = await new LocalFileBackend(path)
      .lock({ operation: 'apply' }, { timeoutMs: 15_000, signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e);
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
  });

  it('of several processes racing for the lock, exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const racers = Array.from({ length: 4 }, () => child('hold-lock.mjs', path, 'apply', 'race'));
      await new Promise((r) => setTimeout(r, 300)); // let them load
      for (const r of racers) r.send('go');
      await Promise.all(racers.map((r) => r.waitFor(() => r.events().length > 0)));
      const outcomes = racers.map((r) => r.events()[0].event);
      expect(outcomes.filter((o) => o === 'locked')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'held')).toHaveLength(3);
      const winner = racers[outcomes.indexOf('locked')];
      winner.send('release');
      await winner.exit();
      await Promise.all(racers.map((r) => r.exit()));
      expect(existsSync(`${path}.lock`)).toBe(false);
    }
  });

  it('a lock left by a killed process is taken over, with a warning saying so', async () => {
    const { child: first, lock } = await holder('drill');
    await first.kill('SIGKILL');
    const grant = await new LocalFileBackend(path).lock({ operation: 'apply' });
    expect(grant.lock.id).not.toBe(lock.id);
    expect(grant.warnings).toHaveLength(1);
    expect(grant.warnings[0]).toMatch(/stale lock/);
    expect(grant.warnings[0]).toContain(`pid ${first.pid}`);
    expect(grant.warnings[0]).toContain('"drill"');
  });

  it('a crashed apply leaves a stale lock and a journal; the next run takes over and recovers every acknowledged change', async () => {
    const apply = child('apply-crash.mjs', path);
    await apply.waitFor((lines) => lines.length >= 5);
    await apply.kill('SIGKILL');
    const acknowledged = apply.lines.length;
    const session = await openState(new LocalFileBackend(path), { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
    try {
      expect(session.warnings.join('\n')).toMatch(/stale lock/);
      expect(session.warnings.join('\n')).toMatch(/Recovered \d+ change/);
      expect(session.resources.length).toBeGreaterThanOrEqual(acknowledged);
      for (let i = 0; i < acknowledged; i++) expect(session.resource(`vm.r${String(i).padStart(5, '0')}`)).toBeDefined();
      expect(JSON.parse(readFileSync(path, 'utf8')).serial).toBe(1);
    } finally {
      await session.close();
    }
  });
});

describe('LocalFileBackend: stale locks, unlock and force-unlock', () => {
  const lockFile = (fields: Partial<LockInfo>) =>
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ id: 'old-lock', holder: 'bob@elsewhere', pid: 4_194_000, host: hostname(), operation: 'failover', created: '2025-01-01T00:00:00.000Z', workspace: 'default', ...fields }),
    );

  it('takes over a lock whose pid does not exist on this host', async () => {
    let probed = 0;
    const backend = new LocalFileBackend(path, {
      isProcessAlive: (pid) => {
        probed = pid;
        return false;
      },
    });
    lockFile({});
    const grant = await backend.lock({ operation: 'apply' });
    expect(probed).toBe(4_194_000);
    expect(grant.warnings[0]).toMatch(/Took over a stale lock: bob@elsewhere \(pid 4194000/);
  });

  it('really probes the pid by default (a pid that cannot exist is stale)', async () => {
    lockFile({ pid: 2 ** 22 + 12345 }); // above Linux pid_max_limit
    const grant = await new LocalFileBackend(path).lock({ operation: 'apply' });
    expect(grant.warnings[0]).toMatch(/stale lock/);
  });

  it('never takes over a lock from another host, even if the pid is unused here', async () => {
    lockFile({ host: 'other-host', pid: 2 ** 22 + 12345 });
    const error = await new LocalFileBackend(path).lock({ operation: 'apply' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
  });

  it('forceUnlock breaks a lock only when the id matches', async () => {
    const { child: first, lock } = await holder();
    const backend = new LocalFileBackend(path);
    const wrong = await backend.forceUnlock('not-the-id').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(LockMismatchError);
    expect((wrong as Error).message).toContain(lock.id);
    expect(existsSync(`${path}.lock`)).toBe(true);
    await backend.forceUnlock(lock.id);
    expect(existsSync(`${path}.lock`)).toBe(false);
    await first.kill();
  });

  it('unlocking when nothing is locked is a mismatch, not a silent success', async () => {
    const error = await new LocalFileBackend(path).unlock('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockMismatchError);
    expect((error as LockMismatchError).actual).toBeNull();
  });

  it('an unreadable lock file still blocks, and its shown id force-unlocks it', async () => {
    writeFileSync(`${path}.lock`, 'garbage');
    const backend = new LocalFileBackend(path);
    const error = (await backend.lock({ operation: 'apply' }).catch((e: unknown) => e)) as LockHeldError;
    expect(error).toBeInstanceOf(LockHeldError);
    expect(error.lock.id).toMatch(/^unreadable-/);
    await backend.forceUnlock(error.lock.id);
    const grant = await backend.lock({ operation: 'apply' });
    expect(grant.lock.operation).toBe('apply');
  });

  it('writes the lock as readable JSON with every field', async () => {
    const backend = new LocalFileBackend(path, { workspace: 'prod', user: 'alice', host: 'ops1', pid: 4242, now: () => new Date('2025-06-01T12:00:00Z'), newLockId: () => 'lock-1' });
    await backend.lock({ operation: 'failover' });
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toEqual({
      id: 'lock-1',
      holder: 'alice@ops1',
      pid: 4242,
      host: 'ops1',
      operation: 'failover',
      created: '2025-06-01T12:00:00.000Z',
      workspace: 'prod',
    });
  });
});
