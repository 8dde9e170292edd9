// `drctl apply`'s body, apart from its oclif class so the fast start path can run it without
// loading oclif. `exit` ends the command with a code (oclif's this.exit, or the fast path's).
// Direct imports, not the services and tui facades: plan and apply start from one bundle of
// all they can reach (the fast path, a measured start-up), and the facades reach every use case and ink.
import * as fs from 'node:fs';
import type { ApplyFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { askLine, engineContext, engineOptions, interruptController, lockTimeoutMs } from './engine.js';
import { UserError } from '../diag/index.js';
import { startRunView } from './run-output.js';
import { applyService } from '../services/engine.js';

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

export async function runApply(args: { readonly target: string }, flags: ApplyFlags, argv: readonly string[], exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const ink = await startRunView(term, flags.json, 'drctl apply');
  const { plainWidth } = await import('../tui/views/choose.js');
  const { renderDiagnosticsText } = await import('../tui/views/diagnostics.js');
  const { plainView, jsonView, plainEventLine, batchedWriter } = await import('../tui/views/plain.js');
  // Not in plan/index.ts (see there): the renderer loads when a plan is drawn.
  const { renderPlanText } = await import('../plan/render-text.js');
  const target = statOf(args.target);
  if (!target) {
    throw new UserError(`${args.target} does not exist.`, [
      'drctl apply takes a configuration directory (default: plans) or a plan file saved with drctl plan -out FILE.',
    ]);
  }
  const isPlanFile = target.isFile();
  const interactive = process.stdin.isTTY === true && term.stderr.isTTY === true;
  if (!flags['auto-approve'] && !isPlanFile && !interactive) {
    throw new UserError('apply needs approval, and there is no terminal to ask on.', [
      'Pass -auto-approve to apply without asking (as CI does), or apply a saved plan: drctl plan -out plan.bin && drctl apply plan.bin',
    ]);
  }
  // Only a terminal gets lines cut to its width; a CI log keeps them whole (ids included).
  const lines = batchedWriter((text) => (flags.json ? term.stdout : term.stderr).write(text));
  const events = flags.json ? jsonView(lines.write) : ink ? ink.sink : plainView({ write: lines.write, width: plainWidth(term), color: term.color });
  const sink: typeof events = (e) => (e.type === 'apply.done' && !flags.json && !ink ? undefined : events(e));
  const interrupt = interruptController(term, () => {
    lines.flush();
    void ink?.pause();
  });
  try {
    const outcome = await applyService(
      {
        dir: isPlanFile ? '' : args.target,
        planFile: isPlanFile ? args.target : undefined,
        ...engineOptions(flags, argv),
        lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
        signal: interrupt.signal,
        approve: isPlanFile
          ? undefined
          : flags['auto-approve']
            ? async (plan) => {
                // As Terraform: the plan first, then the changes, even without a question between.
                if (!flags.json) {
                  lines.flush();
                  await ink?.pause();
                  term.stdout.write(renderPlanText(plan, { color: term.color, width: term.width }) + '\n');
                }
                if (ink) {
                  ink.setPlan(plan);
                  ink.resume();
                }
                return true;
              }
            : async (plan) => {
                lines.flush();
                await ink?.pause();
                term.stdout.write(renderPlanText(plan, { color: term.color, width: term.width }));
                const answer = await askLine(
                  term,
                  "\nDo you want to perform these actions?\n  drctl will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
                );
                if (answer === 'yes' && ink) {
                  ink.setPlan(plan);
                  ink.resume();
                }
                return answer === 'yes';
              },
      },
      engineContext(sink, term),
    ).finally(() => ink?.stop());
    lines.flush();
    // Warnings too, as Terraform's apply prints them: production running where the
    // configuration does not say is one (plan/declarative.ts roleDisagreements).
    term.stderr.write(renderDiagnosticsText(outcome.diagnostics, outcome.sources, term.color, term.width));
    if (!outcome.plan) exit(1);
    if (outcome.cancelled) {
      term.stdout.write('\nApply cancelled.\n');
      exit(1);
    }
    const r = outcome.result!;
    if (!flags.json) {
      if (
        flags['auto-approve'] &&
        outcome.plan!.summary.add + outcome.plan!.summary.change + outcome.plan!.summary.destroy === 0 &&
        outcome.plan!.moves.length === 0
      ) {
        term.stdout.write('No changes. Your DR configuration matches the recorded state.\n');
      }
      const line = plainEventLine(
        { type: 'apply.done', t: 0, succeeded: r.succeeded, failed: r.failed, skipped: r.skipped, cancelled: r.cancelled, elapsedMs: 0 },
        term.color,
      );
      if (line) term.stdout.write(line.replace(/ in 0ms\./, '.') + '\n');
      for (const f of r.results.filter((x) => x.status === 'failed')) term.stdout.write(`  ${f.address}: ${f.error}\n`);
      // Declarative moves (flipped site roles) run after the resource changes.
      for (const m of outcome.moves ?? []) {
        const what = `${m.runbook.kind === 'failover' ? 'Failover' : 'Failback'} ${m.runbook.from} → ${m.runbook.to}`;
        if (!m.ok) term.stdout.write(`${what} did not complete: ${m.error}\n  The roles in state are unchanged; fix the cause and apply again.\n`);
        else if (m.move?.record) term.stdout.write(`${what} succeeded (run ${m.move.record.run}); roles recorded. Record: ${m.move.recordFile}\n`);
        else term.stdout.write(`${what}: ${m.move?.message ?? m.runbook.note ?? 'nothing to move'}; roles recorded.\n`);
      }
      // As Terraform: the outputs last, once the apply has recorded them (not after a failure).
      if (r.failed === 0 && !r.interrupted) {
        const { renderOutputsAfterApply } = await import('../tui/views/outputs.js');
        term.stdout.write(renderOutputsAfterApply(outcome.plan!.outputs as Record<string, { value: unknown; sensitive: boolean }>, term.color));
      }
    }
    if (r.interrupted || outcome.moves?.some((m) => m.move?.record?.outcome === 'interrupted')) exit(130);
    if (r.failed > 0 || outcome.moves?.some((m) => !m.ok)) exit(1);
  } finally {
    lines.flush();
    interrupt.dispose();
  }
}
