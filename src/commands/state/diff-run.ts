// `drctl state diff`'s body: the diff as text, a pull-request comment, or JSON; exit 2 when the states differ.
import type { ParsedArgs, ParsedFlags, STATE_DIFF_ARGS, STATE_DIFF_FLAG_SPECS } from '../flag-specs.js';
import { processTerminal, type Exit } from '../terminal.js';
import { stateDiffService } from '../../services/index.js';
import { checkMarkdownLimit } from '../run-output.js';

export async function runStateDiff(
  args: ParsedArgs<typeof STATE_DIFF_ARGS>,
  flags: ParsedFlags<typeof STATE_DIFF_FLAG_SPECS>,
  _argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  checkMarkdownLimit(flags);
  const report = await stateDiffService({ before: args.old, after: args.new }, { cwd: term.cwd, env: term.env });
  if (flags.json) term.stdout.write(JSON.stringify(report.json()) + '\n');
  else if (flags.markdown) term.stdout.write(report.markdown({ limit: flags.limit }));
  else term.stdout.write(report.text());
  if (!report.equal) exit(2);
}
