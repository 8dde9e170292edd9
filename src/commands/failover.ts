import { Args, Flags } from '@oclif/core';
import { DrctlCommand, commonFlags, varFlags } from './base.js';
import { varInputsFromArgv } from './inputs.js';
import { approvalFlags, drFlags, drRunView, interactive, runbookApproval } from './dr.js';
import { askLine, interruptController, lockTimeoutMs } from './engine.js';

export const moveFlags = {
  plan: Flags.string({ description: 'The recovery plan to follow (default: the only one).' }),
  resume: Flags.boolean({ description: 'Resume an interrupted run (re-running the command does the same).', default: false }),
  'force-past': Flags.boolean({ description: 'Accept a run stuck in needs-attention as done; failed VMs stay failed and are listed.', default: false }),
};

export default class FailoverCommand extends DrctlCommand {
  static override summary = 'Move production to the standby site in recovery-plan order (planned by default).';
  static override examples = ['<%= config.bin %> failover -auto-approve', '<%= config.bin %> failover --unplanned --force', '<%= config.bin %> failover --plan erp'];
  static override args = { dir: Args.string({ description: 'Directory of *.hcl files', default: 'plans', ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...varFlags,
    ...drFlags,
    ...approvalFlags,
    ...moveFlags,
    planned: Flags.boolean({ description: 'Shut down at the active site first (the default).', default: false, exclusive: ['unplanned'] }),
    unplanned: Flags.boolean({ description: 'The active site is gone: move without it (shows the data-loss window).', default: false }),
    force: Flags.boolean({ description: 'Accept the data-loss window of an unplanned move, or start a planned one past its RPO blockers.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FailoverCommand);
    await runMoveCommand(this, 'failover', args.dir, flags);
  }
}

interface MoveFlags {
  'no-color': boolean;
  json: boolean;
  state?: string;
  'lock-timeout': string;
  parallelism?: number;
  'auto-approve': boolean;
  plan?: string;
  'force-past': boolean;
  unplanned?: boolean;
  force?: boolean;
}

export async function runMoveCommand(cmd: DrctlCommand & { exit(code: number): never }, kind: 'failover' | 'failback', dir: string, flags: MoveFlags): Promise<void> {
  const term = (cmd as unknown as { terminal(n: boolean): import('./base.js').Terminal }).terminal(flags['no-color']);
  const { moveService } = await import('../lifecycle/failover.js');
  const { renderRunbook } = await import('../lifecycle/runbook.js');
  const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
  const view = await drRunView(term, flags.json, `drctl ${kind}${flags.unplanned ? ' (unplanned)' : ''}`);
  const interrupt = interruptController(term, () => view.pause());
  try {
    const out = await moveService(kind, {
      dir,
      vars: varInputsFromArgv(cmd.argv),
      statePath: flags.state,
      lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
      parallelism: flags.parallelism,
      plan: flags.plan,
      unplanned: flags.unplanned,
      force: flags.force,
      forcePast: flags['force-past'],
      signal: interrupt.signal,
      approve: view.approval(runbookApproval(term, renderRunbook, { autoApprove: flags['auto-approve'], force: flags.force === true })),
      confirmManual: interactive(term) && !flags['auto-approve'] ? (group, text) => view.aside(async () => (await askLine(term, `\nManual step after group ${group}:\n  ${text}\nType 'done' when finished: `)) === 'done') : undefined,
    }, view.ctx);
    const rec = out.move?.record;
    if (rec) view.result(out.move!.ok, `${kind} ${rec.outcome}: ${rec.from.replace(/^site\./, '')} → ${rec.to.replace(/^site\./, '')}.`, rec.rto.achievedModelSeconds);
    await view.stop();
    term.stderr.write(renderDiagnosticsText(out.diagnostics.filter((d) => d.severity === 'error'), out.sources, term.color, term.width));
    const move = out.move;
    if (!move) cmd.exit(1);
    if (move!.message) term.stdout.write(move!.message + '\n');
    if (move!.cancelled) {
      term.stdout.write(`${kind} cancelled.\n`);
      cmd.exit(1);
    }
    const r = move!.record;
    if (r) {
      if (flags.json) term.stdout.write(JSON.stringify(r) + '\n');
      else {
        term.stdout.write(`\n${kind} ${r.outcome}: ${r.from} → ${r.to} (run ${r.run}).\n`);
        for (const g of r.groups) term.stdout.write(`  group ${g.name}: ${g.seconds === undefined ? 'not run' : `${g.seconds.toFixed(1)}s`}${g.postCheck ? `, post_check ${g.postCheck.ok ? 'ok' : 'FAILED'}` : ''}${g.manual ? `, manual step ${g.manual.confirmed ? 'confirmed' : 'listed (do it now)'}: ${g.manual.text}` : ''}\n`);
        term.stdout.write(`  RTO ${Math.round(r.rto.achievedModelSeconds)}s (model) vs predicted ${Math.round(r.rto.predictedSeconds)}s${r.rto.targetSeconds !== undefined ? `, target ${r.rto.targetSeconds}s${r.rto.met === undefined ? '' : r.rto.met ? ' — met' : ' — MISSED'}` : ''}; RPO at switch ${Math.round(r.rpo.maxLagSeconds)}s.\n`);
        for (const f of r.failures) term.stdout.write(`  failed: ${f}\n`);
        if (r.outcome === 'needs-attention') term.stdout.write(`  Fix the cause and run drctl ${kind} again to retry, or drctl ${kind} --force-past to accept.\n`);
        term.stdout.write(`  Record: ${move!.recordFile}\n`);
      }
      if (r.outcome === 'interrupted') cmd.exit(130);
      if (!move!.ok) cmd.exit(1);
    }
  } finally {
    await view.stop();
    interrupt.dispose();
  }
}
