import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import {
  LocalFileBackend,
  openState,
  readState,
  StateMissingError,
  StateUnusableError,
  type ResourceChange,
  type StateSession,
} from '../../src/state/index.js';

let dir: string;
let path: string;
const sessions: StateSession[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-session-'));
  path = join(dir, 'prod.drstate');
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: { version?: string; lock?: boolean } = {}): Promise<StateSession> {
  const session = await openState(new LocalFileBackend(path), {
    drctlVersion: options.version ?? '0.1.0',
    lock: options.lock === false ? false : { operation: 'apply' },
    newLineage: () => 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  });
  sessions.push(session);
  return session;
}

const vm = (name: string, attributes: Record<string, unknown> = { processors: 2 }, extra: Partial<ResourceChange> = {}): ResourceChange => ({
  address: `vm.${name}`,
  type: 'vm',
  name,
  id: `pvm-${name}`,
  attributes,
  dependencies: ['site.home'],
  ...extra,
});
const site: ResourceChange = { address: 'site.home', type: 'site', name: 'home', id: 'ws-1', attributes: { location: 'dal13' } };
const journalPath = () => `${path}.journal`;
const fileSerial = () => JSON.parse(readFileSync(path, 'utf8')).serial as number;

describe('Given no state yet', () => {
  it('readState says "no state", which is not an unusable state', async () => {
    const error = await readState(new LocalFileBackend(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMissingError);
    expect(error).not.toBeInstanceOf(StateUnusableError);
  });

  it('a session that changes nothing creates no file', async () => {
    const s = await open();
    expect(await s.commit()).toEqual({ written: false, serial: 0 });
    await s.close();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('the first change is written as serial 1 with a fresh lineage', async () => {
    const s = await open();
    await s.upsert(site);
    expect(await s.commit()).toEqual({ written: true, serial: 1 });
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written).toMatchObject({ version: 1, serial: 1, lineage: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', drctl_version: '0.1.0' });
    expect(existsSync(journalPath())).toBe(false);
  });
});

describe('Given a committed state', () => {
  beforeEach(async () => {
    const s = await open();
    await s.upsert(site);
    await s.upsert(vm('db01'));
    await s.commit();
    await s.close();
    sessions.length = 0;
  });

  it('when nothing changes, the file is not touched: same bytes, same serial, same inode and mtime', async () => {
    const before = readFileSync(path);
    const statBefore = statSync(path);
    const s = await open({ version: '0.2.0' }); // even a newer drctl does not rewrite unchanged state
    await s.upsert(vm('db01')); // the same resource again: a no-op
    await s.remove('vm.never-existed');
    expect(await s.commit()).toEqual({ written: false, serial: 1 });
    await s.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(statSync(path).ino).toBe(statBefore.ino);
    expect(statSync(path).mtimeMs).toBe(statBefore.mtimeMs);
    expect(existsSync(journalPath())).toBe(false);
  });

  it('when something changes, the serial moves by exactly one and the previous version becomes the backup', async () => {
    const before = readFileSync(path, 'utf8');
    const s = await open({ version: '0.2.0' });
    await s.upsert(vm('db01', { processors: 8 }));
    expect(await s.commit()).toEqual({ written: true, serial: 2 });
    expect(fileSerial()).toBe(2);
    expect(JSON.parse(readFileSync(path, 'utf8')).drctl_version).toBe('0.2.0');
    expect(readFileSync(`${path}.backup`, 'utf8')).toBe(before);
    await s.remove('vm.db01');
    expect(await s.commit()).toEqual({ written: true, serial: 3 });
    expect(s.resources.map((r) => r.address)).toEqual(['site.home']);
  });

  it('each change is durable in the journal before commit, and readState sees it', async () => {
    const s = await open();
    await s.upsert(vm('app01'));
    const lines = readFileSync(journalPath(), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2); // the header naming serial 1, then the change
    expect(JSON.parse(lines[0])).toMatchObject({ op: 'begin', serial: 1 });
    expect(JSON.parse(lines[1])).toMatchObject({ op: 'upsert', resource: { address: 'vm.app01' } });
    const seen = await readState(new LocalFileBackend(path));
    expect(seen.state.resources.map((r) => r.address)).toEqual(['site.home', 'vm.app01', 'vm.db01']);
    expect(seen.snapshot!.resources).toHaveLength(2);
    expect(seen.journal).toMatchObject({ status: 'folded', entries: 1 });
  });

  it('a journal append costs the size of the change, not of the state', async () => {
    const s = await open();
    await Promise.all(Array.from({ length: 2000 }, (_, i) => s.upsert(vm(`bulk${String(i).padStart(4, '0')}`, { processors: 2, notes: 'x'.repeat(100) }))));
    await s.commit();
    const stateBytes = statSync(path).size;
    await s.upsert(vm('bulk0007', { processors: 4, notes: 'x'.repeat(100) }));
    const journalBytes = statSync(journalPath()).size;
    expect(stateBytes).toBeGreaterThan(400_000);
    expect(journalBytes).toBeLessThan(600);
    const sizeAfterOne = journalBytes;
    await s.upsert(vm('bulk0007', { processors: 4, notes: 'x'.repeat(100) })); // no-op
    expect(statSync(journalPath()).size).toBe(sizeAfterOne);
  });

  it('after a crash (no commit, no close) the next session folds the journal and compacts it', async () => {
    const crashed = await openState(new LocalFileBackend(path), { drctlVersion: '0.1.0', lock: false });
    await crashed.upsert(vm('app01'));
    await crashed.upsert(vm('app02'));
    await crashed.remove('vm.db01');
    await crashed.setLifecycle('site.home', { value: 'failingOver', context: { step: 3 } });
    // the process "dies" here: nothing else runs for `crashed`
    const s = await open();
    expect(s.warnings.join('\n')).toMatch(/Recovered 4 changes/);
    expect(s.resources.map((r) => r.address)).toEqual(['site.home', 'vm.app01', 'vm.app02']);
    expect(s.lifecycle('site.home')).toEqual({ context: { step: 3 }, value: 'failingOver' });
    expect(fileSerial()).toBe(2);
    expect(existsSync(journalPath())).toBe(false);
    await crashed.close();
  });

  it('a torn last journal line is ignored, never fatal', async () => {
    const crashed = await openState(new LocalFileBackend(path), { drctlVersion: '0.1.0', lock: false });
    await crashed.upsert(vm('app01'));
    await crashed.close();
    appendFileSync(journalPath(), '{"op":"upsert","resource":{"address":"vm.app02","attri');
    const seen = await readState(new LocalFileBackend(path));
    expect(seen.journal).toMatchObject({ status: 'folded', entries: 1, tornTail: true });
    expect(seen.warnings.join('\n')).toMatch(/incomplete/);
    const s = await open();
    expect(s.resources.map((r) => r.address)).toEqual(['site.home', 'vm.app01', 'vm.db01']);
    expect(existsSync(journalPath())).toBe(false);
  });

  it('new appends after a torn line do not glue onto it', async () => {
    const crashed = await openState(new LocalFileBackend(path), { drctlVersion: '0.1.0', lock: false });
    await crashed.upsert(vm('app01'));
    await crashed.close();
    appendFileSync(journalPath(), '{"op":"upsert","resou');
    const backend = new LocalFileBackend(path);
    await backend.appendJournal([new TextEncoder().encode('{"op":"remove","address":"vm.app01"}')]);
    await backend.close();
    const seen = await readState(new LocalFileBackend(path));
    expect(seen.journal).toMatchObject({ entries: 2, tornTail: false });
    expect(seen.state.resources.map((r) => r.address)).toEqual(['site.home', 'vm.db01']);
  });

  it('many concurrent changes are grouped into few journal writes and all become durable', async () => {
    const backend = new LocalFileBackend(path);
    let appends = 0;
    const append = backend.appendJournal.bind(backend);
    backend.appendJournal = (records) => {
      appends++;
      return append(records);
    };
    const s = await openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
    sessions.push(s);
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.upsert(vm(`par${i}`))));
    expect(appends).toBeLessThan(50);
    const lines = readFileSync(journalPath(), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(51);
  });

  it('a change made while a commit is writing is not lost', async () => {
    const s = await open();
    await s.upsert(vm('a1'));
    const committing = s.commit();
    const late = s.upsert(vm('a2'));
    await Promise.all([committing, late]);
    const seen = await readState(new LocalFileBackend(path));
    expect(seen.state.resources.map((r) => r.address)).toContain('vm.a2');
    await s.commit();
    expect(JSON.parse(readFileSync(path, 'utf8')).resources.map((r: { address: string }) => r.address)).toContain('vm.a2');
    expect(existsSync(journalPath())).toBe(false);
  });

  it('a secret handed to the session appears nowhere on disk', async () => {
    const s = await open();
    await s.upsert(vm('db02', { processors: 2, admin_password: 'hunter2' }, { sensitiveAttributes: ['admin_password'] }));
    await s.setOutput('api_key', { value: 'k-999', sensitive: true });
    expect(readFileSync(journalPath(), 'utf8')).not.toMatch(/hunter2|k-999/);
    expect(s.resource('vm.db02')!.attributes.admin_password).toMatchObject({ sensitive: true });
    await s.commit();
    expect(readFileSync(path, 'utf8')).not.toMatch(/hunter2|k-999/);
  });

  it('a persisted XState snapshot survives the file and restores the machine', async () => {
    const machine = createMachine({
      id: 'site',
      initial: 'active',
      context: { moves: 0 },
      states: { active: { on: { FAILOVER: 'failingOver' } }, failingOver: { on: { DONE: 'standby' } }, standby: {} },
    });
    const actor = createActor(machine).start();
    actor.send({ type: 'FAILOVER' });
    const s = await open();
    await s.setLifecycle('site.home', actor.getPersistedSnapshot());
    await s.commit();
    await s.close();
    const again = await open();
    const restored = createActor(machine, { snapshot: again.lifecycle('site.home') as never }).start();
    expect(restored.getSnapshot().value).toBe('failingOver');
    restored.send({ type: 'DONE' });
    expect(restored.getSnapshot().value).toBe('standby');
  });

  it('a format-0 file is read, kept as it is while nothing changes, and rewritten as format 1 on change', async () => {
    const v0 = JSON.stringify({ format: 'drctl-state', serial: 9, lineage: 'old-lineage', resources: { 'site.home': { id: 'ws-1', attributes: { location: 'dal13' } } } });
    writeFileSync(path, v0);
    const s = await open();
    expect(s.warnings.join()).toMatch(/format 0/);
    expect(await s.commit()).toEqual({ written: false, serial: 9 });
    expect(readFileSync(path, 'utf8')).toBe(v0);
    await s.upsert(vm('db01'));
    expect(await s.commit()).toEqual({ written: true, serial: 10 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, serial: 10, lineage: 'old-lineage' });
  });

  it('a closed session refuses further changes', async () => {
    const s = await open();
    await s.close();
    expect(() => s.upsert(vm('x'))).toThrow(/closed/);
  });

  it('rejects a malformed resource as a bug, before anything is written', async () => {
    const s = await open();
    expect(() => s.upsert({ ...vm('x'), address: '' })).toThrow(TypeError);
    expect(() => s.upsert(vm('x', { created: new Map() }))).toThrow(/Map/);
    expect(existsSync(journalPath())).toBe(false);
  });
});

describe('Given an unusable state', () => {
  it('non-UTF-8 bytes are an "encoding" problem', async () => {
    writeFileSync(path, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    const error = await readState(new LocalFileBackend(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnusableError);
    expect((error as StateUnusableError).reason).toBe('encoding');
  });

  it('openState fails with the reason and releases the lock it took', async () => {
    writeFileSync(path, '{ "version": 7, "serial": 1, "lineage": "x" }');
    const error = await open().catch((e: unknown) => e);
    expect((error as StateUnusableError).reason).toBe('future-version');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
