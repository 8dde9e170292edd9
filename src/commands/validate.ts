import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';

export default class Validate extends DrctlCommand {
  static override summary = 'Check a DR configuration: syntax, references, types and domain rules.';
  static override examples = ['<%= config.bin %> validate plans/', '<%= config.bin %> validate --json'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...varFlags,
    json: Flags.boolean({ description: 'Print {valid, error_count, warning_count, diagnostics} as JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Validate);
    const { loadConfig } = await import('../config/load.js');
    const { diagnosticsToJson, renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
    const term = this.terminal(flags['no-color']);
    const result = loadConfig({ dir: args.dir, fs: nodeConfigFs, vars: varInputsFromArgv(this.argv), env: process.env });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    if (flags.json) {
      const out = { valid: errors === 0, error_count: errors, warning_count: warnings, diagnostics: diagnosticsToJson(result.diagnostics) };
      term.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      term.stderr.write(renderDiagnosticsText(result.diagnostics, result.sources, term.color, term.width));
      if (errors === 0) {
        const n = result.config ? result.config.vms.size : 0;
        term.stdout.write(`Success! The configuration is valid (${n} VMs${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}).\n`);
      }
    }
    if (errors > 0) this.exit(1);
  }
}
