// `npm run bench`: every benchmark in bench/, one after another; each prints its own medians and
// exits non-zero when it misses one of its targets (or fails to run), and so does this script.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = [
  'parse.bench.mjs',
  'config.bench.mjs',
  'provider.bench.mjs',
  'state.bench.mjs',
  'encryption.bench.mjs',
  'engine.bench.mjs',
  'dr.bench.mjs',
  'tui.bench.mjs',
];
const failed = [];
let ran = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.startsWith(o))) continue;
  ran++;
  const file = path.join(here, b);
  if (!existsSync(file)) {
    failed.push(`${b} (missing)`);
    continue;
  }
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(`${b} (${r.signal ?? `exit ${r.status}`})`);
}
if (ran === 0) {
  console.error(`bench: no benchmark matches ${only.join(' ')} (one of: ${benches.map((b) => b.replace('.bench.mjs', '')).join(', ')})`);
  process.exit(2);
}
console.log(failed.length ? `\nbench: targets missed or benchmark failed: ${failed.join(', ')}` : '\nbench: no target missed');
process.exit(failed.length ? 1 : 0);
