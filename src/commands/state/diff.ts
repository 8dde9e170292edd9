import { DrctlCommand, oclifArgs, oclifFlags } from '../base.js';
import { STATE_DIFF_ARGS, STATE_DIFF_FLAG_SPECS, type ParsedArgs, type ParsedFlags } from '../flag-specs.js';

export default class StateDiff extends DrctlCommand {
  static override summary = 'Compare two states: resources, lifecycles, outputs, serial and lineage.';
  static override description =
    'Each side is a state file, or git:REF:PATH to read the file as committed at REF (PATH from the repository root). A side with no state file counts as no state; neither having one is an error. Exit 0 when the states are equal, 2 when they differ, 1 on an error (as plan -detailed-exitcode).';
  static override examples = [
    '<%= config.bin %> state diff old.drstate.json state/erp.drstate.json',
    '<%= config.bin %> state diff git:main:state/erp.drstate.json state/erp.drstate.json --markdown',
  ];
  static override args = oclifArgs(STATE_DIFF_ARGS);
  static override flags = oclifFlags(STATE_DIFF_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateDiff);
    const { runStateDiff } = await import('./diff-run.js');
    await runStateDiff(args as ParsedArgs<typeof STATE_DIFF_ARGS>, flags as unknown as ParsedFlags<typeof STATE_DIFF_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
