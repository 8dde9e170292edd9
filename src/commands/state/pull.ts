import { DrctlCommand } from '../base.js';
import { dirArg, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StatePull extends DrctlCommand {
  static override summary = 'Print the state file to stdout, as drctl stores it.';
  static override examples = ['<%= config.bin %> state pull > backup.drstate.json'];
  static override args = { dir: dirArg };
  static override flags = { ...stateFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StatePull);
    const term = this.terminal(flags['no-color']);
    const { pullState } = await import('../../state/commands.js');
    const backend = await stateBackendFor(term, args.dir, flags.state);
    const result = await userFacing(() => pullState(backend));
    writeWarnings(term, result.warnings);
    term.stdout.write(result.text);
  }
}
