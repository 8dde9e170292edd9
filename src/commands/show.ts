import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags } from './base.js';

export default class ShowCommand extends DrctlCommand {
  static override summary = 'Show a saved plan file as text or JSON.';
  static override args = { file: Args.string({ description: 'A plan file from drctl plan -out', required: true }) };
  static override flags = { ...commonFlags, json: Flags.boolean({ description: 'Print the plan as JSON.', default: false }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ShowCommand);
    const term = this.terminal(flags['no-color']);
    const { readPlanFile } = await import('../apply/service.js');
    const plan = readPlanFile(args.file);
    const { writePlan } = await import('./run-output.js');
    await writePlan(term, plan, flags.json);
  }
}
