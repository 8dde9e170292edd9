// Every command's exit codes, as the README's one table documents them: this test reads the table
// ("## Exit codes" in README.md) and runs each command, as a process, in each situation a row
// names, against the embedded simulator in a temp copy of plans/. A row without a situation here,
// or a situation without its row, fails; so does a command the CLI has and the table lacks.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ROOT, cloneWorkdir, editFile as edit, expectExit, startSimulator, workdir, type RunResult, type SimProcess, type Workdir } from '../engine/harness.js';
import { need, tmux as tmuxOnPath } from '../requirements.js';

const STATE = 'state/erp.drstate.json';

interface Row {
  readonly command: string;
  readonly code: number;
  readonly when: string;
}

/** The rows of README.md's exit-code table: `| \`command\` | code | when |`. */
function readmeExitCodes(): Row[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Exit codes\n');
  expect(start, 'README.md has an "## Exit codes" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const rows: Row[] = [];
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\| `([a-z -]+)` \| (\d+) \| (.+) \|$/.exec(line);
    if (m) rows.push({ command: m[1], code: Number(m[2]), when: m[3] });
  }
  return rows;
}

const ROWS = readmeExitCodes();

/**
 * Commands of branches merged after this one, whose rows are still to be written (with their
 * situations below): the list should shrink to nothing. Any other command missing from the table fails.
 */
const NOT_YET_IN_TABLE: ReadonlySet<string> = new Set([]);

// --------------------------------------------------------------------------------- workdirs

const dirs: Workdir[] = [];
const sims: SimProcess[] = [];
const keep = (w: Workdir) => (dirs.push(w), w);

/** A temp dir holding a copy of plans/ as plans/: commands run with their defaults, as a user would. */
function plansDir(): Workdir {
  const w = keep(workdir({}));
  fs.cpSync(path.join(ROOT, 'plans'), w.file('plans'), { recursive: true });
  return w;
}

const breakConfig = (w: Workdir) => edit(w, 'plans/vms.hcl', (s) => s.replace('memory_gb    = 16', 'memory_gb    = "lots"'));

/** plans/, applied once; most situations start from a copy (config, state, the simulator's world). */
let template: Workdir;
const applied = () => keep(cloneWorkdir(template));

/** A standalone simulator on the workdir's world, for faults (drctl runs join it). */
async function simulatorOf(w: Workdir): Promise<SimProcess> {
  const sim = await startSimulator(w.file('.drctl/sim'));
  sims.push(sim);
  return sim;
}

/** Starts `args` with the default time scale (a boot takes a moment) and waits for the first completed change. */
async function startSlowApply(w: Workdir, args: readonly string[]) {
  const running = w.start(args, { env: { DRCTL_SIM_TIME_SCALE: '' } });
  const end = Date.now() + 60_000;
  while (!running.stdout().includes('"type":"resource.done"')) {
    if (running.child.exitCode !== null || Date.now() > end) throw new Error(`apply ended or took too long before a change completed:\n${running.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return running;
}

beforeAll(async () => {
  template = plansDir();
  expectExit(await template.run(['apply', '-auto-approve'], { timeoutMs: 120_000 }), 0, 'first apply');
}, 180_000);

afterAll(async () => {
  for (const s of sims) await s.stop();
  for (const w of dirs) w.remove();
});

// --------------------------------------------------------------------------------- the situations

/** An access policy in which alice is admin everywhere; bob is in no policy, so he is denied. */
const ALICE = { DRCTL_USER: 'alice' };
const BOB = { DRCTL_USER: 'bob' };
async function withPolicy(w: Workdir): Promise<Workdir> {
  expectExit(await w.run(['access', 'grant', 'alice', 'admin', '-workspace', '*'], { env: ALICE }), 0, 'access grant alice admin');
  return w;
}
const deniedTo = (r: RunResult, who: string, permission: string) => {
  expect(r.stderr).toContain(`Permission "${permission}" denied`);
  expect(r.stderr).toContain(`"${who}" is not a user of the access policy`);
  return r;
};

type Situation = (ctx: TestContext) => Promise<RunResult | number>;

const TMUX = tmuxOnPath();

const SITUATIONS: Record<string, Situation> = {
  'validate 0': async () => plansDir().run(['validate']),
  'validate 1': async () => {
    const w = plansDir();
    breakConfig(w);
    return w.run(['validate']);
  },
  'graph 0': async () => plansDir().run(['graph', '--format', 'text']),
  'graph 1': async () => {
    const w = plansDir();
    breakConfig(w);
    return w.run(['graph']);
  },
  'cost 0': async () => plansDir().run(['cost']),
  'cost 1': async () => {
    const w = plansDir();
    breakConfig(w);
    return w.run(['cost', '--json']);
  },
  'fmt 0': async () => plansDir().run(['fmt', '-check', 'plans']),
  'fmt 1': async () => {
    const w = plansDir();
    w.write('plans/broken.hcl', 'vm "x" {\n');
    return w.run(['fmt', 'plans']);
  },
  'fmt 3': async () => {
    const w = plansDir();
    w.write('plans/extra.hcl', 'locals {\nx=1\n}\n');
    return w.run(['fmt', '-check', 'plans']);
  },
  'plan 0': async () => {
    // Changes without -detailed-exitcode are not an error either.
    expectExit(await plansDir().run(['plan']), 0, 'plan with changes');
    return applied().run(['plan', '-detailed-exitcode']);
  },
  'plan 1': async () => {
    const w = applied();
    breakConfig(w);
    return w.run(['plan', '-detailed-exitcode']);
  },
  'plan 2': async () => plansDir().run(['plan', '-detailed-exitcode']),
  'apply 0': async () => applied().run(['apply', '-auto-approve']),
  'apply 1': async () => {
    const w = applied();
    // No -auto-approve and no terminal to ask on.
    expect((await w.run(['apply'])).code).toBe(1);
    // A saved plan made stale by another apply.
    expectExit(await w.run(['plan', '-out', 'plan.bin']), 0);
    edit(w, 'plans/vms.hcl', (s) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+= )16/, '$124'));
    expectExit(await w.run(['apply', '-auto-approve']), 0);
    const stale = await w.run(['apply', 'plan.bin']);
    expect(stale.stderr).toMatch(/plan\.bin is stale: it was made at state serial (\d+), and the state is now at serial (?!\1\b)\d+\./);
    return stale;
  },
  'apply 130': async () => {
    const running = await startSlowApply(plansDir(), ['apply', '-auto-approve', '-json']);
    running.child.kill('SIGINT');
    const r = await running.result;
    expect(r.stdout).toContain('"type":"apply.interrupted"');
    return r;
  },
  'show 0': async () => {
    const w = applied();
    expectExit(await w.run(['plan', '-out', 'plan.bin']), 0);
    return w.run(['show', 'plan.bin', '--markdown']);
  },
  'show 1': async () => applied().run(['show', 'missing.bin']),
  'state list 0': async () => applied().run(['state', 'list', 'vm.nothing-like-this']),
  'state list 1': async () => plansDir().run(['state', 'list']),
  'state show 0': async () => applied().run(['state', 'show', 'vm.db01']),
  'state show 1': async () => applied().run(['state', 'show', 'vm.db99']),
  'state pull 0': async () => applied().run(['state', 'pull']),
  'state pull 1': async () => plansDir().run(['state', 'pull']),
  'state rm 0': async () => applied().run(['state', 'rm', 'vm.web[7]']),
  'state rm 1': async () => applied().run(['state', 'rm', 'vm.web[70]']),
  'state mv 0': async () => applied().run(['state', 'mv', 'vm.ldap01', 'vm.directory01']),
  'state mv 1': async () => applied().run(['state', 'mv', 'vm.ldap01', 'vm.db01']),
  'state push 0': async () => {
    const w = applied();
    w.write('copy.json', w.read(STATE));
    return w.run(['state', 'push', 'copy.json']);
  },
  'state push 1': async () => {
    const w = applied();
    const doc = JSON.parse(w.read(STATE)) as { lineage: string };
    w.write('other.json', JSON.stringify({ ...doc, lineage: '00000000-0000-4000-8000-000000000000' }, null, 2));
    return w.run(['state', 'push', 'other.json']);
  },
  'state diff 0': async () => {
    const w = applied();
    w.write('copy.json', w.read(STATE));
    return w.run(['state', 'diff', 'copy.json', STATE]);
  },
  'state diff 1': async () => applied().run(['state', 'diff', 'nothing.json', 'nothing-either.json']),
  'state diff 2': async () => {
    const w = applied();
    w.write('copy.json', w.read(STATE));
    expectExit(await w.run(['state', 'rm', 'vm.web[7]']), 0);
    return w.run(['state', 'diff', 'copy.json', STATE]);
  },
  'force-unlock 0': async () => {
    // A run killed outright leaves its lock; force-unlock breaks it by id.
    const w = plansDir();
    const running = await startSlowApply(w, ['apply', '-auto-approve', '-json']);
    running.child.kill('SIGKILL');
    await running.result;
    const lock = JSON.parse(w.read(`${STATE}.lock`)) as { id: string };
    const r = await w.run(['force-unlock', lock.id, '-force']);
    expect(fs.existsSync(w.file(`${STATE}.lock`))).toBe(false);
    return r;
  },
  'force-unlock 1': async () => applied().run(['force-unlock', 'no-such-lock', '-force']),
  'verify 0': async () => applied().run(['verify']),
  'verify 1': async () => {
    const w = applied();
    // The replication link of one volume group is broken.
    const sim = await simulatorOf(w);
    const { volumeGroups } = await sim.call<{ volumeGroups: { name: string }[] }>('GET', '/pcloud/v1/cloud-instances/erp-prod-dal13/volume-groups');
    await sim.call('PUT', '/admin/faults', { linksBroken: [volumeGroups[0].name] });
    const r = await w.run(['verify']);
    expect(r.stdout).toMatch(/Not ready: \d+ check\(s\) failed\./);
    return r;
  },
  'failover 0': async () => applied().run(['failover', '--planned', '--auto-approve'], { timeoutMs: 120_000 }),
  'failover 1': async () => {
    const r = await applied().run(['failover', '--unplanned', '--auto-approve']);
    expect(r.stderr).toContain('An unplanned failover can lose data and needs --force');
    return r;
  },
  'failback 0': async () => {
    const w = applied();
    expectExit(await w.run(['failover', '--planned', '--auto-approve'], { timeoutMs: 120_000 }), 0, 'failover');
    return w.run(['failback', '--auto-approve'], { timeoutMs: 120_000 });
  },
  'failback 1': async () => {
    const w = applied();
    breakConfig(w);
    return w.run(['failback', '--auto-approve']);
  },
  'drill 0': async () => applied().run(['drill', '--auto-approve'], { timeoutMs: 120_000 }),
  'drill 1': async () => {
    const w = applied();
    const sim = await simulatorOf(w);
    await sim.call('PUT', '/admin/faults', { bootFail: ['drill-monthly-ldap01'] });
    const r = await w.run(['drill', '--auto-approve'], { timeoutMs: 120_000 });
    expect(r.stdout).toContain('Drill monthly failed');
    return r;
  },
  'cleanup 0': async () => applied().run(['cleanup']),
  'cleanup 1': async () => {
    const w = applied();
    breakConfig(w);
    return w.run(['cleanup']);
  },
  'console 0': async (ctx) => {
    need(ctx, TMUX);
    const w = applied();
    const socket = `drctl-exit-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const cmd = `env -u CI -u FORCE_COLOR NO_COLOR=1 DRCTL_SIM_TIME_SCALE=0 DRCTL_CONSOLE_REFRESH=0 ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/drctl.js'))} console; echo "exit=$?"; sleep 30`;
    try {
      expect(tmux('new-session', '-d', '-s', 'exit', '-x', '100', '-y', '40', '-c', w.dir, cmd).status).toBe(0);
      const screen = () => tmux('capture-pane', '-p', '-t', 'exit').stdout;
      const waitFor = async (pattern: RegExp) => {
        const end = Date.now() + 60_000;
        while (!pattern.test(screen())) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}:\n${screen()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        return screen();
      };
      await waitFor(/drctl console · plans/);
      tmux('send-keys', '-t', 'exit', 'q');
      return Number(/exit=(\d+)/.exec(await waitFor(/exit=\d+/))![1]);
    } finally {
      tmux('kill-server');
    }
  },
  'console 1': async () => applied().run(['console']),
  'sim serve 0': async () => {
    const w = plansDir();
    const running = w.start(['sim', 'serve', '--data-dir', 'sim', '--time-scale', '0']);
    const end = Date.now() + 30_000;
    while (!running.stdout().includes('listening on')) {
      if (running.child.exitCode !== null || Date.now() > end) throw new Error(`sim serve did not start:\n${running.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    running.child.kill('SIGTERM');
    return running.result;
  },
  'sim serve 1': async () => {
    const w = applied();
    await simulatorOf(w);
    const r = await w.run(['sim', 'serve', '--data-dir', '.drctl/sim']);
    expect(r.stderr).toContain('Stop that simulator first');
    return r;
  },
  'sim status 0': async () => applied().run(['sim', 'status']),
  'sim status 1': async () => {
    const r = await plansDir().run(['sim', 'status']);
    expect(r.stderr).toContain('No simulated world in');
    return r;
  },
  'version 0': async () => plansDir().run(['version']),
  'version 1': async () => plansDir().run(['version', '--no-such-flag']),
  'output 0': async () => applied().run(['output']),
  'output 1': async () => {
    const r = await applied().run(['output', 'no_such_output']);
    expect(r.stderr).toContain('Output "no_such_output" not found in the state.');
    return r;
  },
  'destroy 0': async () => applied().run(['destroy', '-auto-approve'], { timeoutMs: 120_000 }),
  'destroy 1': async () => {
    const r = await applied().run(['destroy']);
    expect(r.stderr).toContain('there is no terminal to ask on');
    return r;
  },
  'import 0': async () => {
    // A VM the state forgot (state rm leaves it in the cloud) is taken back by its id.
    const w = applied();
    const { resource } = JSON.parse(expectExit(await w.run(['state', 'show', 'vm.web[7]', '--json']), 0).stdout) as { resource: { id: string } };
    expectExit(await w.run(['state', 'rm', 'vm.web[7]']), 0, 'state rm');
    const r = await w.run(['import', 'vm.web[7]', resource.id]);
    expect(expectExit(await w.run(['state', 'list', '-id', resource.id]), 0).stdout).toBe('vm.web[7]\n');
    return r;
  },
  'import 1': async () => {
    const r = await applied().run(['import', 'vm.nope', '00000000-0000-4000-8000-000000000000']);
    expect(r.stderr).toContain('The configuration has no resource vm.nope to import into.');
    return r;
  },
  'state history 0': async () => applied().run(['state', 'history']),
  'state history 1': async () => deniedTo(await (await withPolicy(applied())).run(['state', 'history'], { env: BOB }), 'bob', 'state-read'),
  'workspace list 0': async () => applied().run(['workspace', 'list']),
  'workspace list 1': async () => {
    const r = await applied().run(['workspace', 'list'], { env: { DRCTL_WORKSPACE: 'not a name' } });
    expect(r.stderr).toContain('which is not a valid workspace name');
    return r;
  },
  'workspace show 0': async () => applied().run(['workspace', 'show']),
  'workspace show 1': async () => applied().run(['workspace', 'show'], { env: { DRCTL_WORKSPACE: 'not a name' } }),
  'workspace new 0': async () => applied().run(['workspace', 'new', 'staging']),
  'workspace new 1': async () => {
    const r = await applied().run(['workspace', 'new', 'default']);
    expect(r.stderr).toContain('Workspace "default" already exists');
    return r;
  },
  'workspace select 0': async () => {
    const w = applied();
    expectExit(await w.run(['workspace', 'new', 'staging']), 0, 'workspace new');
    return w.run(['workspace', 'select', 'default']);
  },
  'workspace select 1': async () => applied().run(['workspace', 'select', 'nope']),
  'workspace delete 0': async () => {
    const w = applied();
    expectExit(await w.run(['workspace', 'new', 'staging']), 0, 'workspace new');
    expectExit(await w.run(['workspace', 'select', 'default']), 0, 'workspace select');
    const r = await w.run(['workspace', 'delete', 'staging']);
    expect(expectExit(await w.run(['workspace', 'list']), 0).stdout).toBe('* default\n');
    return r;
  },
  'workspace delete 1': async () => {
    const r = await applied().run(['workspace', 'delete', 'default']);
    expect(r.stderr).toContain('The default workspace cannot be deleted.');
    return r;
  },
  'audit verify 0': async () => applied().run(['audit', 'verify']),
  'audit verify 1': async () => {
    const w = applied();
    edit(w, 'state/drctl.audit.jsonl', (s) => s.replace('"outcome":"ok"', '"outcome":"failed"'));
    const r = await w.run(['audit', 'verify']);
    expect(r.stderr).toContain('has been tampered with (edited)');
    return r;
  },
  'audit list 0': async () => applied().run(['audit', 'list']),
  'audit list 1': async () => deniedTo(await (await withPolicy(applied())).run(['audit', 'list'], { env: BOB }), 'bob', 'audit-read'),
  'access show 0': async () => (await withPolicy(applied())).run(['access', 'show'], { env: ALICE }),
  'access show 1': async () => {
    const r = await applied().run(['access', 'show', '--json']);
    expect(r.stderr).toContain('No access policy is stored');
    return r;
  },
  'access grant 0': async () => (await withPolicy(applied())).run(['access', 'grant', 'bob', 'monitor'], { env: ALICE }),
  'access grant 1': async () => {
    const r = await (await withPolicy(applied())).run(['access', 'grant', 'bob', 'superuser'], { env: ALICE });
    expect(r.stderr).toContain('There is no role "superuser".');
    return r;
  },
  'access revoke 0': async () => {
    const w = await withPolicy(applied());
    expectExit(await w.run(['access', 'grant', 'bob', 'monitor'], { env: ALICE }), 0, 'access grant');
    return w.run(['access', 'revoke', 'bob', 'monitor'], { env: ALICE });
  },
  'access revoke 1': async () => (await withPolicy(applied())).run(['access', 'revoke', 'bob', 'monitor'], { env: ALICE }),
  'access push 0': async () => {
    const w = await withPolicy(applied());
    w.write('policy.json', expectExit(await w.run(['access', 'show', '--json'], { env: ALICE }), 0).stdout);
    return w.run(['access', 'push', 'policy.json'], { env: ALICE });
  },
  'access push 1': async () => {
    const w = await withPolicy(applied());
    w.write('policy.json', '{"version": 2}');
    const r = await w.run(['access', 'push', 'policy.json'], { env: ALICE });
    expect(r.stderr).toContain('The access policy is not valid at version');
    return r;
  },
  'access token 0': async () => {
    const w = await withPolicy(applied());
    const r = await w.run(['access', 'token', 'alice'], { env: ALICE });
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]{20,}\n$/);
    return r;
  },
  'access token 1': async () => deniedTo(await (await withPolicy(applied())).run(['access', 'token', 'bob'], { env: BOB }), 'bob', 'policy-write'),
};

// --------------------------------------------------------------------------------- the checks

/** The commands the built CLI has, from oclif's manifest (topics spelled with a space, as in the README). */
function cliCommands(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
  return Object.keys(manifest.commands).map((id) => id.replace(/:/g, ' '));
}

describe("README's exit-code table", () => {
  it('has a row for 0 and for an error of every command the CLI has, and every row has its situation here', () => {
    expect(ROWS.length).toBeGreaterThan(40);
    const documented = new Set(ROWS.map((r) => r.command));
    const undocumented = cliCommands().filter((c) => !documented.has(c) && !NOT_YET_IN_TABLE.has(c));
    expect(undocumented, 'commands missing from the README exit-code table').toEqual([]);
    for (const c of documented) {
      expect(
        ROWS.some((r) => r.command === c && r.code === 0),
        `${c} documents exit 0`,
      ).toBe(true);
      expect(
        ROWS.some((r) => r.command === c && r.code !== 0),
        `${c} documents an error code`,
      ).toBe(true);
    }
    const keys = ROWS.map((r) => `${r.command} ${r.code}`);
    expect(new Set(keys).size, 'each command and code appears once').toBe(keys.length);
    expect(
      keys.filter((k) => !(k in SITUATIONS)),
      'rows without a situation in this test',
    ).toEqual([]);
    expect(
      Object.keys(SITUATIONS).filter((k) => !keys.includes(k)),
      'situations without a README row',
    ).toEqual([]);
  });

  it.for(ROWS)('$command: exit $code', { timeout: 240_000 }, async (row, ctx) => {
    const key = `${row.command} ${row.code}`;
    const situation = SITUATIONS[key];
    expect(situation, `a situation for "${key}"`).toBeDefined();
    const r = await situation(ctx);
    const code = typeof r === 'number' ? r : r.code;
    if (code !== row.code && typeof r !== 'number') expectExit(r, row.code, `drctl ${row.command} (${row.when})`);
    expect(code, `drctl ${row.command}: ${row.when}`).toBe(row.code);
  });

  it('a usage error (an unknown flag) is exit 1 for every command in the table', async () => {
    const w = plansDir();
    for (const command of new Set(ROWS.map((r) => r.command))) {
      const r = await w.run([...command.split(' '), '--no-such-flag']);
      expect(r.code, `drctl ${command} --no-such-flag: ${r.stderr}`).toBe(1);
    }
  }, 300_000);
});
