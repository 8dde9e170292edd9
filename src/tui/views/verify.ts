// The verify report as text: a line per check, then the verdict.
import type { VerifyReport } from '../../lifecycle/index.js';

export function renderVerify(r: VerifyReport): string {
  const lines = r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(13)} ${c.subject}: ${c.message}`);
  lines.push(r.ready ? `Ready: production at ${r.active} can move to ${r.standby}.` : `Not ready: ${r.checks.filter((c) => !c.ok).length} check(s) failed.`);
  return lines.join('\n') + '\n';
}
