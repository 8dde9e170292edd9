import { Args, Flags } from '@oclif/core';
import { readFile } from 'node:fs/promises';
import { DrctlCommand } from '../base.js';
import { lockTimeoutMs } from '../engine.js';
import { UserError } from '../../diag/errors.js';
import { dirArg, lockFlags, stateBackendFor, stateFlags, userFacing, writeWarnings } from './location.js';

export default class StatePush extends DrctlCommand {
  static override summary = 'Replace the state with a local file (or - for stdin).';
  static override description =
    'Refuses a file of another lineage, with a lower serial, or with the same serial and other content, unless -force is given. The state is locked while it is replaced, and written atomically; the previous version is kept as <state>.backup.';
  static override examples = ['<%= config.bin %> state push fixed.drstate.json', '<%= config.bin %> state pull | jq … | <%= config.bin %> state push -'];
  static override args = {
    file: Args.string({ ignoreStdin: true, description: 'The state file to push, or - to read stdin', required: true }),
    dir: dirArg,
  };
  static override flags = {
    ...stateFlags,
    ...lockFlags,
    force: Flags.boolean({ description: 'Push even if the lineage differs, the serial is lower, or the current state is unusable.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StatePush);
    const term = this.terminal(flags['no-color']);
    const { pushState } = await import('../../state/commands.js');
    const timeout = lockTimeoutMs(flags['lock-timeout']);
    const source = args.file === '-' ? 'stdin' : args.file;
    let text: string;
    try {
      text = args.file === '-' ? await readStdin() : await readFile(args.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`Cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
    }
    const backend = await stateBackendFor(term, args.dir, flags.state);
    const r = await userFacing(() => pushState(backend, text, source, { force: flags.force, lockTimeoutMs: timeout }));
    writeWarnings(term, r.warnings);
    term.stdout.write(
      r.written
        ? `Pushed ${source} to ${backend.location}: serial ${r.serial}, ${r.resources} resource${r.resources === 1 ? '' : 's'}.\n`
        : `The state at ${backend.location} already holds this content (serial ${r.serial}); nothing was written.\n`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
