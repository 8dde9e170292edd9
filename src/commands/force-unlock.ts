import { DrctlCommand, oclifArgs, oclifFlags } from './base.js';
import { FORCE_UNLOCK_ARGS, FORCE_UNLOCK_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from './flag-specs.js';

export default class ForceUnlock extends DrctlCommand {
  static override summary = 'Break the state lock of a run that is gone.';
  static override description =
    'Only the lock with the given id is broken (a locked command prints it). Breaking the lock of a run that is still going lets two runs write the state at once: check it is gone first.';
  static override examples = ['<%= config.bin %> force-unlock 1f0c…', '<%= config.bin %> force-unlock -force 1f0c…'];
  static override args = oclifArgs(FORCE_UNLOCK_ARGS);
  static override flags = oclifFlags(FORCE_UNLOCK_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ForceUnlock);
    const { runForceUnlock } = await import('./force-unlock-run.js');
    await runForceUnlock(args as ParsedArgs<typeof FORCE_UNLOCK_ARGS>, flags as unknown as ParsedFlags<typeof FORCE_UNLOCK_FLAG_SPECS>, this.argv, (code) =>
      this.exit(code),
    );
  }
}
