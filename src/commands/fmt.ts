// `drctl fmt`: rewrite HCL files in the canonical style, as `terraform fmt` does, with its flags
// and exit codes (0 formatted or nothing to do, 1 an error, 3 `-check` found unformatted input).
// The command binds flags into FmtOptions; services/fmt.ts does the work.
import { DrctlCommand, oclifArgs, oclifFlags } from './base.js';
import { FMT_ARGS, FMT_FLAG_SPECS, type ParsedFlags } from './flag-specs.js';

const BOOLEAN_FLAGS = ['list', 'write', 'diff', 'check', 'recursive'];

/**
 * Terraform writes `-list=false`; oclif's boolean flags take no value, so `--list=false` becomes
 * `--no-list` and `--list=true` becomes `--list` before parsing.
 */
export function booleanFlagValues(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const m = /^--([a-z]+)=(true|false|1|0)$/.exec(arg);
    if (!m || !BOOLEAN_FLAGS.includes(m[1])) return arg;
    return m[2] === 'true' || m[2] === '1' ? `--${m[1]}` : `--no-${m[1]}`;
  });
}

export default class Fmt extends DrctlCommand {
  static override summary = 'Rewrite HCL files in the canonical style (like terraform fmt).';
  static override description =
    'Formats the *.hcl files of the given directories (default: plans, as every drctl command reads) and the given files in place, ' +
    'printing the names of the files it changed. "-" formats standard input to standard output. ' +
    'Exit status: 0 on success, 1 on an error (a file with syntax errors is reported and left as it is), ' +
    '3 when -check finds input that is not formatted.';
  static override examples = [
    '<%= config.bin %> fmt',
    '<%= config.bin %> fmt -recursive .',
    '<%= config.bin %> fmt -check -diff plans/',
    'cat site.hcl | <%= config.bin %> fmt -',
  ];
  static override strict = false;
  static override args = oclifArgs(FMT_ARGS);
  static override flags = oclifFlags(FMT_FLAG_SPECS);

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Fmt, booleanFlagValues(this.argv));
    const { runFmt } = await import('./fmt-run.js');
    // Not strict, for any number of paths; oclif still rejects unknown flags.
    await runFmt({ paths: argv.map(String) }, flags as unknown as ParsedFlags<typeof FMT_FLAG_SPECS>, this.argv, (code) => this.exit(code));
  }
}
