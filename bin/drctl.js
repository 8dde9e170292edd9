#!/usr/bin/env node
// Entry point: the bundled CLI (scripts/bundle.mjs; `npm run build` makes it). A plain plan or
// apply runs from the one-file fast bundle (src/cli/fast-main.ts); everything else, and any
// plan or apply it declines (help, unusual flags), from the full bundle with oclif.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const args = process.argv.slice(2);
if (!((args[0] === 'plan' || args[0] === 'apply') && (await runFastBundle(args)))) {
  const { main } = await import('../dist/bundle/drctl.js');
  await main(args, import.meta.url);
}

/**
 * Runs dist/bundle/fast.cjs with a V8 code cache beside it (written after a run that had none,
 * or whose cache V8 refused: another node, or a rebuilt bundle). The cache spares compiling the
 * bundle's functions on every start; without a writable directory it is simply not kept.
 */
async function runFastBundle(argv) {
  const file = new URL('../dist/bundle/fast.cjs', import.meta.url);
  const filename = fileURLToPath(file);
  const cacheFile = fileURLToPath(new URL('../dist/bundle/fast.cache', import.meta.url));
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __drctlUrl) {${readFileSync(file, 'utf8')}\n})`, {
    filename,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, filename, fileURLToPath(new URL('.', file)), file.href);
  const handled = await module.exports.fastMain(argv);
  if (cachedData === undefined || script.cachedDataRejected) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
  return handled;
}
