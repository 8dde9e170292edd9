// Opening the configured store (which backend, where, encrypted or not), and the workspace
// commands' services over it: current, new, select, delete, in real temp dirs and on PostgreSQL.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/diag/errors.js';
import { EncryptedStateStore } from '../../src/state/encrypted.js';
import { isEncrypted, newKeyFileContent } from '../../src/state/encryption.js';
import { LocalStateStore } from '../../src/state/local-store.js';
import { openStateBackend, openStateStore, storeTarget } from '../../src/state/open.js';
import { PgStateStore } from '../../src/state/pg/store.js';
import { openState, readState } from '../../src/state/session.js';
import type { StateStore } from '../../src/state/store.js';
import { currentWorkspace, deleteWorkspace, listWorkspaces, newWorkspace, resolveWorkspace, selectWorkspace, WORKSPACE_FILE } from '../../src/state/workspaces.js';
import { describePg, freshDatabase, sharedPostgres } from '../pg/server.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('which backend', () => {
  const cwd = '/work/project';
  it('-state, then DRCTL_STATE, name a local file', () => {
    expect(storeTarget({ backend: { type: 'local', path: 'state/a.json' } }, { DRCTL_STATE: 'env.json' }, { cwd, statePath: 'flag.json' })).toEqual({ kind: 'local', path: '/work/project/flag.json' });
    expect(storeTarget({ backend: { type: 'local', path: 'state/a.json' } }, { DRCTL_STATE: 'env.json' }, { cwd })).toEqual({ kind: 'local', path: '/work/project/env.json' });
    expect(storeTarget({ backend: { type: 'local', path: 'state/a.json' } }, {}, { cwd })).toEqual({ kind: 'local', path: '/work/project/state/a.json' });
    expect(storeTarget({}, {}, { cwd })).toEqual({ kind: 'local', path: '/work/project/state/drctl.drstate.json' });
  });

  it('backend "pg": conn_str, else its variable, else DRCTL_PG_CONN_STR; schema from the block or DRCTL_PG_SCHEMA', () => {
    expect(storeTarget({ backend: { type: 'pg', connStr: 'postgres://a/b', schema: 's1' } }, { DRCTL_PG_CONN_STR: 'postgres://x/y' }, { cwd })).toEqual({ kind: 'pg', connStr: 'postgres://a/b', schema: 's1' });
    expect(storeTarget({ backend: { type: 'pg', connStrEnv: 'MY_PG' } }, { MY_PG: 'postgres://m/n', DRCTL_PG_SCHEMA: 's2' }, { cwd })).toEqual({ kind: 'pg', connStr: 'postgres://m/n', schema: 's2' });
    expect(storeTarget({ backend: { type: 'pg' } }, { DRCTL_PG_CONN_STR: 'postgres://x/y' }, { cwd })).toEqual({ kind: 'pg', connStr: 'postgres://x/y', schema: undefined });
  });

  it('DRCTL_PG_CONN_STR alone chooses pg; an explicit local block keeps local', () => {
    expect(storeTarget({}, { DRCTL_PG_CONN_STR: 'postgres://x/y' }, { cwd }).kind).toBe('pg');
    expect(storeTarget({ backend: { type: 'local', implicit: true } }, { DRCTL_PG_CONN_STR: 'postgres://x/y' }, { cwd }).kind).toBe('pg');
    expect(storeTarget({ backend: { type: 'local' } }, { DRCTL_PG_CONN_STR: 'postgres://x/y' }, { cwd }).kind).toBe('local');
  });

  it('refuses a local state path with the pg backend, and pg without a connection string', () => {
    expect(() => storeTarget({ backend: { type: 'pg', connStr: 'postgres://a/b' } }, { DRCTL_STATE: 'x.json' }, { cwd })).toThrow(/DRCTL_STATE names a local state file, but the configuration stores state in PostgreSQL/);
    expect(() => storeTarget({ backend: { type: 'pg', connStrEnv: 'MY_PG' } }, {}, { cwd })).toThrow(/\$MY_PG, which is not set/);
    expect(() => storeTarget({ backend: { type: 'pg' } }, {}, { cwd })).toThrow(/set DRCTL_PG_CONN_STR/);
  });
});

describe('openStateStore', () => {
  it('opens local files, encrypted when DRCTL_ENCRYPTION names a key', async () => {
    writeFileSync(join(dir, 'state.key'), newKeyFileContent(), { mode: 0o600 });
    const { store, encrypted, warnings } = await openStateStore({ backend: { type: 'local', path: 'state/erp.json' } }, { DRCTL_ENCRYPTION: 'key_file=state.key' }, { cwd: dir });
    expect(encrypted).toBe(true);
    expect(warnings).toEqual([]);
    expect(store).toBeInstanceOf(EncryptedStateStore);
    const session = await openState(store.backend('default'), { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
    await session.upsert({ address: 'vm.a', type: 'vm', name: 'a', id: 'pvm-a', attributes: {} });
    await session.commit();
    await session.close();
    await store.close();
    expect(isEncrypted(readFileSync(join(dir, 'state/erp.json')))).toBe(true);
  });

  it('without encryption settings the store is the plain backend', async () => {
    const { store, encrypted } = await openStateStore({}, {}, { cwd: dir });
    expect(encrypted).toBe(false);
    expect(store).toBeInstanceOf(LocalStateStore);
    expect(store.location).toBe(join(dir, 'state'));
  });

  it('key problems are user errors that never show the passphrase', async () => {
    const err = await openStateStore({ encryption: { passphraseEnv: 'P' } }, { P: 'short-secret' }, { cwd: dir }).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(/12 characters; a passphrase needs at least 16/);
    expect((err as Error).message).not.toContain('short-secret');
    const bad = await openStateStore({}, { DRCTL_ENCRYPTION: 'key=x' }, { cwd: dir }).catch((e: unknown) => e);
    expect(isUserError(bad)).toBe(true);
  });

  it('openStateBackend gives one workspace, and closing it closes the store', async () => {
    const { backend } = await openStateBackend({}, {}, { cwd: dir, workspace: 'default' });
    expect(backend.location).toBe(join(dir, 'state/drctl.drstate.json'));
    await backend.write(Buffer.from('x'));
    await backend.close();
    await expect(openStateBackend({}, {}, { cwd: dir, workspace: '../etc' })).rejects.toThrow(/not a valid workspace name/);
  });
});

/** A UserError's message and next steps, as the user reads them. */
async function said(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isUserError(err)).toBe(true);
  return [(err as Error).message, ...(err as { nextSteps: string[] }).nextSteps].join(' ');
}

function workspaceSuite(kind: string, makeStore: () => Promise<StateStore>) {
  describe(`${kind}: workspace services`, () => {
    let store: StateStore;
    let cwd: string;
    beforeEach(async () => {
      store = await makeStore();
      cwd = mkdtempSync(join(tmpdir(), 'drctl-ws-cwd-'));
    });
    afterEach(async () => {
      await store.close();
      rmSync(cwd, { recursive: true, force: true });
    });
    const ctx = (env: Record<string, string> = {}) => ({ cwd, env });

    it('the current workspace is "default" until one is selected; new selects it, as in Terraform', async () => {
      expect(currentWorkspace(ctx())).toEqual({ name: 'default', source: 'default' });
      expect(await newWorkspace(store, 'prod', ctx())).toEqual({ selected: true });
      expect(readFileSync(join(cwd, WORKSPACE_FILE), 'utf8')).toBe('prod\n');
      expect(currentWorkspace(ctx())).toEqual({ name: 'prod', source: 'file' });
      await newWorkspace(store, 'dev', ctx());
      await selectWorkspace(store, 'prod', ctx());
      expect(await listWorkspaces(store, ctx())).toEqual({ names: ['default', 'dev', 'prod'], current: { name: 'prod', source: 'file' } });
      await selectWorkspace(store, 'default', ctx());
      expect(currentWorkspace(ctx()).name).toBe('default');
    });

    it('DRCTL_WORKSPACE wins over the file, and a selection is refused while it is set', async () => {
      await newWorkspace(store, 'prod', ctx());
      await store.createWorkspace('ci');
      expect(currentWorkspace(ctx({ DRCTL_WORKSPACE: 'ci' }))).toEqual({ name: 'ci', source: 'env' });
      await expect(selectWorkspace(store, 'default', ctx({ DRCTL_WORKSPACE: 'ci' }))).rejects.toThrow(/set by DRCTL_WORKSPACE/);
      expect(() => currentWorkspace(ctx({ DRCTL_WORKSPACE: '../x' }))).toThrow(/not a valid workspace name/);
    });

    it('selecting or resolving a workspace that does not exist is an error with a suggestion', async () => {
      await newWorkspace(store, 'production', ctx());
      await expect(selectWorkspace(store, 'prodution', ctx())).rejects.toThrow(/Workspace "prodution" does not exist .*Did you mean "production"\?/);
      await expect(resolveWorkspace(store, ctx({ DRCTL_WORKSPACE: 'staging' }))).rejects.toThrow(/current workspace "staging" \(from DRCTL_WORKSPACE\) does not exist/);
      expect(await resolveWorkspace(store, ctx())).toEqual({ name: 'production', source: 'file' });
    });

    it('refuses to create an existing workspace or an invalid name', async () => {
      await newWorkspace(store, 'prod', ctx());
      await expect(newWorkspace(store, 'prod', ctx())).rejects.toThrow(/already exists/);
      await expect(newWorkspace(store, 'default', ctx())).rejects.toThrow(/already exists/);
      for (const bad of ['', '-x', 'a/b', '..', 'a.b', 'x'.repeat(65)]) await expect(newWorkspace(store, bad, ctx())).rejects.toThrow(/not a valid workspace name/);
    });

    it('delete refuses the default and the current workspace, and one with state unless forced', async () => {
      await newWorkspace(store, 'prod', ctx());
      await newWorkspace(store, 'dev', ctx()); // now current
      await expect(deleteWorkspace(store, 'default', ctx())).rejects.toThrow(/default workspace cannot be deleted/);
      expect(await said(deleteWorkspace(store, 'dev', ctx()))).toMatch(/is the current workspace.*Select another first: drctl workspace select default/);
      await expect(deleteWorkspace(store, 'nope', ctx())).rejects.toThrow(/does not exist/);
      const s = await openState(store.backend('prod'), { drctlVersion: '0.1.0', lock: false });
      await s.upsert({ address: 'vm.a', type: 'vm', name: 'a', id: 'pvm-a', attributes: {} });
      await s.close(); // only journaled: still state
      expect(await said(deleteWorkspace(store, 'prod', ctx()))).toMatch(/still holds state.*pass -force/);
      expect((await readState(store.backend('prod'))).state.resources).toHaveLength(1);
      await deleteWorkspace(store, 'prod', ctx(), { force: true });
      expect((await listWorkspaces(store, ctx())).names).toEqual(['default', 'dev']);
      await selectWorkspace(store, 'default', ctx());
      await deleteWorkspace(store, 'dev', ctx());
      expect((await listWorkspaces(store, ctx())).names).toEqual(['default']);
    });
  });
}

workspaceSuite('local', async () => new LocalStateStore(join(dir, 'state', 'erp.drstate.json')));

it('local workspaces live in drctl.d/<name>/ beside the default state file', async () => {
  const store = new LocalStateStore(join(dir, 'state', 'erp.drstate.json'));
  await store.createWorkspace('prod');
  await store.backend('prod').write(Buffer.from('p'));
  expect(existsSync(join(dir, 'state', 'drctl.d', 'prod', 'erp.drstate.json'))).toBe(true);
  expect(existsSync(join(dir, 'state', 'erp.drstate.json'))).toBe(false);
});

const pg = await sharedPostgres();
describePg('PostgreSQL', pg, (server) => {
  let connStr: string;
  let n = 0;
  beforeAll(async () => {
    connStr = await freshDatabase(server, 'open');
  });
  workspaceSuite('pg', async () => new PgStateStore({ connStr, schema: `ws_${process.pid}_${++n}` }));

  it('openStateStore chooses pg from DRCTL_PG_CONN_STR, and encryption wraps it', async () => {
    writeFileSync(join(dir, 'k'), newKeyFileContent(), { mode: 0o600 });
    const { store, encrypted } = await openStateStore({}, { DRCTL_PG_CONN_STR: connStr, DRCTL_PG_SCHEMA: 'opened', DRCTL_ENCRYPTION: 'key_file=k;enforced=true' }, { cwd: dir });
    try {
      expect(encrypted).toBe(true);
      expect(store.kind).toBe('pg');
      expect(store.location).not.toContain(server.password);
      expect(store.location).toMatch(/\(schema opened\)$/);
      await store.backend('default').write(Buffer.from('{"version":1,"serial":1,"lineage":"x"}'));
      expect(Buffer.from((await store.backend('default').read())!).toString()).toContain('"lineage":"x"');
    } finally {
      await store.close();
    }
  });
});
