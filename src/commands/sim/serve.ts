import { DrctlCommand, oclifFlags } from '../base.js';
import { SIM_SERVE_FLAG_SPECS, type ParsedFlags } from '../flag-specs.js';

export default class SimServe extends DrctlCommand {
  static override summary = 'Run the PowerVS simulator standalone, so several drctl runs and CI jobs share one simulated cloud.';
  static override description =
    "Serves the PowerVS API subset on loopback with its world kept in --data-dir. drctl runs in the same directory find it through the data directory's lock and use it instead of starting their own; elsewhere, point them at it with DRCTL_POWERVS_ENDPOINT and DRCTL_POWERVS_TOKEN.";
  static override examples = [
    '<%= config.bin %> sim serve --port 8600 --time-scale 0',
    '<%= config.bin %> sim serve --fault site-down=dal13 --fault-rate 429=0.05,500=0.05 --seed 7',
  ];
  static override flags = oclifFlags(SIM_SERVE_FLAG_SPECS);

  async run(): Promise<void> {
    const { flags } = await this.parse(SimServe);
    const { runSimServe } = await import('./serve-run.js');
    await runSimServe({}, flags as unknown as ParsedFlags<typeof SIM_SERVE_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
