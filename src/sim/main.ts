// Runs the simulator as its own process:
//   node dist/sim/main.js [--port N] [--host H] [--data-dir DIR] [--time-scale S] [--seed N]
//     [--token T] [--admin-token T] [--api-key K] [--workspace id=location ...] [--fault kind=value ...]
//     [--fault-rate 429=0.1,500=0.05,reset=0.05,slow=0.02] [--slow-ms N] [--compact-bytes N]
// Prints "listening on http://127.0.0.1:PORT" and serves until SIGTERM or SIGINT. The API key
// also comes from DRCTL_SIM_API_KEY: when set, IAM hands a token to that key only.

import { parseArgs } from 'node:util';
import { parseFaultFlags } from './faults.js';
import { serveSimulator, type SimulatorWorkspace } from './index.js';

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      'admin-token': { type: 'string' },
      'api-key': { type: 'string' },
      workspace: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      'fault-rate': { type: 'string' },
      'slow-ms': { type: 'string' },
      'compact-bytes': { type: 'string' },
    },
    strict: true,
  });
  const number = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v.includes('/') ? Number(v.split('/')[0]) / Number(v.split('/')[1]) : v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${v}: expected a non-negative number`);
    return n;
  };
  const workspaces: SimulatorWorkspace[] = (values.workspace ?? []).map((w) => {
    const [id, location] = w.split('=');
    if (!id || !location) throw new Error(`--workspace ${w}: expected id=location`);
    return { id, location };
  });
  const sim = await serveSimulator({
    port: number('port', values.port),
    host: values.host,
    dataDir: values['data-dir'] ?? '.drctl/sim',
    timeScale: number('time-scale', values['time-scale']),
    seed: number('seed', values.seed),
    token: values.token ?? process.env.DRCTL_SIM_TOKEN,
    adminToken: values['admin-token'] ?? process.env.DRCTL_SIM_ADMIN_TOKEN,
    apiKey: values['api-key'] ?? (process.env.DRCTL_SIM_API_KEY || undefined),
    workspaces,
    compactBytes: number('compact-bytes', values['compact-bytes']),
    faults: parseFaultFlags(values.fault ?? [], values['fault-rate'], number('slow-ms', values['slow-ms'])),
  });
  process.stdout.write(`listening on ${sim.url}\n`);
  process.stdout.write(`token ${sim.token}\n`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`drctl sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
