import { Args } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { varInputsFromArgv } from './inputs.js';
import { drFlags, drRunView } from './dr.js';
import { lockTimeoutMs } from './engine.js';

export default class VerifyCommand extends DrctlCommand {
  static override summary = 'Check DR readiness: replication within RPO, capacity, paired networks, machine types, no stale clones. Exits 1 when not ready.';
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify --json'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = { ...commonFlags, ...varFlags, ...drFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(VerifyCommand);
    const term = this.terminal(flags['no-color']);
    const { verifyService, renderVerify } = await import('../lifecycle/verify.js');
    const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
    const view = await drRunView(term, flags.json, 'drctl verify');
    const out = await verifyService({ dir: args.dir, vars: varInputsFromArgv(this.argv), statePath: flags.state, lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']) }, view.ctx).catch(async (e: unknown) => {
      await view.stop();
      throw e;
    });
    if (out.report) {
      view.verified(out.report);
      view.result(out.report.ready, renderVerify(out.report).trimEnd().split('\n').pop()!);
    }
    await view.stop();
    term.stderr.write(renderDiagnosticsText(out.diagnostics.filter((d) => d.severity === 'error'), out.sources, term.color, term.width));
    if (!out.report) this.exit(1);
    if (flags.json) term.stdout.write(JSON.stringify(out.report, null, 2) + '\n');
    // The live view has shown every check; a terminal that also shows stdout gets the verdict once.
    else term.stdout.write(view.live && term.stdout.isTTY ? renderVerify(out.report!).trimEnd().split('\n').pop()! + '\n' : renderVerify(out.report!));
    if (!out.report!.ready) this.exit(1);
  }
}
