// `drctl cost`'s body: load the configuration and print its monthly estimate, as text or JSON.
import type { COST_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';
import { costService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runCost(args: { readonly dir: string }, flags: ParsedFlags<typeof COST_FLAG_SPECS>, argv: readonly string[], exit: Exit): Promise<void> {
  const { renderDiagnosticsText } = await views.diagnostics();
  const term = processTerminal(flags['no-color']);
  const outcome = await costService({ dir: args.dir, vars: varInputsFromArgv(argv) }, { cwd: term.cwd, env: term.env, fs: nodeConfigFs });
  term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
  if (!outcome.breakdown) exit(1);
  const { costToJson, renderCostText } = await views.cost();
  term.stdout.write(flags.json ? JSON.stringify(costToJson(outcome.breakdown!)) + '\n' : renderCostText(outcome.breakdown!));
}
