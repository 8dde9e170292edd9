import { Args } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { varInputsFromArgv } from './inputs.js';
import { drContext, drFlags } from './dr.js';
import { lockTimeoutMs } from './engine.js';

export default class CleanupCommand extends DrctlCommand {
  static override summary = 'Remove drill leftovers (VMs, clones, test networks) at both sites. Safe to run any time.';
  static override examples = ['<%= config.bin %> cleanup'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = { ...commonFlags, ...varFlags, ...drFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CleanupCommand);
    const term = this.terminal(flags['no-color']);
    const { cleanupService } = await import('../lifecycle/cleanup.js');
    const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
    const out = await cleanupService({ dir: args.dir, vars: varInputsFromArgv(this.argv), statePath: flags.state, lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']) }, drContext(term, flags.json));
    term.stderr.write(renderDiagnosticsText(out.diagnostics.filter((d) => d.severity === 'error'), out.sources, term.color, term.width));
    if (!out.result) this.exit(1);
    const r = out.result!.removed;
    if (flags.json) term.stdout.write(JSON.stringify(out.result) + '\n');
    else term.stdout.write(r.vms.length + r.volumes.length + r.networks.length === 0 ? 'No drill leftovers.\n' : `Removed ${r.vms.length} VM(s), ${r.volumes.length} volume(s), ${r.networks.length} network(s).\n`);
  }
}
