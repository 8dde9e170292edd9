// The whole CLI behind bin/drctl.js, bundled into one file by scripts/bundle.mjs so a cold
// start compiles a few files instead of hundreds of modules.
import { run, flush } from '@oclif/core';
import { normalizeArgv } from './argv.js';
import { reportError } from './report.js';

// oclif loads the command table from this module too (package.json "oclif.commands"), so the
// commands it runs are the bundle's own: one copy of every class, and instanceof holds.
export { COMMANDS } from '../commands/index.js';

/** Runs drctl with `args` (argv without node and script); `binUrl` locates package.json. */
export async function main(args: readonly string[], binUrl: string): Promise<void> {
  try {
    // `drctl` alone on a terminal opens the console; without one (a pipe, CI) it prints help.
    if (args.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
      const { default: ConsoleCommand } = await import('../commands/console.js');
      await ConsoleCommand.run([], binUrl);
    } else await run(normalizeArgv(args), binUrl);
    await flush();
  } catch (err) {
    // Loaded only on failure: state errors (a held lock, an unusable file) become user errors.
    const { toUserError } = await import('../state/commands.js');
    const { text, exitCode } = reportError(err, 'drctl', toUserError);
    if (text) process.stderr.write(text);
    process.exitCode = exitCode;
  }
}
