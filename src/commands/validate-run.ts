// `drctl validate`'s body: load the configuration, print its diagnostics (or them as JSON).
import type { ParsedFlags, VALIDATE_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { nodeConfigFs, varInputsFromArgv } from './inputs.js';
import { loadConfiguration } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runValidate(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof VALIDATE_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const { diagnosticsToJson, renderDiagnosticsText } = await views.diagnostics();
  const term = processTerminal(flags['no-color']);
  const result = await loadConfiguration({ dir: args.dir, vars: varInputsFromArgv(argv) }, { fs: nodeConfigFs, env: process.env, redactor: term.redactor });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (flags.json) {
    // schemas/validate.schema.json: each diagnostic as the plan's (detail and range null when absent).
    const diagnostics = diagnosticsToJson(result.diagnostics).map((d) => ({
      severity: d.severity,
      summary: d.summary,
      detail: d.detail ?? null,
      range: d.range ?? null,
    }));
    const out = { valid: errors === 0, error_count: errors, warning_count: warnings, diagnostics };
    term.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    term.stderr.write(renderDiagnosticsText(result.diagnostics, result.sources, term.color, term.width));
    if (errors === 0) {
      const n = result.config ? result.config.vms.size : 0;
      term.stdout.write(`Success! The configuration is valid (${n} VMs${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}).\n`);
    }
  }
  if (errors > 0) exit(1);
}
