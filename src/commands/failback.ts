import { Args } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { approvalFlags, drFlags } from './dr.js';
import { moveFlags, runMoveCommand } from './failover.js';

export default class FailbackCommand extends DrctlCommand {
  static override summary = 'Move production back home: resync replication first, then the reverse move in plan order.';
  static override examples = ['<%= config.bin %> failback -auto-approve'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = { ...commonFlags, ...varFlags, ...drFlags, ...approvalFlags, ...moveFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FailbackCommand);
    await runMoveCommand(this, 'failback', args.dir, flags);
  }
}
