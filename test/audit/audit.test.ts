// The audit log: records appended through the store (a local file, a pg table), the hash chain,
// and tamper tests: an edit, a deletion, a reordering and a truncation are each found, and the
// first bad record is named. Nothing secret ends up in a record.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, audited, AuditLogDamagedError } from '../../src/audit/log.js';
import { GENESIS, hashOf, encodeRecord, safeDetail, type AuditEntry, type AuditRecord } from '../../src/audit/record.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { LocalStateStore } from '../../src/state/local-store.js';
import { PgStateStore } from '../../src/state/pg/store.js';
import { describePg, freshDatabase, sharedPostgres } from '../pg/server.js';

const entry = (action: string, outcome: AuditEntry['outcome'] = 'ok', extra: Partial<AuditEntry> = {}): AuditEntry => ({
  who: 'alice',
  via: 'token',
  action,
  workspace: 'prod',
  outcome,
  ...extra,
});
const clock = () => {
  let t = Date.parse('2025-06-01T12:00:00Z');
  return () => new Date((t += 1000));
};

let dir: string;
let store: LocalStateStore;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-audit-'));
  store = new LocalStateStore(join(dir, 'state', 'erp.drstate.json'));
  file = join(dir, 'state', 'drctl.audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function fiveRecords(): Promise<void> {
  const now = clock();
  for (const [action, outcome] of [
    ['apply', 'ok'],
    ['failover', 'ok'],
    ['state rm', 'failed'],
    ['drill', 'interrupted'],
    ['apply', 'denied'],
  ] as const) {
    await appendAudit(store.audit, entry(action, outcome), { now });
  }
}
const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (ls: string[]) => writeFileSync(file, `${ls.join('\n')}\n`);
const verifyFile = async () => verifyAudit(await store.audit.read());

describe('appending', () => {
  it('records who, what, when, which workspace and the outcome, chained by hash', async () => {
    await fiveRecords();
    const records = lines().map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => [r.seq, r.action, r.outcome])).toEqual([
      [1, 'apply', 'ok'],
      [2, 'failover', 'ok'],
      [3, 'state rm', 'failed'],
      [4, 'drill', 'interrupted'],
      [5, 'apply', 'denied'],
    ]);
    expect(records[0]).toMatchObject({ who: 'alice', via: 'token', workspace: 'prod', time: '2025-06-01T12:00:01.000Z', prev: GENESIS });
    for (let i = 1; i < records.length; i++) expect(records[i].prev).toBe(records[i - 1].hash);
    for (const r of records) expect(r.hash).toBe(hashOf(r));
    expect(lines()[0]).toBe(encodeRecord(records[0]));
    const v = await verifyFile();
    expect(v).toMatchObject({ ok: true, count: 5, head: { seq: 5, hash: records[4].hash } });
  });

  it('audited() records ok or failed (with the reason) and rethrows the failure', async () => {
    const ok = await audited(store.audit, { who: 'bob', via: 'env', action: 'verify', workspace: 'default' }, async () => 42, { detail: (n) => `ready: ${n}` });
    expect(ok.result).toBe(42);
    expect(ok.record).toMatchObject({ outcome: 'ok', detail: 'ready: 42' });
    const boom = await audited(store.audit, { who: 'bob', via: 'env', action: 'apply', workspace: 'default' }, async () => {
      throw new Error('PowerVS said no');
    }).catch((e: unknown) => e);
    expect((boom as Error).message).toBe('PowerVS said no');
    const aborted = await audited(store.audit, { who: 'bob', via: 'env', action: 'failover', workspace: 'default' }, async () => {
      throw Object.assign(new Error('stopped'), { name: 'AbortError' });
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    expect(lines().map((l) => JSON.parse(l).outcome)).toEqual(['ok', 'failed', 'interrupted']);
    expect(JSON.parse(lines()[1]).detail).toBe('PowerVS said no');
  });

  it('never writes a secret: connection strings, passwords, tokens and given secret values are masked', async () => {
    const detail =
      'connect postgres://drctl:Sup3rS3cret@db.example/drctl failed; password=hunter2 api_key: abc123 token="t0k3n" Authorization: Bearer eyJhbGciOi.x.y passphrase=correct-horse';
    await appendAudit(store.audit, entry('apply', 'failed', { detail }), { secrets: ['my-literal-secret'] });
    await appendAudit(store.audit, entry('apply', 'failed', { detail: 'the value my-literal-secret\nleaked' }), { secrets: ['my-literal-secret'] });
    const text = readFileSync(file, 'utf8');
    for (const secret of ['Sup3rS3cret', 'hunter2', 'abc123', 't0k3n', 'eyJhbGciOi', 'correct-horse', 'my-literal-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines()[0]).detail).toContain('postgres://drctl:***@db.example/drctl');
    expect(JSON.parse(lines()[1]).detail).toBe('the value *** leaked');
    expect(safeDetail('x'.repeat(2000))).toHaveLength(500);
  });

  it('refuses bad entries (a bug in the caller)', async () => {
    await expect(appendAudit(store.audit, entry('Apply Now!'))).rejects.toThrow(/not a lower-case name/);
    await expect(appendAudit(store.audit, entry('apply', 'maybe' as AuditEntry['outcome']))).rejects.toThrow(/not one of ok, failed, denied, interrupted/);
  });

  it('a record torn by a crash is cut off before the next append; the chain stays whole', async () => {
    await fiveRecords();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"seq":6,"time":"2025-`); // no newline: never acknowledged
    expect((await verifyFile()).ok).toBe(true);
    await appendAudit(store.audit, entry('verify'));
    expect(lines()).toHaveLength(6);
    expect(await verifyFile()).toMatchObject({ ok: true, count: 6 });
  });

  it('will not chain onto a last record it cannot read', async () => {
    await fiveRecords();
    const ls = lines();
    ls[4] = '{"garbage": true}';
    writeLines(ls);
    await expect(appendAudit(store.audit, entry('apply'))).rejects.toBeInstanceOf(AuditLogDamagedError);
  });
});

describe('tamper detection', () => {
  beforeEach(fiveRecords);

  it('an edited record (who changed) is found and named', async () => {
    const ls = lines();
    ls[2] = ls[2].replace('"who":"alice"', '"who":"mallory"');
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({
      ok: false,
      problem: { reason: 'edited', line: 3, seq: 3, message: 'record 3 (seq 3) was changed after it was written: its content does not match its hash.' },
    });
  });

  it('an edit with the hash recomputed still breaks the next link, and the edited record is named', async () => {
    const ls = lines();
    const r = JSON.parse(ls[1]) as AuditRecord;
    const forged = { ...r, outcome: 'failed' as const };
    ls[1] = encodeRecord({ ...forged, hash: hashOf(forged) });
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({ ok: false, problem: { reason: 'edited', line: 2, seq: 2 } });
  });

  it('a deleted record is found: the next one names what is missing', async () => {
    const ls = lines();
    ls.splice(1, 1);
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({
      ok: false,
      problem: { reason: 'deleted', line: 2, seq: 3, message: 'records were deleted before record 2: seq 2 is missing.' },
    });
    const more = lines();
    more.splice(1, 2);
    writeLines(more);
    expect((await verifyFile()).ok === false && (await verifyFile())).toMatchObject({ problem: { message: expect.stringMatching(/seq 2 to 4 are missing/) } });
  });

  it('reordered records are found', async () => {
    const ls = lines();
    [ls[1], ls[2]] = [ls[2], ls[1]];
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({ ok: false, problem: { reason: 'reordered', line: 2, seq: 3 } });
  });

  it('a copied (replayed) record is found', async () => {
    const ls = lines();
    ls.splice(3, 0, ls[1]);
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({ ok: false, problem: { reason: 'reordered', line: 4, seq: 2 } });
  });

  it('an unreadable or extended record is found', async () => {
    const ls = lines();
    ls[0] = ls[0].replace('}', ',"note":"x"}');
    writeLines(ls);
    expect(await verifyFile()).toMatchObject({ ok: false, problem: { reason: 'unreadable', line: 1 } });
  });

  it('dropping the newest records is found against an anchor kept elsewhere', async () => {
    const before = await verifyFile();
    expect(before.ok).toBe(true);
    const anchor = before.ok ? before.head! : { seq: 0, hash: '' };
    writeLines(lines().slice(0, 3));
    expect((await verifyFile()).ok).toBe(true); // a chain alone cannot tell
    expect(verifyAudit(await store.audit.read(), { anchor })).toMatchObject({
      ok: false,
      problem: { reason: 'truncated', message: 'the log ends at seq 3, before the anchor seq 5: its newest records were removed.' },
    });
  });
});

const pgAvailable = await sharedPostgres();
describePg('PostgreSQL', pgAvailable, (server) => {
  let connStr: string;
  beforeAll(async () => {
    connStr = await freshDatabase(server, 'audit');
  });

  it('the audit table is chained the same way, and an UPDATE or DELETE in SQL is found', async () => {
    const schema = `audit_${process.pid}`;
    const pgStore = new PgStateStore({ connStr, schema });
    const client = new pg.Client({ connectionString: connStr });
    await client.connect();
    try {
      const now = clock();
      await Promise.all(['apply', 'drill', 'failover', 'failback'].map((a) => appendAudit(pgStore.audit, entry(a), { now })));
      const ok = verifyAudit(await pgStore.audit.read());
      expect(ok).toMatchObject({ ok: true, count: 4 });
      await client.query(
        `update "${schema}".audit set record = convert_to(replace(convert_from(record, 'UTF8'), '"who":"alice"', '"who":"eve"'), 'UTF8') where seq = 2`,
      );
      expect(verifyAudit(await pgStore.audit.read())).toMatchObject({ ok: false, problem: { reason: 'edited', line: 2 } });
      await client.query(`delete from "${schema}".audit where seq = 2`);
      expect(verifyAudit(await pgStore.audit.read())).toMatchObject({ ok: false, problem: { reason: 'deleted', line: 2, seq: 3 } });
    } finally {
      await client.end();
      await pgStore.close();
    }
  });
});
