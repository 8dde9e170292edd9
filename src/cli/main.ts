// The whole CLI behind bin/drctl.js, bundled by scripts/bundle.mjs so a cold start compiles a
// few files instead of hundreds of modules. A plain plan or apply never gets here: bin/drctl.js
// runs it from dist/bundle/fast.cjs (src/cli/fast-main.ts); what that declines comes here too.
import { normalizeArgv } from './argv.js';
import { reportEscaped } from './escaped.js';

/** Runs drctl with `args` (argv without node and script); `binUrl` locates package.json. */
export async function main(args: readonly string[], binUrl: string): Promise<void> {
  quietOnClosedPipe();
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

/**
 * A reader that closes the pipe early (`drctl --help | head`) ends the output, not the process
 * with an error: drctl stops writing and exits with the code it has so far.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err && err.code === 'EPIPE') process.exit();
      throw err;
    });
  }
}
