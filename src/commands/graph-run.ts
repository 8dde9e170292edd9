// `drctl graph`'s body: load the configuration and print its graph, recovery order or waves.
import type { GRAPH_OUTPUT_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';
import { loadConfiguration } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runGraph(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof GRAPH_OUTPUT_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const { renderDiagnosticsText } = await views.diagnostics();
  const graphViews = await views.graph();
  const term = processTerminal(flags['no-color']);
  const result = await loadConfiguration({ dir: args.dir, vars: varInputsFromArgv(argv) }, { fs: nodeConfigFs, env: process.env, redactor: term.redactor });
  term.stderr.write(renderDiagnosticsText(result.diagnostics, result.sources, term.color, term.width));
  if (!result.config || !result.graph) exit(1);
  const config = result.config!;
  const parallelism = flags.parallelism ?? config.settings.parallelism ?? 10;
  if (flags.json) term.stdout.write(JSON.stringify(graphViews.graphToJson(result.graph!, config, parallelism, flags.plan)) + '\n');
  else if (flags.format === 'text') term.stdout.write(graphViews.renderRecoveryTree(config, parallelism, flags.plan));
  else if (flags.format === 'waves') term.stdout.write(graphViews.renderWaves(result.graph!));
  else term.stdout.write(graphViews.renderDot(result.graph!));
}
