import { DrctlCommand, oclifArg, oclifFlags } from './base.js';
import { DIR_ARG, GRAPH_OUTPUT_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

export default class GraphCommand extends DrctlCommand {
  static override summary = 'Print the dependency graph (DOT) or the recovery order of each plan (text).';
  static override examples = ['<%= config.bin %> graph plans/ | dot -Tsvg > graph.svg', '<%= config.bin %> graph --format text'];
  static override args = oclifArg(DIR_ARG);
  static override flags = oclifFlags(GRAPH_OUTPUT_FLAG_SPECS);

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GraphCommand);
    const { runGraph } = await import('./graph-run.js');
    await runGraph({ dir: args.dir as string }, flags as unknown as ParsedFlags<typeof GRAPH_OUTPUT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
