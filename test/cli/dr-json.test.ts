// Help matches output: every DR command's -json is one shape (schemas/dr-run.schema.json), one
// JSON object per line on stdout, events first and exactly one result last, whose exit code is
// the process's. Each line of each command is validated against the schema.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, expectExit, workdir, type RunResult, type Workdir } from '../engine/harness.js';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/dr-run.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

interface Line {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Every stdout line parsed and checked against the schema; the result last and only once. */
function lines(r: RunResult, command: string): Line[] {
  const out = r.stdout.split('\n').filter((l) => l !== '');
  expect(out.length).toBeGreaterThan(0);
  const parsed = out.map((l) => JSON.parse(l) as Line);
  for (const l of parsed) expect(validate(l), `${JSON.stringify(l).slice(0, 300)}\n${JSON.stringify(validate.errors)}`).toBe(true);
  const results = parsed.filter((l) => l.type === 'result');
  expect(results).toHaveLength(1);
  expect(parsed.at(-1)).toBe(results[0]);
  expect(results[0]).toMatchObject({ command, exit_code: r.code });
  return parsed;
}

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

describe('one JSON shape for every DR command', { timeout: 240_000 }, () => {
  it('verify, drill, failover, failback and cleanup each print events then one result, valid against the schema', async () => {
    const w = workdir('basic');
    dirs.push(w);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply');

    const verify = lines(await w.run(['verify', w.config, '-json']), 'verify');
    const vr = verify.at(-1)!;
    expect(vr.data).toMatchObject({ active: 'site.home', standby: 'site.dr' });
    expect((vr.data as { checks: unknown[] }).checks.length).toBeGreaterThan(0);
    expect(vr.ok).toBe((vr.data as { ready: boolean }).ready);

    const drillRun = expectExit(await w.run(['drill', w.config, '-plan', 'basic', '-auto-approve', '-json']), 0, 'drill');
    const drill = lines(drillRun, 'drill');
    expect(drill.filter((l) => l.type === 'event').length).toBeGreaterThan(0);
    expect(drill.at(-1)).toMatchObject({ ok: true, exit_code: 0, data: { kind: 'drill', outcome: 'passed' } });
    expect(drill.at(-1)!.record_file).toMatch(/\.drctl\/runs\/.*\.json$/);

    const over = lines(expectExit(await w.run(['failover', w.config, '-auto-approve', '-json']), 0, 'failover'), 'failover');
    expect(over.at(-1)).toMatchObject({ ok: true, data: { kind: 'failover', from: 'site.home', to: 'site.dr', outcome: 'succeeded' } });
    expect(over.some((l) => l.type === 'event' && l.name === 'MOVE_COMPLETED')).toBe(true);

    const back = lines(expectExit(await w.run(['failback', w.config, '-auto-approve', '-json']), 0, 'failback'), 'failback');
    expect(back.at(-1)).toMatchObject({ ok: true, data: { kind: 'failback', from: 'site.dr', to: 'site.home' } });

    const clean = lines(expectExit(await w.run(['cleanup', w.config, '-json']), 0, 'cleanup'), 'cleanup');
    expect(clean.at(-1)).toMatchObject({ ok: true, data: { removed: { vms: [], volumes: [], networks: [] } }, summary: 'No drill leftovers.' });
  });

  it('a configuration with errors gives its diagnostics as lines, then a failed result', async () => {
    const w = workdir({ 'main.hcl': 'site "home" {\n  location = "dal13"\n  workspace = "x"\n  role = "active"\n  colour = "blue"\n}\n' });
    dirs.push(w);
    const r = await w.run(['verify', w.config, '-json']);
    expect(r.code).toBe(1);
    const out = lines(r, 'verify');
    expect(out.filter((l) => l.type === 'diagnostic').map((l) => l.summary)).toContain('Unsupported argument');
    expect(out.at(-1)).toMatchObject({ ok: false, exit_code: 1, data: null });
  });

  it('an error that stops the run (a held lock) still ends the stream with a result', async () => {
    const w = workdir('basic');
    dirs.push(w);
    expectExit(await w.run(['apply', w.config, '-auto-approve']), 0, 'apply');
    const lock = {
      id: 'held',
      holder: 'someone@elsewhere',
      pid: process.pid,
      host: os.hostname(),
      operation: 'apply',
      created: new Date().toISOString(),
      workspace: 'default',
    };
    w.write('state/basic.drstate.json.lock', JSON.stringify(lock));
    const r = await w.run(['drill', w.config, '-plan', 'basic', '-auto-approve', '-json']);
    expect(r.code).toBe(1);
    const out = lines(r, 'drill');
    expect(out.at(-1)).toMatchObject({ ok: false, exit_code: 1, data: null });
    expect(String(out.at(-1)!.summary)).toContain('is locked by someone@elsewhere');
    expect(r.stderr).toContain('is locked by someone@elsewhere');
  });

  it('the help of every DR command says what -json prints', async () => {
    const w = workdir({});
    dirs.push(w);
    for (const cmd of ['verify', 'drill', 'failover', 'failback', 'cleanup']) {
      const help = expectExit(await w.run([cmd, '-help']), 0).stdout.replace(/\s+/g, ' ');
      expect(help).toContain('One JSON object per line on stdout: the events, then one result with the report or record (schemas/dr-run.schema.json).');
    }
  });
});
