// The bodies of `drctl audit verify` and `drctl audit list`.
import type { AUDIT_LIST_FLAG_SPECS, AUDIT_VERIFY_FLAG_SPECS, ParsedFlags } from '../flag-specs.js';
import { processTerminal, type Exit, type Terminal } from '../terminal.js';
import { located } from '../state/location.js';
import { listAuditService, verifyAuditService } from '../../services/index.js';

const where = (term: Terminal, flags: { readonly dir?: string; readonly state?: string }) => ({
  dir: flags.dir,
  statePath: flags.state,
  cwd: term.cwd,
  env: term.env,
});

/** Exit 0 when the chain is whole (and matches the anchor), 1 when not. */
export async function runAuditVerify(flags: ParsedFlags<typeof AUDIT_VERIFY_FLAG_SPECS>, _argv: readonly string[], exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { verification: v, location } = await located(term, await verifyAuditService(where(term, flags), { anchor: flags.anchor }));
  if (flags.json) {
    term.stdout.write(JSON.stringify(v.ok ? { ok: true, count: v.count, head: v.head } : { ok: false, count: v.count, problem: v.problem }, null, 2) + '\n');
  } else if (v.ok) {
    term.stdout.write(
      v.head
        ? `The audit log at ${location} holds ${v.count} record${v.count === 1 ? '' : 's'}, and its hash chain is whole${flags.anchor ? ' up to the anchor and beyond' : ''}.\n` +
            `Head: ${v.head.seq}:${v.head.hash}\n  Keep the head somewhere else; a later "drctl audit verify -anchor ${v.head.seq}:${v.head.hash}" also finds removed newest records.\n`
        : `The audit log at ${location} is empty.\n`,
    );
  } else {
    term.stderr.write(
      `Error: The audit log at ${location} has been tampered with (${v.problem.reason}): ${v.problem.message}\n\n  Restore it from a copy; record ${v.problem.line} is the first that does not hold.\n`,
    );
  }
  if (!v.ok) exit(1);
}

export async function runAuditList(flags: ParsedFlags<typeof AUDIT_LIST_FLAG_SPECS>, _argv: readonly string[], _exit: Exit): Promise<void> {
  const term = processTerminal(flags['no-color']);
  const { records, unreadable, hidden } = await located(term, await listAuditService(where(term, flags), { limit: flags.limit, workspace: flags.workspace }));
  if (flags.json) term.stdout.write(records.map((r) => JSON.stringify(r) + '\n').join(''));
  else {
    for (const r of records) {
      term.stdout.write(`${r.seq}\t${r.time}\t${r.who} (${r.via})\t${r.action}\t${r.workspace}\t${r.outcome}${r.detail ? `\t${r.detail}` : ''}\n`);
    }
    if (records.length === 0) term.stderr.write('No audit records.\n');
  }
  if (hidden > 0) term.stderr.write(`${hidden} record${hidden === 1 ? '' : 's'} of workspaces you may not read the audit of left out.\n`);
  if (unreadable > 0) term.stderr.write(`Warning: ${unreadable} line${unreadable === 1 ? ' is' : 's are'} not audit records; drctl audit verify says where.\n`);
}
