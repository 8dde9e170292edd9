import { Args, Flags } from '@oclif/core';
import { DrctlCommand } from '../base.js';
import { lockTimeoutMs } from '../engine.js';
import { dirArg, lockFlags, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StateMv extends DrctlCommand {
  static override summary = 'Rename a resource in the state, so a renamed block keeps its deployed object.';
  static override description =
    'Moves one instance, or a whole counted resource (vm.app → vm.web moves every instance). The destination must not exist and must be of the same type. Nothing in the cloud changes.';
  static override examples = ['<%= config.bin %> state mv vm.db01 vm.db02', '<%= config.bin %> state mv vm.app vm.web'];
  static override args = {
    source: Args.string({ ignoreStdin: true, description: 'The address to move', required: true }),
    destination: Args.string({ ignoreStdin: true, description: 'The new address', required: true }),
    dir: dirArg,
  };
  static override flags = {
    ...stateFlags,
    ...lockFlags,
    'dry-run': Flags.boolean({ description: 'Show what would be moved; change nothing.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateMv);
    const term = this.terminal(flags['no-color']);
    const { moveInState } = await import('../../state/commands.js');
    const { DRCTL_VERSION } = await import('../../apply/service.js');
    const timeout = lockTimeoutMs(flags['lock-timeout']);
    const backend = await stateBackendFor(term, args.dir, flags.state);
    const dryRun = flags['dry-run'];
    const result = await userFacing(() => moveInState(backend, args.source, args.destination, { drctlVersion: DRCTL_VERSION, lockTimeoutMs: timeout, dryRun }));
    writeWarnings(term, result.warnings);
    for (const m of result.moves) term.stdout.write(`${dryRun ? 'Would move' : 'Move'} "${m.from}" to "${m.to}"\n`);
    if (!dryRun) term.stdout.write(`Successfully moved ${result.moves.length} object(s).\n`);
  }
}
