// Two applies at once on one state (real processes): one proceeds, the other fails at once on
// the state lock, naming the holder. And Ctrl-C mid-apply: exit 130, a usable state, and a
// re-run that converges.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, countedVmConfig, expectExit, readStateWithJournal, parseStateFile, startSimulator, workdir, type Running, type Workdir } from './harness.js';

const STATE = 'state/many.drstate.json';
// Slow enough that a run is still going when the test acts on it (VM builds take real time).
const SLOW = { DRCTL_SIM_TIME_SCALE: '0.001' };

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});
beforeAll(() => {
  if (!fs.existsSync(`${ROOT}/dist/commands/index.js`)) throw new Error('build first: npx tsc -p tsconfig.build.json');
});

function many(count: number): Workdir {
  const w = workdir({ 'main.hcl': countedVmConfig(count, { parallelism: 4 }) });
  dirs.push(w);
  return w;
}

async function until(what: string, ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const completed = (run: Running) => (run.stderr().match(/Creation complete/g) ?? []).length;

async function vmNames(w: Workdir): Promise<string[]> {
  const sim = await startSimulator(w.file('.drctl/sim'));
  try {
    return (await sim.listVms('many-dal13')).map((v) => v.serverName).sort();
  } finally {
    await sim.stop();
  }
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `n-${i}`).sort();

describe('the state lock', { timeout: 90_000 }, () => {
  it('of two applies started at once, one proceeds and the other fails at once naming the holder', async () => {
    const w = many(24);
    const a = w.start(['apply', w.config, '-auto-approve', '-json'], { env: SLOW });
    const b = w.start(['apply', w.config, '-auto-approve', '-json'], { env: SLOW });
    const first = await Promise.race([a.result.then(() => a), b.result.then(() => b)]);
    const other = first === a ? b : a;
    // The first to finish is the loser, and it finishes while the winner is still applying.
    const lost = await first.result;
    expect(other.child.exitCode).toBeNull();
    const won = await other.result;
    expect(won.code).toBe(0);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`is locked by`);
    expect(lost.stderr).toContain(`(pid ${other.child.pid} on `);
    expect(lost.stderr).toContain('for "apply"');
    expect(lost.stderr).toContain(w.file(STATE));
    expect(lost.stderr).toContain('-lock-timeout');
    expect(lost.stderr).not.toContain('internal error');
    // It failed on the state lock before touching the cloud: it never even started planning.
    expect(lost.stdout).toBe('');
    const st = await parseStateFile(w.file(STATE));
    expect(st.resources).toHaveLength(27);
    expect(fs.existsSync(w.file(`${STATE}.lock`))).toBe(false);
    expect(await vmNames(w)).toEqual(names(24));
  });

  it('with -lock-timeout the second apply waits for the first, then finds nothing to do', async () => {
    const w = many(16);
    const a = w.start(['apply', w.config, '-auto-approve'], { env: SLOW });
    await until('the first apply to hold the lock', () => fs.existsSync(w.file(`${STATE}.lock`)));
    const b = expectExit(await w.run(['apply', w.config, '-auto-approve', '-lock-timeout=60s']), 0, 'waiting apply');
    expect(a.child.exitCode).toBe(0); // b could only lock once a was done
    expectExit(await a.result, 0, 'first apply');
    expect(b.stdout).toContain('No changes.');
  });
});

describe('interrupting an apply', { timeout: 90_000 }, () => {
  it('SIGINT mid-run: no new changes start, in-flight ones finish, exit 130, and a re-run converges', async () => {
    const w = many(40);
    const run = w.start(['apply', w.config, '-auto-approve'], { env: SLOW });
    await until('some VMs to be created', () => completed(run) >= 6);
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupt received: no new changes will start; waiting for the ones in flight.');
    expect(r.stdout).toMatch(/Apply interrupted! \d+ succeeded, 0 failed, 0 skipped, \d+ not started\./);
    // Everything reported done is in state; nothing reported done is missing.
    const st = await readStateWithJournal(w.file(STATE));
    const done = [...r.stderr.matchAll(/^(vm\.n\[\d+\]): Creation complete/gm)].map((m) => m[1]).sort();
    expect(
      st.resources
        .filter((x) => x.type === 'vm')
        .map((x) => x.address)
        .sort(),
    ).toEqual(done);
    expect(done.length).toBeLessThan(40);
    expect(r.stderr).toContain('Skipped: cancelled by interrupt');
    await parseStateFile(w.file(STATE)); // the snapshot itself parses

    const again = expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 're-run');
    expect(again.stdout).toContain(`Apply complete! ${40 - done.length} succeeded`);
    expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0, 'plan after re-run');
    expect(await vmNames(w)).toEqual(names(40));
  });

  it('a second SIGINT exits at once with 130; the journal keeps what finished and a re-run converges', async () => {
    const w = many(40);
    const run = w.start(['apply', w.config, '-auto-approve'], { env: SLOW });
    await until('some VMs to be created', () => completed(run) >= 6);
    run.child.kill('SIGINT');
    await until('the interrupt to be acknowledged', () => run.stderr().includes('Interrupt received'));
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Second interrupt: exiting now.');
    const st = await readStateWithJournal(w.file(STATE));
    const done = [...r.stderr.matchAll(/^(vm\.n\[\d+\]): Creation complete/gm)].map((m) => m[1]);
    // Whatever was reported done is durable, even though the run never committed.
    expect(st.resources.map((x) => x.address)).toEqual(expect.arrayContaining(done));
    // The re-run adopts the VMs that were building when the run died and waits for them to come
    // up, as for a create: at the same time scale (at scale 0 the simulated clock runs at real
    // speed, so a build begun at 1/1000 would take its modelled minutes).
    expectExit(await w.run(['apply', w.config, '-auto-approve'], { env: SLOW }), 0, 're-run');
    expectExit(await w.run(['plan', w.config, '-detailed-exitcode']), 0, 'plan after re-run');
    expect(await vmNames(w)).toEqual(names(40));
  });
});
