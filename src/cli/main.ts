// The whole CLI behind bin/drctl.js, bundled by scripts/bundle.mjs so a cold start compiles a
// few files instead of hundreds of modules. A plain plan or apply never gets here: bin/drctl.js
// runs it from dist/bundle/fast.cjs (src/cli/fast-main.ts); what that declines comes here too.
import { normalizeArgv } from './argv.js';
import { reportEscaped } from './escaped.js';

/** Runs drctl with `args` (argv without node and script); `binUrl` locates package.json. */
export async function main(args: readonly string[], binUrl: string): Promise<void> {
  try {
    // `drctl` alone on a terminal opens the console; without one (a pipe, CI) it prints help.
    // The console command alone, not the command table (commands/index.ts), which loads them all.
    if (args.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
      const { default: ConsoleCommand } = await import('../commands/console.js');
      await ConsoleCommand.run([], binUrl);
    } else await (await import('./oclif-run.js')).runOclif(normalizeArgv(args), binUrl);
  } catch (err) {
    await reportEscaped(err);
  }
}
