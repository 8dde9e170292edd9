// The body of `drctl failover` and `drctl failback`: approve the runbook, run the move live
// (manual steps confirmed on a terminal), print the run record.
import type { FAILBACK_FLAG_SPECS, FAILOVER_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { askManualStep, drJson, drRunView, interactive, runbookApproval } from './dr.js';
import { interruptController, lockTimeoutMs } from './engine.js';
import { moveService } from '../services/index.js';
import { views } from '../tui/index.js';

/** Failover's flags; failback's lack the unplanned ones. */
type MoveFlags = ParsedFlags<typeof FAILBACK_FLAG_SPECS> & Partial<Pick<ParsedFlags<typeof FAILOVER_FLAG_SPECS>, 'unplanned' | 'force' | 'planned'>>;

export async function runMoveCommand(
  kind: 'failover' | 'failback',
  args: { readonly dir: string },
  flags: MoveFlags,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const json = drJson(term, kind, flags.json);
  const { renderRunbook, describeRto } = await import('../plan/index.js');
  const { renderDiagnosticsText } = await views.diagnostics();
  const view = await drRunView(term, flags.json, `drctl ${kind}${flags.unplanned ? ' (unplanned)' : ''}`);
  const interrupt = interruptController(term, () => view.pause());
  try {
    const out = await moveService(
      kind,
      {
        dir: args.dir,
        vars: varInputsFromArgv(argv),
        statePath: flags.state,
        lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
        parallelism: flags.parallelism,
        plan: flags.plan,
        unplanned: flags.unplanned,
        force: flags.force,
        forcePast: flags['force-past'],
        signal: interrupt.signal,
        approve: view.approval(runbookApproval(term, renderRunbook, { autoApprove: flags['auto-approve'], force: flags.force === true })),
        confirmManual: interactive(term) && !flags['auto-approve'] ? (group, text) => view.aside(() => askManualStep(term, group, text)) : undefined,
      },
      view.ctx,
    );
    const rec = out.move?.record;
    if (rec)
      view.result(out.move!.ok, `${kind} ${rec.outcome}: ${rec.from.replace(/^site\./, '')} → ${rec.to.replace(/^site\./, '')}.`, rec.rto.achievedSeconds);
    await view.stop();
    term.stderr.write(
      renderDiagnosticsText(
        out.diagnostics.filter((d) => d.severity === 'error'),
        out.sources,
        term.color,
        term.width,
      ),
    );
    const move = out.move;
    if (!move) {
      json.diagnostics(out.diagnostics.filter((d) => d.severity === 'error'));
      json.result({ ok: false, exitCode: 1, summary: `The configuration has errors: no ${kind} was run.` });
      exit(1);
    }
    if (move!.message && !flags.json) term.stdout.write(move!.message + '\n');
    if (move!.cancelled) {
      json.result({ ok: false, exitCode: 1, summary: `${kind} cancelled.` });
      if (!flags.json) term.stdout.write(`${kind} cancelled.\n`);
      exit(1);
    }
    const r = move!.record;
    if (!r) json.result({ ok: move!.ok, exitCode: move!.ok ? 0 : 1, summary: move!.message ?? `${kind}: nothing to move.` });
    if (r) {
      if (flags.json) {
        const code = r.outcome === 'interrupted' ? 130 : move!.ok ? 0 : 1;
        json.result({
          ok: code === 0,
          exitCode: code,
          summary: `${kind} ${r.outcome}: ${r.from} → ${r.to} (run ${r.run}).`,
          data: r,
          recordFile: move!.recordFile,
        });
      } else {
        term.stdout.write(`\n${kind} ${r.outcome}: ${r.from} → ${r.to} (run ${r.run}).\n`);
        for (const g of r.groups)
          term.stdout.write(
            `  group ${g.name}: ${g.seconds === undefined ? (g.startedMs === undefined ? 'not run' : 'not finished') : `${g.seconds.toFixed(1)}s`}${g.postCheck ? `, post_check ${g.postCheck.ok ? 'ok' : 'FAILED'}` : ''}${g.manual ? `, manual step ${g.manual.confirmed ? 'confirmed' : 'listed (do it now)'}: ${g.manual.text}` : ''}\n`,
          );
        term.stdout.write(`  ${describeRto(r.rto)}; RPO at switch ${Math.round(r.rpo.maxLagSeconds)}s.\n`);
        for (const f of r.failures) term.stdout.write(`  failed: ${f}\n`);
        if (r.outcome === 'interrupted') term.stdout.write(`  Interrupted: finished steps are kept; run drctl ${kind} again to resume.\n`);
        if (r.outcome === 'needs-attention')
          term.stdout.write(`  Fix the cause and run drctl ${kind} again to retry, or drctl ${kind} --force-past to accept.\n`);
        term.stdout.write(`  Record: ${move!.recordFile}\n`);
      }
      if (r.outcome === 'interrupted') exit(130);
      if (!move!.ok) exit(1);
    }
  } catch (err) {
    json.fail(err);
    throw err;
  } finally {
    await view.stop();
    interrupt.dispose();
  }
}
