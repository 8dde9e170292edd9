import { DrctlCommand, oclifFlags } from '../base.js';
import { SIM_STATUS_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class SimStatus extends DrctlCommand {
  static override summary = "Show the simulated world's time and each replicated volume group's sync progress, with an ETA.";
  static override description =
    'The simulated world keeps time between commands, as a real cloud does: replication copies and cycles go on while no drctl runs. This shows where each group stands, and when a copy under way will be consistent, in model time and in real time at the time scale.';
  static override examples = ['<%= config.bin %> sim status', '<%= config.bin %> sim status --json'];
  static override flags = oclifFlags(SIM_STATUS_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(SimStatus);
    const { runSimStatus } = await import('./status-run.js');
    await runSimStatus({}, flags as unknown as ParsedFlags<typeof SIM_STATUS_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
