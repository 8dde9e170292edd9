// `drctl force-unlock`'s body: name the lock, ask (unless -force), break it.
import type { FORCE_UNLOCK_ARGS, FORCE_UNLOCK_FLAG_SPECS, ParsedArgs, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { askLine } from './engine.js';
import { UserError } from '../diag/index.js';
import { withStateTarget } from './state/location.js';

export async function runForceUnlock(
  args: ParsedArgs<typeof FORCE_UNLOCK_ARGS>,
  flags: ParsedFlags<typeof FORCE_UNLOCK_FLAG_SPECS>,
  _argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  await withStateTarget(term, args.dir, flags.state, async (state) => {
    const { description } = await state.lockToBreak(args.id);
    if (!flags.force) {
      if (!(process.stdin.isTTY && term.stderr.isTTY)) {
        throw new UserError('force-unlock needs confirmation, and there is no terminal to ask on.', [
          `Check the run is gone, then pass -force: drctl force-unlock -force ${args.id}`,
        ]);
      }
      const answer = await askLine(
        term,
        `Do you really want to force-unlock?\n  The lock is held by ${description}.\n  drctl will remove it. If that run is still going, two runs could then write the state at once.\n  Only 'yes' will be accepted to confirm.\n\n  Enter a value: `,
      );
      if (answer !== 'yes') {
        term.stdout.write('force-unlock cancelled; the lock is still held.\n');
        exit(1);
      }
    }
    await state.forceUnlock(args.id);
    term.stdout.write(
      'drctl state has been successfully unlocked!\n\nThe state has been unlocked, and drctl commands should now be able to obtain a new lock.\n',
    );
  });
}
