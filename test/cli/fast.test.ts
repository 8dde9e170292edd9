// The fast start path parses plan and apply flags without oclif. Whatever it accepts, it must
// read exactly as oclif does; whatever it cannot read that way, it must decline (oclif then
// runs the command, with its own errors and help).
import { describe, expect, it } from 'vitest';
import { Parser } from '@oclif/core';
import { parseFast } from '../../src/cli/fast.js';
import { normalizeArgv } from '../../src/cli/argv.js';
import { APPLY_ARG, APPLY_FLAG_SPECS, PLAN_ARG, PLAN_FLAG_SPECS } from '../../src/commands/flag-specs.js';
import PlanCommand from '../../src/commands/plan.js';
import ApplyCommand from '../../src/commands/apply.js';

async function oclifParse(cmd: { flags: Record<string, unknown>; args: Record<string, unknown> }, argv: string[]) {
  try {
    const r = await Parser.parse(argv, { flags: cmd.flags as never, args: cmd.args as never, strict: true });
    return { args: r.args, flags: r.flags };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const accepted: string[][] = [
  [],
  ['cfg'],
  ['cfg', '-detailed-exitcode'],
  ['-detailed-exitcode', 'cfg'],
  ['cfg', '-out', 'plan.bin', '-parallelism', '4'],
  ['-out=plan.bin', '-parallelism=20', 'cfg'],
  ['cfg', '-refresh=false', '-json', '-no-color'],
  ['-var', 'a=1', '-var=b=2', '-var-file=x.hcl', 'cfg'],
  ['cfg', '-target', 'vm.app', '-target=vm.db', '-replace=vm.app[0]', '-destroy'],
  ['cfg', '-state', 's.json', '-lock-timeout', '30s'],
  // Terraform's -lock=false (plan takes the state lock unless told not to).
  ['cfg', '-lock=false'],
  ['-lock', 'true', 'cfg'],
  // A repeatable flag takes one value per use (Terraform's reading), so `cfg` is the directory.
  ['-target', 'vm.app', 'cfg'],
  ['-var', 'a=1', 'cfg'],
];

const declined: string[][] = [
  ['--help'],
  ['-h'],
  ['cfg', '--bogus'],
  ['cfg', 'extra'],
  ['cfg', '-parallelism', '0'],
  ['cfg', '-parallelism', 'many'],
  ['cfg', '-refresh=maybe'],
  ['cfg', '-lock=maybe'],
  ['cfg', '-lock=false', '-lock=true'],
  ['cfg', '-out', 'a', '-out', 'b'],
  ['cfg', '-out'],
  ['cfg', '-json=true'],
  ['cfg', '--', '-x'],
];

describe('the fast start path reads plan flags as oclif does', () => {
  for (const argv of accepted) {
    it(`plan ${argv.join(' ') || '(no arguments)'}`, async () => {
      const norm = normalizeArgv(argv);
      const fast = parseFast(norm, PLAN_FLAG_SPECS, PLAN_ARG);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await oclifParse(PlanCommand, norm));
    });
  }
  it('reads apply flags as oclif does, -auto-approve and a plan file included', async () => {
    for (const argv of [['plan.bin'], ['cfg', '-auto-approve', '-parallelism', '3'], ['-auto-approve', '-var', 'x=1']]) {
      const norm = normalizeArgv(argv);
      const fast = parseFast(norm, APPLY_FLAG_SPECS, APPLY_ARG);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await oclifParse(ApplyCommand, norm));
    }
  });
});

describe('the fast start path declines what it cannot read exactly as oclif would', () => {
  for (const argv of declined) {
    it(`plan ${argv.join(' ')}`, async () => {
      const norm = normalizeArgv(argv);
      expect(parseFast(norm, PLAN_FLAG_SPECS, PLAN_ARG)).toBeUndefined();
    });
  }
  it('oclif reads a repeatable flag as one value per use too (the directory after -var is the directory)', async () => {
    const r = await oclifParse(PlanCommand, normalizeArgv(['-var', 'a=1', '-target', 'vm.app', 'cfg']));
    expect(r).toMatchObject({ args: { dir: 'cfg' }, flags: { var: ['a=1'], target: ['vm.app'] } });
  });
  it('apply flags are not plan flags', () => {
    expect(parseFast(['--auto-approve'], PLAN_FLAG_SPECS, PLAN_ARG)).toBeUndefined();
    expect(parseFast(['--out', 'x'], APPLY_FLAG_SPECS, APPLY_ARG)).toBeUndefined();
  });
});

describe('the interrupt signal of a run', () => {
  it('takes a listener per call in flight without a MaxListenersExceededWarning', async () => {
    const { interruptController } = await import('../../src/commands/engine.js');
    const { processTerminal } = await import('../../src/commands/terminal.js');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const interrupt = interruptController(processTerminal(true));
    try {
      for (let i = 0; i < 40; i++) interrupt.signal.addEventListener('abort', () => undefined);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      interrupt.dispose();
      process.off('warning', onWarning);
    }
  });
});
