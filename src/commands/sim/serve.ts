import { Flags } from '@oclif/core';
import { DrctlCommand, commonFlags } from '../base.js';
import { UserError } from '../../diag/errors.js';

export default class SimServe extends DrctlCommand {
  static override summary = 'Run the PowerVS simulator standalone, so several drctl runs and CI jobs share one simulated cloud.';
  static override description =
    'Serves the PowerVS API subset on loopback with its world kept in --data-dir. drctl runs in the same directory find it through the data directory\'s lock and use it instead of starting their own; elsewhere, point them at it with DRCTL_ENDPOINT and DRCTL_POWERVS_TOKEN.';
  static override examples = [
    '<%= config.bin %> sim serve --port 8600 --time-scale 0',
    '<%= config.bin %> sim serve --fault site-down=dal13 --fault-rate 429=0.05,500=0.05 --seed 7',
  ];
  static override flags = {
    ...commonFlags,
    port: Flags.integer({ description: 'Port on 127.0.0.1 (0: any free port).', default: 0, min: 0, max: 65535 }),
    host: Flags.string({ description: 'Address to listen on (loopback by default).', default: '127.0.0.1' }),
    'data-dir': Flags.string({ description: 'Where the simulated world is kept.', default: '.drctl/sim' }),
    'time-scale': Flags.string({ description: 'Real seconds per simulated second: 1/600 makes a 5-minute boot take 0.5 s; 0 is instant.', default: '1/600' }),
    seed: Flags.integer({ description: 'Seed of the fault generator.', default: 1 }),
    token: Flags.string({ description: 'Bearer token clients must send (random when unset).' }),
    workspace: Flags.string({ description: 'Create a workspace at start: id=location (e.g. erp-dal13=dal13). Repeatable.', multiple: true, multipleNonGreedy: true }),
    fault: Flags.string({ description: 'site-down=LOCATION, link-broken=VOLUME_GROUP, boot-fail=VM. Repeatable.', multiple: true, multipleNonGreedy: true }),
    'fault-rate': Flags.string({ description: 'Injected failure rates, e.g. 429=0.1,500=0.05,reset=0.05,slow=0.02.' }),
    'slow-ms': Flags.integer({ description: 'Delay of a "slow" response, in ms.', min: 0 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SimServe);
    const term = this.terminal(flags['no-color']);
    const sim = await import('../../sim/index.js');
    const scaleText = flags['time-scale'];
    const timeScale = scaleText.includes('/') ? Number(scaleText.split('/')[0]) / Number(scaleText.split('/')[1]) : Number(scaleText);
    if (!Number.isFinite(timeScale) || timeScale < 0) throw new UserError(`--time-scale "${scaleText}" is not a non-negative number (write 0, 0.01 or 1/600).`);
    let faults;
    try {
      faults = sim.parseFaultFlags(flags.fault ?? [], flags['fault-rate'], flags['slow-ms']);
    } catch (e) {
      throw new UserError(`Invalid fault: ${(e as Error).message}`, ['Faults: --fault site-down=dal13, --fault link-broken=erp_db, --fault boot-fail=db01, --fault-rate 429=0.1,500=0.05,reset=0.05,slow=0.02']);
    }
    const workspaces = (flags.workspace ?? []).map((w) => {
      const [id, location] = w.split('=');
      if (!id || !location) throw new UserError(`--workspace "${w}" is not id=location, e.g. erp-dal13=dal13.`);
      return { id, location };
    });
    let handle;
    try {
      handle = await sim.serveSimulator({ port: flags.port, host: flags.host, dataDir: flags['data-dir'], timeScale, seed: flags.seed, token: flags.token, workspaces, faults });
    } catch (e) {
      if (e instanceof sim.DataDirInUseError) throw new UserError(e.message, ['Stop that simulator first, or pass another --data-dir.']);
      throw e;
    }
    term.stdout.write(`listening on ${handle.url}\ntoken ${handle.token}\n`);
    term.stderr.write(`PowerVS simulator serving ${flags['data-dir']} (time scale ${timeScale}). Ctrl-C stops it.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await handle.close();
  }
}
