// `drctl verify`'s body: the readiness checks, live on a terminal, then the verdict. With
// --json, the DR commands' one JSON shape (commands/dr.ts drJson): the report is the result's data.
import type { ParsedFlags, VERIFY_FLAG_SPECS } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { drJson, drRunView } from './dr.js';
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
  const json = drJson(term, 'verify', flags.json);
  await json.run(async () => {
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
    const verdict = out.report ? renderVerify(out.report).trimEnd().split('\n').pop()! : undefined;
    if (out.report) {
      view.verified(out.report);
      view.result(out.report.ready, verdict!);
    }
    await view.stop();
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    term.stderr.write(renderDiagnosticsText(errors, out.sources, term.color, term.width));
    if (!out.report) {
      json.diagnostics(errors);
      json.result({ ok: false, exitCode: 1, summary: 'The configuration has errors: nothing was checked.' });
      exit(1);
    }
    const report = out.report!;
    if (flags.json) json.result({ ok: report.ready, exitCode: report.ready ? 0 : 1, summary: verdict!, data: report });
    // The live view has shown every check; a terminal that also shows stdout gets the verdict once.
    else term.stdout.write(view.live && term.stdout.isTTY ? verdict + '\n' : renderVerify(report));
    if (!report.ready) exit(1);
  });
}
