import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';

export default class GraphCommand extends DrctlCommand {
  static override summary = 'Print the dependency graph (DOT) or the recovery order of each plan (text).';
  static override examples = ['<%= config.bin %> graph plans/ | dot -Tsvg > graph.svg', '<%= config.bin %> graph --format text'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...varFlags,
    format: Flags.string({ description: 'dot: the resource graph; text: the recovery order; waves: creation waves.', options: ['dot', 'text', 'waves'], default: 'dot' }),
    plan: Flags.string({ description: 'With --format text: only this recovery plan.' }),
    parallelism: Flags.integer({ description: 'Boots in flight at once, for the predicted RTO.', min: 1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GraphCommand);
    const { loadConfig } = await import('../config/load.js');
    const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
    const views = await import('../tui/views/graph.js');
    const term = this.terminal(flags['no-color']);
    const result = loadConfig({ dir: args.dir, fs: nodeConfigFs, vars: varInputsFromArgv(this.argv), env: process.env });
    term.stderr.write(renderDiagnosticsText(result.diagnostics, result.sources, term.color, term.width));
    if (!result.config || !result.graph) this.exit(1);
    const config = result.config!;
    const parallelism = flags.parallelism ?? config.settings.parallelism ?? 10;
    if (flags.format === 'text') term.stdout.write(views.renderRecoveryTree(config, parallelism, flags.plan));
    else if (flags.format === 'waves') term.stdout.write(views.renderWaves(result.graph!));
    else term.stdout.write(views.renderDot(result.graph!));
  }
}
