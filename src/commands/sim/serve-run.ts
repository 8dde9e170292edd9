// `drctl sim serve`'s body: the simulator on its own until Ctrl-C.
import type { ParsedFlags, SIM_SERVE_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { UserError } from '../../diag/index.js';
import { formatTimeScale, parseTimeScale, serveStandaloneSimulator } from '../../services/index.js';

export async function runSimServe(
  _args: Record<string, never>,
  flags: ParsedFlags<typeof SIM_SERVE_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const scaleText = flags['time-scale'];
  const timeScale = parseTimeScale(scaleText);
  if (timeScale === undefined)
    throw new UserError(`-time-scale "${scaleText}" is not a time scale.`, [
      'Write real seconds per model second: 1/600 (the default: a 5-minute boot takes 0.5 s), 0.01, or 0 for instant.',
    ]);
  const handle = await serveStandaloneSimulator({
    port: flags.port,
    host: flags.host,
    dataDir: flags['data-dir'],
    timeScale,
    seed: flags.seed,
    token: flags.token,
    apiKey: flags['api-key'] ?? (process.env.DRCTL_SIM_API_KEY || undefined),
    workspaces: flags.workspace ?? [],
    faults: flags.fault ?? [],
    faultRate: flags['fault-rate'],
    slowMs: flags['slow-ms'],
  });
  term.stdout.write(`listening on ${handle.url}\ntoken ${handle.token}\n`);
  term.stderr.write(`PowerVS simulator serving ${flags['data-dir']} (time scale ${formatTimeScale(timeScale)}). Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
}
