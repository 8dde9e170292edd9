import { Args } from '@oclif/core';
import { DrctlCommand, commonFlags } from './base.js';
import { nodeConfigFs } from './inputs.js';
import { UserError } from '../diag/errors.js';

export default class ConsoleCommand extends DrctlCommand {
  static override summary = 'Open the interactive console: sites, replication, pending plan; plan, apply and DR runs by key.';
  static override description = 'Also opened by `drctl` alone on a terminal. Keys: p plan, a apply, v verify, d drill, f failover, b failback, e events, ? help, q quit.';
  static override examples = ['<%= config.bin %> console', '<%= config.bin %> console plans'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConsoleCommand);
    const term = this.terminal(flags['no-color']);
    if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
      throw new UserError('The console needs an interactive terminal.', ['For scripts and CI use the commands: drctl plan, drctl apply -auto-approve, drctl state list.']);
    }
    const { preferProductionReact } = await import('../tui/views/choose.js');
    preferProductionReact(process.env);
    const { realConsoleServices } = await import('../tui/console/services.js');
    const { runConsole } = await import('../tui/ink/console/start.js');
    const services = realConsoleServices({ cwd: process.cwd(), dir: args.dir, env: process.env, fs: nodeConfigFs, color: term.color, width: () => (process.stdout.columns || 80) - 1 });
    const seconds = Number(process.env.DRCTL_CONSOLE_REFRESH ?? '10');
    const code = await runConsole(services, { stdout: process.stdout, stdin: process.stdin, color: term.color, refreshMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0 });
    if (code) this.exit(code);
  }
}
