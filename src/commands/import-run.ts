// `drctl import`'s body.
import type { IMPORT_ARGS, IMPORT_FLAG_SPECS, ParsedArgs, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { engineContext, lockTimeoutMs } from './engine.js';
import { varInputsFromArgv } from './inputs.js';
import { importService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runImport(
  args: ParsedArgs<typeof IMPORT_ARGS>,
  flags: ParsedFlags<typeof IMPORT_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const outcome = await importService(
    {
      dir: args.dir ?? 'plans',
      vars: varInputsFromArgv(argv),
      address: args.address,
      id: args.id,
      lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
      statePath: flags.state,
    },
    engineContext(() => undefined),
  );
  const { renderDiagnosticsText } = await views.diagnostics();
  term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
  const done = outcome.imported;
  if (!done) return exit(1);
  term.stdout.write(
    `${done.address}: imported VM "${done.name}" (${done.id}) of workspace ${done.workspace}.\n\n` +
      `drctl now manages it. Run drctl plan to see what it takes to make it match the configuration.\n`,
  );
}
