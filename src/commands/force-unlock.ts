import { Args, Flags } from '@oclif/core';
import { DrctlCommand } from './base.js';
import { askLine } from './engine.js';
import { UserError } from '../diag/errors.js';
import { dirArg, stateBackendFor, stateFlags, userFacing } from './state/location.js';

export default class ForceUnlock extends DrctlCommand {
  static override summary = 'Break the state lock of a run that is gone.';
  static override description =
    'Only the lock with the given id is broken (a locked command prints it). Breaking the lock of a run that is still going lets two runs write the state at once: check it is gone first.';
  static override examples = ['<%= config.bin %> force-unlock 1f0c…', '<%= config.bin %> force-unlock -force 1f0c…'];
  static override args = {
    id: Args.string({ ignoreStdin: true, description: 'The lock id', required: true }),
    dir: dirArg,
  };
  static override flags = {
    ...stateFlags,
    force: Flags.boolean({ description: 'Do not ask for confirmation.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ForceUnlock);
    const term = this.terminal(flags['no-color']);
    const { findLockToBreak, forceUnlockState } = await import('../state/commands.js');
    const { describeLock } = await import('../state/errors.js');
    const backend = await stateBackendFor(term, args.dir, flags.state);
    const lock = await userFacing(() => findLockToBreak(backend, args.id));
    if (!flags.force) {
      if (!(process.stdin.isTTY && term.stderr.isTTY)) {
        throw new UserError('force-unlock needs confirmation, and there is no terminal to ask on.', [`Check the run is gone, then pass -force: drctl force-unlock -force ${args.id}`]);
      }
      const answer = await askLine(
        term,
        `Do you really want to force-unlock?\n  The lock is held by ${describeLock(lock)}.\n  drctl will remove it. If that run is still going, two runs could then write the state at once.\n  Only 'yes' will be accepted to confirm.\n\n  Enter a value: `,
      );
      if (answer !== 'yes') {
        term.stdout.write('force-unlock cancelled; the lock is still held.\n');
        this.exit(1);
      }
    }
    await userFacing(() => forceUnlockState(backend, args.id));
    term.stdout.write('drctl state has been successfully unlocked!\n\nThe state has been unlocked, and drctl commands should now be able to obtain a new lock.\n');
  }
}
