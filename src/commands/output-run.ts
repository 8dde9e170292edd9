// `drctl output [NAME]`: the outputs the state records, as `terraform output` prints them.
import type { OUTPUT_ARGS, OUTPUT_FLAG_SPECS, ParsedArgs, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { stateTargetFor, writeWarnings } from './state/location.js';
import { suggestName, UserError } from '../diag/index.js';
import { views } from '../tui/index.js';

export async function runOutput(
  args: ParsedArgs<typeof OUTPUT_ARGS>,
  flags: ParsedFlags<typeof OUTPUT_FLAG_SPECS>,
  _argv: readonly string[],
  _exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const state = await stateTargetFor(term, flags.dir, flags.state);
  const { outputs, warnings } = await state.outputs();
  writeWarnings(term, warnings);
  const { outputsToJson, renderOutputLines, renderOutputValue } = await views.outputs();
  if (args.name === undefined) {
    if (flags.raw) throw new UserError('-raw prints one output: name it, e.g. drctl output -raw dr_workspace.');
    if (flags.json) return void term.stdout.write(JSON.stringify(outputsToJson(outputs), null, 2) + '\n');
    const text = renderOutputLines(outputs);
    if (!text) {
      term.stderr.write(
        'Warning: No outputs found\n\n  The state has no outputs: the configuration declares no output blocks, or it has not been applied since it did.\n',
      );
      return;
    }
    return void term.stdout.write(text);
  }
  const o = outputs[args.name];
  if (!o) {
    const s = suggestName(args.name, Object.keys(outputs));
    throw new UserError(`Output "${args.name}" not found in the state.`, [
      ...(s ? [`Did you mean "${s}"?`] : []),
      Object.keys(outputs).length
        ? `The state has: ${Object.keys(outputs).sort().join(', ')}.`
        : 'The state has no outputs; apply a configuration that declares them.',
    ]);
  }
  if (o.sensitive) {
    if (flags.json) return void term.stdout.write(JSON.stringify(outputsToJson({ [args.name]: o })[args.name]) + '\n');
    throw new UserError(`Output "${args.name}" is sensitive, and the state keeps only a keyed hash of it, never the value.`, [
      'Read it where it comes from (a variable, a secret store), not from drctl.',
    ]);
  }
  if (flags.json) return void term.stdout.write(JSON.stringify(o.value) + '\n');
  if (flags.raw) {
    if (typeof o.value === 'object' && o.value !== null)
      throw new UserError(`Output "${args.name}" is not a string, number or bool, so -raw cannot print it.`, ['Use -json for a list or an object.']);
    return void term.stdout.write(String(o.value));
  }
  term.stdout.write(renderOutputValue(o.value) + '\n');
}
