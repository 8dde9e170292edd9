import { Args } from '@oclif/core';
import { DrctlCommand } from '../base.js';
import { dirArg, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StateShow extends DrctlCommand {
  static override summary = "Show one resource's attributes as recorded in the state.";
  static override examples = ['<%= config.bin %> state show vm.db01', "<%= config.bin %> state show 'vm.app[0]'"];
  static override args = {
    address: Args.string({ ignoreStdin: true, description: 'The resource to show, e.g. vm.db01', required: true }),
    dir: dirArg,
  };
  static override flags = { ...stateFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateShow);
    const term = this.terminal(flags['no-color']);
    const { showStateResource } = await import('../../state/commands.js');
    const backend = await stateBackendFor(term, args.dir, flags.state);
    const result = await userFacing(() => showStateResource(backend, args.address));
    writeWarnings(term, result.warnings);
    term.stdout.write(result.text);
  }
}
