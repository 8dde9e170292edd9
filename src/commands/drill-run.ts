// `drctl drill`'s body: approve the runbook, run the drill live, print the record.
import type { DRILL_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { drJson, drRunView, runbookApproval } from './dr.js';
import { interruptController, lockTimeoutMs } from './engine.js';
import { drillService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runDrillCommand(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof DRILL_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const json = drJson(term, 'drill', flags.json);
  const { renderRunbook, describeRto } = await import('../plan/index.js');
  const { renderDiagnosticsText } = await views.diagnostics();
  const view = await drRunView(term, flags.json, `drctl drill${flags.drill ? ` ${flags.drill}` : ''}`);
  const interrupt = interruptController(term, () => view.pause());
  try {
    const out = await drillService(
      {
        dir: args.dir,
        vars: varInputsFromArgv(argv),
        statePath: flags.state,
        lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
        parallelism: flags.parallelism,
        drill: flags.drill,
        plan: flags.plan,
        signal: interrupt.signal,
        approve: view.approval(runbookApproval(term, renderRunbook, { autoApprove: flags['auto-approve'], force: false })),
      },
      view.ctx,
    );
    const rec = out.record;
    if (rec) view.result(rec.outcome === 'passed', `Drill ${rec.drill} ${rec.outcome}.`, rec.rto.achievedSeconds);
    await view.stop();
    term.stderr.write(
      renderDiagnosticsText(
        out.diagnostics.filter((d) => d.severity === 'error'),
        out.sources,
        term.color,
        term.width,
      ),
    );
    if (out.cancelled) {
      json.result({ ok: false, exitCode: 1, summary: 'Drill cancelled.' });
      if (!flags.json) term.stdout.write('Drill cancelled.\n');
      exit(1);
    }
    const r = out.record;
    if (!r) {
      json.diagnostics(out.diagnostics.filter((d) => d.severity === 'error'));
      json.result({ ok: false, exitCode: 1, summary: 'The configuration has errors: no drill was run.' });
      exit(1);
    }
    if (flags.json) {
      const code = r!.outcome === 'cancelled' ? 130 : r!.outcome === 'passed' ? 0 : 1;
      json.result({ ok: code === 0, exitCode: code, summary: `Drill ${r!.drill} ${r!.outcome}.`, data: r, recordFile: out.recordFile });
    } else {
      term.stdout.write(`\nDrill ${r!.drill} ${r!.outcome}${r!.failure ? ` (${r!.failure.step}: ${r!.failure.message})` : ''}.\n`);
      for (const g of r!.groups)
        term.stdout.write(
          `  group ${g.name}: ${g.seconds.toFixed(0)}s (${g.wallSeconds.toFixed(1)}s real)${g.postCheck ? `, post_check ${g.postCheck.ok ? 'ok' : 'FAILED'}` : ''}\n`,
        );
      term.stdout.write(`  ${describeRto(r!.rto)}\n`);
      term.stdout.write(
        `  Cleanup: removed ${r!.cleanup.vms} VM(s), ${r!.cleanup.volumes} clone(s), ${r!.cleanup.networks} test network(s).\n  Record: ${out.recordFile}\n`,
      );
    }
    if (r!.outcome === 'cancelled') exit(130);
    if (r!.outcome !== 'passed') exit(1);
  } catch (err) {
    json.fail(err);
    throw err;
  } finally {
    await view.stop();
    interrupt.dispose();
  }
}
