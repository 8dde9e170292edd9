// Tests that spawn bin/drctl.js run the bundle; rebuild it first when a source file is newer, so
// a test run after editing src/ (without `npm run build`) still runs the code it is testing.
import { fileURLToPath } from 'node:url';

export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain .mjs script without type declarations
  const { bundle } = (await import('../scripts/bundle.mjs')) as { bundle: (root: string, o: { ifStale: boolean }) => Promise<boolean> };
  await bundle(fileURLToPath(new URL('..', import.meta.url)), { ifStale: true });
}
