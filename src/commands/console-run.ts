// `drctl console`'s body: the Ink console over the real services, on an interactive terminal.
import type { CONSOLE_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { nodeConfigFs } from './inputs.js';
import { UserError } from '../diag/index.js';
import { checkConsoleAccess, realConsoleServices } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runConsoleCommand(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof CONSOLE_FLAG_SPECS>,
  _argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  // Access first: a denied user learns that, not that a terminal is missing.
  await checkConsoleAccess({ cwd: process.cwd(), dir: args.dir, env: process.env });
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
    throw new UserError('The console needs an interactive terminal.', [
      'For scripts and CI use the commands: drctl plan, drctl apply -auto-approve, drctl state list.',
    ]);
  }
  const { preferProductionReact } = await views.choose();
  preferProductionReact(process.env);
  const { runConsole } = await views.console();
  const services = await realConsoleServices({
    cwd: process.cwd(),
    dir: args.dir,
    env: process.env,
    fs: nodeConfigFs,
    color: term.color,
    width: () => (process.stdout.columns || 80) - 1,
    redactor: term.redactor,
  });
  const seconds = Number(process.env.DRCTL_CONSOLE_REFRESH ?? '10');
  const code = await runConsole(services, {
    // The terminal's stream: every frame goes through its redactor.
    stdout: term.stdout as typeof process.stdout,
    stdin: process.stdin,
    color: term.color,
    refreshMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0,
  });
  if (code) exit(code);
}
