import { Args, Flags } from '@oclif/core';
import { DrctlCommand } from '../base.js';
import { dirFlags, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StateList extends DrctlCommand {
  static override summary = 'List the resources in the state, one address per line.';
  static override description =
    'With patterns, only the resources they select: an address (vm.db01), a resource with all its instances (vm.app), or a type (vm).';
  static override examples = ['<%= config.bin %> state list', '<%= config.bin %> state list vm', '<%= config.bin %> state list -id pvm-1234'];
  static override strict = false;
  static override args = { pattern: Args.string({ ignoreStdin: true, description: 'Address, resource or type to select (any number)' }) };
  static override flags = {
    ...stateFlags,
    ...dirFlags,
    id: Flags.string({ description: 'Only the resource with this provider id.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(StateList);
    const term = this.terminal(flags['no-color']);
    const { listState } = await import('../../state/commands.js');
    const backend = await stateBackendFor(term, flags.dir, flags.state);
    const result = await userFacing(() => listState(backend, { patterns: argv as string[], id: flags.id }));
    writeWarnings(term, result.warnings);
    for (const u of result.unmatched) {
      term.stderr.write(`Warning: nothing in the state matches ${u.pattern}.${u.suggestion ? ` Did you mean "${u.suggestion}"?` : ''}\n`);
    }
    term.stdout.write(result.addresses.map((a) => `${a}\n`).join(''));
  }
}
