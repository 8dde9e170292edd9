// `npm run bench`: every benchmark in bench/, one after another; each prints its own medians.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = ['parse.bench.mjs', 'config.bench.mjs', 'provider.bench.mjs', 'state.bench.mjs', 'encryption.bench.mjs', 'engine.bench.mjs', 'dr.bench.mjs', 'tui.bench.mjs'];
let failed = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.startsWith(o))) continue;
  const file = path.join(here, b);
  if (!existsSync(file)) continue;
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
