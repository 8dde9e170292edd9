import { Args, Flags } from '@oclif/core';
import { DrctlCommand } from '../base.js';
import { lockTimeoutMs } from '../engine.js';
import { dirFlags, lockFlags, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StateRm extends DrctlCommand {
  static override summary = 'Forget resources: drctl stops managing them, and they keep running.';
  static override description =
    'Each address is one instance (vm.app[0]) or a whole resource with all its instances (vm.app). The next plan will want to create anything still in the configuration: remove it there too if drctl should stop managing it.';
  static override examples = ['<%= config.bin %> state rm vm.db01', '<%= config.bin %> state rm -dry-run vm.app'];
  static override strict = false;
  static override args = { address: Args.string({ ignoreStdin: true, description: 'Resource address to forget (one or more)', required: true }) };
  static override flags = {
    ...stateFlags,
    ...dirFlags,
    ...lockFlags,
    'dry-run': Flags.boolean({ description: 'Show what would be removed; change nothing.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(StateRm);
    const term = this.terminal(flags['no-color']);
    const { removeFromState } = await import('../../state/commands.js');
    const { DRCTL_VERSION } = await import('../../apply/service.js');
    const timeout = lockTimeoutMs(flags['lock-timeout']);
    const backend = await stateBackendFor(term, flags.dir, flags.state);
    const dryRun = flags['dry-run'];
    const result = await userFacing(() => removeFromState(backend, argv as string[], { drctlVersion: DRCTL_VERSION, lockTimeoutMs: timeout, dryRun }));
    writeWarnings(term, result.warnings);
    for (const a of result.removed) term.stdout.write(`${dryRun ? 'Would remove' : 'Removed'} ${a}\n`);
    if (!dryRun) term.stdout.write(`Successfully removed ${result.removed.length} resource instance(s).\n`);
  }
}
