// The whole CLI behind bin/drctl.js, bundled by scripts/bundle.mjs so a cold start compiles a
// few files instead of hundreds of modules. plan and apply start without oclif when their
// arguments are plain (src/cli/fast.ts; bin/drctl.js tries dist/bundle/fast.cjs first); the
// rest, and every edge, goes through oclif, which is loaded only then.
import { normalizeArgv } from './argv.js';
import { reportEscaped } from './escaped.js';
import { runFast } from './fast.js';

/** Runs drctl with `args` (argv without node and script); `binUrl` locates package.json. */
export async function main(args: readonly string[], binUrl: string): Promise<void> {
  try {
    // `drctl` alone on a terminal opens the console; without one (a pipe, CI) it prints help.
    if (args.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
      const { default: ConsoleCommand } = await import('../commands/console.js');
      await ConsoleCommand.run([], binUrl);
    } else {
      const argv = normalizeArgv(args);
      if (!(await runFast(argv))) {
        await (await import('./oclif-run.js')).runOclif(argv, binUrl);
      }
    }
  } catch (err) {
    await reportEscaped(err);
  }
}
