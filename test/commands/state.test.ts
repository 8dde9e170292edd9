// `drctl state list|show|rm|mv|pull|push` and `drctl force-unlock`, run as real processes in temp
// directories. State files are made with src/state's API (and once by a real apply against the
// embedded simulator); a second process holds the lock for the contention tests.
// The CLI is bin/drctl.js over dist/ (npm test builds it); DRCTL_CLI points at another build.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileBackend, openState, parseState, serializeState, type DrState, type ResourceChange } from '../../src/state/index.js';
import { addressMatches, pullState, pushState, renderResourceText } from '../../src/state/commands.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = process.env.DRCTL_CLI ?? join(ROOT, 'bin/drctl.js');
const STATE_MODULE = join(dirname(CLI), '../dist/state/index.js');
const FIXTURE = join(ROOT, 'fixtures/state-cmd');
/** Where fixtures/state-cmd's drctl block puts the state, relative to the working directory. */
const STATE_REL = 'state/cmd.drstate.json';
const SECRET = 'hunter2-admin-password';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function drctl(cwd: string, args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (!opts.env?.DRCTL_STATE) delete env.DRCTL_STATE;
  delete env.DRCTL_ENDPOINT;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  if (!existsSync(STATE_MODULE)) throw new Error(`${STATE_MODULE} is missing: build first (npx tsc -p tsconfig.build.json)`);
});

/** A temp working directory with the fixture configuration in plans/. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drctl-statecmd-'));
  dirs.push(dir);
  cpSync(FIXTURE, join(dir, 'plans'), { recursive: true });
  return dir;
}

const RESOURCES: ResourceChange[] = [
  { address: 'site.home', type: 'site', name: 'home', id: 'site.home', attributes: { location: 'dal13', role: 'active' } },
  { address: 'network.app', type: 'network', name: 'app', id: 'net-1', attributes: { type: 'private' }, dependencies: ['site.home'] },
  {
    address: 'vm.db01',
    type: 'vm',
    name: 'db01',
    id: 'pvm-db01',
    attributes: { machine_type: 's922', memory_gb: 16, networks: ['network.app'], admin_password: SECRET, cloud: { status: 'ACTIVE' } },
    dependencies: ['network.app', 'site.home'],
    sensitiveAttributes: ['admin_password'],
  },
  { address: 'vm.app[0]', type: 'vm', name: 'app[0]', id: 'pvm-app0', attributes: { memory_gb: 8 }, dependencies: ['site.home'] },
  { address: 'vm.app[1]', type: 'vm', name: 'app[1]', id: 'pvm-app1', attributes: { memory_gb: 8 }, dependencies: ['site.home'] },
  { address: 'vm.application', type: 'vm', name: 'application', id: 'pvm-application', attributes: { memory_gb: 4 }, dependencies: ['vm.db01'] },
];

/** Writes a state (serial 1, lineage "lineage-a" unless told) through the real session API. */
async function makeState(file: string, resources = RESOURCES, lineage = 'lineage-a'): Promise<void> {
  const session = await openState(new LocalFileBackend(file), { drctlVersion: '0.1.0', lock: false, newLineage: () => lineage });
  for (const r of resources) await session.upsert(r);
  await session.setLifecycle('vm.db01', { value: 'running' });
  await session.commit();
  await session.close();
}

function readStateFile(file: string): DrState {
  const parsed = parseState(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw parsed.error;
  return parsed.state;
}

/** A second process that takes the state lock and holds it until its stdin closes (or `releaseAfterMs`). */
async function holdLock(
  cwd: string,
  file: string,
  operation: string,
  releaseAfterMs = 0,
): Promise<{ child: ChildProcess; lock: { id: string; pid: number; holder: string } }> {
  const script = join(cwd, 'hold-lock.mjs');
  writeFileSync(
    script,
    `import { pathToFileURL } from 'node:url';
const [mod, file, operation, after] = process.argv.slice(2);
const { LocalFileBackend } = await import(pathToFileURL(mod).href);
const backend = new LocalFileBackend(file);
const grant = await backend.lock({ operation });
process.stdout.write(JSON.stringify(grant.lock) + '\\n');
const release = async () => { await backend.unlock(grant.lock.id).catch(() => {}); process.exit(0); };
if (Number(after) > 0) setTimeout(release, Number(after));
setTimeout(release, 30000);
process.stdin.on('end', release);
process.stdin.resume();
`,
  );
  const child = spawn(process.execPath, [script, STATE_MODULE, file, operation, String(releaseAfterMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('lock holder did not start')), 15_000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      res(l);
    });
  });
  return { child, lock: JSON.parse(line) };
}

describe('state list', () => {
  it('prints every address, sorted, one per line, finding the state through the drctl block of plans/', async () => {
    // Given a state written through the state API (in non-sorted order)
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL), [...RESOURCES].reverse());
    // When
    const r = await drctl(cwd, ['state', 'list']);
    // Then
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('network.app\nsite.home\nvm.app[0]\nvm.app[1]\nvm.application\nvm.db01\n');
  });

  it('selects by exact address, by resource (all instances, not vm.application) and by type', async () => {
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL));
    expect((await drctl(cwd, ['state', 'list', 'vm.app'])).stdout).toBe('vm.app[0]\nvm.app[1]\n');
    expect((await drctl(cwd, ['state', 'list', 'site', 'vm.app[1]'])).stdout).toBe('site.home\nvm.app[1]\n');
    expect((await drctl(cwd, ['state', 'list', '-id', 'pvm-db01'])).stdout).toBe('vm.db01\n');
    const none = await drctl(cwd, ['state', 'list', 'vm.ap']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Did you mean "vm.app"?');
  });

  it('fails with a clear error when there is no state file, in every command that needs one, creating no state (the failed changes are audited)', async () => {
    const cwd = workdir();
    for (const args of [['list'], ['show', 'vm.db01'], ['pull'], ['rm', 'vm.db01'], ['mv', 'vm.a', 'vm.b']]) {
      const r = await drctl(cwd, ['state', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`No state file at ${join(cwd, STATE_REL)}; run drctl apply first`);
    }
    // Only the audit log, with the two attempted changes recorded as failed.
    expect(readdirSync(join(cwd, 'state'))).toEqual(['drctl.audit.jsonl']);
    const records = readFileSync(join(cwd, 'state', 'drctl.audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.action, r.outcome])).toEqual([
      ['state rm', 'failed'],
      ['state mv', 'failed'],
    ]);
  });

  it('takes the state path from -state over DRCTL_STATE over the drctl block, and from -dir', async () => {
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL), RESOURCES.slice(0, 1));
    await makeState(join(cwd, 'env.json'), RESOURCES.slice(1, 2));
    await makeState(join(cwd, 'flag.json'), RESOURCES.slice(2, 3));
    mkdirSync(join(cwd, 'other'));
    writeFileSync(join(cwd, 'other/main.hcl'), 'drctl {\n  backend "local" { path = "elsewhere/x.json" }\n}\n');
    await makeState(join(cwd, 'elsewhere/x.json'), RESOURCES.slice(3, 4));
    expect((await drctl(cwd, ['state', 'list'])).stdout).toBe('site.home\n');
    expect((await drctl(cwd, ['state', 'list'], { env: { DRCTL_STATE: 'env.json' } })).stdout).toBe('network.app\n');
    expect((await drctl(cwd, ['state', 'list', '-state', 'flag.json'], { env: { DRCTL_STATE: 'env.json' } })).stdout).toBe('vm.db01\n');
    expect((await drctl(cwd, ['state', 'list', '-dir', 'other'])).stdout).toBe('vm.app[0]\n');
  });

  it('reads a backend path built from variables through the whole configuration, and refuses a configuration that does not parse', async () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'vars'));
    writeFileSync(join(cwd, 'vars/main.hcl'), 'variable "env" {\n  default = "prod"\n}\n\ndrctl {\n  backend "local" { path = "state/${var.env}.json" }\n}\n');
    await makeState(join(cwd, 'state/prod.json'), RESOURCES.slice(0, 1));
    expect((await drctl(cwd, ['state', 'list', '-dir', 'vars'])).stdout).toBe('site.home\n');
    expect((await drctl(cwd, ['state', 'list', '-dir', 'vars'], { env: { DRCTL_VAR_env: 'test' } })).stderr).toContain(
      `No state file at ${join(cwd, 'state/test.json')}`,
    );

    writeFileSync(join(cwd, 'plans/broken.hcl'), 'vm "x" {\n  site = \n');
    await makeState(join(cwd, STATE_REL));
    const broken = await drctl(cwd, ['state', 'list']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('plans/broken.hcl');
    expect(broken.stderr).toContain('does not parse');
    expect((await drctl(cwd, ['state', 'list', '-state', STATE_REL])).code).toBe(0);
  });

  it('lists what a real apply against the embedded simulator recorded; after state rm the next plan creates it again', async () => {
    // Given the fixture applied for real
    const cwd = workdir();
    const env = { DRCTL_SIM_TIME_SCALE: '0' };
    const applied = await drctl(cwd, ['apply', '-auto-approve'], { env });
    expect(applied.code, applied.stderr).toBe(0);
    // Then state list shows what apply wrote, from the same state file
    const list = await drctl(cwd, ['state', 'list']);
    expect(list.stdout).toBe('network.app\nsite.dr\nsite.home\nvm.app[0]\nvm.app[1]\nvm.db01\n');
    expect((await drctl(cwd, ['plan', '-detailed-exitcode'], { env })).code).toBe(0);
    // When vm.db01 is forgotten, drctl no longer knows it exists: the plan wants to create it
    expect((await drctl(cwd, ['state', 'rm', 'vm.db01'])).code).toBe(0);
    const plan = await drctl(cwd, ['plan', '-detailed-exitcode'], { env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('vm.db01 will be created');
    expect(plan.stdout).toContain('1 to add, 0 to change, 0 to destroy');
  });
});

describe('state show', () => {
  it("prints the resource as Terraform's state show does, with the secret hidden", async () => {
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL));
    const r = await drctl(cwd, ['state', 'show', 'vm.db01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '# vm.db01:',
        'vm "db01" {',
        '    id             = "pvm-db01"',
        '    admin_password = (sensitive value)',
        '    cloud          = {',
        '        "status" = "ACTIVE"',
        '    }',
        '    machine_type   = "s922"',
        '    memory_gb      = 16',
        '    networks       = [',
        '        "network.app",',
        '    ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(cwd, STATE_REL), 'utf8')).not.toContain(SECRET);
  });

  it('names a counted instance by its resource label, and escapes template sequences in strings', () => {
    const text = renderResourceText({
      address: 'vm.app[1]',
      type: 'vm',
      name: 'app[1]',
      id: 'x',
      attributes: { note: 'cost ${x} %{y}', 'odd key': true, empty: {}, list: [] },
      dependencies: [],
      sensitiveAttributes: [],
    });
    expect(text).toBe(
      '# vm.app[1]:\nvm "app" {\n    id        = "x"\n    empty     = {}\n    list      = []\n    note      = "cost $${x} %%{y}"\n    "odd key" = true\n}\n',
    );
  });

  it('fails for an unknown address with a suggestion, and for a counted resource with its instances', async () => {
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL));
    const typo = await drctl(cwd, ['state', 'show', 'vm.db1']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('No resource vm.db1 in the state. Did you mean "vm.db01"?');
    const counted = await drctl(cwd, ['state', 'show', 'vm.app']);
    expect(counted.code).toBe(1);
    expect(counted.stderr).toContain('vm.app has 2 instances');
    expect(counted.stderr).toContain('vm.app[0], vm.app[1]');
  });
});

describe('state rm', () => {
  it('forgets the resource and its lifecycle under one new serial, keeping the previous file as .backup', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const before = readFileSync(file, 'utf8');
    const r = await drctl(cwd, ['state', 'rm', 'vm.db01', 'vm.app']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Removed vm.app[0]\nRemoved vm.app[1]\nRemoved vm.db01\nSuccessfully removed 3 resource instance(s).\n');
    const after = readStateFile(file);
    expect(after.serial).toBe(2);
    expect(after.lineage).toBe('lineage-a');
    expect(after.resources.map((x) => x.address)).toEqual(['network.app', 'site.home', 'vm.application']);
    expect(after.lifecycles).toEqual({});
    expect(readFileSync(`${file}.backup`, 'utf8')).toBe(before);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.journal`)).toBe(false);
  });

  it('-dry-run says what it would remove and changes nothing', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const before = readFileSync(file, 'utf8');
    const r = await drctl(cwd, ['state', 'rm', '-dry-run', 'vm.app']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Would remove vm.app[0]\nWould remove vm.app[1]\n');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('removes nothing when any address is not in the state', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const before = readFileSync(file, 'utf8');
    const r = await drctl(cwd, ['state', 'rm', 'vm.db01', 'vm.web']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No resource vm.web in the state');
    expect(r.stderr).toContain('Nothing was changed');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('fails naming the holder while another process holds the lock, and waits for it with -lock-timeout', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const before = readFileSync(file, 'utf8');
    // Given a live process that holds the lock for "apply"
    const { child, lock } = await holdLock(cwd, file, 'apply');
    // When state rm runs, it fails at once, naming that run, and changes nothing
    const blocked = await drctl(cwd, ['state', 'rm', 'vm.db01']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`locked by ${lock.holder} (pid ${child.pid} on`);
    expect(blocked.stderr).toContain('for "apply"');
    expect(blocked.stderr).toContain(`drctl force-unlock ${lock.id}`);
    expect(blocked.stderr).not.toContain('internal error');
    expect(readFileSync(file, 'utf8')).toBe(before);
    child.stdin!.end();
    await new Promise((res) => child.once('exit', res));

    // And a holder that lets go after 400 ms is waited for
    const { child: second } = await holdLock(cwd, file, 'drill', 400);
    const waited = await drctl(cwd, ['state', 'rm', '-lock-timeout', '20s', 'vm.db01']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(second.exitCode ?? (await new Promise((res) => second.once('exit', res)))).toBe(0);
    expect(readStateFile(file).resources.some((r) => r.address === 'vm.db01')).toBe(false);
  });
});

describe('state mv', () => {
  it('renames one resource, its name, its lifecycle, and the dependencies that point at it', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const r = await drctl(cwd, ['state', 'mv', 'vm.db01', 'vm.db02']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Move "vm.db01" to "vm.db02"\nSuccessfully moved 1 object(s).\n');
    const s = readStateFile(file);
    expect(s.serial).toBe(2);
    const moved = s.resources.find((x) => x.address === 'vm.db02')!;
    expect(moved).toMatchObject({ name: 'db02', id: 'pvm-db01', sensitiveAttributes: ['admin_password'] });
    expect(s.resources.some((x) => x.address === 'vm.db01')).toBe(false);
    expect(s.resources.find((x) => x.address === 'vm.application')!.dependencies).toEqual(['vm.db02']);
    expect(s.lifecycles).toEqual({ 'vm.db02': { value: 'running' } });
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
  });

  it('moves every instance of a counted resource, keeping the keys', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const r = await drctl(cwd, ['state', 'mv', 'vm.app', 'vm.web']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Successfully moved 2 object(s).');
    const s = readStateFile(file);
    expect(s.resources.map((x) => `${x.address}=${x.id}`)).toEqual([
      'network.app=net-1',
      'site.home=site.home',
      'vm.application=pvm-application',
      'vm.db01=pvm-db01',
      'vm.web[0]=pvm-app0',
      'vm.web[1]=pvm-app1',
    ]);
    expect(s.resources.find((x) => x.address === 'vm.web[1]')!.name).toBe('web[1]');
  });

  it('refuses an existing destination, another type, and a missing source, changing nothing', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const before = readFileSync(file, 'utf8');
    const exists = await drctl(cwd, ['state', 'mv', 'vm.db01', 'vm.application']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('the state already holds vm.application');
    const type = await drctl(cwd, ['state', 'mv', 'vm.db01', 'site.db01']);
    expect(type.code).toBe(1);
    expect(type.stderr).toContain('a vm cannot become a site');
    const missing = await drctl(cwd, ['state', 'mv', 'vm.db1', 'vm.db02']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Did you mean "vm.db01"?');
    const clash = await drctl(cwd, ['state', 'mv', 'vm.db01', 'vm.app']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('cannot be both one resource and counted instances');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('state pull and push', () => {
  it('pull prints the state file byte for byte', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const r = await drctl(cwd, ['state', 'pull']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('push refuses another lineage, a lower serial, and the same serial with other content, unless -force', async () => {
    // Given a state at serial 2
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    expect((await drctl(cwd, ['state', 'rm', 'vm.application'])).code).toBe(0);
    const current = readStateFile(file);
    expect(current.serial).toBe(2);
    const before = readFileSync(file, 'utf8');
    const write = (name: string, s: DrState) => writeFileSync(join(cwd, name), serializeState(s));
    write('other-lineage.json', { ...current, lineage: 'lineage-b', serial: 9 });
    write('older.json', { ...current, serial: 1, resources: current.resources.slice(1) });
    write('same-serial.json', { ...current, resources: current.resources.slice(1) });

    const lineage = await drctl(cwd, ['state', 'push', 'other-lineage.json']);
    expect(lineage.code).toBe(1);
    expect(lineage.stderr).toContain('its lineage lineage-b differs from the lineage lineage-a');
    const older = await drctl(cwd, ['state', 'push', 'older.json']);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('its serial 1 is lower than the serial 2');
    const same = await drctl(cwd, ['state', 'push', 'same-serial.json']);
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('same serial 2');
    expect(readFileSync(file, 'utf8')).toBe(before);

    // With -force the older state goes in, with the next serial so a plan made against serial 2 is refused
    const forced = await drctl(cwd, ['state', 'push', '-force', 'older.json']);
    expect(forced.code, forced.stderr).toBe(0);
    const after = readStateFile(file);
    expect(after.serial).toBe(3);
    expect(after.resources.map((x) => x.address)).toEqual(current.resources.slice(1).map((x) => x.address));
    expect(readFileSync(`${file}.backup`, 'utf8')).toBe(before);

    const other = await drctl(cwd, ['state', 'push', '-force', 'other-lineage.json']);
    expect(other.code, other.stderr).toBe(0);
    expect(readStateFile(file)).toMatchObject({ lineage: 'lineage-b', serial: 9 });
  });

  it('push accepts a newer serial from stdin and keeps it; a bad file is refused with its position', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const pulled = (await drctl(cwd, ['state', 'pull'])).stdout;
    const edited = serializeState({ ...parseOk(pulled), serial: 5, resources: parseOk(pulled).resources.filter((r) => r.type !== 'vm') });
    const r = await drctl(cwd, ['state', 'push', '-'], { input: edited });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(edited);
    const bad = await drctl(cwd, ['state', 'push', '-'], { input: '{"version": 1,\n  "serial": }' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Cannot push stdin (line 2, column 13)');
    expect(readFileSync(file, 'utf8')).toBe(edited);
  });
});

describe('pull and push over an interrupted run (services, in process)', () => {
  it('pull includes journaled changes as the next serial, and pushing that back compacts the journal', async () => {
    // Given a state at serial 1 and a run that journaled a change and died before its commit
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const crashed = await openState(new LocalFileBackend(file), { drctlVersion: '0.1.0', lock: false });
    await crashed.remove('vm.application');
    await crashed.flush();
    await crashed.close(); // closes files without committing, as a killed process would leave them
    expect(existsSync(`${file}.journal`)).toBe(true);
    // When pulled, the change is there, as serial 2
    const pulled = await pullState(new LocalFileBackend(file));
    const state = parseOk(pulled.text);
    expect(state.serial).toBe(2);
    expect(state.resources.map((r) => r.address)).not.toContain('vm.application');
    expect(pulled.warnings.join(' ')).toContain('journal');
    // And pushing it back writes exactly that and clears the journal
    const pushed = await pushState(new LocalFileBackend(file), pulled.text, 'pulled.json');
    expect(pushed).toMatchObject({ written: true, serial: 2 });
    expect(readFileSync(file, 'utf8')).toBe(pulled.text);
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

function parseOk(text: string): DrState {
  const p = parseState(text, 'stdout');
  if (!p.ok) throw p.error;
  return p.state;
}

describe('force-unlock', () => {
  it('refuses a wrong id naming the current lock, asks for -force without a terminal, and breaks the right one', async () => {
    const cwd = workdir();
    const file = join(cwd, STATE_REL);
    await makeState(file);
    const { child, lock } = await holdLock(cwd, file, 'failover');

    const wrong = await drctl(cwd, ['force-unlock', '-force', 'not-the-id']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`it is lock ${lock.id}, held by ${lock.holder} (pid ${child.pid}`);
    expect(wrong.stderr).toContain('"failover"');
    expect(existsSync(`${file}.lock`)).toBe(true);

    const unconfirmed = await drctl(cwd, ['force-unlock', lock.id]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('pass -force');
    expect(existsSync(`${file}.lock`)).toBe(true);

    const right = await drctl(cwd, ['force-unlock', '-force', lock.id]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('successfully unlocked');
    expect(existsSync(`${file}.lock`)).toBe(false);
    // The state is usable again while the old holder still runs
    expect((await drctl(cwd, ['state', 'rm', 'vm.application'])).code).toBe(0);
  });

  it('says so when no lock is held', async () => {
    const cwd = workdir();
    await makeState(join(cwd, STATE_REL));
    const r = await drctl(cwd, ['force-unlock', '-force', 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No lock is held on');
  });
});

describe('address patterns', () => {
  it('match an address, a resource with its instances, or a type, and nothing by prefix alone', () => {
    expect(addressMatches('vm.app[0]', 'vm.app')).toBe(true);
    expect(addressMatches('vm.app[0]', 'vm')).toBe(true);
    expect(addressMatches('vm.app[0]', 'vm.app[0]')).toBe(true);
    expect(addressMatches('vm.application', 'vm.app')).toBe(false);
    expect(addressMatches('vmx.a', 'vm')).toBe(false);
    expect(addressMatches('vm.app[1]', 'vm.app[0]')).toBe(false);
  });
});
