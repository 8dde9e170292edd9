import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { varInputsFromArgv } from './inputs.js';
import { approvalFlags, drFlags, drRunView, runbookApproval } from './dr.js';
import { interruptController, lockTimeoutMs } from './engine.js';

export default class DrillCommand extends DrctlCommand {
  static override summary = 'Rehearse a recovery at the standby site on clones and the test network; always cleans up.';
  static override examples = ['<%= config.bin %> drill -auto-approve', '<%= config.bin %> drill --plan erp'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...varFlags,
    ...drFlags,
    ...approvalFlags,
    drill: Flags.string({ description: 'The drill block to run (default: the only one).' }),
    plan: Flags.string({ description: 'Drill this recovery plan instead of a drill block.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DrillCommand);
    const term = this.terminal(flags['no-color']);
    const { drillService } = await import('../lifecycle/drill-run.js');
    const { renderRunbook } = await import('../lifecycle/runbook.js');
    const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
    const view = await drRunView(term, flags.json, `drctl drill${flags.drill ? ` ${flags.drill}` : ''}`);
    const interrupt = interruptController(term, () => view.pause());
    try {
      const out = await drillService({
        dir: args.dir,
        vars: varInputsFromArgv(this.argv),
        statePath: flags.state,
        lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
        parallelism: flags.parallelism,
        drill: flags.drill,
        plan: flags.plan,
        signal: interrupt.signal,
        approve: view.approval(runbookApproval(term, renderRunbook, { autoApprove: flags['auto-approve'], force: false })),
      }, view.ctx);
      const rec = out.record;
      if (rec) view.result(rec.outcome === 'passed', `Drill ${rec.drill} ${rec.outcome}.`, rec.rto.achievedModelSeconds);
      await view.stop();
      term.stderr.write(renderDiagnosticsText(out.diagnostics.filter((d) => d.severity === 'error'), out.sources, term.color, term.width));
      if (out.cancelled) {
        term.stdout.write('Drill cancelled.\n');
        this.exit(1);
      }
      const r = out.record;
      if (!r) this.exit(1);
      if (flags.json) term.stdout.write(JSON.stringify(r) + '\n');
      else {
        term.stdout.write(`\nDrill ${r!.drill} ${r!.outcome}${r!.failure ? ` (${r!.failure.step}: ${r!.failure.message})` : ''}.\n`);
        for (const g of r!.groups) term.stdout.write(`  group ${g.name}: ${g.seconds.toFixed(1)}s${g.postCheck ? `, post_check ${g.postCheck.ok ? 'ok' : 'FAILED'}` : ''}\n`);
        if (r!.rto.achievedModelSeconds !== undefined) term.stdout.write(`  RTO ${Math.round(r!.rto.achievedModelSeconds)}s (model) vs predicted ${Math.round(r!.rto.predictedSeconds)}s${r!.rto.targetSeconds !== undefined ? `, limit ${r!.rto.targetSeconds}s` : ''}\n`);
        term.stdout.write(`  Cleanup: removed ${r!.cleanup.vms} VM(s), ${r!.cleanup.volumes} clone(s), ${r!.cleanup.networks} test network(s).\n  Record: ${out.recordFile}\n`);
      }
      if (r!.outcome === 'cancelled') this.exit(130);
      if (r!.outcome !== 'passed') this.exit(1);
    } finally {
      await view.stop();
      interrupt.dispose();
    }
  }
}
