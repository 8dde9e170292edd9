// oclif's own start path, loaded only when the fast path declines (see main.ts).
import { flush, run } from '@oclif/core';

export async function runOclif(argv: readonly string[], binUrl: string): Promise<void> {
  await run([...argv], binUrl);
  await flush();
}
