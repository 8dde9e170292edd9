// `drctl sim status`'s body: the simulated world's time and each replicated group's progress.
import type { ParsedFlags, SIM_STATUS_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { simulatorStatus } from '../../services/index.js';
import { views } from '../../tui/index.js';

export async function runSimStatus(
  _args: Record<string, never>,
  flags: ParsedFlags<typeof SIM_STATUS_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const status = await simulatorStatus({ cwd: term.cwd, env: term.env, dataDir: flags['data-dir'] });
  term.stdout.write(flags.json ? JSON.stringify(status, null, 2) + '\n' : (await views.simStatus()).renderSimStatus(status));
}
