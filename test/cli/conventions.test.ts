// The command-line habits people bring from Terraform, each pinned on the built CLI in a real
// temp directory: version, help COMMAND, did-you-mean, destroy, a closed pipe, errors in the
// diagnostics' frame, missing plan files, show, output, -target, the plan lock, the time scale.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, baseEnv, countedVmConfig, expectExit, workdir, type Workdir } from '../engine/harness.js';

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

function small(count = 2, extra = ''): Workdir {
  const w = workdir({ 'main.hcl': countedVmConfig(count) + extra });
  dirs.push(w);
  return w;
}

const OUTPUTS = `
output "first_vm" {
  value = vm.n[0].address
}

output "secret" {
  value     = "hunter2"
  sensitive = true
}
`;

describe('drctl version', () => {
  it('prints the version for `version`, `-version` and `-v`, the same way', async () => {
    const w = small();
    const a = expectExit(await w.run(['version']), 0);
    expect(a.stdout).toMatch(/^drctl v\d+\.\d+\.\d+\non \w+_\w+ \(Node\.js v\d+/);
    for (const spelling of ['-version', '--version', '-v']) expect(expectExit(await w.run([spelling]), 0).stdout).toBe(a.stdout);
  });
  it('prints JSON with -json', async () => {
    const w = small();
    const j = JSON.parse(expectExit(await w.run(['version', '-json']), 0).stdout) as Record<string, string>;
    expect(j.drctl_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(j.platform).toBe(`${process.platform}_${process.arch}`);
  });
});

describe('drctl help COMMAND', () => {
  it("shows a command's help, for a topic's command too", async () => {
    const w = small();
    const plan = expectExit(await w.run(['help', 'plan']), 0);
    expect(plan.stdout).toContain('USAGE');
    expect(plan.stdout).toContain('$ drctl plan');
    expect(plan.stdout).toContain('-detailed-exitcode');
    const list = expectExit(await w.run(['help', 'state', 'list']), 0);
    expect(list.stdout).toContain('$ drctl state list');
  });
  it('answers help for an unknown command with a did-you-mean', async () => {
    const r = expectExit(await small().run(['help', 'aply']), 1);
    expect(r.stderr).toContain('drctl has no command named "aply".');
    expect(r.stderr).toContain('Did you mean "drctl apply"?');
  });
});

describe('a mistyped command or flag', () => {
  it('gets a did-you-mean for a command', async () => {
    const r = expectExit(await small().run(['aply']), 1);
    expect(r.stderr).toMatch(/^Error: drctl has no command named "aply"\.\n\n {2}Did you mean "drctl apply"\?/);
    expect(r.stderr).not.toContain('command aply not found');
  });
  it("gets a did-you-mean for a topic's command", async () => {
    const r = expectExit(await small().run(['state', 'lst']), 1);
    expect(r.stderr).toContain('drctl state has no command named "lst".');
    expect(r.stderr).toContain('Did you mean "drctl state list"?');
  });
  it('gets a did-you-mean for a flag, in the single-dash spelling', async () => {
    const w = small();
    const r = expectExit(await w.run(['plan', w.config, '-paralelism', '3']), 1);
    expect(r.stderr).toContain('drctl plan has no flag -paralelism.');
    expect(r.stderr).toContain('Did you mean -parallelism');
    expect(r.stderr).not.toContain('Nonexistent flag');
  });
});

describe('flag and state errors in the diagnostics frame', () => {
  it('says what is wrong with a flag value, without oclif\'s "Parsing --" text', async () => {
    const w = small();
    const r = expectExit(await w.run(['plan', w.config, '-parallelism', 'x']), 1);
    expect(r.stderr).toBe('Error: Invalid value for -parallelism: "x".\n\n  -parallelism takes a whole number.\n  See "drctl plan -help" for what it takes.\n');
    const opt = expectExit(await w.run(['plan', w.config, '-refresh=maybe']), 1);
    expect(opt.stderr).toContain('Error: Invalid value for -refresh: "maybe".');
    expect(opt.stderr).toContain('-refresh takes one of: true, false.');
    const both = expectExit(await w.run(['failover', w.config, '-planned', '-unplanned']), 1);
    expect(both.stderr).toMatch(/Error: -(un)?planned and -(un)?planned cannot be given together\./);
  });
  it('shows a corrupt state file with the line and a caret under the fault, as configuration errors', async () => {
    const w = small();
    w.write('state/many.drstate.json', '{\n  "version": 2,\n  "serial": 3,,\n}\n');
    const r = expectExit(await w.run(['plan', w.config]), 1);
    expect(r.stderr).toMatch(/^Error: Unusable state: /);
    expect(r.stderr).toMatch(/\n {2}on state\/many\.drstate\.json line 3:\n {3}3: {3}"serial": 3,,\n {20}\^\n/);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('drctl destroy', () => {
  it('is apply -destroy: it asks on no terminal for -auto-approve, then destroys everything', async () => {
    const w = small(2);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const refused = expectExit(await w.run(['destroy', w.config]), 1);
    expect(refused.stderr).toContain('needs approval');
    const r = expectExit(await w.run(['destroy', w.config, '-auto-approve']), 0);
    expect(r.stdout).toContain('5 to destroy');
    expect(JSON.parse(w.read('state/many.drstate.json')).resources).toEqual([]);
  });
});

describe('a closed pipe', () => {
  it('ends `drctl --help | head` quietly with exit 0', async () => {
    // The reader is gone before drctl writes: every write meets EPIPE.
    const child = spawn(process.execPath, [BIN, '--help'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('missing and foreign files', () => {
  it('apply of a plan file that does not exist says so, even without a terminal', async () => {
    const w = small();
    const r = expectExit(await w.run(['apply', 'nosuch.bin']), 1);
    expect(r.stderr).toContain('Error: nosuch.bin does not exist.');
    expect(r.stderr).not.toContain('needs approval');
    expect(r.stderr).not.toMatch(/directory .* does not exist/);
  });
  it('show of a file that is not a plan says so, and shows a state file', async () => {
    const w = small();
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const r = expectExit(await w.run(['show', 'cfg/main.hcl']), 1);
    expect(r.stderr).toContain('cfg/main.hcl is not a drctl plan file or state file.');
    expect(r.stderr).not.toContain('cannot be applied');
    const state = expectExit(await w.run(['show', 'state/many.drstate.json']), 0);
    expect(state.stdout).toContain('# vm.n[0]:');
    const gone = expectExit(await w.run(['show', 'nosuch.bin']), 1);
    expect(gone.stderr).toContain('nosuch.bin does not exist');
  });
});

describe('drctl show without a file', () => {
  it('shows the state: every resource, instances by number, then the outputs', async () => {
    const w = small(12, OUTPUTS);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const r = expectExit(await w.run(['show', '-dir', w.config]), 0);
    expect(r.stdout.indexOf('# vm.n[2]:')).toBeLessThan(r.stdout.indexOf('# vm.n[10]:'));
    expect(r.stdout).toContain('network "app" {');
    expect(r.stdout).toMatch(/Outputs:\n\nfirst_vm = "vm\.n\[0\]"\nsecret {3}= \(sensitive value\)\n$/);
    expect(r.stdout).not.toContain('hunter2');
    const json = JSON.parse(expectExit(await w.run(['show', '-json', '-dir', w.config]), 0).stdout) as { resources: unknown[] };
    expect(json.resources).toHaveLength(15);
  });
});

describe('outputs', () => {
  it('apply prints the plan first and the outputs last, sensitive ones hidden', async () => {
    const w = small(2, OUTPUTS);
    const r = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    const plan = r.stdout.indexOf('drctl will perform the following actions:');
    expect(plan).toBe(0);
    expect(r.stdout).toContain('Plan: 5 to add, 0 to change, 0 to destroy.');
    expect(r.stdout).toMatch(/Apply complete![^\n]*\n\nOutputs:\n\nfirst_vm = "vm\.n\[0\]"\nsecret = <sensitive>\n$/);
    expect(r.stdout).not.toContain('hunter2');
  });
  it('drctl output prints them all, one by name, and -json; a sensitive one never', async () => {
    const w = small(2, OUTPUTS);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    expect(expectExit(await w.run(['output', '-dir', w.config]), 0).stdout).toBe('first_vm = "vm.n[0]"\nsecret = <sensitive>\n');
    expect(expectExit(await w.run(['output', 'first_vm', '-dir', w.config]), 0).stdout).toBe('"vm.n[0]"\n');
    expect(expectExit(await w.run(['output', '-raw', 'first_vm', '-dir', w.config]), 0).stdout).toBe('vm.n[0]');
    expect(JSON.parse(expectExit(await w.run(['output', '-json', '-dir', w.config]), 0).stdout)).toEqual({
      first_vm: { sensitive: false, value: 'vm.n[0]' },
      secret: { sensitive: true },
    });
    const secret = expectExit(await w.run(['output', 'secret', '-dir', w.config]), 1);
    expect(secret.stderr).toContain('is sensitive');
    expect(secret.stdout + secret.stderr).not.toContain('hunter2');
    const typo = expectExit(await w.run(['output', 'frist_vm', '-dir', w.config]), 1);
    expect(typo.stderr).toContain('Did you mean "first_vm"?');
  });
});

describe('-target', () => {
  it('that matches nothing is an error with a did-you-mean, for plan and apply', async () => {
    const w = small(3);
    for (const cmd of [['plan'], ['apply', '-auto-approve']]) {
      const r = expectExit(await w.run([...cmd, w.config, '-target', 'vm.m']), 1);
      expect(r.stderr).toContain('-target vm.m matches no resource in the configuration or the state. Did you mean "vm.n"?');
      expect(r.stdout).not.toContain('No changes');
    }
    // A counted resource as a whole is a target.
    expect(expectExit(await w.run(['plan', w.config, '-target', 'vm.n']), 0).stdout).toContain('Plan: 6 to add');
  });
});

describe('the plan takes the state lock', () => {
  it('fails on a lock another run holds, and -lock=false plans anyway', async () => {
    const w = small(2);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0);
    // A lock held by a live process on this host (this test's own): not stale.
    const lock = {
      id: 'held-by-test',
      holder: 'someone@elsewhere',
      pid: process.pid,
      host: os.hostname(),
      operation: 'apply',
      created: new Date().toISOString(),
      workspace: 'default',
    };
    w.write('state/many.drstate.json.lock', JSON.stringify(lock));
    const r = expectExit(await w.run(['plan', w.config]), 1);
    expect(r.stderr).toContain('is locked by someone@elsewhere');
    expect(r.stderr).toContain('for "apply"');
    const free = expectExit(await w.run(['plan', w.config, '-lock=false']), 0);
    expect(free.stdout).toContain('No changes.');
    expect(fs.existsSync(w.file('state/many.drstate.json.lock'))).toBe(true);
    fs.rmSync(w.file('state/many.drstate.json.lock'));
    expectExit(await w.run(['plan', w.config]), 0);
    // The plan let go of its own lock.
    expect(fs.existsSync(w.file('state/many.drstate.json.lock'))).toBe(false);
  });
});

describe('one spelling of the time scale', () => {
  it('DRCTL_SIM_TIME_SCALE takes 1/600, and a bad value is a clear error', async () => {
    const w = small(1);
    expectExit(await w.run(['apply', w.config, '-auto-approve'], { env: { DRCTL_SIM_TIME_SCALE: '1/600' } }), 0);
    const bad = expectExit(await w.run(['apply', w.config, '-auto-approve'], { env: { DRCTL_SIM_TIME_SCALE: 'fast' } }), 1);
    expect(bad.stderr).toContain('DRCTL_SIM_TIME_SCALE "fast" is not a time scale.');
    expect(bad.stderr).toContain('1/600');
    expect(bad.stderr).not.toContain('internal error');
  });
  it('sim serve takes -time-scale 1/600 and prints it that way', async () => {
    const w = small(1);
    const run = w.start(['sim', 'serve', '-time-scale', '1/600', '-data-dir', 'simdata']);
    const deadline = Date.now() + 20_000;
    while (!/time scale/.test(run.stderr()) && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGTERM');
    await run.result;
    expect(run.stderr()).toContain('(time scale 1/600)');
  });
});
