// `drctl verify`'s body: the readiness checks, live on a terminal, then the verdict.
import type { ParsedFlags, VERIFY_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { drRunView } from './dr.js';
import { lockTimeoutMs } from './engine.js';
import { verifyService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runVerify(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof VERIFY_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { renderVerify } = await views.verify();
  const { renderDiagnosticsText } = await views.diagnostics();
  const view = await drRunView(term, flags.json, 'drctl verify');
  const out = await verifyService(
    { dir: args.dir, vars: varInputsFromArgv(argv), statePath: flags.state, lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']) },
    view.ctx,
  ).catch(async (e: unknown) => {
    await view.stop();
    throw e;
  });
  if (out.report) {
    view.verified(out.report);
    view.result(out.report.ready, renderVerify(out.report).trimEnd().split('\n').pop()!);
  }
  await view.stop();
  term.stderr.write(
    renderDiagnosticsText(
      out.diagnostics.filter((d) => d.severity === 'error'),
      out.sources,
      term.color,
      term.width,
    ),
  );
  if (!out.report) exit(1);
  if (flags.json) term.stdout.write(JSON.stringify(out.report, null, 2) + '\n');
  // The live view has shown every check; a terminal that also shows stdout gets the verdict once.
  else term.stdout.write(view.live && term.stdout.isTTY ? renderVerify(out.report!).trimEnd().split('\n').pop()! + '\n' : renderVerify(out.report!));
  if (!out.report!.ready) exit(1);
}
