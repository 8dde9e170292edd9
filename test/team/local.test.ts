// Workspaces, the audit log, encrypted state and encrypted plan files through the real CLI, on
// the local backend (the PostgreSQL versions are in pg.test.ts): what a team sees when state
// is shared, guarded and tampered with.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditRecords, cleanEnv, drctl, expectCode, removeTempDirs, sha256, tenantDir } from './cli.js';
import { workspaceIsolation } from './scenarios.js';

afterAll(removeTempDirs);

describe('workspaces on local files', () => {
  it('isolate tenants: states, listings and grants are per workspace (new, select, list, delete as in Terraform)', async () => {
    const cwd = tenantDir();
    await workspaceIsolation(cwd, {});
    // Each workspace is a directory beside the default state, with its own state, lock and backup.
    expect(fs.readdirSync(path.join(cwd, 'state/drctl.d')).sort()).toEqual(['tenant-a']);
    expect(fs.existsSync(path.join(cwd, 'state/drctl.d/tenant-a/drctl.drstate.json'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'state/drctl.drstate.json'))).toBe(false);
  }, 300_000);

  it('state history and state pull -serial: the current version and the previous one', async () => {
    const cwd = tenantDir();
    const env = cleanEnv();
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=1'], env), 0, 'first apply');
    // A first apply may write twice (its lineage goes to storage before its first create).
    const first = (JSON.parse(expectCode(await drctl(cwd, ['state', 'pull'], env), 0, 'pull').stdout) as { serial: number }).serial;
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=2'], env), 0, 'second apply');
    const history = expectCode(await drctl(cwd, ['state', 'history', '-json'], env), 0, 'history');
    const h = JSON.parse(history.stdout) as { keeps_every_version: boolean; versions: Array<{ label: string; serial: number }> };
    expect(h.keeps_every_version).toBe(false);
    expect(h.versions.map((v) => [v.label, v.serial])).toEqual([
      ['current', first + 1],
      ['previous', first],
    ]);
    const old = expectCode(await drctl(cwd, ['state', 'pull', '-serial', String(first)], env), 0, 'pull -serial of the first apply');
    expect(JSON.parse(old.stdout)).toMatchObject({ serial: first });
    expect(old.stdout).toContain('"vm.n[0]"');
    expect(old.stdout).not.toContain('"vm.n[1]"');
    const missing = await drctl(cwd, ['state', 'pull', '-serial', '7'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has serial 7');
    expect(missing.stderr).toContain('Local state files keep only the current version and the previous one (.backup)');
  }, 120_000);
});

describe('the audit log through the CLI', () => {
  /** A log of a few records, made by real commands. */
  async function logged(): Promise<{ cwd: string; file: string; lines: string[] }> {
    const cwd = tenantDir();
    const env = cleanEnv({ DRCTL_USER: 'alice' });
    for (const args of [
      ['workspace', 'new', 'w1'],
      ['workspace', 'new', 'w2'],
      ['workspace', 'select', 'default'],
      ['workspace', 'delete', 'w1'],
    ]) {
      expectCode(await drctl(cwd, args, env), 0, args.join(' '));
    }
    const file = path.join(cwd, 'state/drctl.audit.jsonl');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).action)).toEqual(['workspace new', 'workspace new', 'workspace delete']);
    return { cwd, file, lines };
  }
  const verify = (cwd: string, ...args: string[]) => drctl(cwd, ['audit', 'verify', ...args], cleanEnv());
  const write = (file: string, lines: readonly string[]) => fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));

  it('audit verify: exit 0 on the whole chain, 1 naming the record on an edit, a deletion, a reordering', async () => {
    const { cwd, file, lines } = await logged();
    const ok = expectCode(await verify(cwd), 0, 'intact');
    expect(ok.stdout).toContain('holds 3 records, and its hash chain is whole');

    write(file, [lines[0], lines[1].replace('"who":"alice"', '"who":"eve"'), lines[2]]);
    const edited = await verify(cwd);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('has been tampered with (edited): record 2 (seq 2) was changed after it was written');

    write(file, [lines[0], lines[2]]);
    const deleted = await verify(cwd);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain('(deleted): records were deleted before record 2: seq 2 is missing');

    write(file, [lines[0], lines[2], lines[1]]);
    const reordered = await verify(cwd);
    expect(reordered.code).toBe(1);
    expect(reordered.stderr).toContain('(reordered)');

    write(file, lines);
    const json = JSON.parse(expectCode(await verify(cwd, '-json'), 0, 'json').stdout) as { ok: boolean; count: number; head: { seq: number; hash: string } };
    expect(json).toMatchObject({ ok: true, count: 3, head: { seq: 3 } });
    // The newest record removed: the chain alone cannot tell, the anchor kept elsewhere can.
    write(file, lines.slice(0, 2));
    expectCode(await verify(cwd), 0, 'a shortened chain is still a chain');
    const truncated = await verify(cwd, '-anchor', `${json.head.seq}:${json.head.hash}`);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain('(truncated): the log ends at seq 2, before the anchor seq 3');
  }, 120_000);

  it('a damaged last record stops every change it would have to record, and changes nothing', async () => {
    const { cwd, file, lines } = await logged();
    write(file, [...lines, '{"seq":4,"who":"eve"']);
    fs.appendFileSync(file, '\n');
    const r = await drctl(cwd, ['workspace', 'new', 'w3'], cleanEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The last record of the audit log cannot be read');
    expect(r.stderr).toContain('drctl audit verify names the damaged record');
    expect((await drctl(cwd, ['workspace', 'list'], cleanEnv())).stdout).toBe('* default\n  w2\n');
    const applied = await drctl(cwd, ['apply', '-auto-approve'], cleanEnv());
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('The last record of the audit log cannot be read');
    expect(fs.existsSync(path.join(cwd, 'state/drctl.drstate.json'))).toBe(false);
    expect(fs.existsSync(path.join(cwd, '.drctl/sim'))).toBe(false); // refused before the cloud was reached
  }, 120_000);
});

describe('encrypted state through the CLI', () => {
  function keyed(): { cwd: string; env: Record<string, string> } {
    const cwd = tenantDir();
    fs.writeFileSync(path.join(cwd, 'state.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    return { cwd, env: cleanEnv({ DRCTL_ENCRYPTION: 'key_file=state.key' }) };
  }

  it('state, its backup and the policy are ciphertext; the audit log stays readable and verifiable', async () => {
    const { cwd, env } = keyed();
    expectCode(await drctl(cwd, ['access', 'grant', 'root', 'admin', '-workspace', '*'], { ...env, DRCTL_USER: 'root' }), 0, 'grant');
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=1'], { ...env, DRCTL_USER: 'root' }), 0, 'apply');
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=2'], { ...env, DRCTL_USER: 'root' }), 0, 'apply');
    for (const f of ['drctl.drstate.json', 'drctl.drstate.json.backup', 'drctl.policy.json']) {
      const bytes = fs.readFileSync(path.join(cwd, 'state', f));
      expect(bytes.subarray(0, 8).toString('latin1'), f).toBe('DRCTLENC');
      expect(bytes.includes(Buffer.from('vm.n')) || bytes.includes(Buffer.from('admin')), f).toBe(false);
    }
    expect(expectCode(await drctl(cwd, ['state', 'list'], { ...env, DRCTL_USER: 'root' }), 0, 'list').stdout).toBe(
      'network.app\nsite.dr\nsite.home\nvm.n[0]\nvm.n[1]\n',
    );
    expect(auditRecords(path.join(cwd, 'state/drctl.audit.jsonl')).map((r) => r.action)).toEqual(['access grant', 'apply', 'apply']);
    expectCode(await drctl(cwd, ['audit', 'verify'], { ...env, DRCTL_USER: 'root' }), 0, 'verify');
    // Without the key, nothing is read as if it were plain: the state and the policy say they are encrypted.
    const nokey = await drctl(cwd, ['state', 'list'], cleanEnv({ DRCTL_USER: 'root' }));
    expect(nokey.code).toBe(1);
    expect(nokey.stderr).toContain('The access policy in');
    expect(nokey.stderr).toContain('it is encrypted, and no encryption key is configured');
  }, 180_000);

  it('a flipped byte is a clear error in every command; nothing is written over it; the previous version is intact', async () => {
    const { cwd, env } = keyed();
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=1'], env), 0, 'apply');
    expectCode(await drctl(cwd, ['apply', '-auto-approve', '-var', 'vms=2'], env), 0, 'apply');
    const file = path.join(cwd, 'state/drctl.drstate.json');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 40] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const tampered = sha256(file);
    const backup = sha256(`${file}.backup`);
    for (const args of [['state', 'list'], ['plan'], ['apply', '-auto-approve', '-var', 'vms=3'], ['state', 'pull'], ['verify']]) {
      const r = await drctl(cwd, args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(`Unusable state at ${file}: Integrity check failed (the AES-GCM tag does not match).`);
      expect(r.stdout, args.join(' ')).not.toMatch(/vm\.n/);
    }
    expect(sha256(file)).toBe(tampered);
    expect(sha256(`${file}.backup`)).toBe(backup);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    // The previous version still opens.
    fs.copyFileSync(`${file}.backup`, file);
    expect(expectCode(await drctl(cwd, ['state', 'list'], env), 0, 'restored').stdout).toBe('network.app\nsite.dr\nsite.home\nvm.n[0]\n');
    // Another key: named, not "damaged".
    fs.writeFileSync(path.join(cwd, 'other.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o600 });
    const wrong = await drctl(cwd, ['state', 'list'], { ...env, DRCTL_ENCRYPTION: 'key_file=other.key' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Encrypted with another key \(a key file, key id [0-9a-f]{16}\)/);
  }, 180_000);

  it('saved plans: plan -out writes ciphertext, show and apply decrypt it; another key, a flipped byte or plaintext under enforcement are refused', async () => {
    const cwd = tenantDir({ drctl: '  encryption {\n    key_file = "state.key"\n    enforced = true\n  }' });
    fs.writeFileSync(path.join(cwd, 'state.key'), Buffer.alloc(32, 3).toString('base64'), { mode: 0o600 });
    const env = cleanEnv();
    expectCode(await drctl(cwd, ['plan', '-out', 'plan.bin'], env), 0, 'plan -out');
    const plan = fs.readFileSync(path.join(cwd, 'plan.bin'));
    expect(plan.subarray(0, 8).toString('latin1')).toBe('DRCTLENC');
    expect(plan.includes(Buffer.from('vm.n'))).toBe(false);
    // The key comes from the encryption block in plans/.
    expect(expectCode(await drctl(cwd, ['show', 'plan.bin'], env), 0, 'show').stdout).toContain('Plan: 5 to add, 0 to change, 0 to destroy.');
    fs.writeFileSync(path.join(cwd, 'other.key'), Buffer.alloc(32, 9).toString('base64'), { mode: 0o600 });
    const wrong = await drctl(cwd, ['show', 'plan.bin'], { ...env, DRCTL_ENCRYPTION: 'key_file=other.key' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('plan.bin cannot be read: it was encrypted with another key');
    const flipped = Buffer.from(plan);
    flipped[flipped.length - 20] ^= 0x80;
    fs.writeFileSync(path.join(cwd, 'flipped.bin'), flipped);
    const tampered = await drctl(cwd, ['apply', 'flipped.bin'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(
      'flipped.bin cannot be read: it was changed after it was written (the AES-GCM tag does not match); nothing of it was read',
    );
    expect(fs.existsSync(path.join(cwd, 'state/drctl.drstate.json'))).toBe(false);
    // A plain plan made without encryption is refused where it is enforced.
    const plainDir = tenantDir();
    expectCode(await drctl(plainDir, ['plan', '-out', path.join(cwd, 'plain.bin')], env), 0, 'a plain plan');
    const refused = await drctl(cwd, ['apply', 'plain.bin'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it is not encrypted, and encryption is enforced');
    // The encrypted one applies, and the state it writes is encrypted too.
    const applied = expectCode(await drctl(cwd, ['apply', 'plan.bin'], env), 0, 'apply plan.bin');
    expect(applied.stdout).toContain('Apply complete! 5 succeeded, 0 failed, 0 skipped.');
    expect(fs.readFileSync(path.join(cwd, 'state/drctl.drstate.json')).subarray(0, 8).toString('latin1')).toBe('DRCTLENC');
  }, 180_000);
});
