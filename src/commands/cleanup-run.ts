// `drctl cleanup`'s body.
import type { CLEANUP_FLAG_SPECS, ParsedFlags } from './flag-specs.js';
import { processTerminal, type Exit } from './terminal.js';
import { varInputsFromArgv } from './inputs.js';
import { drContext, drJson } from './dr.js';
import { lockTimeoutMs } from './engine.js';
import { cleanupService } from '../services/index.js';
import { views } from '../tui/index.js';

export async function runCleanupCommand(
  args: { readonly dir: string },
  flags: ParsedFlags<typeof CLEANUP_FLAG_SPECS>,
  argv: readonly string[],
  exit: Exit,
): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const json = drJson(term, 'cleanup', flags.json);
  await json.run(async () => {
    const { renderDiagnosticsText } = await views.diagnostics();
    const out = await cleanupService(
      { dir: args.dir, vars: varInputsFromArgv(argv), statePath: flags.state, lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']) },
      drContext(term, flags.json),
    );
    term.stderr.write(
      renderDiagnosticsText(
        out.diagnostics.filter((d) => d.severity === 'error'),
        out.sources,
        term.color,
        term.width,
      ),
    );
    if (!out.result) {
      json.diagnostics(out.diagnostics.filter((d) => d.severity === 'error'));
      json.result({ ok: false, exitCode: 1, summary: 'The configuration has errors: nothing was cleaned up.' });
      exit(1);
    }
    const r = out.result!.removed;
    const summary =
      r.vms.length + r.volumes.length + r.networks.length === 0
        ? 'No drill leftovers.'
        : `Removed ${r.vms.length} VM(s), ${r.volumes.length} volume(s), ${r.networks.length} network(s).`;
    if (flags.json) json.result({ ok: true, exitCode: 0, summary, data: out.result, recordFile: out.recordFile });
    else term.stdout.write(summary + '\n');
  });
}
