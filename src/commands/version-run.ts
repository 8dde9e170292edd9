// `drctl version` (and `drctl -version`): as `terraform version` prints it.
import type { ParsedFlags, VERSION_FLAG_SPECS } from './flag-specs.js';
import { DRCTL_VERSION } from '../services/index.js';

export function versionText(json: boolean): string {
  const platform = `${process.platform}_${process.arch}`;
  if (json) return JSON.stringify({ drctl_version: DRCTL_VERSION, platform, node_version: process.version }, null, 2) + '\n';
  return `drctl v${DRCTL_VERSION || 'unknown'}\non ${platform} (Node.js ${process.version})\n`;
}

export function runVersion(flags: ParsedFlags<typeof VERSION_FLAG_SPECS>): void {
  process.stdout.write(versionText(flags.json));
}
