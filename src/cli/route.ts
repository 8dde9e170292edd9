// The command line before oclif sees it: `drctl help COMMAND` and `drctl -version` in Terraform's
// spellings, and a mistyped command answered with a did-you-mean instead of oclif's "command
// aply not found". Pure: the command ids come in (oclif's, `state:list` for `state list`).
import { suggestName, UserError } from '../diag/index.js';

const VERSION_FLAGS = new Set(['--version', '-v']);

/** `argv` (normalized: --flag spellings) as oclif should run it; throws a UserError for an unknown command. */
export function routeCommandLine(argv: readonly string[], ids: readonly string[]): string[] {
  if (argv.length === 0) return [];
  const [first, ...rest] = argv;
  if (VERSION_FLAGS.has(first)) return ['version', ...rest];
  if (first === 'help') {
    const subject = rest.filter((a) => !a.startsWith('-'));
    if (subject.length) checkCommand(subject, ids);
    return [...subject, '--help'];
  }
  if (first.startsWith('-')) return [...argv];
  checkCommand(argv, ids);
  return [...argv];
}

function checkCommand(argv: readonly string[], ids: readonly string[]): void {
  const [word, sub] = argv;
  if (ids.includes(word)) return;
  const children = ids.filter((id) => id.startsWith(`${word}:`)).map((id) => id.slice(word.length + 1));
  if (children.length) {
    // A topic (state, sim): alone or with a flag it shows the topic's help.
    if (sub === undefined || sub.startsWith('-') || children.includes(sub)) return;
    const s = suggestName(sub, children);
    throw new UserError(`drctl ${word} has no command named "${sub}".`, [
      ...(s ? [`Did you mean "drctl ${word} ${s}"?`] : []),
      `Its commands: ${children.join(', ')}. Run drctl ${word} -help for what each does.`,
    ]);
  }
  const topLevel = [...new Set(ids.map((id) => id.split(':')[0]))];
  const s = suggestName(word, topLevel);
  throw new UserError(`drctl has no command named "${word}".`, [...(s ? [`Did you mean "drctl ${s}"?`] : []), 'Run drctl -help for the list of commands.']);
}
