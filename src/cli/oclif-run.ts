// oclif's own start path, loaded only when the fast path declines (see main.ts).
import { flush, run } from '@oclif/core';
import { COMMANDS } from '../commands/index.js';
import { routeCommandLine } from './route.js';

export async function runOclif(argv: readonly string[], binUrl: string): Promise<void> {
  await run(routeCommandLine(argv, Object.keys(COMMANDS)), binUrl);
  await flush();
}
