// The entry of dist/bundle/fast.cjs: plan and apply from one file, without oclif (see fast.ts).
// One file matters as much as leaving oclif out: Node's ESM loader costs about a millisecond
// per module, and the split bundle loads some 40 chunks for a plan.
import { normalizeArgv } from './argv.js';
import { reportEscaped } from './escaped.js';
import { runFast } from './fast.js';

/** Runs `args` (argv without node and script) if they are a plain plan or apply; false if not. */
export async function fastMain(args: readonly string[]): Promise<boolean> {
  try {
    return await runFast(normalizeArgv(args));
  } catch (err) {
    await reportEscaped(err);
    return true;
  }
}
