// When the environment fails (a read-only or full disk, a state path that is a directory, a state
// file drctl may not read, an API key IAM refuses), drctl says what failed, which path, and what
// to do, as a diagnostic: never "internal error" with a stack. And the state is as it was.
//
// Failures root cannot meet for real (it ignores permissions) are injected at the file-system
// seam (test/support/fs-faults.mjs, loaded with node --import into the real CLI); where this
// machine allows, the same failures are also made for real (chmod as a user, a tmpfs as root).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, countedVmConfig, expectExit, startSimulator, workdir, type RunResult, type Workdir } from '../engine/harness.js';

const FAULTS = path.join(ROOT, 'test/support/fs-faults.mjs');
const STATE = 'state/many.drstate.json';

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

async function applied(count = 2): Promise<Workdir> {
  const w = workdir({ 'main.hcl': countedVmConfig(count) });
  dirs.push(w);
  expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'first apply');
  return w;
}

/** drctl with a file-system failure injected for paths containing `match`. */
function withFault(
  w: Workdir,
  args: readonly string[],
  fault: { code: string; ops: readonly string[]; match: string; after?: number },
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', FAULTS, BIN, ...args], {
      cwd: w.dir,
      env: { ...w.env, ...env, DRCTL_TEST_FS_FAULT: JSON.stringify(fault) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** A diagnostic, not a bug report. */
function expectDiagnostic(r: RunResult, message: RegExp, todo: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(todo);
}

const isRoot = process.getuid?.() === 0;

/** A small tmpfs of `size`, when this machine lets us mount one (root in a container that allows it). */
function tmpfs(size: string): string | undefined {
  if (!isRoot || process.platform !== 'linux') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmdirSync(dir);
    return undefined;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
  fs.rmdirSync(dir);
}

const canMount = (() => {
  const d = tmpfs('64k');
  if (!d) return false;
  unmount(d);
  return true;
})();

describe('a read-only state directory', () => {
  it('is a diagnostic naming the path, and the state is unchanged (injected EROFS)', async () => {
    const w = await applied();
    const before = w.read(STATE);
    const r = await withFault(w, ['apply', w.config, '-auto-approve', '-replace', 'vm.n[0]'], {
      code: 'EROFS',
      ops: ['open-write', 'write', 'mkdir', 'rename'],
      match: `${path.sep}state${path.sep}`,
    });
    expectDiagnostic(
      r,
      /Cannot write state\/many\.drstate\.json\.lock: the file system is read-only \(EROFS\)\./,
      /point -state \(DRCTL_STATE\) at a writable location/,
    );
    expect(w.read(STATE)).toBe(before);
  });

  it.skipIf(isRoot ? !canMount : process.platform === 'win32')(
    isRoot ? 'is a diagnostic on a read-only tmpfs, for real' : 'is a diagnostic on a directory without write permission, for real',
    async () => {
      const w = await applied();
      const before = w.read(STATE);
      let mounted: string | undefined;
      let env: Record<string, string> = {};
      if (isRoot) {
        // The state on a tmpfs, then remounted read-only.
        mounted = tmpfs('1m')!;
        fs.copyFileSync(w.file(STATE), path.join(mounted, 'many.drstate.json'));
        execFileSync('mount', ['-o', 'remount,ro', mounted], { stdio: 'ignore' });
        env = { DRCTL_STATE: path.join(mounted, 'many.drstate.json') };
      } else fs.chmodSync(w.file('state'), 0o555);
      try {
        const r = await w.run(['apply', w.config, '-auto-approve', '-replace', 'vm.n[0]'], { env });
        expectDiagnostic(r, isRoot ? /read-only \(EROFS\)/ : /permission denied \(EACCES\)/, /DRCTL_STATE/);
        expect(r.stderr).toContain(isRoot ? mounted! : 'state/many.drstate.json');
        expect(isRoot ? fs.readFileSync(path.join(mounted!, 'many.drstate.json'), 'utf8') : w.read(STATE)).toBe(before);
      } finally {
        if (mounted) unmount(mounted);
        else fs.chmodSync(w.file('state'), 0o755);
      }
    },
  );
});

describe('a state path that is a directory', () => {
  it('is a diagnostic saying to name the file, for plan, apply and the state commands', async () => {
    const w = await applied();
    for (const args of [
      ['plan', w.config, '-state', 'state'],
      ['apply', w.config, '-auto-approve', '-state', 'state'],
      ['state', 'list', '-state', 'state'],
    ]) {
      const r = await w.run(args);
      expectDiagnostic(r, /Error: The state path state is a directory, not a state file\./, /-state state\/drctl\.drstate\.json/);
    }
  });
});

describe('a full disk', () => {
  it('fails the changes it cannot record and ends in a diagnostic, the state as its last write left it (injected ENOSPC)', async () => {
    const w = await applied();
    const before = w.read(STATE);
    // The disk fills up once the lock is taken (two writes under state/ since the workspace store
    // opens it): recording the change and the new state both fail.
    const r = await withFault(w, ['apply', w.config, '-auto-approve', '-replace', 'vm.n[0]'], {
      code: 'ENOSPC',
      ops: ['write'],
      match: `${path.sep}state${path.sep}`,
      after: 2,
    });
    expect(r.stderr).toMatch(/vm\.n\[0\]: Failed after \d+ms: ENOSPC: [^\n]*\(\S*state\/many\.drstate\.json\.journal\)/);
    expectDiagnostic(r, /Cannot write state\/many\.drstate\.json: no space left on the device \(ENOSPC\)\./, /Free space on the disk that holds state/);
    expect(w.read(STATE)).toBe(before);
    expect(fs.readdirSync(w.file('state')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Once there is room again, the next apply finishes the job.
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply after the disk has room');
    expect(expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0).stdout).toContain('No changes.');
  });

  it.skipIf(!canMount)('ends in a diagnostic on a tmpfs that is really full (needs root and mount)', async () => {
    const w = await applied();
    const disk = tmpfs('64k')!;
    try {
      fs.copyFileSync(w.file(STATE), path.join(disk, 'many.drstate.json'));
      // Fill what is left.
      try {
        fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(1024 * 1024));
      } catch {
        // ENOSPC: the disk is full, as wanted
      }
      const before = fs.readFileSync(path.join(disk, 'many.drstate.json'), 'utf8');
      const r = await w.run(['apply', w.config, '-auto-approve', '-replace', 'vm.n[0]'], { env: { DRCTL_STATE: path.join(disk, 'many.drstate.json') } });
      expectDiagnostic(r, /no space left on the device \(ENOSPC\)/, /Free space on the disk/);
      expect(fs.readFileSync(path.join(disk, 'many.drstate.json'), 'utf8')).toBe(before);
    } finally {
      unmount(disk);
    }
  });
});

describe('an unreadable state file', () => {
  it('is a diagnostic naming the file (injected EACCES)', async () => {
    const w = await applied();
    const r = await withFault(w, ['plan', w.config], { code: 'EACCES', ops: ['read'], match: 'many.drstate.json' });
    expectDiagnostic(r, /Cannot read state\/many\.drstate\.json: permission denied \(EACCES\)\./, /Let the user running drctl read state\/many\.drstate\.json/);
  });

  it.skipIf(isRoot)('is a diagnostic naming the file, for real (not as root, which reads anything)', async () => {
    const w = await applied();
    fs.chmodSync(w.file(STATE), 0o000);
    try {
      expectDiagnostic(
        await w.run(['plan', w.config]),
        /Cannot read state\/many\.drstate\.json: permission denied \(EACCES\)\./,
        /Let the user running drctl read/,
      );
    } finally {
      fs.chmodSync(w.file(STATE), 0o644);
    }
  });
});

describe('an API key IAM refuses', () => {
  it('is a diagnostic naming the variables to check', async () => {
    const w = workdir({ 'main.hcl': countedVmConfig(1) });
    dirs.push(w);
    const sim = await startSimulator(w.file('cloud'), { apiKey: 'the-right-key', workspaces: ['many-dal13=dal13', 'many-wdc04=wdc04'] });
    try {
      // An endpoint as a real one is used: one per region, each workspace's CRN made from the account.
      const { account } = JSON.parse(fs.readFileSync(w.file('cloud/sim.lock'), 'utf8')) as { account: string };
      const env = { DRCTL_POWERVS_ENDPOINT: `${sim.url}/{region}`, DRCTL_IAM_ENDPOINT: `${sim.url}/identity/token`, DRCTL_POWERVS_ACCOUNT: account };
      expectExit(await w.run(['apply', w.config, '-auto-approve'], { env: { ...env, IBMCLOUD_API_KEY: 'the-right-key' } }), 0, 'apply with the right key');
      const r = await w.run(['plan', w.config], { env: { ...env, IBMCLOUD_API_KEY: 'a-wrong-key' } });
      expectDiagnostic(r, /Error: The cloud refused drctl's credentials: .*IAM refused the API key/, /Check IBMCLOUD_API_KEY/);
      expect(r.stderr).not.toContain('a-wrong-key');
    } finally {
      await sim.stop();
    }
  });
});
